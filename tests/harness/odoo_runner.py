# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run a Python snippet in its own Odoo process, against one database.

Started by :mod:`tests.harness.common` with the virtualenv's python::

    python odoo_runner.py SPEC.json

SPEC holds ``config``, ``db``, ``code_file`` (the snippet), ``result_file``
(where the snippet's ``result`` dict is written as JSON), ``params`` (given
to the snippet as ``params``) and optionally ``barrier`` and ``ready``.

The registry is loaded first; then, with a barrier, the process announces
it is ready (touches ``ready``) and waits for the ``barrier`` file, so that
several processes start working at the same moment. The snippet runs in one
cursor with ``env`` (superuser) and ``odoo_side`` as ``h``; the cursor
commits when the snippet returns, like an Odoo job. ``emit()`` writes the
result file at once (for a snippet that then hard-crashes).
"""

import json
import os
import sys
import time
import traceback
from pathlib import Path


def _write_json(path, data):
    tmp = Path(f"{path}.tmp")
    tmp.write_text(json.dumps(data, default=str))
    os.replace(tmp, path)


def main():
    spec = json.loads(Path(sys.argv[1]).read_text())
    started = time.time()
    # Only the virtualenv's python imports Odoo; odoo_side sits beside us.
    import odoo_side  # noqa: PLC0415

    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", spec["config"], "-d", spec["db"], "--log-level=info"]
    )
    registry = odoo.registry(spec["db"])
    result = {}
    timing = {"registry_seconds": round(time.time() - started, 3)}

    def emit():
        _write_json(spec["result_file"], {"result": result, "timing": timing})

    if spec.get("barrier"):
        Path(spec["ready"]).touch()
        deadline = time.time() + spec.get("barrier_timeout", 120)
        while not Path(spec["barrier"]).exists():
            if time.time() > deadline:
                raise TimeoutError(f"barrier {spec['barrier']} never appeared")
            time.sleep(0.002)
    timing["start"] = time.time()
    code = compile(Path(spec["code_file"]).read_text(), spec["code_file"], "exec")
    try:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            namespace = {
                "odoo": odoo,
                "env": env,
                "h": odoo_side,
                "params": spec.get("params", {}),
                "result": result,
                "emit": emit,
            }
            exec(code, namespace)  # noqa: S102 - the harness's own snippets
            timing["end"] = time.time()
    except Exception:
        result["error"] = traceback.format_exc()
        emit()
        raise
    timing["committed"] = time.time()
    emit()


if __name__ == "__main__":
    main()
