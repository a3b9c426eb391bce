# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connection wizard, against the fake Twilio server."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import FROM_NUMBER, TwilioCommon


@tagged("post_install", "-at_install")
class TestWizard(TwilioCommon):
    def _wizard(self):
        return self.env["sms.retention.twilio.wizard"].create(
            {"company_id": self.company.id}
        )

    def test_check_lists_numbers_and_sets_webhooks(self):
        wizard = self._wizard()
        self.assertEqual(
            wizard.inbound_url, "https://odoo.example.com/sms_retention_twilio/inbound"
        )
        self.assertEqual(
            wizard.status_url, "https://odoo.example.com/sms_retention_twilio/status"
        )
        wizard.action_check()
        self.assertEqual(wizard.account_status, "active")
        self.assertEqual(wizard.number_ids.mapped("phone_number"), [FROM_NUMBER])
        wizard.number_ids.action_set_webhooks()
        incoming = next(iter(self.fake.incoming.values()))
        self.assertEqual(incoming["sms_url"], wizard.inbound_url)
        self.assertEqual(incoming["status_callback"], wizard.status_url)

    def test_bad_credentials_and_test_sms(self):
        wizard = self._wizard()
        self.company.sms_retention_twilio_auth_token = "wrong"
        with self.assertRaisesRegex(UserError, "20003"):
            wizard.action_check()
        self.company.sms_retention_twilio_auth_token = False
        with self.assertRaises(UserError):
            wizard.action_check()
        self.company.sms_retention_twilio_auth_token = self.fake.auth_token
        wizard.test_number = "+12125550199"
        wizard.action_send_test()
        self.assertIn("Sent", wizard.result)
        self.assertCreates(1, "+12125550199")

    def test_token_is_for_administrators_only(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesperson).read(
                ["sms_retention_twilio_auth_token"]
            )
        self.assertNotIn(
            "sms_retention_twilio_auth_token",
            self.company.with_user(self.salesperson).fields_get(),
        )
