# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .. import ab_test
from .common import SmsRetentionCommon

T0 = datetime(2026, 3, 2, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestAbTest(SmsRetentionCommon):
    """Variants compared on the campaign's metric; the winner takes all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.winback = cls._create_partner_campaign(
            "Come back", "We miss you, {{ object.name }}", company_id=cls.company.id
        )
        cls.variant_a, cls.variant_b = cls.env["sms.retention.variant"].create(
            [
                {"name": "A", "campaign_id": cls.winback.id, "body": "A"},
                {"name": "B", "campaign_id": cls.winback.id, "body": "B"},
            ]
        )
        cls.customers = cls._create_us_customers("AB", range(20))

    def _sent(self, variant, count, converted=0, replied=0, offset=0, sent_at=T0):
        vals = []
        for index in range(count):
            partner = self.customers[offset + index]
            vals.append(
                {
                    "campaign_id": self.winback.id,
                    "partner_id": partner.id,
                    "number": partner.phone_sanitized,
                    "company_id": self.company.id,
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "planned_at": sent_at,
                    "state": "sent",
                    "sent_at": sent_at,
                    "variant_id": variant.id,
                    "replied_at": sent_at if index < replied else False,
                    "conversion_amount": 40.0 if index < converted else 0.0,
                }
            )
        messages = self.env["sms.retention.message"].create(vals)
        orders = self.env["sale.order"]
        for message in messages[:converted]:
            order = self._create_order(message.partner_id)
            orders |= order
            message.sudo().write({"conversion_order_id": order.id})
        return messages

    def test_results_against_the_best(self):
        """3 of 10 against 1 of 10: B is 20 points below A, p = 0.264
        (pooled z-test), which may be chance."""
        self._sent(self.variant_a, 10, converted=3)
        self._sent(self.variant_b, 10, converted=1, offset=10)
        self.assertRecordValues(
            self.variant_a | self.variant_b,
            [
                {"ab_is_best": True, "ab_value": "30.0%", "ab_versus_best": "Best"},
                {
                    "ab_is_best": False,
                    "ab_value": "10.0%",
                    "ab_versus_best": "-20.0 points (p = 0.264, may be chance)",
                },
            ],
        )
        self.winback.ab_metric = "replies"
        self.assertEqual(self.variant_b.ab_value, "0.0%")

    def test_replies_are_counted_once_per_sms(self):
        message = self._sent(self.variant_a, 1, sent_at=fields.Datetime.now())
        for body in ("Yes", "Thanks again"):
            self.env["sms.retention.inbound"]._receive(
                provider="sandbox",
                from_number=message.number,
                body=body,
                company=self.company,
            )
        self.assertTrue(message.replied_at)
        self.assertEqual(self.variant_a.replied_count, 1)
        self.assertEqual(self.variant_a.reply_rate, 100.0)

    def test_auto_winner_after_the_test_size(self):
        self.winback.write({"ab_auto_winner": True, "ab_test_size": 10})
        self._sent(self.variant_a, 10, converted=1)
        self._sent(self.variant_b, 9, converted=4, offset=10)
        self.winback._sms_retention_decide_ab_tests()
        self.assertFalse(self.winback.ab_winner_id, "B has 9 of 10")
        self._sent(self.variant_b, 1, offset=19)
        with freeze_time(T0):
            self.env["sms.retention.campaign"]._cron_daily_campaigns()
        self.assertEqual(self.winback.ab_winner_id, self.variant_b)
        self.assertEqual(self.winback.ab_decided_at, T0)
        self.assertEqual(self.variant_a.weight, 0)
        self.assertIn("B takes all new sends", self.winback.message_ids[0].body)
        for partner in self._create_us_customers("After", range(30, 40)):
            self.assertEqual(self.winback._variant_for(partner), self.variant_b)

    def test_auto_winner_on_the_end_date(self):
        self.winback.write(
            {
                "ab_auto_winner": True,
                "ab_test_size": 1000,
                "ab_test_until": date(2026, 3, 10),
                "ab_metric": "revenue",
            }
        )
        self._sent(self.variant_a, 5, converted=1)
        self._sent(self.variant_b, 5, converted=2, offset=5)
        with freeze_time("2026-03-09"):
            self.winback._sms_retention_decide_ab_tests()
        self.assertFalse(self.winback.ab_winner_id)
        with freeze_time("2026-03-10"):
            self.winback._sms_retention_decide_ab_tests()
        self.assertEqual(self.winback.ab_winner_id, self.variant_b)
        self.assertIn("not significant", self.winback.message_ids[0].body)

    def test_pick_now(self):
        with self.assertRaises(UserError):
            self.winback.action_pick_ab_winner()
        self._sent(self.variant_a, 3, converted=2)
        self._sent(self.variant_b, 3, offset=3)
        action = self.winback.action_pick_ab_winner()
        self.assertEqual(self.winback.ab_winner_id, self.variant_a)
        self.assertIn("A takes all new sends", action["params"]["message"])

    def test_a_variant_never_sent_is_not_best(self):
        self._sent(self.variant_b, 2)
        results = ab_test.variant_results(self.winback)
        self.assertTrue(results[self.variant_b].is_best)
        self.assertFalse(results[self.variant_a].sent)
        self.assertFalse(self.variant_a.ab_value)
