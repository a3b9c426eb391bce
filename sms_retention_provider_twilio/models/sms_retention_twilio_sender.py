# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.sms_retention.tools.phone import PhoneNumberError, to_e164


class SmsRetentionTwilioSender(models.Model):
    """The Twilio number a company sends from, per destination country.

    Configuration read by the send path as superuser; edited by SMS
    Retention administrators, per company (no sudo).
    """

    _name = "sms.retention.twilio.sender"
    _description = "SMS Retention Twilio Sender Number"
    _order = "company_id, country_id"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
        index=True,
    )
    country_id = fields.Many2one(
        "res.country",
        string="Destination Country",
        help="Empty: every country without a number of its own.",
    )
    number = fields.Char(required=True, help="Twilio number in E.164.")

    _sql_constraints = [
        (
            "company_country_unique",
            "UNIQUE(company_id, country_id)",
            "One Twilio number per destination country.",
        ),
    ]

    @api.constrains("number")
    def _check_number(self):
        for sender in self:
            try:
                e164 = to_e164(sender.number)
            except PhoneNumberError as exc:
                raise ValidationError(
                    _(
                        "The Twilio number %(number)s cannot be read: %(reason)s",
                        number=sender.number,
                        reason=str(exc),
                    )
                ) from exc
            if e164 != sender.number:
                raise ValidationError(
                    _(
                        "Write the Twilio number in E.164, as %(e164)s.",
                        e164=e164,
                    )
                )
