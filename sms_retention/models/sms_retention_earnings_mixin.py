# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class SmsRetentionEarningsMixin(models.AbstractModel):
    """What the messages of a campaign or of a variant earned: sent, clicks,
    orders credited, revenue, cost and return on investment.

    Figures are read from the messages' stored columns (a grouped read per
    screen, whatever the number of messages), with the user's access; the
    revenue and cost of each company's messages are converted to the
    record's currency at today's rate when they differ. With the context key
    ``sms_retention_since`` (a datetime), only the messages sent since then
    count (the overview's period). No sudo.
    """

    _name = "sms.retention.earnings.mixin"
    _description = "SMS Retention Earnings"
    #: the message field that links a message to the record
    _sms_retention_message_field = None

    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    texted_count = fields.Integer("Texted", compute="_compute_earnings")
    delivered_count = fields.Integer("Delivered", compute="_compute_earnings")
    replied_count = fields.Integer(
        "Answered",
        compute="_compute_earnings",
        help="Sent messages the customer answered.",
    )
    reply_rate = fields.Float(
        "Reply Rate (%)", compute="_compute_earnings", digits=(16, 1)
    )
    reply_median_hours = fields.Float(
        "Median Time to Reply (h)",
        compute="_compute_earnings",
        digits=(16, 1),
        help="Half of the answered SMS got their first answer within this many "
        "hours of being sent.",
    )
    click_count = fields.Integer(
        "Clicks",
        compute="_compute_earnings",
        help="Sent messages whose link the customer opened (link previews "
        "and robots do not count).",
    )
    conversion_count = fields.Integer(
        "Conversions",
        compute="_compute_earnings",
        help="Sent messages credited with a confirmed order.",
    )
    click_rate = fields.Float(
        "Click Rate (%)", compute="_compute_earnings", digits=(16, 1)
    )
    conversion_rate = fields.Float(
        "Conversion Rate (%)",
        compute="_compute_earnings",
        digits=(16, 1),
        help="Orders credited per 100 sent messages.",
    )
    attributed_revenue = fields.Monetary(
        "Revenue",
        compute="_compute_earnings",
        currency_field="currency_id",
        help="Untaxed amount of the orders credited to these SMS.",
    )
    cost_amount = fields.Monetary(
        "Cost",
        compute="_compute_earnings",
        currency_field="currency_id",
        help="What these SMS cost: the provider's price when it reports one, "
        "else their segments at the price list.",
    )
    roi = fields.Float(
        "ROI (%)",
        compute="_compute_earnings",
        digits=(16, 1),
        help="Return on investment: (revenue - cost) / cost, in percent; 0 "
        "while nothing was spent.",
    )

    def _compute_currency_id(self):
        raise NotImplementedError

    def _period_domain(self):
        """The messages of the period in context (``sms_retention_since``)."""
        since = self.env.context.get("sms_retention_since")
        return [("sent_at", ">=", since)] if since else []

    @api.depends_context("uid", "allowed_company_ids", "sms_retention_since")
    def _compute_earnings(self):
        link = self._sms_retention_message_field
        rows = self.env["sms.retention.message"]._read_group(
            [(link, "in", self.ids), ("state", "=", "sent"), *self._period_domain()],
            [link, "company_id"],
            [
                "__count",
                "delivered_at:count",
                "replied_at:count",
                "clicked_at:count",
                "conversion_order_id:count",
                "conversion_amount:sum",
                "cost_amount:sum",
            ],
        )
        today = fields.Date.context_today(self)
        totals = {record: [0, 0, 0, 0, 0, 0.0, 0.0] for record in self}
        for record, company, *counts, revenue, cost in rows:
            total = totals[record]
            for index, count in enumerate(counts):
                total[index] += count
            for index, amount in ((5, revenue), (6, cost)):
                total[index] += company.currency_id._convert(
                    amount or 0.0, record.currency_id, company, today
                )
        for record, figures in totals.items():
            sent, delivered, replied, clicks, orders, revenue, cost = figures
            record.texted_count = sent
            record.delivered_count = delivered
            record.replied_count = replied
            record.reply_rate = 100.0 * replied / sent if sent else 0.0
            record.click_count = clicks
            record.conversion_count = orders
            record.click_rate = 100.0 * clicks / sent if sent else 0.0
            record.conversion_rate = 100.0 * orders / sent if sent else 0.0
            record.attributed_revenue = revenue
            record.cost_amount = cost
            record.roi = 100.0 * (revenue - cost) / cost if cost else 0.0
        medians = self._reply_medians()
        for record in self:
            record.reply_median_hours = medians.get(record.id, 0.0)

    def _reply_medians(self):
        """``{record id: median hours from sending to the first answer}`` of
        the answered messages, in one query with the user's access."""
        link = self._sms_retention_message_field
        query = self.env["sms.retention.message"]._search(
            [
                (link, "in", self.ids),
                ("state", "=", "sent"),
                ("replied_at", "!=", False),
                *self._period_domain(),
            ]
        )
        table = query.table
        self.env.cr.execute(
            SQL(
                """SELECT %s, percentile_cont(0.5) WITHIN GROUP (
                              ORDER BY EXTRACT(EPOCH FROM %s - %s)) / 3600
                     FROM %s WHERE %s GROUP BY 1""",
                SQL.identifier(table, link),
                SQL.identifier(table, "replied_at"),
                SQL.identifier(table, "sent_at"),
                query.from_clause,
                query.where_clause,
            )
        )
        return dict(self.env.cr.fetchall())
