# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run the fake Twilio server for the demo: a local Twilio round trip.

    python tests/fake_twilio.py --port 8099 --odoo-url http://localhost:8069 \\
        --account-sid AC0123456789abcdef0123456789abcdef --auth-token secret

Then, in Odoo (Settings > SMS Retention): provider "Twilio (SMS Retention)",
the same Account SID and Auth Token, a From number (default +15005550006),
Twilio API URL ``http://127.0.0.1:8099`` (developer mode) and Public URL
``http://localhost:8069``. Sent SMS get signed ``sent`` and ``delivered``
callbacks; type ``+12125550101 STOP`` on the console to send an inbound SMS.
The server itself lives in ``sms_retention_provider_twilio/tests/`` (standard
library only), where the addon's tests import it.
"""

import argparse
import importlib.util
import sys
from pathlib import Path

MODULE = (
    Path(__file__).resolve().parents[1]
    / "sms_retention_provider_twilio"
    / "tests"
    / "fake_twilio.py"
)


def load():
    spec = importlib.util.spec_from_file_location("fake_twilio", MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    fake_twilio = load()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--odoo-url", default="http://localhost:8069")
    parser.add_argument("--account-sid", default=fake_twilio.ACCOUNT_SID)
    parser.add_argument("--auth-token", default=fake_twilio.AUTH_TOKEN)
    parser.add_argument("--number", action="append", default=None)
    parser.add_argument(
        "--no-auto-status",
        action="store_true",
        help="do not post sent/delivered callbacks for each SMS",
    )
    args = parser.parse_args(argv)
    numbers = tuple(args.number or ["+15005550006"])
    fake = fake_twilio.FakeTwilio(
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        numbers=numbers,
        port=args.port,
        odoo_url=args.odoo_url,
        auto_status=not args.no_auto_status,
    ).start()
    inbound = args.odoo_url.rstrip("/") + "/sms_retention_twilio/inbound"
    print(f"fake Twilio on {fake.url} (account {args.account_sid}, numbers "
          f"{', '.join(numbers)}); inbound SMS go to {inbound}")  # fmt: skip
    print("type '<from number> <text>' to send an inbound SMS; Ctrl-D to stop")
    try:
        for line in sys.stdin:
            sender, _sep, text = line.strip().partition(" ")
            if sender:
                status, _body, sid = fake.post_inbound(inbound, sender, text)
                print(f"inbound {sid}: HTTP {status}")
        if not sys.stdin.isatty():  # started in the background: keep serving
            fake.thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
