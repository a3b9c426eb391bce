# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailNotification(models.Model):
    """Chatter SMS canceled by the sending policy say why (no sudo)."""

    _inherit = "mail.notification"

    failure_type = fields.Selection(
        selection_add=[
            ("sms_blacklist", "Blacklisted"),
            ("sms_optout", "Opted Out"),
        ]
    )
