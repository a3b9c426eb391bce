# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.variants import in_holdout
from .common import SmsRetentionCommon

T0 = datetime(2026, 3, 2, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestHoldout(SmsRetentionCommon):
    """A share of a campaign's customers gets nothing; their orders are
    compared with those of texted customers by the same rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.winback = cls._create_partner_campaign(
            "Come back", "We miss you, {{ object.name }}", company_id=cls.company.id
        )
        cls.product.list_price = 50.0

    def test_defaults_and_range(self):
        self.assertEqual(self.winback.holdout_percent, 0, "transactional")
        self.winback.message_class = "marketing"
        self.assertEqual(self.winback.holdout_percent, 10)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.winback.holdout_percent = 101
                self.env.flush_all()

    def test_assignment_is_deterministic_and_proportional(self):
        held = [pid for pid in range(1, 5001) if in_holdout(7, pid, 10)]
        self.assertAlmostEqual(len(held) / 5000, 0.10, delta=0.015)
        self.assertEqual(
            held, [pid for pid in range(1, 5001) if in_holdout(7, pid, 10)]
        )
        self.assertFalse(any(in_holdout(7, pid, 0) for pid in range(1, 500)))
        self.assertTrue(all(in_holdout(7, pid, 100) for pid in range(1, 500)))
        self.assertFalse(in_holdout(7, None, 100), "no customer, no holdout")
        other = [pid for pid in range(1, 5001) if in_holdout(8, pid, 10)]
        self.assertNotEqual(held, other, "each campaign draws its own group")

    def _planned(self, partner, **values):
        return self._create_message(self.winback, partner, **values)

    def test_holdout_is_decided_when_the_sms_would_go(self):
        self.winback.holdout_percent = 100
        self.customer_cn.sms_retention_consent = "opted_out"
        held = self._planned(self.customer_us, planned_at=T0)
        opted_out = self._planned(self.customer_cn, planned_at=T0)
        with freeze_time(T0), self.mock_sms_providers():
            self._run_sending_job()
        self.assertRecordValues(
            held,
            [
                {
                    "state": "skipped",
                    "skip_reason": "holdout",
                    "is_holdout": True,
                    "planned_at": T0,
                }
            ],
        )
        self.assertRecordValues(
            opted_out,
            [{"state": "skipped", "skip_reason": "consent", "is_holdout": False}],
        )
        self.assertFalse(self.sandbox_batches, "nothing sent")
        self.winback.holdout_percent = 0
        texted = self._planned(self.customer_us, dedupe_key="again")
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(texted.state, "sent")
        self.assertFalse(texted.is_holdout)

    def _order(self, partner, when, amount=50.0):
        with freeze_time(when):
            order = self._create_order(partner, confirm=False)
            order.order_line.price_unit = amount
            order.action_confirm()
        self.env["sale.order"]._cron_sms_retention_attribute()
        return order

    def test_orders_in_the_window_count_for_both_groups(self):
        texted = self._planned(self.customer_us, state="sent", sent_at=T0)
        held = self._planned(
            self.customer_cn,
            state="skipped",
            skip_reason="holdout",
            is_holdout=True,
            planned_at=T0,
        )
        self._order(self.customer_us, T0 + timedelta(days=3), 80.0)
        self._order(self.customer_cn, T0 + timedelta(days=4), 30.0)
        late = self._order(self.customer_cn, T0 + timedelta(days=6))
        self.assertRecordValues(
            texted | held,
            [
                {"window_order_count": 1, "window_revenue": 80.0},
                {"window_order_count": 1, "window_revenue": 30.0},
            ],
        )
        self.assertFalse(texted.conversion_order_id, "3 days after delivery, no click")
        late._action_cancel()
        self.assertEqual(held.window_order_count, 1, "the late order never counted")
        first_cn_order = self.env["sale.order"].search(
            [("partner_id", "=", self.customer_cn.id), ("state", "=", "sale")]
        )
        first_cn_order._action_cancel()
        self.assertRecordValues(held, [{"window_order_count": 0, "window_revenue": 0}])

    def _group(self, count, converted, holdout, revenue=100.0):
        partners = self._create_us_customers(
            "Holdout" if holdout else "Texted",
            range(holdout * 10000, holdout * 10000 + count),
        )
        vals = []
        for index, partner in enumerate(partners):
            ordered = index < converted
            vals.append(
                {
                    "campaign_id": self.winback.id,
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "planned_at": T0,
                    "state": "skipped" if holdout else "sent",
                    "skip_reason": "holdout" if holdout else False,
                    "is_holdout": bool(holdout),
                    "sent_at": False if holdout else T0,
                    "cost_amount": 0.0 if holdout else 0.01,
                    "window_order_count": int(ordered),
                    "window_revenue": revenue if ordered else 0.0,
                }
            )
        self.env["sms.retention.message"].create(vals)

    def test_lift_not_significant_yet(self):
        """4 of 20 texted ordered (20%), 2 of 20 held out (10%): a 10-point
        lift that 20 customers per group cannot tell from chance."""
        self.winback.holdout_percent = 10
        self._group(20, 4, False)
        self._group(20, 2, True)
        campaign = self.winback
        self.assertEqual(campaign.holdout_count, 20)
        self.assertAlmostEqual(campaign.lift_texted_rate, 20.0)
        self.assertAlmostEqual(campaign.lift_holdout_rate, 10.0)
        self.assertAlmostEqual(campaign.lift_points, 10.0)
        self.assertAlmostEqual(campaign.lift_texted_revenue, 20.0)
        self.assertAlmostEqual(campaign.lift_holdout_revenue, 10.0)
        self.assertAlmostEqual(campaign.incremental_revenue, 200.0)  # 20 x (20 - 10)
        self.assertAlmostEqual(campaign.cost_amount, 0.2)
        self.assertAlmostEqual(campaign.incremental_roi, 99900.0)
        self.assertFalse(campaign.lift_significant)
        # 199 per group (10% against 20%): 179 more held out, at 10% of the
        # audience.
        self.assertIn("about 1790 more customers", campaign.lift_verdict)
        self.assertIn("p = 0.376", campaign.lift_verdict)

    def test_lift_significant(self):
        self.winback.holdout_percent = 20
        self._group(400, 100, False)
        self._group(100, 10, True)
        self.assertTrue(self.winback.lift_significant)
        self.assertIn("15.0 points more often", self.winback.lift_verdict)

    def test_no_holdout_says_how_to_measure(self):
        self._group(5, 1, False)
        self.assertEqual(self.winback.holdout_count, 0)
        self.assertIn("set a holdout share", self.winback.lift_verdict)
        self.winback.holdout_percent = 100
        self.assertIn("Not measured yet", self.winback.lift_verdict)
