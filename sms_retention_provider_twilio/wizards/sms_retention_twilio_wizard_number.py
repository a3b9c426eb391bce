# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsRetentionTwilioWizardNumber(models.TransientModel):
    """An incoming number of the Twilio account, listed by the wizard (no sudo)."""

    _name = "sms.retention.twilio.wizard.number"
    _description = "SMS Retention Twilio Incoming Number"

    wizard_id = fields.Many2one(
        "sms.retention.twilio.wizard", required=True, ondelete="cascade"
    )
    sid = fields.Char("SID", required=True)
    phone_number = fields.Char(required=True)
    friendly_name = fields.Char()
    sms_url = fields.Char("Current SMS URL")

    def action_set_webhooks(self):
        self.ensure_one()
        return self.wizard_id._set_webhooks(self)
