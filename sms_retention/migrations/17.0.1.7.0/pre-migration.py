# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retention messages lose the foreign key of their customer.

The daily selection checked it, and locked the customer's row, for each
planned message. A customer's ``unlink`` now deletes its messages, as the
key's cascade did, and the partner merge re-points them.
"""

from odoo.addons.sms_retention.tools.db import drop_foreign_keys

CONSTRAINTS = ("sms_retention_message_partner_id_fkey",)


def migrate(cr, version):
    if not version:
        return
    drop_foreign_keys(cr, "sms_retention_message", CONSTRAINTS)
