# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import (
    ACTIVE_SEGMENTS,
    CHURNED_SEGMENTS,
    CUSTOMER_ORDERS,
    SEGMENTS,
    company_periods,
    segment_sql,
)


class SmsRetentionSegmentHistory(models.Model):
    """A change of a customer's lifecycle segment, and when: the history
    that churn is measured on (see ``sms.retention.churn.report``).

    Written by the segment update itself, in the statement that changes the
    segments (``res.partner._sms_retention_update_segments``), as the job's
    rows: no author. Never edited; salespeople read them.
    """

    _name = "sms.retention.segment.history"
    _description = "SMS Retention Segment Change"
    _order = "changed_at desc, id desc"
    _rec_name = "partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    changed_at = fields.Datetime(required=True, index=True)
    from_segment = fields.Selection(SEGMENTS, string="From")
    to_segment = fields.Selection(SEGMENTS, string="To", required=True)

    @api.model
    def _replay_from_orders(self):
        """Write the past of the history from confirmed orders, at install.

        The segment update records changes from the day the addon runs; a
        business installing it has years of orders, and churn over them.
        For each customer with orders, the segment is replayed at every
        moment it can change (an order, the end of the new period after the
        first order, the end of the active period after each order, the
        day the customer was marked lost), by the segment update's rule
        (``res_partner.segment_sql``); the changes replace
        the customer's history, which at install holds only the rows the
        install wrote. A customer whose replay does not end in their
        current segment (an order dated in the future) keeps those.

        :return: number of customers whose history was replayed
        """
        self.env.flush_all()
        new_period, active_period = company_periods("c", self.env.company)
        self.env.cr.execute(
            SQL(
                """
            WITH customer AS (
                SELECT p.id, p.sms_retention_segment AS segment,
                       p.sms_retention_lost_date AS lost_date,
                       %(new_period)s AS new_period,
                       %(active_period)s AS active_period
                  FROM res_partner p
                  LEFT JOIN res_company c ON c.id = p.company_id
            ), orders AS (
                SELECT o.customer, o.date_order
                  FROM (%(orders)s) o
                 WHERE o.date_order <= %(now)s
            ), firsts AS (
                SELECT customer, min(date_order) AS first_order
                  FROM orders GROUP BY customer
            ), moments AS (
                -- When a segment can change; a period ends a second after
                -- its last day, as the update sees it.
                SELECT customer, date_order AS at, TRUE AS is_order FROM orders
                 UNION ALL
                SELECT o.customer,
                       o.date_order + c.active_period + interval '1 second', FALSE
                  FROM orders o JOIN customer c ON c.id = o.customer
                 UNION ALL
                SELECT f.customer,
                       f.first_order + c.new_period + interval '1 second', FALSE
                  FROM firsts f JOIN customer c ON c.id = f.customer
                 UNION ALL
                SELECT c.id, c.lost_date, FALSE
                  FROM customer c JOIN firsts f ON f.customer = c.id
                 WHERE c.lost_date IS NOT NULL
            ), timeline AS (
                SELECT m.customer, m.at, m.is_order,
                       max(m.at) FILTER (WHERE m.is_order) OVER (
                           PARTITION BY m.customer ORDER BY m.at, m.is_order DESC
                           ROWS UNBOUNDED PRECEDING) AS last_order
                  FROM moments m
                 WHERE m.at <= %(now)s
            ), states AS (
                SELECT t.customer, t.at, t.is_order, %(segment)s AS segment
                  FROM timeline t
                  JOIN customer c ON c.id = t.customer
                  JOIN firsts f ON f.customer = t.customer
            ), changes AS (
                SELECT customer, at, segment, lag(segment) OVER (
                           PARTITION BY customer ORDER BY at, is_order DESC)
                           AS from_segment,
                       row_number() OVER (
                           PARTITION BY customer ORDER BY at DESC, is_order)
                           AS from_last
                  FROM states
            ), replayed AS (
                -- Customers whose replay ends in their current segment.
                SELECT ch.customer
                  FROM changes ch JOIN customer c ON c.id = ch.customer
                 WHERE ch.from_last = 1 AND ch.segment = c.segment
            ), removed AS (
                DELETE FROM sms_retention_segment_history h
                 USING replayed r
                 WHERE h.partner_id = r.customer
            )
            INSERT INTO sms_retention_segment_history
                   (partner_id, changed_at, from_segment, to_segment)
            SELECT ch.customer, ch.at, ch.from_segment, ch.segment
              FROM changes ch JOIN replayed r ON r.customer = ch.customer
             WHERE ch.from_segment IS DISTINCT FROM ch.segment
            RETURNING partner_id
            """,
                now=fields.Datetime.now(),
                new_period=new_period,
                active_period=active_period,
                segment=segment_sql(
                    SQL("t.at"),
                    SQL("c.lost_date <= t.at"),
                    SQL("t.last_order IS NULL"),
                    SQL("f.first_order"),
                    SQL("t.last_order"),
                    (SQL("c.new_period"), SQL("c.active_period")),
                ),
                orders=CUSTOMER_ORDERS,
            )
        )
        replayed = {row[0] for row in self.env.cr.fetchall()}
        self.invalidate_model()
        return len(replayed)

    @api.model
    def _churn_in_periods(self, periods):
        """Churn in each ``(start, end)`` of ``periods``, contiguous, the
        last one up to now (its end None), as the churn report counts it:
        customers new or active at the start, and those of them who became
        dormant or lost before the end. Customers of the user's companies
        and shared ones.

        Who was active at a start is told by the moves in and out of the
        active segments since (each move flips it), from the customers
        active now: the moves of the periods are read through the index on
        their date, never the whole history.

        :return: ``[(active at start, churned)]``, in the order of ``periods``
        """
        self.env["res.partner"].flush_model(["sms_retention_segment"])
        self.flush_model()
        companies = SQL(
            "(p.company_id IS NULL OR p.company_id = ANY(%s))", self.env.companies.ids
        )
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM res_partner p"
                " WHERE p.sms_retention_segment IN %s AND %s",
                ACTIVE_SEGMENTS,
                companies,
            )
        )
        active = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            SQL(
                """
            WITH windows AS (
                SELECT * FROM unnest(%(starts)s::timestamp[], %(ends)s::timestamp[])
                       WITH ORDINALITY AS w(start_at, end_at, rank)
            ), moves AS (
                SELECT w.rank, h.id, h.partner_id, h.changed_at,
                       COALESCE(h.from_segment IN %(active)s, FALSE) AS was_active,
                       h.to_segment IN %(active)s AS is_active,
                       h.to_segment IN %(churned)s AS churns
                  FROM windows w
                  JOIN sms_retention_segment_history h
                       ON h.changed_at >= w.start_at
                      AND h.changed_at < COALESCE(w.end_at, 'infinity')
                  JOIN res_partner p ON p.id = h.partner_id
                 WHERE %(companies)s
            ), firsts AS (
                SELECT DISTINCT ON (rank, partner_id) rank, partner_id, was_active
                  FROM moves ORDER BY rank, partner_id, changed_at, id
            )
            SELECT w.rank,
                   (SELECT count(*) FILTER (WHERE m.is_active AND NOT m.was_active)
                         - count(*) FILTER (WHERE m.was_active AND NOT m.is_active)
                      FROM moves m WHERE m.rank = w.rank),
                   (SELECT count(DISTINCT m.partner_id)
                      FROM moves m
                      JOIN firsts f ON f.rank = m.rank AND f.partner_id = m.partner_id
                     WHERE m.rank = w.rank AND f.was_active AND m.was_active
                       AND m.churns)
              FROM windows w ORDER BY w.rank DESC
            """,
                starts=[start for start, _end in periods],
                ends=[end for _start, end in periods],
                active=ACTIVE_SEGMENTS,
                churned=CHURNED_SEGMENTS,
                companies=companies,
            )
        )
        results = []
        for _rank, net_entered, churned in self.env.cr.fetchall():
            # Walking back from now: active at a start = active at its end,
            # less those who became active in it, plus those who left.
            active -= net_entered
            results.append((active, churned))
        return results[::-1]
