# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

from ..attribution import Attribution


class SaleOrder(models.Model):
    """Keep each customer's order statistics current, incrementally; the
    order's SMS.

    When orders enter or leave the confirmed state, the commercial partner's
    order count, revenue (in the order company's currency) and first/last
    order dates are adjusted with one SQL statement per batch, and its
    lifecycle segment is recomputed. Nothing scans all orders on read. The
    SMS smart button counts the order's SMS with the user's rights (no sudo)
    and opens the customer's SMS thread.
    """

    _inherit = "sale.order"

    sms_retention_sms_count = fields.Integer(
        "SMS",
        compute="_compute_sms_retention_sms_count",
        groups="sms_retention.group_sms_retention_user",
        help="The SMS about this order: campaign SMS, the customer's replies, "
        "and the survey questions and answers sent about it.",
    )

    sms_retention_attribution_pending = fields.Boolean(
        "Attribution Pending",
        readonly=True,
        copy=False,
        help="Confirmed and not yet looked at by the attribution job, which "
        "credits the order to the retention SMS that led to it.",
    )
    sms_retention_conversion_ids = fields.One2many(
        "sms.retention.message",
        "conversion_order_id",
        string="Attributed SMS",
        groups="sms_retention.group_sms_retention_user",
    )

    def init(self):
        res = super().init()
        # The attribution job's queue: few rows, walked in id order.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS sale_order_sms_retention_attribution_index
                   ON sale_order (id) WHERE sms_retention_attribution_pending"""
        )
        return res

    def _compute_sms_retention_sms_count(self):
        conversation = dict(
            self.env["sms.retention.conversation"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        # Other SMS about the order are logged on its chatter (searched:
        # messages are filtered by the access to their documents).
        logged = defaultdict(int)
        for message in self.env["mail.message"].search_fetch(
            [
                ("model", "=", self._name),
                ("res_id", "in", self.ids),
                ("message_type", "=", "sms"),
                ("sms_retention_kind", "not in", [False, "campaign"]),
            ],
            ["res_id"],
        ):
            logged[message.res_id] += 1
        for order in self:
            order.sms_retention_sms_count = (
                conversation.get(order.id, 0) + logged[order.id]
            )

    def action_open_sms_thread(self):
        """The SMS thread of the order's customer."""
        self.ensure_one()
        return self.partner_id._sms_retention_thread_action()

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        confirmed_before = self.filtered(lambda o: o.state == "sale")
        res = super().write(vals)
        confirmed_after = self.filtered(lambda o: o.state == "sale")
        added = confirmed_after - confirmed_before
        removed = confirmed_before - confirmed_after
        if added or removed:
            partners = (added | removed).partner_id.commercial_partner_id
            added._sms_retention_add_stats()
            removed._sms_retention_remove_stats()
            self.env["res.partner"]._sms_retention_update_segments(partners.ids)
            added._sms_retention_attribute_later()
            Attribution(self.env).forget(removed)
        return res

    def _sms_retention_attribute_later(self):
        """Mark these confirmed orders for the attribution job and wake it."""
        if not self:
            return
        self.sudo().write({"sms_retention_attribution_pending": True})
        self.env.ref(
            "sms_retention.ir_cron_sms_retention_attribution"
        ).sudo()._trigger()

    @api.model
    def _cron_sms_retention_attribute(self):
        """Attribute confirmed orders to retention SMS (see
        :class:`~..attribution.Attribution`)."""
        Attribution(self.env).run_pending()

    def _sms_retention_amount(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        return self.currency_id._convert(
            self.amount_total, company.currency_id, company, self.date_order.date()
        )

    def _sms_retention_add_stats(self):
        stats = defaultdict(lambda: [0, 0.0, None, None])
        for order in self:
            entry = stats[order.partner_id.commercial_partner_id.id]
            entry[0] += 1
            entry[1] += order._sms_retention_amount()
            entry[2] = min(filter(None, [entry[2], order.date_order]))
            entry[3] = max(filter(None, [entry[3], order.date_order]))
        if not stats:
            return
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET sms_retention_order_count =
                       COALESCE(p.sms_retention_order_count, 0) + v.n,
                   sms_retention_revenue =
                       COALESCE(p.sms_retention_revenue, 0) + v.amount,
                   sms_retention_first_order_date =
                       LEAST(p.sms_retention_first_order_date, v.first_date),
                   sms_retention_last_order_date =
                       GREATEST(p.sms_retention_last_order_date, v.last_date)
              FROM (SELECT * FROM unnest(%s::int[], %s::int[], %s::numeric[],
                                         %s::timestamp[], %s::timestamp[]))
                   AS v(id, n, amount, first_date, last_date)
             WHERE p.id = v.id
            """,
            [
                list(column)
                for column in zip(
                    *[(pid, *vals) for pid, vals in stats.items()], strict=True
                )
            ],
        )
        self._sms_retention_invalidate_stats(list(stats))

    def _sms_retention_remove_stats(self):
        if not self:
            return
        stats = defaultdict(lambda: [0, 0.0])
        for order in self:
            entry = stats[order.partner_id.commercial_partner_id.id]
            entry[0] += 1
            entry[1] += order._sms_retention_amount()
        self.env.flush_all()
        partner_ids = list(stats)
        # Dates of the remaining confirmed orders: one indexed query for the batch.
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET sms_retention_order_count =
                       GREATEST(COALESCE(p.sms_retention_order_count, 0) - v.n, 0),
                   sms_retention_revenue =
                       COALESCE(p.sms_retention_revenue, 0) - v.amount,
                   sms_retention_first_order_date = d.first_date,
                   sms_retention_last_order_date = d.last_date
              FROM (SELECT * FROM unnest(%s::int[], %s::int[], %s::numeric[]))
                   AS v(id, n, amount)
              LEFT JOIN LATERAL (
                    SELECT MIN(o.date_order) AS first_date,
                           MAX(o.date_order) AS last_date
                      FROM sale_order o
                      JOIN res_partner op ON op.id = o.partner_id
                     WHERE op.commercial_partner_id = v.id AND o.state = 'sale'
                   ) d ON TRUE
             WHERE p.id = v.id
            """,
            [
                partner_ids,
                [stats[pid][0] for pid in partner_ids],
                [stats[pid][1] for pid in partner_ids],
            ],
        )
        self._sms_retention_invalidate_stats(partner_ids)

    def _sms_retention_invalidate_stats(self, partner_ids):
        self.env["res.partner"].browse(partner_ids).invalidate_recordset(
            [
                "sms_retention_order_count",
                "sms_retention_revenue",
                "sms_retention_first_order_date",
                "sms_retention_last_order_date",
            ]
        )
