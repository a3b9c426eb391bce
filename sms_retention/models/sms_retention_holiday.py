# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsRetentionHoliday(models.Model):
    """A public holiday of a country: no retention SMS to its customers that day.

    Shared by all companies (no company field); managers edit the list.
    """

    _name = "sms.retention.holiday"
    _description = "SMS Public Holiday"
    _order = "date, country_id"

    name = fields.Char(required=True, translate=True)
    country_id = fields.Many2one("res.country", required=True, index=True)
    date = fields.Date(required=True, index=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("country_date_unique", "UNIQUE(country_id, date)", "One holiday per day."),
    ]
