# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsRetentionOccasionDate(models.Model):
    """The date of an occasion in one year (no sudo)."""

    _name = "sms.retention.occasion.date"
    _description = "Seasonal Occasion Date"
    _order = "date"
    _rec_name = "date"

    occasion_id = fields.Many2one(
        "sms.retention.occasion", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(required=True, index=True)

    _sql_constraints = [
        (
            "occasion_date_unique",
            "UNIQUE(occasion_id, date)",
            "This date is already set.",
        ),
    ]
