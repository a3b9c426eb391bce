# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestReviewSlice(SmsRetentionCommon):
    def test_confirm_schedules_review_two_days_later(self):
        with freeze_time("2026-03-02 10:00:00"):
            order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.state, "scheduled")
        self.assertEqual(message.campaign_id, self.campaign)
        self.assertEqual(message.partner_id, self.customer_us)
        self.assertEqual(message.number, "+12125550101")
        self.assertEqual(message.segment, "new", "segment when planned, for reports")
        self.assertEqual(
            message.planned_at, fields.Datetime.to_datetime("2026-03-04 10:00:00")
        )

    def test_not_due_is_not_sent(self):
        order = self._create_order(self.customer_us)
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(self._messages_of(order).state, "scheduled")
        self.assertNotIn("+12125550101", self._sandbox_numbers())

    def test_due_review_is_rendered_and_sent(self):
        order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        with (
            freeze_time(fields.Datetime.now() + timedelta(days=2, minutes=1)),
            self.mock_sms_providers(),
        ):
            self._run_sending_job()
        self.assertEqual(message.state, "sent")
        self.assertTrue(message.sms_uuid)
        expected = (
            f"Hi Alice, thank you for order {order.name} with Retention Test Co! "
            "How did we do? Reply with a score from 1 to 5."
        )
        self.assertEqual(message.body, expected)
        outbox = self.assertSandboxOutbox("+12125550101", expected, self.company)
        self.assertEqual(outbox.sms_uuid, message.sms_uuid)
        self.assertFalse(self.iap_calls)

    def test_zero_delay_sends_at_next_run_and_wakes_the_job(self):
        self.campaign.delay = 0
        cron = self.env.ref("sms_retention.ir_cron_sms_retention_send")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        order = self._create_order(self.customer_us)
        new_triggers = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers
        )
        self.assertTrue(new_triggers, "enqueueing wakes the sending job")
        self.assertLessEqual(new_triggers[0].call_at, fields.Datetime.now())
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(self._messages_of(order).state, "sent")

    def test_one_wake_up_for_orders_planned_later(self):
        """Each order used to add a cron trigger: a future trigger at or
        before the new message's time now serves it."""
        self.campaign.delay = 2
        cron = self.env.ref("sms_retention.ir_cron_sms_retention_send")
        Trigger = self.env["ir.cron.trigger"]
        # Start without wake-ups (the demo data planned some).
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        before = Trigger
        first = self._create_order(self.customer_us)
        self._create_order(self.customer_cn)
        new = Trigger.search([("cron_id", "=", cron.id)]) - before
        self.assertEqual(len(new), 1)
        self.assertEqual(new.call_at, self._messages_of(first).planned_at)
        # A message due earlier than every future wake-up gets its own.
        self.campaign.delay = 0
        self._create_order(self.customer_us)
        self.assertEqual(len(Trigger.search([("cron_id", "=", cron.id)]) - before), 2)

    def test_delay_in_hours(self):
        self.campaign.write({"delay": 3, "delay_unit": "hours"})
        with freeze_time("2026-03-02 10:00:00"):
            order = self._create_order(self.customer_us)
        self.assertEqual(
            self._messages_of(order).planned_at,
            fields.Datetime.to_datetime("2026-03-02 13:00:00"),
        )

    def test_customer_language(self):
        self.campaign.delay = 0
        self.env["ir.module.module"]._load_module_terms(["sms_retention"], ["zh_CN"])
        order = self._create_order(self.customer_cn)
        with self.mock_sms_providers():
            self._run_sending_job()
        message = self._messages_of(order)
        self.assertEqual(message.number, "+8613800138001", "national number read in CN")
        self.assertIn("请回复1到5分", message.body)
        self.assertIn(order.name, message.body)

    def test_template_edit_applies(self):
        self.campaign.delay = 0
        self.campaign.sms_template_id.body = "Thanks {{ object.partner_id.name }}!"
        self._create_order(self.customer_us)
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertSandboxOutbox("+12125550101", "Thanks Alice Walker!")

    def test_once_per_order(self):
        order = self._create_order(self.customer_us)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(self._messages_of(order)), 1)
        self.campaign._enqueue(order)
        self.assertEqual(len(self._messages_of(order)), 1)

    def test_customer_without_mobile_is_skipped_with_reason(self):
        partner = self.env["res.partner"].create({"name": "No Phone"})
        order = self._create_order(partner)
        message = self._messages_of(order)
        self.assertEqual((message.state, message.skip_reason), ("skipped", "no_number"))
        partner_bad = self.env["res.partner"].create({"name": "Bad", "mobile": "12"})
        message_bad = self._messages_of(self._create_order(partner_bad))
        self.assertEqual(message_bad.skip_reason, "invalid_number")

    def test_archived_campaign_or_disabled_rule_sends_nothing(self):
        self.campaign.active = False
        self.assertFalse(self._messages_of(self._create_order(self.customer_us)))
        self.campaign.active = True
        rule = self.env.ref("sms_retention.base_automation_order_confirmed")
        rule.active = False
        # Rules patch model methods in memory; the test rollback does not undo it.
        self.addCleanup(setattr, rule, "active", True)
        self.assertFalse(self._messages_of(self._create_order(self.customer_us)))
        rule.active = True
        self.assertTrue(self._messages_of(self._create_order(self.customer_us)))

    def test_send_now_and_cancel(self):
        order_1 = self._create_order(self.customer_us)
        order_2 = self._create_order(self.customer_cn)
        with self.mock_sms_providers():
            self._messages_of(order_1).action_send_now()
        self.assertEqual(self._messages_of(order_1).state, "sent")
        self._messages_of(order_2).action_cancel()
        with (
            freeze_time(fields.Datetime.now() + timedelta(days=3)),
            self.mock_sms_providers(),
        ):
            self._run_sending_job()
            self._messages_of(order_1).action_send_now()
        self.assertEqual(self._messages_of(order_2).state, "canceled")
        sent_again = set(self._sandbox_numbers()) & {"+12125550101", "+8613800138001"}
        self.assertFalse(sent_again, "nothing sent twice, nothing canceled sent")

    def test_campaign_and_action_model_checks(self):
        partner_template = self.env["sms.template"].create(
            {
                "name": "P",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "Hi",
            }
        )
        with self.assertRaises(ValidationError):
            self.campaign.sms_template_id = partner_template
        with self.assertRaises(UserError):
            self.campaign._enqueue(self.customer_us)

    def test_server_action_on_another_model(self):
        """ "Send retention campaign" works on any model with a customer."""
        template = self.env["sms.template"].create(
            {
                "name": "Welcome",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "Welcome {{ object.name }}",
            }
        )
        campaign = self.env["sms.retention.campaign"].create(
            {
                "name": "Welcome",
                "model_id": template.model_id.id,
                "sms_template_id": template.id,
                "delay": 0,
                "company_id": self.company.id,
                "state": "running",
            }
        )
        action = self.env["ir.actions.server"].create(
            {
                "name": "Welcome SMS",
                "model_id": template.model_id.id,
                "state": "sms_retention",
                "sms_retention_campaign_id": campaign.id,
            }
        )
        self.customer_us.sms_retention_consent = (
            "opted_in"  # a custom campaign is marketing
        )
        action.with_context(
            active_model="res.partner", active_ids=self.customer_us.ids
        ).run()
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertSandboxOutbox(
            "+12125550101", "Welcome Alice Walker\nReply STOP to opt out"
        )
        with self.assertRaises(ValidationError):
            action.model_id = self.env["ir.model"]._get("sale.order")
