# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.tests import tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestChurn(SmsRetentionCommon):
    """Segment changes are kept; churn per month is measured on them."""

    def test_segment_changes_are_kept(self):
        partner = self._create_customer("History", "+1 212 555 0188", "us")
        with freeze_time("2026-03-02 10:00:00"):
            self._create_order(partner)
        history = partner.sms_retention_segment_history_ids
        self.assertRecordValues(
            history,
            [
                {
                    "from_segment": "potential",
                    "to_segment": "new",
                    "changed_at": fields.Datetime.to_datetime("2026-03-02 10:00:00"),
                }
            ],
        )
        with freeze_time("2026-03-03 10:00:00"):
            partner._sms_retention_update_segments()
        self.assertEqual(len(partner.sms_retention_segment_history_ids), 1, "no change")
        with freeze_time("2026-12-03 10:00:00"):
            partner._sms_retention_update_segments()
        self.assertEqual(
            partner.sms_retention_segment_history_ids[0].to_segment, "dormant"
        )

    def _change(self, partner, when, from_segment, to_segment):
        self.env["sms.retention.segment.history"].create(
            {
                "partner_id": partner.id,
                "changed_at": when,
                "from_segment": from_segment,
                "to_segment": to_segment,
            }
        )

    def test_churn_per_month(self):
        """Four customers active on March 1st; one texted of two churns, one
        of the two others: 50% each, 50% in all."""
        self.env["sms.retention.segment.history"].search([]).unlink()
        customers = self._create_us_customers("Churn", range(5))
        for partner in customers[:4]:
            self._change(partner, datetime(2026, 2, 3), "potential", "new")
        self._change(customers[4], datetime(2026, 2, 3), "potential", "new")
        self._change(customers[4], datetime(2026, 2, 20), "new", "lost")
        for partner in customers[:2]:
            self.env["sms.retention.message"].create(
                {
                    "campaign_id": self.campaign.id,
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "planned_at": datetime(2026, 2, 10),
                    "state": "sent",
                    "sent_at": datetime(2026, 2, 10),
                }
            )
        self._change(customers[0], datetime(2026, 3, 15), "new", "dormant")
        self._change(customers[2], datetime(2026, 3, 20), "new", "lost")
        self.env.flush_all()
        report = self.env["sms.retention.churn.report"]
        march = [("month", "=", date(2026, 3, 1))]
        rows = report._read_group(
            march,
            ["texted"],
            ["active_count:sum", "churned_count:sum", "churn_rate:avg"],
        )
        self.assertEqual(
            {texted: tuple(figures) for texted, *figures in rows},
            {"texted": (2, 1, 50.0), "not_texted": (2, 1, 50.0)},
        )
        [(rate,)] = report._read_group(march, [], ["churn_rate:avg"])
        self.assertAlmostEqual(rate, 50.0)
        february = report.search([("month", "=", date(2026, 2, 1))])
        self.assertEqual(
            sum(february.mapped("active_count")),
            0,
            "nobody was active before the history starts",
        )
        per_segment = report._read_group(
            march + [("active_count", ">", 0)], ["segment"], ["churn_rate:avg"]
        )
        self.assertEqual(per_segment, [("new", 50.0)], "the segment at the start")

    def test_repeat_purchases_per_month(self):
        """March: three buyers, two of whom had ordered in February (one of
        them twice in March, counted once): a repeat rate of 2 / 3."""
        self.env["sale.order"].search([("state", "=", "sale")]).write(
            {"state": "cancel"}
        )
        customers = self._create_us_customers("Repeat", range(3))
        for partner, when in (
            (customers[0], datetime(2026, 2, 5)),
            (customers[1], datetime(2026, 2, 25)),
            (customers[0], datetime(2026, 3, 2)),
            (customers[0], datetime(2026, 3, 9)),
            (customers[1], datetime(2026, 3, 30)),
            (customers[2], datetime(2026, 3, 12)),
        ):
            self._create_order(partner).date_order = when
        self.env.flush_all()
        report = self.env["sms.retention.churn.report"]
        [(buyers, repeat, rate)] = report._read_group(
            [("month", "=", date(2026, 3, 1))],
            [],
            ["buyer_count:sum", "repeat_buyer_count:sum", "repeat_rate:avg"],
        )
        self.assertEqual((buyers, repeat), (3, 2))
        self.assertAlmostEqual(rate, 200 / 3)
        [(buyers, repeat)] = report._read_group(
            [("month", "=", date(2026, 2, 1))],
            [],
            ["buyer_count:sum", "repeat_buyer_count:sum"],
        )
        self.assertEqual((buyers, repeat), (2, 0), "first orders are not repeats")
        segments = report._read_group(
            [("month", "in", [date(2026, 2, 1), date(2026, 3, 1)])], ["segment"]
        )
        self.assertNotIn(
            (False,), segments, "a buyer with no order before has a segment"
        )

    def test_rate_graphs_are_not_stacked(self):
        """Rates of two series (texted or not) do not add up: a stacked line
        showed 105% churn for a month of 100% and 5%."""
        for xmlid in (
            "sms_retention.sms_retention_churn_report_view_graph",
            "sms_retention.sms_retention_cohort_report_view_graph",
            "sms_retention.sms_retention_message_report_view_graph",
        ):
            arch = etree.fromstring(self.env.ref(xmlid).arch)
            self.assertEqual(arch.get("stacked"), "0", xmlid)

    def test_history_replayed_from_orders_at_install(self):
        """A customer with years of orders gets the segment changes those
        orders tell (new for 30 days, active for 180 days after an order),
        ending in their current segment; one with no order keeps the row
        the install wrote."""
        company = self.env.company
        company.write({"sms_retention_new_days": 30, "sms_retention_active_days": 180})
        partner = self._create_customer("Replay", "+1 212 555 0177", "us")
        partner.company_id = company
        prospect = self._create_customer("Prospect", "+1 212 555 0176", "us")
        days = ("2024-01-10 09:00:00", "2024-03-01 09:00:00", "2025-06-01 09:00:00")
        for day in days:
            with freeze_time(day):
                self._create_order(partner)
        history = self.env["sms.retention.segment.history"]
        with freeze_time("2025-07-01 09:00:00"):
            (partner | prospect)._sms_retention_update_segments()
            prospect_rows = prospect.sms_retention_segment_history_ids
            replayed = history._replay_from_orders()
        self.assertGreaterEqual(replayed, 1)
        at = fields.Datetime.to_datetime
        self.assertEqual(
            [
                (row.changed_at, row.from_segment, row.to_segment)
                for row in partner.sms_retention_segment_history_ids.sorted(
                    "changed_at"
                )
            ],
            [
                (at("2024-01-10 09:00:00"), False, "new"),
                (at("2024-02-09 09:00:01"), "new", "active"),
                (at("2024-08-28 09:00:01"), "active", "dormant"),
                (at("2025-06-01 09:00:00"), "dormant", "active"),
            ],
        )
        self.assertEqual(partner.sms_retention_segment, "active")
        self.assertEqual(prospect.sms_retention_segment_history_ids, prospect_rows)
        self.env.flush_all()
        rows = self.env["sms.retention.churn.report"]._read_group(
            [("month", "=", date(2024, 8, 1))], [], ["churned_count:sum"]
        )
        self.assertGreaterEqual(rows[0][0], 1, "churn measured before the install")

    def test_churn_in_the_overview(self):
        """The overview's churn: of the customers new or active when the
        period starts, those who became dormant or lost in it; and the same
        for the period before."""
        history = self.env["sms.retention.segment.history"]
        now = fields.Datetime.now()
        periods = [
            (now - timedelta(days=60), now - timedelta(days=30)),
            (now - timedelta(days=30), None),
        ]
        before = history._churn_in_periods(periods)
        customers = self._create_us_customers("Trend", range(5))
        for partner in customers[:4]:
            self._change(partner, now - timedelta(days=100), "new", "active")
        self._change(customers[1], now - timedelta(days=40), "active", "dormant")
        self._change(customers[0], now - timedelta(days=10), "active", "dormant")
        self._change(customers[4], now - timedelta(days=5), "potential", "new")
        for partner, segment in zip(
            customers, ("dormant", "dormant", "active", "active", "new"), strict=True
        ):
            partner.sms_retention_segment = segment
        after = history._churn_in_periods(periods)
        deltas = [
            (active - active_before, churned - churned_before)
            for (active, churned), (active_before, churned_before) in zip(
                after, before, strict=True
            )
        ]
        self.assertEqual(deltas, [(4, 1), (3, 1)])
        data = self.env["sms.retention.campaign"].get_overview(30)
        active, churned = after[1]
        self.assertAlmostEqual(data["totals"]["churn"], 100.0 * churned / active)
        active, churned = after[0]
        self.assertAlmostEqual(
            data["totals"]["churn_previous"], 100.0 * churned / active
        )
        self.assertEqual(
            data["actions"]["churn"]["res_model"], "sms.retention.churn.report"
        )
