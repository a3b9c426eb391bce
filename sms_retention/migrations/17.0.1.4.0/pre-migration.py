# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A lighter sandbox outbox insert.

* Its company column loses its foreign key (a check, and a lock of the
  company, per SMS): the company's ``unlink`` removes its outbox instead.
* Its SMS uuid loses its index (Odoo drops it: the field has none now).
"""

CONSTRAINT = "sms_retention_sandbox_message_company_id_fkey"


def migrate(cr, version):
    if not version:
        return
    cr.execute(  # pylint: disable=sql-injection
        "ALTER TABLE sms_retention_sandbox_message "
        f"DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
    )
    cr.execute("DELETE FROM ir_model_constraint WHERE name = %s", [CONSTRAINT])
