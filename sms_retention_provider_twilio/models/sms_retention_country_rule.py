# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsRetentionCountryRule(models.Model):
    """Whether Twilio carries replies from a country, beside its rules.

    Same access as the core rules: administrators edit them.
    """

    _inherit = "sms.retention.country.rule"

    twilio_two_way = fields.Boolean(
        string="Replies through Twilio",
        default=True,
        help="Twilio delivers this country's replies. Where it does not (no "
        "two-way SMS, as in mainland China), a company sending through Twilio "
        "gets no reply from there: its SMS carry the web opt-out link.",
    )
