# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

CONSENT_STATES = [
    ("opted_in", "Opted in"),
    ("unknown", "Unknown"),
    ("opted_out", "Opted out"),
]
CONSENT_SOURCES = [
    ("form", "Form"),
    ("import", "Import"),
    ("keyword", "Reply keyword"),
    ("web", "Web"),
    ("api", "API"),
    ("blacklist", "Odoo blacklist"),
]


class SmsRetentionConsentLog(models.Model):
    """Proof of SMS consent: every change of a customer's consent, and how.

    Entries are written as superuser by the consent methods of
    ``res.partner`` and never edited; salespeople read them.
    """

    _name = "sms.retention.consent.log"
    _description = "SMS Consent Log"
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    number = fields.Char(help="The number concerned, in E.164.")
    state = fields.Selection(CONSENT_STATES, required=True)
    previous_state = fields.Selection(CONSENT_STATES)
    source = fields.Selection(CONSENT_SOURCES, required=True)
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, index=True
    )
    note = fields.Char()
