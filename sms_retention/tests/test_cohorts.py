# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestCohorts(SmsRetentionCommon):
    """The retention triangle, against counts made by hand."""

    def _order(self, partner, when):
        with freeze_time(when):
            return self._create_order(partner)

    def test_retention_triangle_texted_or_not(self):
        texted, other, third = self._create_us_customers("Cohort", range(3))
        for partner, months in ((texted, (1, 2, 4)), (other, (1, 3)), (third, (1,))):
            for month in months:
                self._order(partner, datetime(2025, month, 10, 12))
        # A second order in the first month counts once.
        self._order(texted, datetime(2025, 1, 20, 12))
        self.env["sms.retention.message"].create(
            {
                "campaign_id": self.campaign.id,
                "partner_id": texted.id,
                "company_id": self.company.id,
                "res_model": "res.partner",
                "res_id": texted.id,
                "planned_at": datetime(2025, 1, 25),
                "state": "sent",
                "sent_at": datetime(2025, 1, 25),
            }
        )
        self.env.flush_all()
        report = self.env["sms.retention.cohort.report"]
        domain = [
            ("cohort_month", "=", date(2025, 1, 1)),
            ("months_since", "<=", 3),
            ("company_id", "=", self.company.id),
        ]
        cells = {
            (row.texted, row.months_since): (row.customer_count, row.cohort_size)
            for row in report.search(domain)
            if row.customer_count
        }
        self.assertEqual(
            cells,
            {
                ("texted", 0): (1, 1),
                ("texted", 1): (1, 1),
                ("texted", 3): (1, 1),
                ("not_texted", 0): (2, 2),
                ("not_texted", 2): (1, 2),
            },
        )
        rows = report._read_group(domain, ["months_since"], ["retention_rate:avg"])
        self.assertEqual(
            dict(rows), {0: 100.0, 1: 100.0 / 3, 2: 100.0 / 3, 3: 100.0 / 3}
        )
        cancelled = self._order(third, datetime(2025, 2, 10, 12))
        cancelled._action_cancel()
        self.env.flush_all()
        self.assertEqual(
            dict(report._read_group(domain, ["months_since"], ["retention_rate:avg"]))[
                1
            ],
            100.0 / 3,
            "a cancelled order does not count",
        )
