# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio settings and numbers in a real browser (Chromium, Odoo's tour runner)."""

from odoo.tests import new_test_user, tagged

from odoo.addons.sms_retention.tests.common import SmsRetentionTourCase

from .common import FROM_NUMBER, MockTwilio
from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN


@tagged("post_install", "-at_install")
class TestTwilioUiTours(SmsRetentionTourCase, MockTwilio):
    def test_settings_tour(self):
        company = self.env.ref("base.main_company")
        company.write(
            {
                "sms_retention_provider": "sms_retention_twilio",
                "sms_retention_twilio_account_sid": ACCOUNT_SID,
                "sms_retention_twilio_auth_token": AUTH_TOKEN,
                "sms_retention_twilio_from_number": FROM_NUMBER,
                "sms_retention_twilio_api_url": self.fake.url,
                "sms_retention_twilio_public_url": "https://odoo.example.com",
            }
        )
        self.start_tour("/web", "sms_retention_twilio_settings_tour", login="admin")
        self.assertEqual(
            company.sms_retention_twilio_public_url, "http://127.0.0.1:8069"
        )

    def test_company_tour(self):
        companies = self.env["res.company"].create(
            [{"name": "Company A"}, {"name": "Company B"}]
        )
        self.env["sms.retention.twilio.sender"].create(
            [
                {"company_id": companies[0].id, "number": "+15005550106"},
                {"company_id": companies[1].id, "number": "+15005550107"},
            ]
        )
        new_test_user(
            self.env,
            login="tour.twilio.a",
            groups="sms_retention.group_sms_retention_manager",
            company_id=companies[0].id,
            company_ids=[(6, 0, companies[0].ids)],
        )
        self.start_tour(
            "/web", "sms_retention_twilio_company_tour", login="tour.twilio.a"
        )
