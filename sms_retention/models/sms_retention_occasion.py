# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SmsRetentionOccasion(models.Model):
    """A yearly occasion for seasonal greetings, with its date in each year.

    Lunar calendar feasts move: each year has its own date line. Managers
    edit them; no sudo.
    """

    _name = "sms.retention.occasion"
    _description = "Seasonal Occasion"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    send_hour = fields.Float(
        "Send At",
        default=10.0,
        help="Local time of the customer on the occasion's date.",
    )
    date_ids = fields.One2many("sms.retention.occasion.date", "occasion_id", "Dates")
    next_date = fields.Date(compute="_compute_next_date")
    active = fields.Boolean(default=True)

    @api.depends("date_ids.date")
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for occasion in self:
            upcoming = sorted(d for d in occasion.date_ids.mapped("date") if d >= today)
            occasion.next_date = upcoming[0] if upcoming else False

    @api.constrains("send_hour")
    def _check_send_hour(self):
        for occasion in self:
            if not 0 <= occasion.send_hour < 24:
                raise ValidationError(
                    _(
                        "%(name)s: the sending time must be within the day.",
                        name=occasion.name,
                    )
                )
