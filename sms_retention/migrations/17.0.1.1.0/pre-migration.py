# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lighter indexes on the sending job's hot tables.

Odoo keeps an index whose field no longer asks for one, and does not turn a
full index into a partial one: drop them here, the upgrade creates the new
ones.
"""

OBSOLETE_INDEXES = (
    "sms_retention_message__segment_index",
    "sms_retention_message__skip_reason_index",
    "sms_retention_message__user_id_index",
    "sms_retention_message__state_index",
    "sms_retention_message__company_id_index",
    "sms_sms__sms_retention_message_id_index",
    "sms_retention_sandbox_message__company_id_index",
)


def migrate(cr, version):
    if not version:
        return
    for name in OBSOLETE_INDEXES:
        cr.execute(f'DROP INDEX IF EXISTS "{name}"')  # pylint: disable=sql-injection
