# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .res_partner import SEGMENTS


class SmsRetentionMessageReport(models.Model):
    """What sent retention SMS did, one row per SMS (SQL view), for the
    rates a manager reads per campaign, variant, segment and month:
    delivered, answered, clicked, converted and opted out, with the
    revenue credited and the cost.

    The rates of grouped rows are ratios of the sums (see
    ``sms.retention.ratio.report.mixin``). Read-only; the multi-company rule
    limits rows to the user's companies. No sudo.
    """

    _name = "sms.retention.message.report"
    _description = "SMS Retention Message Analysis"
    _inherit = ["sms.retention.ratio.report.mixin"]
    _auto = False
    _order = "sent_at desc"
    _sms_retention_ratios = {
        "delivery_rate": ("delivered_count", "texted_count", 100.0),
        "reply_rate": ("replied_count", "texted_count", 100.0),
        "click_rate": ("clicked_count", "texted_count", 100.0),
        "conversion_rate": ("converted_count", "texted_count", 100.0),
        "opt_out_rate": ("opted_out_count", "texted_count", 100.0),
    }

    message_id = fields.Many2one("sms.retention.message", "SMS", readonly=True)
    sent_at = fields.Datetime("Sent On", readonly=True)
    campaign_id = fields.Many2one("sms.retention.campaign", readonly=True)
    variant_id = fields.Many2one("sms.retention.variant", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    segment = fields.Selection(
        SEGMENTS,
        readonly=True,
        help="The customer's lifecycle segment when the SMS was planned.",
    )
    texted_count = fields.Integer("Texted", readonly=True)
    delivered_count = fields.Integer("Delivered", readonly=True)
    replied_count = fields.Integer("Answered", readonly=True)
    clicked_count = fields.Integer("Clicked", readonly=True)
    converted_count = fields.Integer("Converted", readonly=True)
    opted_out_count = fields.Integer(
        "Opted Out",
        readonly=True,
        help="SMS the customer answered with an opt-out.",
    )
    revenue = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Untaxed amount of the order credited to the SMS.",
    )
    cost = fields.Monetary(readonly=True, currency_field="currency_id")
    delivery_rate = fields.Float(
        "Delivery Rate (%)", group_operator="avg", readonly=True, digits=(16, 1)
    )
    reply_rate = fields.Float(
        "Reply Rate (%)", group_operator="avg", readonly=True, digits=(16, 1)
    )
    click_rate = fields.Float(
        "Click Rate (%)", group_operator="avg", readonly=True, digits=(16, 1)
    )
    conversion_rate = fields.Float(
        "Conversion Rate (%)", group_operator="avg", readonly=True, digits=(16, 1)
    )
    opt_out_rate = fields.Float(
        "Opt-out Rate (%)", group_operator="avg", readonly=True, digits=(16, 1)
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(view)s AS (
            SELECT m.id, m.id AS message_id, m.sent_at, m.campaign_id,
                   m.variant_id, m.company_id, c.currency_id, m.partner_id,
                   m.user_id, m.segment,
                   1 AS texted_count,
                   (m.delivered_at IS NOT NULL)::int AS delivered_count,
                   (m.replied_at IS NOT NULL)::int AS replied_count,
                   (m.clicked_at IS NOT NULL)::int AS clicked_count,
                   (m.conversion_order_id IS NOT NULL)::int AS converted_count,
                   (o.stop IS NOT NULL)::int AS opted_out_count,
                   COALESCE(m.conversion_amount, 0) AS revenue,
                   COALESCE(m.cost_amount, 0) AS cost,
                   100.0 * (m.delivered_at IS NOT NULL)::int AS delivery_rate,
                   100.0 * (m.replied_at IS NOT NULL)::int AS reply_rate,
                   100.0 * (m.clicked_at IS NOT NULL)::int AS click_rate,
                   100.0 * (m.conversion_order_id IS NOT NULL)::int
                       AS conversion_rate,
                   100.0 * (o.stop IS NOT NULL)::int AS opt_out_rate
              FROM sms_retention_message m
              JOIN res_company c ON c.id = m.company_id
              LEFT JOIN LATERAL (
                    SELECT TRUE AS stop FROM sms_retention_inbound i
                     WHERE i.outbound_message_id = m.id
                       AND i.classification = 'stop'
                     LIMIT 1
              ) o ON TRUE
             WHERE m.state = 'sent'
            )""",
                view=SQL.identifier(self._table),
            )
        )
