# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

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
        rows = {
            row.texted: (row.active_count, row.churned_count, row.churn_rate)
            for row in report.search(march)
        }
        self.assertEqual(rows, {True: (2, 1, 50.0), False: (2, 1, 50.0)})
        [(rate,)] = report._read_group(march, [], ["churn_rate:avg"])
        self.assertAlmostEqual(rate, 50.0)
        february = report.search([("month", "=", date(2026, 2, 1))])
        self.assertFalse(february, "nobody was active before the history starts")
