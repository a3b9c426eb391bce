# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsRetentionMarkLost(models.TransientModel):
    """Record that customers left, with a reason (no sudo)."""

    _name = "sms.retention.mark.lost"
    _description = "Mark as Lost Customer"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        default=lambda self: self.env.context.get("active_ids"),
        required=True,
    )
    reason = fields.Char(required=True)

    def action_mark_lost(self):
        self.ensure_one()
        self.partner_ids.action_mark_lost(self.reason)
        return {"type": "ir.actions.act_window_close"}
