# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import SmsSurveyCommon


@tagged("post_install", "-at_install")
class TestReporting(SmsSurveyCommon):
    def _customers(self, count):
        return self.env["res.partner"].concat(
            *(
                self._create_customer(f"Customer {i}", f"+1 212 555 02{i:02d}", "us")
                for i in range(count)
            )
        )

    def test_analysis_per_campaign_survey_and_month(self):
        customers = self._customers(4)
        self.survey_campaign.survey_id = self.onboarding_survey
        now = fields.Datetime.now()
        with freeze_time(now):
            messages = self.survey_campaign._enqueue(customers)
            with self.mock_sms_providers():
                messages.action_send_now()
        scores = ["10", "9", "3"]
        for minutes, (customer, score) in enumerate(
            zip(customers, scores, strict=False)
        ):
            with freeze_time(now + timedelta(minutes=2 * (minutes + 1))):
                self._reply(score, number=customer.phone_sanitized)
                self._reply("nothing", number=customer.phone_sanitized)
        self.env.flush_all()
        report = self.env["sms.retention.survey.report"].search(
            [
                ("campaign_id", "=", self.survey_campaign.id),
                ("survey_id", "=", self.onboarding_survey.id),
            ]
        )
        self.assertEqual(len(report), 1)
        self.assertEqual(report.month, now.date().replace(day=1))
        self.assertEqual(
            (report.sent_count, report.response_count, report.completed_count),
            (4, 3, 3),
        )
        self.assertAlmostEqual(report.response_rate, 75)
        self.assertAlmostEqual(report.completion_rate, 75)
        self.assertAlmostEqual(report.average_score, 22 / 3)
        self.assertAlmostEqual(report.promoter_percent, 200 / 3)
        self.assertAlmostEqual(report.detractor_percent, 100 / 3)
        self.assertAlmostEqual(report.nps, 100 / 3)
        self.assertFalse(report.csat_percent)
        self.assertAlmostEqual(report.median_minutes, 4)
        groups = self.env["sms.retention.survey.report"].read_group(
            [("id", "in", report.ids)],
            ["sent_count:sum", "response_rate:avg"],
            ["survey_id"],
        )
        self.assertEqual(groups[0]["sent_count"], 4)

    def test_grouped_rates_are_weighted(self):
        """1 of 1 answered on one survey, 0 of 3 on another: the campaign's
        response rate is 1 of 4 (25%), not the average of 100% and 0%."""
        customers = self._customers(4)
        self.survey_campaign.survey_id = self.csat_survey
        first = self.survey_campaign._enqueue(customers[:1])
        with self.mock_sms_providers():
            first.action_send_now()
        self._reply("5", number=customers[0].phone_sanitized)
        self.survey_campaign.survey_id = self.onboarding_survey
        others = self.survey_campaign._enqueue(customers[1:])
        with self.mock_sms_providers():
            others.action_send_now()
        self.env.flush_all()
        reports = self.env["sms.retention.survey.report"]
        rows = reports.search([("campaign_id", "=", self.survey_campaign.id)])
        self.assertEqual(sorted(rows.mapped("response_rate")), [0.0, 100.0])
        [(sent, rate, csat)] = reports._read_group(
            [("campaign_id", "=", self.survey_campaign.id)],
            [],
            [
                "sent_count:sum",
                "response_rate:avg",
                "csat_percent:avg",
            ],
        )
        self.assertEqual(sent, 4)
        self.assertAlmostEqual(rate, 25.0)
        self.assertAlmostEqual(csat, 100.0, msg="the only 5-point score is a 5")

    def test_report_rows_keep_their_id(self):
        """Regression: a row's id was its position in an unordered result, so
        one id read another group's figures from one query to the next (the
        analysis above failed one run in two)."""
        self.survey_campaign.survey_id = self.csat_survey
        messages = self.survey_campaign._enqueue(self._customers(2))
        with self.mock_sms_providers():
            messages.action_send_now()
        self.env.flush_all()
        reports = self.env["sms.retention.survey.report"]
        report = reports.search([("campaign_id", "=", self.survey_campaign.id)])
        self.assertEqual(report.id, min(messages.survey_user_input_ids.ids))
        for order in ("id desc", "month desc, survey_id", "sent_count"):
            self.env.invalidate_all()
            rows = reports.search([], order=order)
            self.assertIn(report, rows)
            self.assertEqual(report.campaign_id, self.survey_campaign)
            self.assertEqual(report.sent_count, 2)

    def test_csat_share(self):
        customers = self._customers(3)
        self.survey_campaign.survey_id = self.csat_survey
        messages = self.survey_campaign._enqueue(customers)
        with self.mock_sms_providers():
            messages.action_send_now()
        for customer, score in zip(customers, ["5", "4", "1"], strict=True):
            self._reply(score, number=customer.phone_sanitized)
        self.env.flush_all()
        report = self.env["sms.retention.survey.report"].search(
            [("survey_id", "=", self.csat_survey.id)]
        )
        self.assertAlmostEqual(report.csat_percent, 200 / 3)
        self.assertFalse(report.promoter_percent)

    def test_partner_history(self):
        self.survey_campaign.survey_id = self.csat_survey
        self._send_survey(self.csat_survey)
        self._reply("4")
        self.customer_us.invalidate_recordset()
        self.assertEqual(self.customer_us.sms_survey_count, 1)
        self.assertEqual(self.customer_us.sms_survey_last_score, "4 / 5")
        action = self.customer_us.action_view_sms_surveys()
        self.assertEqual(
            self.env["survey.user_input"].search(action["domain"]).partner_id,
            self.customer_us,
        )
