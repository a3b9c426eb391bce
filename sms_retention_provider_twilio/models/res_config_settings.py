# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
    sms_retention_twilio_api_url = fields.Char(
        related="company_id.sms_retention_twilio_api_url", readonly=False
    )
    sms_retention_twilio_batch_size = fields.Integer(
        related="company_id.sms_retention_twilio_batch_size", readonly=False
    )
    sms_retention_twilio_rate = fields.Float(
        related="company_id.sms_retention_twilio_rate", readonly=False
    )
