# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test layers: mock (the fake Twilio server), asserts, fixtures (a company
on Twilio), on top of ``sms_retention``'s own layers."""

from unittest.mock import patch

from odoo.tests import common

from odoo.addons.sms_retention.tests.common import SmsRetentionCommon

from ..providers import sms_api_twilio
from ..providers.sms_api_twilio import SmsApiTwilio
from ..tools import signature, urls
from ..tools.pacing import Pacer
from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

FROM_NUMBER = "+15005550006"


class VirtualClock:
    """Time that passes only when the sender waits: the pacing and the
    retries' waits are recorded in ``waits`` and advance ``now``, instantly."""

    def __init__(self):
        self.now = 0.0
        self.waits = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += max(seconds, 0.0)


class MockTwilio(common.BaseCase):
    """A fake Twilio server on 127.0.0.1 for the class; fresh state per test,
    and a virtual clock for the sender's waits (``self.clock``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeTwilio(numbers=(FROM_NUMBER,)).start()
        cls.addClassCleanup(cls.fake.stop)

    def setUp(self):
        super().setUp()
        with self.fake.lock:
            self.fake.messages.clear()
            self.fake.requests.clear()
            self.fake.faults.clear()
            self.fake.number_errors.clear()
        # The sender paces and retries on the virtual clock: no real sleep.
        self.clock = VirtualClock()
        pacer = Pacer(clock=self.clock.monotonic, sleep=self.clock.sleep)
        for patcher in (
            patch.object(sms_api_twilio, "PACER", pacer),
            patch.object(SmsApiTwilio, "_sleep", staticmethod(self.clock.sleep)),
        ):
            patcher.start()
            self.addCleanup(patcher.stop)


class TwilioCase(MockTwilio):
    """Asserts on what reached Twilio and what Odoo recorded."""

    def _attempt(self, sms_or_uuid):
        uuid = sms_or_uuid if isinstance(sms_or_uuid, str) else sms_or_uuid.uuid
        # Webhook requests write through another environment (same cursor).
        self.env.invalidate_all()
        return self.env["sms.retention.twilio.attempt"].search(
            [("sms_uuid", "=", uuid)]
        )

    def assertCreates(self, count, to=None):
        self.assertEqual(
            len(self.fake.creates(to)),
            count,
            f"expected {count} Messages create requests to {to or 'anyone'}",
        )

    def _signed_post(self, path, params, token=AUTH_TOKEN, query="", url=None,
                     headers=None):  # fmt: skip
        """POST ``params`` to Odoo's ``path``, signed as Twilio would sign it
        for ``url`` (default: the company's public URL)."""
        public = signature.public_url(
            url or self.company.sms_retention_twilio_public_url, path, query
        )
        all_headers = {
            "X-Twilio-Signature": signature.compute_signature(token, public, params)
        }
        all_headers.update(headers or {})
        return self.url_open(
            path + (f"?{query}" if query else ""),
            data=params,
            headers=all_headers,
        )


class TwilioCommon(SmsRetentionCommon, TwilioCase):
    """The sandbox company of ``SmsRetentionCommon``, moved to Twilio (fake)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "sms_retention_provider": "sms_retention_twilio",
                "sms_retention_twilio_account_sid": ACCOUNT_SID,
                "sms_retention_twilio_auth_token": AUTH_TOKEN,
                "sms_retention_twilio_from_number": FROM_NUMBER,
                "sms_retention_twilio_api_url": cls.fake.url,
                "sms_retention_twilio_public_url": "https://odoo.example.com",
                "sms_retention_twilio_rate": 0,
                "sms_retention_twilio_timeout": 2,
            }
        )

    def _sms(self, number="+12125550101", body="Hello from the shop", **vals):
        return (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": number,
                    "body": body,
                    "sms_retention_company_id": self.company.id,
                    **vals,
                }
            )
        )

    def _send(self, sms):
        sms.send(unlink_sent=False, unlink_failed=False)
        sms.invalidate_recordset()
        return sms

    @staticmethod
    def _callback_uuid(form):
        return form["StatusCallback"].split("uuid=")[-1]

    @staticmethod
    def status_url(uuid):
        return urls.webhook_url("https://odoo.example.com", urls.STATUS_PATH, uuid=uuid)
