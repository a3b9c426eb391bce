# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio settings: the connection test saves first; unreachable URLs flagged."""

from lxml import etree

from odoo.tests import tagged

from .common import TwilioCommon


@tagged("post_install", "-at_install")
class TestTwilioSettings(TwilioCommon):
    def test_test_connection_saves_then_opens_the_wizard(self):
        settings = self.env["res.config.settings"].create({})
        settings.sms_retention_twilio_public_url = "https://sms.example.com"
        action = settings.action_sms_retention_twilio_test_connection()
        self.assertEqual(
            self.company.sms_retention_twilio_public_url, "https://sms.example.com"
        )
        self.assertEqual(action["res_model"], "sms.retention.twilio.wizard")
        self.assertEqual(action["target"], "new")
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(wizard.company_id, self.company)
        self.assertEqual(
            wizard.inbound_url, "https://sms.example.com/sms_retention_twilio/inbound"
        )

    def test_test_connection_button_skips_the_save_dialog(self):
        """The settings form asks to save before an action button, then
        reloads instead of running it: the button saves by itself."""
        arch = etree.fromstring(
            self.env["res.config.settings"].get_view(
                self.env.ref("base.res_config_settings_view_form").id
            )["arch"]
        )
        [button] = arch.xpath(
            "//button[@name='action_sms_retention_twilio_test_connection']"
        )
        self.assertEqual(button.get("type"), "object")
        self.assertTrue(button.get("noSaveDialog"))

    def test_unreachable_public_url_is_flagged_while_typing(self):
        settings = self.env["res.config.settings"].new(
            {"sms_retention_twilio_public_url": "https://odoo.example.com"}
        )
        self.assertFalse(settings.sms_retention_twilio_webhook_warning)
        settings.sms_retention_twilio_public_url = "https://10.1.2.3"
        self.assertIn(
            "10.1.2.3 is a private network address",
            settings.sms_retention_twilio_webhook_warning,
        )
        settings.sms_retention_twilio_public_url = False
        self.env["ir.config_parameter"].set_param(
            "web.base.url", "http://localhost:8069"
        )
        settings.invalidate_recordset(["sms_retention_twilio_webhook_warning"])
        self.assertIn("localhost:8069", settings.sms_retention_twilio_webhook_warning)
