# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retention messages lose the foreign keys of their campaign and company.

The daily selection checked both, and locked both rows, for each planned
message. A campaign's ``unlink`` now deletes its messages, and a company's
refuses while it has some, as the keys did.
"""

from odoo.addons.sms_retention.tools.db import drop_foreign_keys

CONSTRAINTS = (
    "sms_retention_message_campaign_id_fkey",
    "sms_retention_message_company_id_fkey",
)


def migrate(cr, version):
    if not version:
        return
    drop_foreign_keys(cr, "sms_retention_message", CONSTRAINTS)
