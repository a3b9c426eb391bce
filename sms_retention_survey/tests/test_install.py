# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_with_its_dependencies(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "sms_retention_survey")]
        )
        self.assertEqual(module.state, "installed")
        depends = set(module.dependencies_id.mapped("name"))
        self.assertEqual(depends, {"sms_retention", "survey"})
        self.assertEqual(
            set(module.dependencies_id.depend_id.mapped("state")), {"installed"}
        )

    def test_demo_survey_sms_speak_the_customers_language(self):
        """The demo's exit survey reaches its Chinese customers in Chinese:
        the addon's terms are loaded before its SMS go out."""
        campaign = self.env.ref(
            "sms_retention.sms_retention_campaign_exit", raise_if_not_found=False
        )
        if not self.env.ref(
            "sms_retention_survey.sale_order_survey_demo_1", raise_if_not_found=False
        ):
            self.skipTest("no demo data")
        messages = self.env["sms.retention.message"].search(
            [
                ("campaign_id", "=", campaign.id),
                ("partner_id.lang", "=", "zh_CN"),
                ("body", "!=", False),
            ]
        )
        self.assertTrue(messages)
        for message in messages:
            self.assertIn("很遗憾您要离开", message.body)
            self.assertNotIn("sorry", message.body)
