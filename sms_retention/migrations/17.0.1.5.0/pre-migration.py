# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Trackers of retention SMS find their message by the SMS's uuid.

``sms_tracker.sms_retention_message_id`` is computed now: its column, index
and foreign key (a check per materialised SMS) go. Every tracker it filled
shares its uuid with its message, so nothing is lost.
"""

COLUMN = "sms_retention_message_id"
CONSTRAINT = "sms_tracker_sms_retention_message_id_fkey"


def migrate(cr, version):
    if not version:
        return
    cr.execute(f"ALTER TABLE sms_tracker DROP COLUMN IF EXISTS {COLUMN}")  # pylint: disable=sql-injection
    cr.execute("DELETE FROM ir_model_constraint WHERE name = %s", [CONSTRAINT])
