# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .res_partner import CUSTOMER_ORDERS

# Whether the customers of a report's row were texted: a selection, so that
# a pivot's headers say it (a boolean shows a bare "Yes" or "No").
TEXTED = [("texted", "Texted by SMS"), ("not_texted", "Not texted")]


class SmsRetentionCohortReport(models.Model):
    """Customer cohorts: customers grouped by the month of their first
    confirmed order, and how many of them ordered again in each following
    month (the retention triangle), for customers texted by a retention SMS
    and for the others (SQL view over confirmed orders).

    A customer is a commercial entity; its cohort and company are those of
    its first order. Read-only; the multi-company rule limits rows to the
    user's companies. The retention rate of grouped rows is the ratio of
    the sums (customers who ordered / customers of the cohort), not an
    average of rates.
    """

    _name = "sms.retention.cohort.report"
    _description = "SMS Retention Customer Cohorts"
    _inherit = ["sms.retention.ratio.report.mixin"]
    _auto = False
    _sms_retention_ratios = {
        "retention_rate": ("customer_count", "cohort_size", 100.0),
    }
    _order = "cohort_month desc, months_since"

    cohort_month = fields.Date("Cohort", readonly=True)
    months_since = fields.Integer(
        "Months After First Order", group_operator=None, readonly=True
    )
    texted = fields.Selection(
        TEXTED,
        "SMS Contact",
        readonly=True,
        help="Whether the customer got at least one retention SMS.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    cohort_size = fields.Integer("Customers in Cohort", readonly=True)
    customer_count = fields.Integer(
        "Customers Who Ordered",
        readonly=True,
        help="Customers of the cohort with a confirmed order in that month.",
    )
    retention_rate = fields.Float(
        "Retention (%)",
        group_operator="avg",
        readonly=True,
        help="Customers who ordered that month, per 100 customers of the cohort.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(view)s AS (
            WITH orders AS (
                SELECT c.*, date_trunc('month', c.date_order)::date AS month
                  FROM (%(orders)s) c
            ), firsts AS (
                SELECT DISTINCT ON (customer) customer, company_id,
                       month AS cohort_month
                  FROM orders
                 ORDER BY customer, date_order
            ), texted AS (
                SELECT DISTINCT p.commercial_partner_id AS customer
                  FROM sms_retention_message m
                  JOIN res_partner p ON p.id = m.partner_id
                 WHERE m.state = 'sent'
            ), customers AS (
                SELECT f.*, CASE WHEN t.customer IS NOT NULL THEN 'texted'
                                 ELSE 'not_texted' END AS texted
                  FROM firsts f LEFT JOIN texted t ON t.customer = f.customer
            ), sizes AS (
                SELECT cohort_month, company_id, texted, count(*) AS cohort_size
                  FROM customers GROUP BY 1, 2, 3
            ), activity AS (
                SELECT c.cohort_month, c.company_id, c.texted,
                       ((extract(year FROM o.month) - extract(year FROM c.cohort_month))
                        * 12 + extract(month FROM o.month)
                        - extract(month FROM c.cohort_month))::int AS months_since,
                       count(DISTINCT o.customer) AS customer_count
                  FROM customers c
                  JOIN orders o ON o.customer = c.customer
                 GROUP BY 1, 2, 3, 4
            ), cells AS (
                -- Every month since the cohort's, with or without orders:
                -- a month nobody ordered in counts its 0 in the rates.
                SELECT s.*, offsets.months_since
                  FROM sizes s
                 CROSS JOIN LATERAL generate_series(
                       0,
                       ((extract(year FROM now()) - extract(year FROM s.cohort_month))
                        * 12 + extract(month FROM now())
                        - extract(month FROM s.cohort_month))::int
                 ) AS offsets(months_since)
            )
            -- Ordered: the same cell gets the same id while the data holds.
            SELECT row_number() OVER (
                       ORDER BY c.cohort_month, c.company_id, c.texted,
                                c.months_since) AS id,
                   c.cohort_month, c.months_since, c.texted, c.company_id,
                   c.cohort_size, COALESCE(a.customer_count, 0) AS customer_count,
                   100.0 * COALESCE(a.customer_count, 0) / c.cohort_size
                       AS retention_rate
              FROM cells c
              LEFT JOIN activity a ON a.cohort_month = c.cohort_month
                                  AND a.company_id IS NOT DISTINCT FROM c.company_id
                                  AND a.texted = c.texted
                                  AND a.months_since = c.months_since
            )""",
                view=SQL.identifier(self._table),
                orders=CUSTOMER_ORDERS,
            )
        )
