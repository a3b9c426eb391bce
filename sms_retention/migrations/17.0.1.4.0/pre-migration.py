# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A lighter sandbox outbox insert.

* Its company column loses its foreign key (a check, and a lock of the
  company, per SMS): the company's ``unlink`` removes its outbox instead.
* Its SMS uuid loses its index (Odoo drops it: the field has none now).
"""

from odoo.addons.sms_retention.tools.db import drop_foreign_keys

CONSTRAINT = "sms_retention_sandbox_message_company_id_fkey"


def migrate(cr, version):
    if not version:
        return
    drop_foreign_keys(cr, "sms_retention_sandbox_message", [CONSTRAINT])
