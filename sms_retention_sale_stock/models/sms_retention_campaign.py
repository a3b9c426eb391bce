# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SmsRetentionCampaign(models.Model):
    """The trigger "Order delivered": the order's first validated delivery.

    The rule watches the order's stored ``effective_date`` (sale_stock), set
    once, by the first delivery to the customer that is validated: later
    deliveries (backorders) and returns leave it unchanged. Same access as
    the core campaign.
    """

    _inherit = "sms.retention.campaign"

    trigger = fields.Selection(
        selection_add=[("order_delivered", "Order delivered")],
        ondelete={"order_delivered": "set null"},
    )

    @api.model
    def _sms_retention_trigger_kinds(self):
        return dict(
            super()._sms_retention_trigger_kinds(),
            order_delivered=("post_purchase",),
        )

    def _sms_retention_rule_values(self):
        if self.trigger != "order_delivered":
            return super()._sms_retention_rule_values()
        effective_date = self.env["ir.model.fields"]._get(
            "sale.order", "effective_date"
        )
        return {
            "model_id": self.env["ir.model"]._get_id("sale.order"),
            "trigger": "on_create_or_write",
            "trigger_field_ids": [(6, 0, effective_date.ids)],
            "filter_domain": "[('effective_date', '!=', False)]",
        }
