# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Heap-only updates of sent messages.

* No index of the message table involves its state any more: the due index
  moves to the generated column ``scheduled_due_at`` (created by the model's
  ``init``, under the same index name), the queued one goes (the sending job
  locks the queued SMS themselves), and so does the index of unsent states.
* ``sms_sms.sms_retention_message_id`` was stored before 17.0.1.1.0: its
  column and foreign key remained, and deleting a message scanned every SMS.
* The sandbox outbox finds its customer by number and has no author columns:
  their foreign keys cost a check (and a lock of the customer) per SMS.
"""


def migrate(cr, version):
    if not version:
        return
    for index in (
        "sms_retention_message_scheduled_due_index",
        "sms_retention_message_queued_due_index",
        "sms_retention_message_not_sent_index",
    ):
        cr.execute(f"DROP INDEX IF EXISTS {index}")  # pylint: disable=sql-injection
    cr.execute("ALTER TABLE sms_sms DROP COLUMN IF EXISTS sms_retention_message_id")
    for column in (
        "partner_id",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    ):
        cr.execute(  # pylint: disable=sql-injection
            f"ALTER TABLE sms_retention_sandbox_message DROP COLUMN IF EXISTS {column}"
        )
