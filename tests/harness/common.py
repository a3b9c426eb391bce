# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An out-of-transaction harness: a scratch database and real Odoo processes.

pytest-odoo runs tests inside Odoo's test transaction, where nothing commits
and everything shares one cursor. Concurrency needs the opposite: real
commits, on a database of our own, from separate OS processes. This module

* builds that database with ``setup/dev/devenv.py`` (copy of the template,
  the three addons installed), and drops it afterwards;
* starts Odoo processes (the virtualenv's python running
  :mod:`odoo_runner`) that each run a Python snippet, optionally all released
  at the same moment by a barrier file, and reads back their JSON result;
* queries the database with ``psql``, from outside any Odoo transaction.
"""

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEVENV_PATH = REPO / "setup" / "dev" / "devenv.py"
RUNNER = HERE / "odoo_runner.py"
DB_PREFIX = "smsr_harness_"
PROBLEM_LINE = re.compile(r"\s(ERROR|CRITICAL)\s|^Traceback|Error:")

# One line of figures per scenario, printed at the end of the pytest run.
FIGURES = []


class HarnessError(RuntimeError):
    """The harness itself could not do its job (not a finding about the code)."""


def load_devenv():
    spec = importlib.util.spec_from_file_location("smsr_devenv", DEVENV_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _devenv_call(func, *args, **kwargs):
    """devenv helpers ``sys.exit()`` on failure: turn that into an exception."""
    try:
        return func(*args, **kwargs)
    except SystemExit as exc:
        raise HarnessError(f"{func.__name__} failed (exit {exc.code})") from None


@dataclass
class Outcome:
    """How one Odoo process ended."""

    name: str
    returncode: int
    result: dict
    timing: dict
    log: str
    seconds: float

    @property
    def problems(self):
        """ERROR/CRITICAL/traceback lines of the process's log."""
        return [line for line in self.log.splitlines() if PROBLEM_LINE.search(line)]

    def describe(self, tail=40):
        lines = self.log.splitlines()[-tail:]
        return (
            f"process {self.name}: exit {self.returncode}, {self.seconds:.1f}s\n"
            + "\n".join(lines)
        )


@dataclass
class OdooProcess:
    name: str
    popen: subprocess.Popen
    log_path: Path
    result_file: Path
    ready: str | None = None
    started: float = field(default_factory=time.time)

    def wait(self, timeout=120):
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise HarnessError(
                f"process {self.name} still running after {timeout}s; see "
                f"{self.log_path}"
            ) from None
        data = {}
        if self.result_file.exists():
            data = json.loads(self.result_file.read_text())
        return Outcome(
            name=self.name,
            returncode=self.popen.returncode,
            result=data.get("result", {}),
            timing=data.get("timing", {}),
            log=self.log_path.read_text(errors="replace"),
            seconds=time.time() - self.started,
        )

    def kill(self):
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=30)


