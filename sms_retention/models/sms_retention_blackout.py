# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class SmsRetentionBlackout(models.Model):
    """A time of day when retention SMS are held, in the customer's local time.

    Meal times by default. Managers edit them; the sending job reads them as
    superuser.
    """

    _name = "sms.retention.blackout"
    _description = "SMS Blackout Window"
    _order = "company_id, weekday, start_hour"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        ondelete="cascade",
    )
    weekday = fields.Selection(WEEKDAYS, help="Empty: every day.")
    start_hour = fields.Float("From", required=True)
    end_hour = fields.Float("To", required=True)
    country_ids = fields.Many2many(
        "res.country", string="Countries", help="Empty: customers of every country."
    )
    active = fields.Boolean(default=True)

    @api.constrains("start_hour", "end_hour")
    def _check_hours(self):
        for blackout in self:
            if not (0 <= blackout.start_hour < blackout.end_hour <= 24):
                raise ValidationError(
                    _(
                        "Blackout %(name)s: the window must start before it ends, "
                        "between 00:00 and 24:00.",
                        name=blackout.name,
                    )
                )
