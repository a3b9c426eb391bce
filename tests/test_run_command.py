# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The README's run command serves a demo database with the four addons.

An external harness: it starts ``setup/dev/devenv.py run`` as a separate
process on a scratch database and port, then talks to it over HTTP.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rpc(port, session, path, params):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params}
        ).encode(),
        headers={"Content-Type": "application/json", "Cookie": session},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        cookie = response.headers.get("Set-Cookie", "")
        body = json.loads(response.read())
    assert "error" not in body, body
    return body["result"], cookie.split(";")[0] or session


def test_run_command_serves_demo_database():
    port = _free_port()
    db = f"smsr_runcheck_{os.getpid()}"
    env = dict(os.environ, SMS_RETENTION_HTTP_PORT=str(port))
    server = subprocess.Popen(
        [sys.executable, str(REPO / "setup/dev/devenv.py"), "run", "--db", db],
        cwd=REPO,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.time() + 300
        page = None
        while time.time() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/web/login", timeout=5
                ) as response:
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(1)
        assert page is not None, (
            server.stdout.read() if server.poll() is not None else ""
        )
        assert 'name="login"' in page and 'name="password"' in page

        _uid, session = _rpc(
            port,
            "",
            "/web/session/authenticate",
            {"db": db, "login": "admin", "password": "admin"},
        )
        modules, _ = _rpc(
            port,
            session,
            "/web/dataset/call_kw",
            {
                "model": "ir.module.module",
                "method": "search_read",
                "args": [
                    [("name", "like", "sms_retention"), ("state", "=", "installed")]
                ],
                "kwargs": {"fields": ["name", "demo"]},
            },
        )
        assert sorted(m["name"] for m in modules) == [
            "sms_retention",
            "sms_retention_provider_twilio",
            "sms_retention_sale_stock",
            "sms_retention_survey",
        ]
        assert all(m["demo"] for m in modules), modules
        # The demo's five due review requests are sent, or wait for the sending
        # hours of their customers' time zones (depending on the time of day).
        messages, _ = _rpc(
            port,
            session,
            "/web/dataset/call_kw",
            {
                "model": "sms.retention.message",
                "method": "search_read",
                "args": [[("sms_uuid", "!=", False)]],
                "kwargs": {"fields": ["state", "number"]},
            },
        )
        waiting, _ = _rpc(
            port,
            session,
            "/web/dataset/call_kw",
            {
                "model": "sms.retention.message",
                "method": "search_count",
                "args": [
                    [("state", "=", "scheduled"), ("defer_reason", "=", "quiet_hours")]
                ],
                "kwargs": {},
            },
        )
        sent = [m for m in messages if m["state"] == "sent"]
        assert len(sent) + waiting >= 5, (messages, waiting)
        outbox, _ = _rpc(
            port,
            session,
            "/web/dataset/call_kw",
            {
                "model": "sms.retention.sandbox.message",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["number"]},
            },
        )
        # Each sent campaign SMS is in the outbox, beside the demo's other SMS
        # (survey questions, the opt-out confirmation).
        assert not Counter(m["number"] for m in sent) - Counter(
            o["number"] for o in outbox
        ), (sent, outbox)
        # The demo tells the story: replies of every kind, a survey answered.
        for domain, what in (
            ([("state", "=", "unmatched")], "an unmatched reply"),
            ([("classification", "=", "complaint")], "a complaint"),
            ([("classification", "=", "stop")], "an opt-out"),
            ([("handle_state", "=", "todo")], "a reply to answer"),
        ):
            count, _ = _rpc(
                port,
                session,
                "/web/dataset/call_kw",
                {
                    "model": "sms.retention.inbound",
                    "method": "search_count",
                    "args": [domain],
                    "kwargs": {},
                },
            )
            assert count >= 1, f"the demo shows {what}"
        answered, _ = _rpc(
            port,
            session,
            "/web/dataset/call_kw",
            {
                "model": "survey.user_input",
                "method": "search_count",
                "args": [[("channel", "=", "sms"), ("state", "=", "done")]],
                "kwargs": {},
            },
        )
        assert answered >= 1, "the demo shows survey answers by SMS"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-d",
                "postgres",
                "-c",
                f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)',
            ],
            check=False,
        )
        for stamp in (REPO / ".local").glob(f"{db}.*"):
            stamp.unlink()
        shutil.rmtree(REPO / ".local" / "data" / "filestore" / db, ignore_errors=True)
