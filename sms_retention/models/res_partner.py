# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    """The customer's SMS replies and retention messages (no sudo)."""

    _inherit = "res.partner"

    sms_retention_inbound_ids = fields.One2many(
        "sms.retention.inbound",
        "partner_id",
        string="SMS Replies",
        groups="sales_team.group_sale_salesman",
    )
    sms_retention_reply_count = fields.Integer(
        "SMS Replies Count",
        compute="_compute_sms_retention_reply_count",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_sms_retention_reply_count(self):
        counts = dict(
            self.env["sms.retention.inbound"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.sms_retention_reply_count = counts.get(partner, 0)

    def action_open_sms_replies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_retention.sms_retention_inbound_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
