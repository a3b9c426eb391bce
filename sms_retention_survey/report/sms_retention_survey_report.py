# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

# rate field -> (numerator, denominator, factor): on grouped rows, the rate
# is factor * SUM(numerator) / SUM(denominator); numerator may be a pair
# (a - b) for the NPS.
WEIGHTED = {
    "response_rate": ("response_count", "sent_count", 100.0),
    "completion_rate": ("completed_count", "sent_count", 100.0),
    "average_score": ("score_sum", "score_count", 1.0),
    "csat_percent": ("satisfied_count", "five_point_count", 100.0),
    "promoter_percent": ("promoter_count", "ten_point_count", 100.0),
    "detractor_percent": ("detractor_count", "ten_point_count", 100.0),
    "nps": (("promoter_count", "detractor_count"), "ten_point_count", 100.0),
}


class SmsRetentionSurveyReport(models.Model):
    """SMS survey results per campaign, survey, company and month (SQL view).

    Read-only; the multi-company rule limits rows to the user's companies.
    Counts add up across rows. Rates and scores are exact on grouped rows
    too: each is the ratio of the sums of its numerator and denominator
    (see :data:`WEIGHTED`), not the average of the rows' rates. A median
    cannot be combined from medians: grouped rows show none.
    """

    _name = "sms.retention.survey.report"
    _description = "SMS Survey Analysis"
    _inherit = ["sms.retention.ratio.report.mixin"]
    _auto = False
    _sms_retention_ratios = WEIGHTED
    _order = "month desc"

    month = fields.Date(readonly=True)
    campaign_id = fields.Many2one("sms.retention.campaign", readonly=True)
    survey_id = fields.Many2one("survey.survey", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    sent_count = fields.Integer("Surveys Sent", readonly=True)
    response_count = fields.Integer("Responses", readonly=True)
    completed_count = fields.Integer("Completed", readonly=True)
    response_rate = fields.Float(
        "Response Rate (%)", group_operator="avg", readonly=True
    )
    completion_rate = fields.Float(
        "Completion Rate (%)", group_operator="avg", readonly=True
    )
    average_score = fields.Float(group_operator="avg", readonly=True)
    csat_percent = fields.Float(
        "CSAT (%)",
        group_operator="avg",
        readonly=True,
        help="Share of scores of 4 or 5, on 5-point scales.",
    )
    promoter_percent = fields.Float(
        "Promoters (%)",
        group_operator="avg",
        readonly=True,
        help="Scores of 9 or 10 on 0-10 and 1-10 scales.",
    )
    detractor_percent = fields.Float(
        "Detractors (%)",
        group_operator="avg",
        readonly=True,
        help="Scores up to 6 on 0-10 and 1-10 scales.",
    )
    nps = fields.Float("NPS", group_operator="avg", readonly=True)
    median_minutes = fields.Float(
        "Median Time to Answer (min)",
        group_operator=None,
        readonly=True,
        help="From the SMS to the first reply, per month, campaign and survey.",
    )
    # What the rates and scores are made of, summed on grouped rows.
    score_sum = fields.Float("Score Total", readonly=True)
    score_count = fields.Integer("Scores", readonly=True)
    five_point_count = fields.Integer("Scores out of 5", readonly=True)
    satisfied_count = fields.Integer("Satisfied (4 or 5)", readonly=True)
    ten_point_count = fields.Integer("Scores out of 10", readonly=True)
    promoter_count = fields.Integer("Promoters", readonly=True)
    detractor_count = fields.Integer("Detractors", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %s AS (
            WITH base AS (
                -- Odoo stores a float 0 as NULL: COALESCE.
                SELECT ui.*,
                       CASE WHEN ui.sms_score_max > COALESCE(ui.sms_score_min, 0)
                            THEN COALESCE(ui.sms_score, 0) END AS score,
                       ui.sms_score_max = 5
                           AND COALESCE(ui.sms_score_min, 0) IN (0, 1) AS is_five,
                       ui.sms_score_max = 10
                           AND COALESCE(ui.sms_score_min, 0) IN (0, 1) AS is_ten
                  FROM survey_user_input ui
                 WHERE ui.channel = 'sms' AND ui.sms_sent_at IS NOT NULL
            )
            -- A stable id: the same group gets the same id in every query
            -- (row_number() over an unordered set did not).
            SELECT min(id) AS id,
                   date_trunc('month', sms_sent_at)::date AS month,
                   sms_campaign_id AS campaign_id,
                   survey_id,
                   sms_company_id AS company_id,
                   count(*) AS sent_count,
                   count(sms_first_reply_at) AS response_count,
                   count(*) FILTER (WHERE state = 'done') AS completed_count,
                   100.0 * count(sms_first_reply_at) / count(*) AS response_rate,
                   100.0 * count(*) FILTER (WHERE state = 'done') / count(*)
                       AS completion_rate,
                   avg(score) AS average_score,
                   100.0 * count(*) FILTER (WHERE is_five AND score >= 4)
                       / NULLIF(count(score) FILTER (WHERE is_five), 0)
                       AS csat_percent,
                   100.0 * count(*) FILTER (WHERE is_ten AND score >= 9)
                       / NULLIF(count(score) FILTER (WHERE is_ten), 0)
                       AS promoter_percent,
                   100.0 * count(*) FILTER (WHERE is_ten AND score <= 6)
                       / NULLIF(count(score) FILTER (WHERE is_ten), 0)
                       AS detractor_percent,
                   100.0 * (
                       count(*) FILTER (WHERE is_ten AND score >= 9)
                       - count(*) FILTER (WHERE is_ten AND score <= 6)
                   ) / NULLIF(count(score) FILTER (WHERE is_ten), 0) AS nps,
                   percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY extract(epoch FROM sms_first_reply_at - sms_sent_at)
                   ) / 60.0 AS median_minutes,
                   COALESCE(sum(score), 0) AS score_sum,
                   count(score) AS score_count,
                   count(score) FILTER (WHERE is_five) AS five_point_count,
                   count(*) FILTER (WHERE is_five AND score >= 4) AS satisfied_count,
                   count(score) FILTER (WHERE is_ten) AS ten_point_count,
                   count(*) FILTER (WHERE is_ten AND score >= 9) AS promoter_count,
                   count(*) FILTER (WHERE is_ten AND score <= 6) AS detractor_count
              FROM base
             GROUP BY 2, 3, 4, 5
            )""",
                SQL.identifier(self._table),
            )
        )
