# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

# Segments of a customer who buys, and of one who stopped.
ACTIVE_SEGMENTS = ("new", "active")
CHURNED_SEGMENTS = ("dormant", "lost")


class SmsRetentionChurnReport(models.Model):
    """Churn per month, from the history of lifecycle segments (SQL view):
    customers new or active at the start of the month, those of them who
    became dormant or lost during it, and the churn rate, for customers
    texted by a retention SMS before the month's end and for the others.

    The history starts when the addon is installed: the first months count
    only the customers whose segment changed since. Read-only, as the
    history; the rate of grouped rows is the ratio of the sums.
    """

    _name = "sms.retention.churn.report"
    _description = "SMS Retention Churn per Month"
    _inherit = ["sms.retention.ratio.report.mixin"]
    _auto = False
    _sms_retention_ratios = {"churn_rate": ("churned_count", "active_count", 100.0)}
    _order = "month desc"

    month = fields.Date(readonly=True)
    texted = fields.Boolean(
        "Texted by SMS",
        readonly=True,
        help="The customer got a retention SMS before the month's end.",
    )
    active_count = fields.Integer(
        "Active at Start",
        readonly=True,
        help="Customers new or active at the start of the month.",
    )
    churned_count = fields.Integer(
        "Churned",
        readonly=True,
        help="Of them, those who became dormant or lost during the month.",
    )
    churn_rate = fields.Float(
        "Churn Rate (%)",
        group_operator="avg",
        readonly=True,
        help="Churned customers per 100 customers active at the start.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(view)s AS (
            WITH months AS (
                SELECT generate_series(
                           date_trunc('month', min(changed_at)),
                           date_trunc('month', now()),
                           interval '1 month')::date AS month
                  FROM sms_retention_segment_history
            ), at_start AS (
                -- Each customer's segment when the month starts: its last
                -- change before it.
                SELECT m.month, last.partner_id
                  FROM months m
                 CROSS JOIN LATERAL (
                       SELECT DISTINCT ON (h.partner_id) h.partner_id, h.to_segment
                         FROM sms_retention_segment_history h
                        WHERE h.changed_at < m.month
                        ORDER BY h.partner_id, h.changed_at DESC, h.id DESC
                 ) last
                 WHERE last.to_segment IN %(active)s
            ), churned AS (
                SELECT DISTINCT date_trunc('month', h.changed_at)::date AS month,
                       h.partner_id
                  FROM sms_retention_segment_history h
                 WHERE h.from_segment IN %(active)s AND h.to_segment IN %(churned)s
            ), rows AS (
                SELECT a.month, a.partner_id,
                       c.partner_id IS NOT NULL AS churned,
                       EXISTS (
                           SELECT 1 FROM sms_retention_message msg
                            WHERE msg.partner_id = a.partner_id
                              AND msg.state = 'sent'
                              AND msg.sent_at < a.month + interval '1 month'
                       ) AS texted
                  FROM at_start a
                  LEFT JOIN churned c ON c.month = a.month
                                     AND c.partner_id = a.partner_id
            )
            SELECT row_number() OVER (ORDER BY month, texted) AS id,
                   month, texted,
                   count(*) AS active_count,
                   count(*) FILTER (WHERE churned) AS churned_count,
                   100.0 * count(*) FILTER (WHERE churned) / count(*) AS churn_rate
              FROM rows
             GROUP BY month, texted
            )""",
                view=SQL.identifier(self._table),
                active=ACTIVE_SEGMENTS,
                churned=CHURNED_SEGMENTS,
            )
        )
