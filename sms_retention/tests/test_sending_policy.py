# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.tests import BaseCase, tagged

from ..tools import send_window, sending_policy
from .common import SmsRetentionCommon

UTC = fields.Datetime.to_datetime


@tagged("post_install", "-at_install")
class TestDecide(BaseCase):
    """The pure policy, case by case."""

    policy = send_window.DEFAULT_POLICY

    def _facts(self, **values):
        base = {
            "key": 1,
            "consent": "opted_in",
            "blacklisted": False,
            "number_ok": True,
            "landline": False,
            "marketing": True,
            "allow_unknown_consent": False,
            "tz": "Asia/Bangkok",
        }
        return sending_policy.Facts(**{**base, **values})

    def test_gates(self):
        now = datetime(2026, 3, 2, 3, 0)  # 10:00 in Bangkok
        cases = [
            ({}, "send", None),
            ({"consent": "opted_out"}, "skip", "consent"),
            ({"blacklisted": True}, "skip", "consent"),
            ({"consent": "unknown"}, "skip", "consent"),
            ({"consent": "unknown", "allow_unknown_consent": True}, "send", None),
            ({"consent": "unknown", "marketing": False}, "send", None),
            ({"consent": "opted_out", "marketing": False}, "skip", "consent"),
            ({"number_ok": False}, "skip", "invalid_number"),
            ({"landline": True}, "skip", "landline"),
            ({"expires_at": now}, "expire", "expired"),
        ]
        for values, action, reason in cases:
            with self.subTest(values=values):
                decision = sending_policy.decide(
                    self._facts(**values), now, self.policy
                )
                self.assertEqual((decision.action, decision.reason), (action, reason))

    def test_quiet_hours_and_blackouts_defer(self):
        night = datetime(2026, 3, 2, 16, 0)  # 23:00 in Bangkok
        decision = sending_policy.decide(self._facts(), night, self.policy)
        self.assertEqual((decision.action, decision.reason), ("defer", "quiet_hours"))
        self.assertGreaterEqual(decision.when, datetime(2026, 3, 3, 1, 0))  # 08:00
        self.assertLess(decision.when, datetime(2026, 3, 3, 1, 15))
        lunch = datetime(2026, 3, 2, 5, 10)  # 12:10 in Bangkok
        decision = sending_policy.decide(self._facts(), lunch, self.policy)
        self.assertGreaterEqual(decision.when, datetime(2026, 3, 2, 6, 30))  # 13:30
        too_late = sending_policy.decide(
            self._facts(expires_at=datetime(2026, 3, 3, 0, 0)), night, self.policy
        )
        self.assertEqual((too_late.action, too_late.reason), ("expire", "expired"))

    def test_cap_defers_until_a_slot_frees(self):
        now = datetime(2026, 3, 10, 3, 0)
        sent = (datetime(2026, 3, 4, 3, 0), datetime(2026, 3, 8, 3, 0))
        decision = sending_policy.decide(
            self._facts(sent_in_window=sent), now, self.policy, cap_count=2, cap_days=7
        )
        self.assertEqual((decision.action, decision.reason), ("defer", "cap"))
        self.assertGreaterEqual(decision.when, datetime(2026, 3, 11, 3, 0))
        self.assertLess(decision.when, datetime(2026, 3, 11, 3, 15))
        free = sending_policy.decide(
            self._facts(sent_in_window=sent[1:]), now, self.policy, cap_count=2
        )
        self.assertEqual(free.action, "send")
        no_cap = sending_policy.decide(
            self._facts(sent_in_window=sent), now, self.policy, cap_count=0
        )
        self.assertEqual(no_cap.action, "send")


