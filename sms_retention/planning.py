# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Planned retention messages, written once per campaign and key.

The campaigns' daily selection and the reminders plan their messages with
:func:`insert_planned`: one statement for a whole batch, which the unique
(campaign, dedupe key) constraint keeps free of duplicates, even against a
concurrent run.
"""

from odoo import fields


def insert_planned(messages, vals_list):
    """Insert the messages whose (campaign, dedupe key) is new, in one
    statement, and wake the sending job; return the new messages.

    :param messages: an ``sms.retention.message`` recordset, as superuser
    :param list vals_list: the new messages' values; numbers, skip reasons
      and segments are filled as the model's ``create`` does.
    Keys stored already, or repeated in ``vals_list``, or inserted by a
    concurrent transaction, are left out by the unique constraint
    (``ON CONFLICT DO NOTHING``).
    """
    if not vals_list:
        return messages.browse()
    messages._fill_customer_facts(vals_list)
    columns = {
        name: []
        for name in (
            "campaign_id",
            "partner_id",
            "company_id",
            "user_id",
            "res_model",
            "res_id",
            "dedupe_key",
            "planned_at",
            "variant_id",
            "number",
            "state",
            "skip_reason",
            "segment",
            "reminder_of_id",
        )
    }
    for vals in vals_list:
        row = {"state": "scheduled", **vals}
        for name, values in columns.items():
            values.append(row.get(name) or None)
    messages.flush_model()
    now = fields.Datetime.now()
    messages.env.cr.execute(
        """
        INSERT INTO sms_retention_message (
            campaign_id, partner_id, company_id, user_id, res_model, res_id,
            dedupe_key, planned_at, variant_id, number, state, skip_reason,
            segment, reminder_of_id, defer_count, create_uid, write_uid,
            create_date, write_date)
        SELECT v.*, 0, %(uid)s, %(uid)s, %(now)s, %(now)s
          FROM unnest(%(campaign_id)s::int[], %(partner_id)s::int[],
                      %(company_id)s::int[], %(user_id)s::int[],
                      %(res_model)s::varchar[], %(res_id)s::int[],
                      %(dedupe_key)s::varchar[], %(planned_at)s::timestamp[],
                      %(variant_id)s::int[], %(number)s::varchar[],
                      %(state)s::varchar[], %(skip_reason)s::varchar[],
                      %(segment)s::varchar[], %(reminder_of_id)s::int[]) AS v
        ON CONFLICT (campaign_id, dedupe_key) DO NOTHING
        RETURNING id, state, planned_at
        """,
        dict(columns, uid=messages.env.uid, now=now),
    )
    rows = messages.env.cr.fetchall()
    messages._schedule_sending_at(
        [planned_at for _id, state, planned_at in rows if state == "scheduled"]
    )
    return messages.browse(sorted(row[0] for row in rows))
