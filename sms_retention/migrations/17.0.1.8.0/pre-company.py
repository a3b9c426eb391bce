# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMS prices and reply keywords get a company.

The columns are created empty before Odoo adds the fields: Odoo would fill
an added column with the field's default (the current company), while the
existing rows apply to every company. One price per country becomes one per
country and company.
"""

from odoo.tools import sql

COLUMNS = ("sms_retention_price", "sms_retention_keyword")


def migrate(cr, version):
    if not version:
        return
    for table in COLUMNS:
        if not sql.column_exists(cr, table, "company_id"):
            sql.create_column(cr, table, "company_id", "int4")
    cr.execute(
        "ALTER TABLE sms_retention_price "
        "DROP CONSTRAINT IF EXISTS sms_retention_price_country_unique"
    )
    cr.execute(
        "DELETE FROM ir_model_constraint WHERE name = %s",
        ["sms_retention_price_country_unique"],
    )