@tagged("post_install", "-at_install")
class TestSendingPolicy(SmsRetentionCommon):
    """The policy applied by the sending job, with real records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"sms_retention_quiet_start": 8.0, "sms_retention_quiet_end": 21.0}
        )
        cls.company._sms_retention_create_default_blackouts()
        cls.campaign.delay = 0

    def _plan(self, partner, when):
        with freeze_time(when):
            order = self._create_order(partner)
        return self._messages_of(order)

    def _run_at(self, when):
        with freeze_time(when), self.mock_sms_providers():
            self._run_sending_job()

    def test_night_in_new_york_waits_for_eight(self):
        # 03:00 UTC is 22:00 the evening before in New York (EST).
        message = self._plan(self.customer_us, "2026-03-02 03:00:00")
        self._run_at("2026-03-02 03:00:00")
        self.assertEqual(message.state, "scheduled")
        self.assertEqual(
            (message.defer_reason, message.defer_count), ("quiet_hours", 1)
        )
        self.assertGreaterEqual(message.planned_at, UTC("2026-03-02 13:00:00"))
        self.assertLess(message.planned_at, UTC("2026-03-02 13:15:00"))
        trigger = self.env["ir.cron.trigger"].search(
            [
                (
                    "cron_id",
                    "=",
                    self.env.ref("sms_retention.ir_cron_sms_retention_send").id,
                )
            ],
            order="id desc",
            limit=1,
        )
        self.assertEqual(trigger.call_at, message.planned_at)
        self._run_at(message.planned_at)
        self.assertEqual(message.state, "sent")

    def test_after_dst_change_eight_is_an_hour_earlier_in_utc(self):
        # New York switches to EDT on 2026-03-08: 08:00 is then 12:00 UTC.
        message = self._plan(self.customer_us, "2026-03-09 03:00:00")
        self._run_at("2026-03-09 03:00:00")
        self.assertGreaterEqual(message.planned_at, UTC("2026-03-09 12:00:00"))
        self.assertLess(message.planned_at, UTC("2026-03-09 12:15:00"))

    def test_lunch_blackout_in_shanghai(self):
        # 04:10 UTC is 12:10 in Shanghai: wait for 13:30 (05:30 UTC).
        message = self._plan(self.customer_cn, "2026-03-02 04:10:00")
        self._run_at("2026-03-02 04:10:00")
        self.assertGreaterEqual(message.planned_at, UTC("2026-03-02 05:30:00"))
        self.assertLess(message.planned_at, UTC("2026-03-02 05:45:00"))

    def test_holiday_moves_to_next_day(self):
        self.env["sms.retention.holiday"].create(
            {
                "name": "Test day",
                "country_id": self.env.ref("base.cn").id,
                "date": "2026-03-02",
            }
        )
        message = self._plan(self.customer_cn, "2026-03-02 02:00:00")  # 10:00 local
        self._run_at("2026-03-02 02:00:00")
        self.assertGreaterEqual(message.planned_at, UTC("2026-03-03 00:00:00"))

    def test_shipped_holiday_moves_to_next_day(self):
        """Thanksgiving 2026 is shipped: a review due that day waits a day."""
        self.env["sms.retention.holiday"].with_context(active_test=False).search(
            [("country_id", "=", self.env.ref("base.us").id)]
        ).active = True
        message = self._plan(self.customer_us, "2026-11-26 15:00:00")
        self._run_at("2026-11-26 15:00:00")
        self.assertEqual(message.state, "scheduled")
        # 27 November, 08:00 in New York (EST).
        self.assertEqual(message.planned_at.date(), UTC("2026-11-27 13:00:00").date())
        self.assertGreaterEqual(message.planned_at, UTC("2026-11-27 13:00:00"))
        self._run_at(message.planned_at)
        self.assertEqual(message.state, "sent")

    def test_consent_gate(self):
        self.customer_us.sms_retention_consent = "opted_out"
        message = self._plan(self.customer_us, "2026-03-02 15:00:00")
        self._run_at("2026-03-02 15:00:00")
        self.assertEqual((message.state, message.skip_reason), ("skipped", "consent"))
        self.assertFalse(self.sandbox_batches)

    def test_marketing_needs_opt_in_unless_allowed(self):
        self.campaign.message_class = "marketing"
        self.campaign.holdout_percent = 0  # every customer texted
        message = self._plan(self.customer_us, "2026-03-02 15:00:00")
        self._run_at("2026-03-02 15:00:00")
        self.assertEqual((message.state, message.skip_reason), ("skipped", "consent"))
        self.company.sms_retention_allow_unknown_consent = True
        other = self._plan(self.customer_cn, "2026-03-02 02:00:00")
        self._run_at("2026-03-02 02:00:00")
        self.assertEqual(other.state, "sent")

    def test_landline_is_skipped(self):
        landline = self._create_customer("Office", "+33 1 42 68 53 00", "fr")
        message = self._plan(landline, "2026-03-02 09:00:00")
        self._run_at("2026-03-02 09:00:00")
        self.assertEqual((message.state, message.skip_reason), ("skipped", "landline"))

    def test_cap_defers_then_expires(self):
        self.company.write({"sms_retention_cap_count": 2, "sms_retention_cap_days": 7})
        messages = self.env["sms.retention.message"]
        for _index in range(3):
            messages |= self._plan(self.customer_us, "2026-03-02 15:00:00")
        messages[2].expires_at = UTC("2026-03-05 00:00:00")
        self._run_at("2026-03-02 15:00:00")
        self.assertEqual(messages[:2].mapped("state"), ["sent", "sent"])
        self.assertEqual(messages[2].state, "expired", "the cap frees after expiry")
        fourth = self._plan(self.customer_us, "2026-03-03 15:00:00")
        self._run_at("2026-03-03 15:00:00")
        self.assertEqual((fourth.state, fourth.defer_reason), ("scheduled", "cap"))
        self.assertGreaterEqual(fourth.planned_at, UTC("2026-03-09 15:00:00"))
        self._run_at(fourth.planned_at)
        self.assertEqual(fourth.state, "sent")

    def test_every_reason_is_reportable(self):
        self.customer_us.sms_retention_consent = "opted_out"
        self._plan(self.customer_us, "2026-03-02 15:00:00")
        self._plan(
            self.env["res.partner"].create({"name": "Nobody"}), "2026-03-02 15:00:00"
        )
        self._run_at("2026-03-02 15:00:00")
        groups = self.env["sms.retention.message"]._read_group(
            [("company_id", "=", self.company.id)], ["skip_reason"], ["__count"]
        )
        reasons = {reason for reason, _count in groups}
        self.assertTrue({"consent", "no_number"} <= reasons)
        self.campaign.invalidate_recordset()
        self.assertIn("No consent: 1", self.campaign.skip_summary)
        self.assertIn("No mobile number: 1", self.campaign.skip_summary)
        self.assertGreaterEqual(self.campaign.skipped_count, 2)
