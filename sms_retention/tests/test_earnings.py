# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SmsRetentionCommon

T0 = datetime(2026, 3, 2, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestEarnings(SmsRetentionCommon):
    """What each SMS costs, and what a campaign and its variants earned,
    against figures computed by hand."""

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

    def _planned(self, partner, **values):
        return self._create_message(self.winback, partner, **values)

    def test_cost_is_segments_at_the_country_price_in_company_currency(self):
        self.winback.variant_ids.unlink()
        cny = self.env.ref("base.CNY")
        self._set_rate(cny, 7.0)  # 1 USD = 7 CNY
        self.env["sms.retention.price"].create(
            {
                "company_id": self.company.id,
                "country_id": self.env.ref("base.cn").id,
                "price_per_segment": 0.35,
                "currency_id": cny.id,
            }
        )
        self.customer_cn.name = "王" * 80  # UCS-2, 70 per segment: 2 segments
        us = self._planned(self.customer_us)
        cn = self._planned(self.customer_cn)
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual((us.state, cn.state), ("sent", "sent"))
        self.assertEqual(us.segment_count, 1)
        self.assertAlmostEqual(us.cost_amount, 0.0083, places=5, msg="US list price")
        self.assertEqual(cn.segment_count, 2)
        self.assertAlmostEqual(cn.cost_amount, 0.1, places=5, msg="2 x 0.35 CNY / 7")

    def _sent(self, partner, variant, cost, clicked=False, order_amount=None):
        message = self._planned(
            partner,
            variant_id=variant.id,
            state="sent",
            sent_at=T0,
            delivered_at=T0,
            cost_amount=cost,
            clicked_at=T0 + timedelta(hours=1) if clicked else False,
        )
        if order_amount is not None:
            order = self._create_order(partner, confirm=False)
            order.order_line.price_unit = order_amount
            order.action_confirm()
            order.date_order = T0 + timedelta(hours=2)
            self.env["sale.order"]._cron_sms_retention_attribute()
            self.assertEqual(message.conversion_order_id, order)
        return message

    def test_campaign_and_variant_figures(self):
        customers = self._create_us_customers("Earn", range(5))
        a, b = self.variant_a, self.variant_b
        self._sent(customers[0], a, 0.5, clicked=True, order_amount=100.0)
        self._sent(customers[1], a, 0.5, clicked=True)
        self._sent(customers[2], a, 0.5)
        self._sent(customers[3], b, 0.25, order_amount=40.0)
        self._sent(customers[4], b, 0.25)
        self._planned(customers[0], variant_id=a.id, dedupe_key="later")
        expected = [
            {
                "delivered_count": 3,
                "click_count": 2,
                "click_rate": 66.7,
                "conversion_count": 1,
                "conversion_rate": 33.3,
                "attributed_revenue": 100.0,
                "cost_amount": 1.5,
                "roi": 6566.7,  # (100 - 1.5) / 1.5
            },
            {
                "delivered_count": 2,
                "click_count": 0,
                "click_rate": 0.0,
                "conversion_count": 1,
                "conversion_rate": 50.0,
                "attributed_revenue": 40.0,
                "cost_amount": 0.5,
                "roi": 7900.0,
            },
            {
                "delivered_count": 5,
                "click_count": 2,
                "click_rate": 40.0,
                "conversion_count": 2,
                "conversion_rate": 40.0,
                "attributed_revenue": 140.0,
                "cost_amount": 2.0,
                "roi": 6900.0,
            },
        ]
        self.assertRecordValues(a | b, expected[:2])
        self.assertRecordValues(self.winback, expected[2:])

    def test_median_time_to_reply(self):
        """Answers after 1, 2 and 7 hours on variant A (median 2), after 30
        minutes on B; unanswered SMS do not count: 1.5 hours in all."""
        customers = self._create_us_customers("Median", range(6))
        for partner, variant, hours in (
            (customers[0], self.variant_a, 1),
            (customers[1], self.variant_a, 2),
            (customers[2], self.variant_a, 7),
            (customers[3], self.variant_b, 0.5),
            (customers[4], self.variant_b, None),
        ):
            message = self._sent(partner, variant, 0.1)
            if hours is not None:
                message.replied_at = T0 + timedelta(hours=hours)
        self.assertRecordValues(
            self.variant_a | self.variant_b,
            [{"reply_median_hours": 2.0}, {"reply_median_hours": 0.5}],
        )
        self.assertAlmostEqual(self.winback.reply_median_hours, 1.5)
        self.assertEqual(self.winback.reply_rate, 80.0)

    def test_message_analysis_rates_are_weighted(self):
        """Variant A: 3 SMS, 1 answered, 2 clicked, 1 opted out; B: 1 SMS
        answered. Grouped per segment and in all, each rate is the ratio of
        the sums: 2 answers of 4 SMS is 50%, not the mean of 33% and 100%."""
        customers = self._create_us_customers("Analysis", range(4))
        a = (
            self._sent(customers[0], self.variant_a, 0.1, clicked=True)
            | self._sent(customers[1], self.variant_a, 0.1, clicked=True)
            | self._sent(customers[2], self.variant_a, 0.1)
        )
        b = self._sent(customers[3], self.variant_b, 0.1)
        (a[0] | b).replied_at = T0 + timedelta(hours=1)
        (a | b).segment = "active"
        self.env["sms.retention.inbound"].create(
            {
                "company_id": self.company.id,
                "provider": "sandbox",
                "from_number": customers[2].phone_sanitized,
                "from_number_raw": customers[2].phone_sanitized,
                "body": "STOP",
                "partner_id": customers[2].id,
                "outbound_message_id": a[2].id,
                "classification": "stop",
                "state": "matched",
            }
        )
        self._planned(customers[0], dedupe_key="not sent")
        self.env.flush_all()
        report = self.env["sms.retention.message.report"]
        domain = [("campaign_id", "=", self.winback.id)]
        measures = [
            "texted_count:sum",
            "reply_rate:avg",
            "click_rate:avg",
            "opt_out_rate:avg",
            "delivery_rate:avg",
            "cost:sum",
        ]
        rows = report._read_group(domain, ["variant_id"], measures)
        per_variant = {variant: figures for variant, *figures in rows}
        [(segment, *total)] = report._read_group(domain, ["segment"], measures)
        self.assertEqual(segment, "active")
        for figures, expected in (
            (per_variant[self.variant_a], [3, 100 / 3, 200 / 3, 100 / 3, 100, 0.3]),
            (per_variant[self.variant_b], [1, 100, 0, 0, 100, 0.1]),
            (total, [4, 50, 50, 25, 100, 0.4]),
        ):
            for value, number in zip(figures, expected, strict=True):
                self.assertAlmostEqual(value, number)

    def test_nothing_sent_shows_zeros(self):
        self._planned(self.customer_us)
        self.assertRecordValues(
            self.winback,
            [
                {
                    "click_rate": 0.0,
                    "conversion_rate": 0.0,
                    "attributed_revenue": 0.0,
                    "cost_amount": 0.0,
                    "roi": 0.0,
                }
            ],
        )

    def test_overview_of_a_period(self):
        """The overview counts the SMS sent in the period, opens them, and
        counts the opt-outs of the period."""
        customers = self._create_us_customers("Overview", range(3))
        now = fields.Datetime.now()
        recent = self._planned(customers[0], state="sent", sent_at=now, cost_amount=0.5)
        self._planned(customers[1], state="sent", sent_at=now - timedelta(days=60))
        customers[2]._sms_retention_opt_out(source="form")
        data = self.env["sms.retention.campaign"].get_overview(30)
        row = next(r for r in data["campaigns"] if r["id"] == self.winback.id)
        self.assertEqual(row["texted"], 1)
        self.assertAlmostEqual(row["cost"], 0.5)
        self.assertGreaterEqual(data["totals"]["opt_outs"], 1)
        action = data["actions"]["texted"]
        texted = self.env["sms.retention.message"].search(action["domain"])
        self.assertIn(recent, texted)
        self.assertEqual(
            self.env["sms.retention.campaign"].get_overview(90)["days"], 90
        )
        self.assertEqual(
            self.env["sms.retention.campaign"].get_overview(7)["days"],
            30,
            "an unknown period falls back to 30 days",
        )
