# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Field classes of the addon."""

from odoo import fields


class Many2oneWithoutForeignKey(fields.Many2one):
    """A many2one whose column has no foreign key constraint.

    For log tables filled by the thousand: PostgreSQL checks a foreign key,
    and locks the referenced row, for each inserted row (a third of the
    cost of an insert into the sandbox outbox). The comodel's ``unlink``
    must then remove or keep the rows that point to it.
    """

    def update_db_foreign_key(self, model, column):
        return
