# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SmsRetentionPrice(models.Model):
    """Price of one SMS segment per destination country, for cost estimates.

    Shipped with editable defaults (approximate public list prices, USD).
    A line without country is the price for every other country; a line
    without company is the price of every company that has none of its own
    for that country. Managers edit them; no sudo.
    """

    _name = "sms.retention.price"
    _description = "SMS Price per Segment"
    _order = "company_id, country_id"
    _rec_name = "country_id"

    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        ondelete="cascade",
        help="Empty: the price of every company that has none of its own.",
    )
    country_id = fields.Many2one("res.country", help="Empty: all other countries.")
    price_per_segment = fields.Float(required=True, digits=(12, 4))
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.ref("base.USD")
    )

    _sql_constraints = [
        (
            "company_country_unique",
            "UNIQUE NULLS NOT DISTINCT (company_id, country_id)",
            "One price per destination country and company.",
        ),
        (
            "price_positive",
            "CHECK(price_per_segment >= 0)",
            "A price cannot be negative.",
        ),
    ]

    @api.model
    def _prices_for(self, company):
        """``{country_id or False: price record}`` that apply to ``company``.

        The company's own prices override, country by country, those without
        a company.
        """
        prices = {}
        shared_first = self.search([("company_id", "in", [False, company.id])]).sorted(
            lambda price: bool(price.company_id)
        )
        for price in shared_first:
            prices[price.country_id.id] = price
        return prices
