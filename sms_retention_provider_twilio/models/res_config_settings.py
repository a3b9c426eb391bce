# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    """Twilio settings of the current company (no sudo; token: admins only)."""

    _inherit = "res.config.settings"

    sms_retention_twilio_account_sid = fields.Char(
        related="company_id.sms_retention_twilio_account_sid", readonly=False
    )
    sms_retention_twilio_auth_token = fields.Char(
        related="company_id.sms_retention_twilio_auth_token",
        readonly=False,
        groups="base.group_system",
    )
    sms_retention_twilio_messaging_service_sid = fields.Char(
        related="company_id.sms_retention_twilio_messaging_service_sid",
        readonly=False,
    )
    sms_retention_twilio_from_number = fields.Char(
        related="company_id.sms_retention_twilio_from_number", readonly=False
    )
    sms_retention_twilio_public_url = fields.Char(
        related="company_id.sms_retention_twilio_public_url", readonly=False
    )
    sms_retention_twilio_webhook_warning = fields.Text(
        compute="_compute_sms_retention_twilio_webhook_warning",
        help="Why Twilio cannot call this database's webhooks, if it cannot.",
    )
    sms_retention_twilio_api_url = fields.Char(
        related="company_id.sms_retention_twilio_api_url", readonly=False
    )
    sms_retention_twilio_batch_size = fields.Integer(
        related="company_id.sms_retention_twilio_batch_size", readonly=False
    )
    sms_retention_twilio_rate = fields.Float(
        related="company_id.sms_retention_twilio_rate", readonly=False
    )
    sms_retention_twilio_timeout = fields.Float(
        related="company_id.sms_retention_twilio_timeout", readonly=False
    )
    sms_retention_twilio_max_attempts = fields.Integer(
        related="company_id.sms_retention_twilio_max_attempts", readonly=False
    )

    @api.depends("company_id", "sms_retention_twilio_public_url")
    def _compute_sms_retention_twilio_webhook_warning(self):
        for settings in self:
            base = settings.sms_retention_twilio_public_url or (
                settings.company_id.get_base_url()
            )
            settings.sms_retention_twilio_webhook_warning = self.env[
                "res.company"
            ]._sms_retention_twilio_url_warning(base)

    def action_sms_retention_twilio_test_connection(self):
        """Save the settings, then open the connection wizard on them.

        The settings form saves with ``execute``, which answers with a reload
        of the page; a button of its own saves and opens the wizard instead.
        """
        self.ensure_one()
        self.execute()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_retention_provider_twilio.sms_retention_twilio_wizard_action"
        )
        action["context"] = {"default_company_id": self.company_id.id}
        return action
