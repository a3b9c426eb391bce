# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SMS Retention: Review after Delivery",
    "summary": "Plan the post-purchase review request when the order is "
    "delivered instead of confirmed",
    "version": "17.0.1.0.0",
    "category": "Marketing/SMS Marketing",
    "website": "https://github.com/sms-retention/sms-retention",
    "author": "SMS Retention for Odoo",
    "maintainers": ["sms-retention"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["sms_retention", "sale_stock"],
    "auto_install": True,
    "installable": True,
}
