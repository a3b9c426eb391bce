# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class IrActionsServer(models.Model):
    """Server action type "Send retention campaign", usable by automation rules.

    It runs with the rights of whoever triggers it; the campaign enqueues its
    messages as superuser.
    """

    _inherit = "ir.actions.server"

    state = fields.Selection(
        selection_add=[("sms_retention", "Send retention campaign")],
        ondelete={"sms_retention": "cascade"},
    )
    sms_retention_campaign_id = fields.Many2one(
        "sms.retention.campaign",
        string="Retention Campaign",
        ondelete="restrict",
        domain="[('model_id', '=', model_id)]",
        help="Plans this campaign's SMS for the customer of each record.",
    )

    @api.constrains("state", "model_id", "sms_retention_campaign_id")
    def _check_sms_retention_campaign(self):
        for action in self.filtered(lambda a: a.state == "sms_retention"):
            campaign = action.sms_retention_campaign_id
            if not campaign:
                raise ValidationError(
                    _(
                        "Choose the retention campaign the action %(action)s sends.",
                        action=action.name,
                    )
                )
            if campaign.model_id != action.model_id:
                raise ValidationError(
                    _(
                        "The campaign %(campaign)s applies to %(campaign_model)s, "
                        "but the action %(action)s runs on %(model)s.",
                        campaign=campaign.display_name,
                        campaign_model=campaign.model_id.name,
                        action=action.name,
                        model=action.model_id.name,
                    )
                )

    @api.depends("sms_retention_campaign_id.name")
    def _compute_name(self):
        # Automation rules list their actions by name: say which campaign.
        res = super()._compute_name()
        for action in self.filtered(
            lambda a: a.base_automation_id and a.state == "sms_retention"
        ):
            action.name = action._sms_retention_name(action.sms_retention_campaign_id)
        return res

    @api.model
    def _sms_retention_name(self, campaign):
        return _("Send retention campaign: %(campaign)s", campaign=campaign.name or "-")

    def _run_action_sms_retention_multi(self, eval_context=None):
        records = eval_context.get("records") or eval_context.get("record")
        campaign = self.sms_retention_campaign_id
        if records and campaign and campaign._enqueue_config(campaign.id).running:
            campaign._enqueue(records)
        return False
