# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .res_partner import ACTIVE_SEGMENTS, CHURNED_SEGMENTS, CUSTOMER_ORDERS, SEGMENTS
from .sms_retention_cohort_report import TEXTED


class SmsRetentionChurnReport(models.Model):
    """Churn and repeat purchases per month (SQL view), for customers
    texted by a retention SMS before the month's end and for the others, by
    their lifecycle segment at the month's start:

    * churn, from the history of lifecycle segments: customers new or
      active at the start of the month, those of them who became dormant or
      lost during it, and the churn rate;
    * repeat purchases, from confirmed orders: customers who ordered during
      the month, those of them who had ordered before, and their share.

    A customer is a commercial entity. The history before the install is
    replayed from confirmed orders at install (see
    ``sms.retention.segment.history._replay_from_orders``). Read-only; the rates
    of grouped rows are ratios of the sums.
    """

    _name = "sms.retention.churn.report"
    _description = "SMS Retention Churn per Month"
    _inherit = ["sms.retention.ratio.report.mixin"]
    _auto = False
    _sms_retention_ratios = {
        "churn_rate": ("churned_count", "active_count", 100.0),
        "repeat_rate": ("repeat_buyer_count", "buyer_count", 100.0),
    }
    _order = "month desc"

    month = fields.Date(readonly=True)
    texted = fields.Selection(
        TEXTED,
        "SMS Contact",
        readonly=True,
        help="Whether the customer got a retention SMS before the month's end.",
    )
    segment = fields.Selection(
        SEGMENTS,
        readonly=True,
        help="The customer's lifecycle segment at the start of the month.",
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
    buyer_count = fields.Integer(
        "Buyers",
        readonly=True,
        help="Customers with a confirmed order during the month.",
    )
    repeat_buyer_count = fields.Integer(
        "Repeat Buyers",
        readonly=True,
        help="Of them, those who had ordered before the month.",
    )
    repeat_rate = fields.Float(
        "Repeat Purchase Rate (%)",
        group_operator="avg",
        readonly=True,
        help="Repeat buyers per 100 buyers of the month.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(view)s AS (
            WITH orders AS (
                SELECT customer AS partner_id, date_order FROM (%(orders)s) c
            ), months AS (
                SELECT generate_series(
                           date_trunc('month', least(
                               (SELECT min(changed_at)
                                  FROM sms_retention_segment_history),
                               (SELECT min(date_order) FROM orders))),
                           date_trunc('month', now()),
                           interval '1 month')::date AS month
            ), spans AS (
                -- Each segment a customer held, from its change to the next.
                SELECT h.partner_id, h.to_segment AS segment, h.changed_at AS since,
                       lead(h.changed_at) OVER (
                           PARTITION BY h.partner_id ORDER BY h.changed_at, h.id
                       ) AS until
                  FROM sms_retention_segment_history h
            ), at_start AS (
                -- Each customer's segment when the month starts: the span
                -- of its last change before it.
                SELECT m.month, s.partner_id, s.segment
                  FROM spans s
                  JOIN months m ON m.month > s.since
                               AND (s.until IS NULL OR m.month <= s.until)
            ), churned AS (
                SELECT DISTINCT date_trunc('month', h.changed_at)::date AS month,
                       h.partner_id
                  FROM sms_retention_segment_history h
                 WHERE h.from_segment IN %(active)s AND h.to_segment IN %(churned)s
            ), buyers AS (
                -- Each customer who ordered in a month, and whether their
                -- first order came before it.
                SELECT b.month, b.partner_id, f.first_order < b.month AS repeat
                  FROM (SELECT DISTINCT date_trunc('month', date_order)::date
                                   AS month, partner_id
                          FROM orders) b
                  JOIN (SELECT partner_id, min(date_order) AS first_order
                          FROM orders GROUP BY 1) f
                       ON f.partner_id = b.partner_id
            ), rows AS (
                SELECT COALESCE(a.month, b.month) AS month,
                       COALESCE(a.partner_id, b.partner_id) AS partner_id,
                       -- No segment yet at the start: no order before it.
                       COALESCE(a.segment, 'potential') AS segment,
                       COALESCE(a.segment IN %(active)s, FALSE) AS active,
                       c.partner_id IS NOT NULL AS churned,
                       b.partner_id IS NOT NULL AS bought,
                       COALESCE(b.repeat, FALSE) AS repeat
                  FROM at_start a
                  FULL JOIN buyers b ON b.month = a.month
                                    AND b.partner_id = a.partner_id
                  LEFT JOIN churned c ON c.month = a.month
                                     AND c.partner_id = a.partner_id
                                     AND a.segment IN %(active)s
            ), first_texts AS (
                -- When each customer got their first retention SMS.
                SELECT msg.partner_id, min(msg.sent_at) AS first_sent
                  FROM sms_retention_message msg
                 WHERE msg.state = 'sent'
                 GROUP BY msg.partner_id
            ), texted_rows AS (
                SELECT r.*, CASE WHEN t.first_sent < r.month + interval '1 month'
                                 THEN 'texted' ELSE 'not_texted' END AS texted
                  FROM rows r
                  LEFT JOIN first_texts t ON t.partner_id = r.partner_id
                 WHERE r.active OR r.bought
            )
            SELECT row_number() OVER (ORDER BY month, texted, segment) AS id,
                   month, texted, segment,
                   count(*) FILTER (WHERE active) AS active_count,
                   count(*) FILTER (WHERE churned) AS churned_count,
                   100.0 * count(*) FILTER (WHERE churned)
                       / NULLIF(count(*) FILTER (WHERE active), 0) AS churn_rate,
                   count(*) FILTER (WHERE bought) AS buyer_count,
                   count(*) FILTER (WHERE repeat) AS repeat_buyer_count,
                   100.0 * count(*) FILTER (WHERE repeat)
                       / NULLIF(count(*) FILTER (WHERE bought), 0) AS repeat_rate
              FROM texted_rows
             GROUP BY month, texted, segment
            )""",
                view=SQL.identifier(self._table),
                orders=CUSTOMER_ORDERS,
                active=ACTIVE_SEGMENTS,
                churned=CHURNED_SEGMENTS,
            )
        )