class Harness:
    """The scratch database, and Odoo processes working on it."""

    def __init__(self, devenv, pg, config, db, workdir):
        self.devenv, self.pg, self.config, self.db = devenv, pg, config, db
        self.workdir = workdir
        self.logdir = devenv.LOCAL / "logs" / "harness" / db
        shutil.rmtree(self.logdir, ignore_errors=True)
        self.logdir.mkdir(parents=True)
        self.processes = []
        self._seq = 0

    # -- SQL, from outside Odoo ------------------------------------------

    def sql(self, query):
        """Rows of ``query`` as tuples of strings (psql, autocommit)."""
        res = subprocess.run(
            [self.devenv.pg_bin("psql"), "-X", "-qAt", "-F", "\t",
             "-v", "ON_ERROR_STOP=1", "-d", self.db, "-c", query],
            env=self.pg.env(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        if res.returncode:
            raise HarnessError(f"psql failed: {res.stderr.strip()}\n{query}")
        return [tuple(line.split("\t")) for line in res.stdout.splitlines() if line]

    def sql_value(self, query):
        rows = self.sql(query)
        return int(rows[0][0]) if rows and rows[0][0] != "" else None

    def make_due(self, scenario):
        """Make a planned scenario's messages due (a minute ago), now.

        Returns the scenario with ``sandbox_baseline``: the sandbox rows
        above it are the ones this scenario sends.
        """
        campaign = scenario["campaign_id"]
        self.sql(
            "UPDATE sms_retention_message SET planned_at = "
            "(now() AT TIME ZONE 'UTC') - interval '1 minute' "
            f"WHERE campaign_id = {campaign}"
        )
        others_due = self.sql_value(
            "SELECT count(*) FROM sms_retention_message WHERE state = 'scheduled' "
            f"AND campaign_id <> {campaign} "
            "AND planned_at <= (now() AT TIME ZONE 'UTC')"
        )
        if others_due:
            raise HarnessError(f"{others_due} other messages are due too")
        baseline = self.sql_value(
            "SELECT COALESCE(MAX(id), 0) FROM sms_retention_sandbox_message"
        )
        return dict(scenario, sandbox_baseline=baseline)

    def wait_for_no_backends(self, timeout=30):
        """Wait until no session is connected to the database (but ours).

        A process killed hard leaves its backend until PostgreSQL notices
        the closed socket; its row locks go with it.
        """
        deadline = time.time() + timeout
        query = (
            "SELECT count(*) FROM pg_stat_activity "
            f"WHERE datname = '{self.db}' AND pid <> pg_backend_pid()"
        )
        while self.sql_value(query):
            if time.time() > deadline:
                raise HarnessError(f"sessions still open on {self.db}: {query}")
            time.sleep(0.05)

    # -- Odoo processes --------------------------------------------------

    def start(self, name, code, params=None, barrier=None):
        """Start an Odoo process running ``code``; see :mod:`odoo_runner`."""
        self._seq += 1
        tag = f"{self._seq:02d}-{name}"
        code_file = self.workdir / f"{tag}.py"
        code_file.write_text(code)
        spec = {
            "config": str(self.config),
            "db": self.db,
            "code_file": str(code_file),
            "result_file": str(self.workdir / f"{tag}.json"),
            "params": params or {},
        }
        if barrier:
            spec["barrier"] = str(barrier)
            spec["ready"] = str(self.workdir / f"{tag}.ready")
        spec_file = self.workdir / f"{tag}.spec.json"
        spec_file.write_text(json.dumps(spec))
        log_path = self.logdir / f"{tag}.log"
        with open(log_path, "w") as log:
            popen = subprocess.Popen(
                [str(self.devenv.venv_python()), str(RUNNER), str(spec_file)],
                cwd=HERE,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        process = OdooProcess(
            name, popen, log_path, Path(spec["result_file"]), spec.get("ready")
        )
        self.processes.append(process)
        return process

    def run(self, name, code, params=None, timeout=180):
        """Run ``code`` in an Odoo process to completion; return its result."""
        outcome = self.start(name, code, params).wait(timeout)
        if outcome.returncode or "error" in outcome.result:
            raise HarnessError(outcome.result.get("error") or outcome.describe())
        return outcome.result

    def start_together(self, jobs, timeout=120):
        """Start ``(name, code, params)`` jobs, released at the same moment.

        Each process loads its registry, then says it is ready and waits
        for the barrier file; the barrier appears once all are ready.
        """
        barrier = self.workdir / f"barrier-{self._seq + 1:02d}"
        processes = [
            self.start(name, code, params, barrier=barrier)
            for name, code, params in jobs
        ]
        deadline = time.time() + timeout
        while not all(Path(p.ready).exists() for p in processes):
            dead = [p for p in processes if p.popen.poll() is not None]
            if dead or time.time() > deadline:
                for process in processes:
                    process.kill()
                details = "\n".join(p.wait(1).describe() for p in processes)
                raise HarnessError(f"processes not ready for the barrier:\n{details}")
            time.sleep(0.02)
        barrier.touch()
        return processes

    @contextlib.contextmanager
    def http_server(self):
        """An Odoo HTTP server on the database (threaded, as ``odoo -c``),
        on a free port of 127.0.0.1; yield its URL once it answers."""
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = open(self.logdir / "odoo-http.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            self.devenv.odoo_cmd(
                self.config,
                "-d", self.db, f"--db-filter=^{self.db}$",
                f"--http-port={port}", "--http-interface=127.0.0.1",
                "--max-cron-threads=0", "--workers=0", "--log-level=warn",
            ),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=dict(os.environ, **self.pg.env()), start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.time() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{url}/web/health", timeout=5)
                    break
                except OSError:  # not listening yet, or an HTTP error
                    pass
                if server.poll() is not None or time.time() > deadline:
                    raise HarnessError("the Odoo HTTP server did not start (its log)")
                time.sleep(0.5)
            yield url
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()

    def close(self):
        for process in self.processes:
            process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, share):
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _drop_stale(devenv, pg):
    """Drop harness databases (and logs) of runs whose process is gone."""

    def stale(name):
        pid = name[len(DB_PREFIX) :]
        return not (pid.isdigit() and Path(f"/proc/{pid}").exists())

    for name in _devenv_call(pg.databases, f"{DB_PREFIX}%"):
        if stale(name):
            _devenv_call(pg.dropdb, name)
    for logdir in (devenv.LOCAL / "logs" / "harness").glob(f"{DB_PREFIX}*"):
        if stale(logdir.name):
            shutil.rmtree(logdir, ignore_errors=True)


def _snapshot_addons(devenv, odoo_src, pg, workdir):
    """Copy the addons and write a configuration that loads the copy.

    The addons are being edited while the harness runs: the install and
    every process of the run then see the same code.
    """
    addons = workdir / "addons"
    for addon in devenv.ADDONS:
        shutil.copytree(
            REPO / addon, addons / addon, ignore=shutil.ignore_patterns("__pycache__")
        )
    paths = [str(addons)]
    if (odoo_src / "addons").is_dir():
        paths.append(str(odoo_src / "addons"))
    return devenv.write_config(
        odoo_src, pg, f"odoo-harness-{os.getpid()}.conf", addons_path=",".join(paths)
    )


def harness_session():
    """Generator for a session fixture: yield a :class:`Harness`, then clean up."""
    devenv = load_devenv()
    t0 = time.time()
    odoo_src, pg, config = _devenv_call(devenv.provision)
    template = _devenv_call(devenv.ensure_template, odoo_src, pg, config)
    _drop_stale(devenv, pg)
    db = f"{DB_PREFIX}{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix=f"{db}_"))
    config = _snapshot_addons(devenv, odoo_src, pg, workdir)
    harness = Harness(devenv, pg, config, db, workdir)
    try:
        _devenv_call(pg.copydb, template, db)
        _devenv_call(
            devenv.odoo_run_logged,
            config,
            ["-d", db, "-i", ",".join(devenv.addons_under_test()), "--stop-after-init"],
            devenv.LOCAL / "logs" / "harness-install.log",
        )
        FIGURES.append(
            f"harness database {db}: copied and addons installed in "
            f"{time.time() - t0:.1f}s"
        )
        yield harness
    finally:
        harness.close()
        config.unlink(missing_ok=True)
        if os.environ.get("SMSR_HARNESS_KEEP_DB"):
            FIGURES.append(f"kept the harness database {db} (SMSR_HARNESS_KEEP_DB)")
        else:
            _devenv_call(pg.dropdb, db)
            shutil.rmtree(devenv.LOCAL / "data" / "filestore" / db, ignore_errors=True)
