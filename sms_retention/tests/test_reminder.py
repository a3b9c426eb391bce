# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SmsRetentionCommon

T0 = datetime(2026, 3, 2, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestReminder(SmsRetentionCommon):
    """One reminder, N days after an SMS that got no reply and no click."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reminder = cls.env["sms.template"].create(
            {
                "name": "Come back (reminder)",
                "model_id": cls.env.ref("base.model_res_partner").id,
                "body": "Still thinking of you, {{ object.name }}",
            }
        )
        cls.winback = cls._create_partner_campaign(
            "Come back",
            "We miss you, {{ object.name }}",
            company_id=cls.company.id,
            reminder_days=3,
            reminder_template_id=reminder.id,
        )

    def _sent(self, partner, **values):
        return self._create_message(
            self.winback,
            partner,
            **{
                "number": partner.phone_sanitized,
                "planned_at": T0,
                "state": "sent",
                "sent_at": T0,
                "dedupe_key": f"res.partner,{partner.id}",
                **values,
            },
        )

    def _daily(self, when):
        with freeze_time(when):
            self.env["sms.retention.campaign"]._cron_daily_campaigns()

    def _reminders(self):
        return self.env["sms.retention.message"].search(
            [("campaign_id", "=", self.winback.id), ("reminder_of_id", "!=", False)]
        )

    def test_only_unanswered_sms_get_one_reminder(self):
        silent = self._sent(self.customer_us)
        answered = self._sent(self.customer_cn, replied_at=T0 + timedelta(hours=1))
        clicked_partner = self._create_customer("Clicker", "+1 212 555 0177", "us")
        self._sent(clicked_partner, clicked_at=T0 + timedelta(hours=2))
        self._daily(T0 + timedelta(days=1))
        self.assertFalse(self._reminders(), "not due within a day yet")
        self._daily(T0 + timedelta(days=2, hours=12))
        reminder = self._reminders()
        self.assertEqual(reminder.reminder_of_id, silent)
        self.assertEqual(reminder.planned_at, T0 + timedelta(days=3))
        self.assertEqual(reminder.state, "scheduled")
        self.assertNotEqual(reminder.reminder_of_id, answered)
        self._daily(T0 + timedelta(days=3))
        self.assertEqual(self._reminders(), reminder, "one reminder, whatever the runs")
        with freeze_time(T0 + timedelta(days=3, minutes=1)), self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(reminder.state, "sent")
        self.assertSandboxOutbox(
            "+12125550101", f"Still thinking of you, {self.customer_us.name}"
        )
        self._daily(T0 + timedelta(days=7))
        self.assertEqual(self._reminders(), reminder, "a reminder is not reminded")

    def test_answer_after_planning_cancels_the_reminder(self):
        silent = self._sent(self.customer_us)
        self._daily(T0 + timedelta(days=2, hours=12))
        reminder = self._reminders()
        silent.replied_at = T0 + timedelta(days=2, hours=13)
        with freeze_time(T0 + timedelta(days=3, minutes=1)), self.mock_sms_providers():
            self._run_sending_job()
        self.assertRecordValues(
            reminder, [{"state": "skipped", "skip_reason": "answered"}]
        )
        self.assertNotIn("+12125550101", self._sandbox_numbers())

    def test_policy_applies_to_reminders(self):
        self._sent(self.customer_us)
        self._daily(T0 + timedelta(days=2, hours=12))
        reminder = self._reminders()
        self.customer_us._sms_retention_opt_out(source="form")
        with freeze_time(T0 + timedelta(days=3, minutes=1)), self.mock_sms_providers():
            self._run_sending_job()
        self.assertRecordValues(
            reminder, [{"state": "skipped", "skip_reason": "consent"}]
        )

    def test_no_reminder_for_old_sms_or_without_days(self):
        self._sent(self.customer_us)
        self._daily(T0 + timedelta(days=10))
        self.assertFalse(self._reminders(), "too late to remind")
        self.winback.reminder_days = 0
        self._sent(self.customer_cn, sent_at=T0 + timedelta(days=9))
        self._daily(T0 + timedelta(days=11, hours=12))
        self.assertFalse(self._reminders())
