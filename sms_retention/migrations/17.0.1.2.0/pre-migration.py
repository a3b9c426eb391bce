# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lighter messages.

* A message finds its SMS by uuid: drop the stored link and its foreign key.
  Odoo deletes sent SMS (``sms.sms._gc_device``); with the foreign key, every
  deleted SMS ran an ``UPDATE ... WHERE sms_id = ...`` over the unindexed
  messages, one full scan per SMS.
* The campaign index duplicates the unique (campaign_id, dedupe_key) one.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE sms_retention_message DROP COLUMN IF EXISTS sms_id")
    cr.execute("DROP INDEX IF EXISTS sms_retention_message__campaign_id_index")
