# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SmsRetentionPrice(models.Model):
    """Price of one SMS segment per destination country, for cost estimates.

    Shipped with editable defaults (approximate public list prices, USD).
    A line without country is the price for every other country. Managers
    edit them; no sudo.
    """

    _name = "sms.retention.price"
    _description = "SMS Price per Segment"
    _order = "country_id"
    _rec_name = "country_id"

    country_id = fields.Many2one("res.country", help="Empty: all other countries.")
    price_per_segment = fields.Float(required=True, digits=(12, 4))
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.ref("base.USD")
    )

    _sql_constraints = [
        ("country_unique", "UNIQUE(country_id)", "One price per country."),
        (
            "price_positive",
            "CHECK(price_per_segment >= 0)",
            "A price cannot be negative.",
        ),
    ]

    @api.model
    def _price_map(self):
        """``{country_id or False: price}`` for every configured country."""
        return {
            price.country_id.id: price.price_per_segment for price in self.search([])
        }
