# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestConversation(SmsRetentionCommon):
    def _answer(self, partner, body):
        action = partner.action_sms_retention_reply()
        form = Form(partner.env[action["res_model"]].with_context(**action["context"]))
        form.body = body
        wizard = form.save()
        with self.mock_sms_providers():
            wizard.action_send()
        return wizard

    def test_conversation_in_time_order_and_direct_answer(self):
        self.campaign.delay = 0
        with freeze_time("2026-03-02 15:00:00"):
            self._create_order(self.customer_us)
            with self.mock_sms_providers():
                self._run_sending_job()
        with freeze_time("2026-03-02 15:05:00"):
            self.env["sms.retention.inbound"]._receive(
                provider="sandbox",
                from_number="+12125550101",
                body="3, the box was late",
                company=self.company,
            )
        with freeze_time("2026-03-02 15:10:00"):
            self._answer(
                self.customer_us.with_company(self.company),
                "Sorry! A voucher is on its way.",
            )
        self.assertSandboxOutbox("+12125550101", "Sorry! A voucher is on its way.")
        action = self.customer_us.action_open_sms_replies()
        self.assertEqual(action["tag"], "sms_retention.thread")
        self.assertEqual(action["context"]["active_id"], self.customer_us.id)
        rows = self.env["sms.retention.conversation"].search(
            [("partner_id", "=", self.customer_us.id)], order="date, id"
        )
        self.assertEqual(
            [(r.direction, r.source) for r in rows],
            [("out", "campaign"), ("in", "reply"), ("out", "direct")],
        )
        self.assertIn("box was late", rows[1].body)
        self.assertEqual(rows[2].body, "Sorry! A voucher is on its way.")
        self.assertEqual(self.customer_us.sms_retention_reply_count, 3)

    def test_answer_respects_consent_and_warns_about_hours(self):
        self.company.write(
            {
                "sms_retention_quiet_start": 8.0,
                "sms_retention_quiet_end": 21.0,
                "sms_retention_policy_all_sms": True,
            }
        )
        with freeze_time("2026-03-02 03:00:00"):  # 22:00 in New York
            wizard = self._answer(
                self.customer_us.with_company(self.company), "Late answer"
            )
            self.assertIn("outside sending hours", wizard.warning)
        self.assertSandboxOutbox("+12125550101", "Late answer")
        self.customer_us.sms_retention_consent = "opted_out"
        with self.assertRaises(UserError):
            self._answer(self.customer_us, "Are you there?")
        nobody = self.env["res.partner"].create({"name": "No number"})
        with self.assertRaises(UserError):
            self._answer(nobody, "Hello")

    def test_salesperson_without_contact_rights_answers(self):
        """Regression (found by the reply tour): posting the answer on the
        customer needed the right to edit contacts."""
        self.assertFalse(self.salesperson.has_group("base.group_partner_manager"))
        self._answer(
            self.customer_us.with_user(self.salesperson).with_company(self.company),
            "On its way!",
        )
        self.assertSandboxOutbox("+12125550101", "On its way!")
        message = self.customer_us.message_ids.filtered(
            lambda m: m.message_type == "sms"
        )[:1]
        self.assertEqual(message.author_id, self.salesperson.partner_id)
