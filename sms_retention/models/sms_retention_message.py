# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools
import logging
import re
import time

import pytz
from markupsafe import Markup
from psycopg2 import errors as pg_errors
from psycopg2 import sql

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import MissingError, UserError
from odoo.tools import SQL, format_date, mute_logger, plaintext2html

from ..fields import Many2oneWithoutForeignKey
from ..tools import sending_policy
from ..tools.cron import can_commit
from ..tools.db import array_literal
from ..tools.phone import PhoneNumberError, number_facts, to_e164
from ..tools.segments import with_opt_out
from ..tools.sms_uuid import new_sms_uuids
from .res_partner import SEGMENTS

_logger = logging.getLogger(__name__)

# Due messages checked against the policy and rendered per transaction.
MATERIALISE_BATCH_PARAM = "sms_retention.materialise_batch_size"
MATERIALISE_BATCH_DEFAULT = 500
# ``sms.sms`` state of retention SMS waiting for the sending job's provider
# call: Odoo's own SMS queue leaves them alone.
QUEUED_SMS_STATE = "sms_retention_queued"
# ``FROM`` clause of a batch's messages (ids in the one parameter): a probe
# of the primary key per id, whatever the table's statistics say.
BATCH_MESSAGES_SQL = """FROM unnest(%s::int[]) AS batch(id)
            CROSS JOIN LATERAL (
                       SELECT * FROM sms_retention_message WHERE id = batch.id LIMIT 1
                   ) m"""
# What the sending policy reads of a message ``m``, its customer ``p`` and
# the blacklist ``b`` (see ``_policy_facts``), and the joins that give them:
# index probes per message, whatever the statistics say (right after a bulk
# selection they are stale, and a plan from them scanned every message and
# hashed the whole blacklist for each batch).
POLICY_FACTS_COLUMNS = """m.id, m.number, p.id, m.company_id, m.campaign_id,
       m.expires_at, p.sms_consent, p.sms_retention_tz,
       p.country_id, p.phone_sanitized, p.sms_retention_number_kind,
       b.blacklisted IS NOT NULL, p.lang, m.res_model, m.res_id,
       m.variant_id"""
POLICY_FACTS_JOINS = """LEFT JOIN LATERAL (
       SELECT id, sms_consent, sms_retention_tz, country_id,
              phone_sanitized, sms_retention_number_kind, lang
         FROM res_partner WHERE id = m.partner_id LIMIT 1
   ) p ON TRUE
LEFT JOIN LATERAL (
       SELECT TRUE AS blacklisted FROM phone_blacklist
        WHERE active AND number = m.number LIMIT 1
   ) b ON TRUE"""
# What ``plaintext2html`` turns into more than escaped text and line breaks:
# links, paragraphs (see ``_sms_html``).
_RICH_TEXT = re.compile(r"://|www\.|\r|\n\s*\n")
# Percent of a message page filled by inserts: a message is updated twice
# on its way (queued, then sent), and the second update can stay on its page.
MESSAGE_FILLFACTOR = 60


class SmsRetentionMessage(models.Model):
    """One planned retention SMS: campaign, customer, source record and fate.

    The sending job reads and writes these as superuser (``*_sudo``); users
    see them through access rules and the multi-company rule.
    """

    _name = "sms.retention.message"
    _description = "SMS Retention Outbound Message"
    _order = "planned_at desc, id desc"
    _rec_name = "partner_id"

    # No index of its own: the unique (campaign_id, dedupe_key) index serves
    # lookups by campaign, and every message update would maintain both.
    # Campaign, customer and company have no foreign key: the daily
    # selection inserts messages by the hundred thousand, and each key costs
    # a check and a row lock per message (5 to 7 us each, a third of the
    # insert). Their ``unlink`` does what the key did: a campaign or a
    # customer deletes its messages, a company with messages refuses; the
    # partner merge re-points the messages of the merged customers.
    campaign_id = Many2oneWithoutForeignKey(
        "sms.retention.campaign", required=True, ondelete="cascade"
    )
    partner_id = Many2oneWithoutForeignKey(
        "res.partner", index=True, ondelete="cascade"
    )
    company_id = Many2oneWithoutForeignKey(
        "res.company", required=True, ondelete="restrict"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index="btree_not_null",
        help="The salesperson of the source record, else of the customer.",
    )
    res_model = fields.Char("Source Model", required=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model")
    source_display_name = fields.Char("Source", compute="_compute_source_display_name")
    segment = fields.Selection(
        SEGMENTS,
        readonly=True,
        help="The customer's lifecycle segment when the message was planned.",
    )
    dedupe_key = fields.Char(
        help="Messages of one campaign with the same key are sent once.",
        copy=False,
    )
    number = fields.Char(help="The customer's number, in E.164.")
    planned_at = fields.Datetime(required=True, index=True)
    sent_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(
        readonly=True, help="When the provider reported the SMS delivered."
    )
    state = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("skipped", "Skipped"),
            ("expired", "Expired"),
            ("failed", "Failed"),
            ("canceled", "Canceled"),
            ("paused", "Paused"),
        ],
        default="scheduled",
        required=True,
    )
    skip_reason = fields.Selection(
        [
            ("no_partner", "No customer"),
            ("no_number", "No mobile number"),
            ("invalid_number", "Invalid number"),
            ("landline", "Landline"),
            ("consent", "No consent"),
            ("duplicate", "Duplicate"),
            ("expired", "Expired"),
        ],
        index="btree_not_null",
        readonly=True,
    )
    expires_at = fields.Datetime(
        help="After this, the message no longer makes sense and is not sent."
    )
    defer_reason = fields.Selection(
        [("quiet_hours", "Quiet hours"), ("cap", "Frequency cap")],
        readonly=True,
        help="Why the message was last moved to a later time.",
    )
    defer_count = fields.Integer(readonly=True)
    failure_type = fields.Char(readonly=True, help="The provider's failure code.")
    body = fields.Text(
        readonly=True, help="The text as sent, in the customer's language."
    )
    variant_id = fields.Many2one(
        "sms.retention.variant", ondelete="set null", index="btree_not_null"
    )
    sms_uuid = fields.Char(
        "SMS UUID", index="btree_not_null", readonly=True, copy=False
    )
    sms_id = fields.Many2one(
        "sms.sms",
        string="SMS",
        compute="_compute_sms_id",
        help="The SMS of this message while Odoo keeps it, found by its uuid. "
        "No foreign key: Odoo's cleanup deletes sent SMS without touching "
        "the messages.",
    )

    _sql_constraints = [
        (
            "campaign_dedupe_unique",
            "UNIQUE(campaign_id, dedupe_key)",
            "This campaign already has a message for this record.",
        ),
    ]

    def init(self):
        res = super().init()
        # The due time of scheduled messages, NULL otherwise: the sending
        # job's lock walks its index. A generated column rather than an
        # index on ``state``: no index involves the state, so the send
        # step's "queued -> sent" update is a heap-only (HOT) update, with
        # no index to maintain, when the page has room (see the fillfactor).
        self.env.cr.execute(
            """ALTER TABLE sms_retention_message
                 ADD COLUMN IF NOT EXISTS scheduled_due_at timestamp
                 GENERATED ALWAYS AS (
                     CASE WHEN state = 'scheduled' THEN planned_at END
                 ) STORED"""
        )
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS sms_retention_message_scheduled_due_index
                   ON sms_retention_message (scheduled_due_at, id)
                WHERE scheduled_due_at IS NOT NULL"""
        )
        # Room on each page for the next version of its rows.
        self.env.cr.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass",
            [self._table],
        )
        fillfactor = f"fillfactor={MESSAGE_FILLFACTOR}"
        if fillfactor not in (self.env.cr.fetchone()[0] or []):
            self.env.cr.execute(  # pylint: disable=sql-injection
                f"ALTER TABLE sms_retention_message SET ({fillfactor})"
            )
        return res

    @api.depends("sms_uuid")
    def _compute_sms_id(self):
        uuids = [sms_uuid for sms_uuid in self.mapped("sms_uuid") if sms_uuid]
        sms_ids = {
            sms.uuid: sms.id
            for sms in self.env["sms.sms"]
            .sudo()
            .search_fetch([("uuid", "in", uuids)], ["uuid"])
        }
        for message in self:
            message.sms_id = sms_ids.get(message.sms_uuid, False)

    @api.model
    def _sms_retention_delete_for(self, field_name, ids):
        """Delete the messages whose campaign or customer (``field_name``)
        is among ``ids``, as a foreign key's cascade would (see the fields)."""
        if field_name not in ("campaign_id", "partner_id"):
            raise ValueError(f"Messages are not deleted by {field_name}")
        self.flush_model([field_name])
        self.env.cr.execute(
            sql.SQL("DELETE FROM sms_retention_message WHERE {} = ANY(%s)").format(
                sql.Identifier(field_name)
            ),
            [list(ids)],
        )
        self.invalidate_model()

    @api.model
    def _sms_retention_repoint_partners(self, src_partner_ids, dst_partner_id):
        """Move the messages of merged customers to the one they merge into,
        as Odoo's partner merge does for the columns with a foreign key; so
        does their source when it is the customer (a birthday, an exit)."""
        self.flush_model(["partner_id", "res_model", "res_id"])
        self.env.cr.execute(
            """UPDATE sms_retention_message
                  SET partner_id = %(dst)s,
                      res_id = CASE WHEN res_model = 'res.partner'
                                     AND res_id = ANY(%(src)s)
                                    THEN %(dst)s ELSE res_id END
                WHERE partner_id = ANY(%(src)s)""",
            {"dst": dst_partner_id, "src": list(src_partner_ids)},
        )
        self.invalidate_model(["partner_id", "res_id"])

    @api.model
    def _job_author(self):
        """The author the sending jobs' set-based writes record: none for the
        superuser (the crons), as on the jobs' SMS and trackers, which spares
        a foreign-key check per row and author column; else the user."""
        return None if self.env.uid == SUPERUSER_ID else self.env.uid

    @api.model
    def _sudo_by_sms_uuid(self, uuids):
        """The messages of these SMS uuids, as superuser, in one query (a
        probe of the uuid index each): the SMS, its tracker and its message
        share the uuid, which is their only link."""
        uuids = [uuid for uuid in uuids if uuid]
        messages_sudo = self.sudo().browse()
        if not uuids:
            return messages_sudo
        return messages_sudo.search_fetch([("sms_uuid", "in", uuids)], ["sms_uuid"])

    @api.depends("res_model", "res_id")
    def _compute_source_display_name(self):
        for message in self:
            record = message._get_source_record()
            message.source_display_name = record.display_name if record else False

    def _get_source_record(self):
        """The record this message was sent about, or None."""
        if not self:
            return None
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    # ------------------------------------------------------------
    # CREATE
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._fill_customer_facts(vals_list)
        messages = super().create(vals_list)
        self._schedule_sending(messages)
        return messages

    @api.model
    def _fill_customer_facts(self, vals_list):
        """Set number (or skip reason) and segment of scheduled messages in
        ``vals_list`` from their customers, read in one query per model."""
        partners = self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )
        partners.fetch(
            [
                "mobile",
                "phone",
                "phone_sanitized",
                "country_id",
                "sms_retention_segment",
            ]
        )
        companies = self.env["res.company"].browse(
            {vals["company_id"] for vals in vals_list if vals.get("company_id")}
        )
        companies.fetch(["country_id"])
        for vals in vals_list:
            if vals.get("state", "scheduled") != "scheduled" or vals.get("number"):
                continue
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            company = self.env["res.company"].browse(vals.get("company_id"))
            vals.update(self._number_or_skip(partner, company))
            vals.setdefault("segment", partner.sms_retention_segment)

    @api.model
    def _number_or_skip(self, partner, company):
        if not partner:
            return {"state": "skipped", "skip_reason": "no_partner"}
        raw = partner.mobile or partner.phone
        if not raw:
            return {"state": "skipped", "skip_reason": "no_number"}
        if partner.phone_sanitized:
            return {"number": partner.phone_sanitized}
        region = partner.country_id.code or company.country_id.code
        try:
            return {"number": to_e164(raw, region)}
        except PhoneNumberError:
            return {"state": "skipped", "skip_reason": "invalid_number"}

    @api.model
    def _insert_unique(self, vals_list):
        """Insert the messages whose (campaign, dedupe key) is new, in one
        statement, and wake the sending job; return the new messages.

        Numbers, skip reasons and segments are filled as :meth:`create` does.
        Keys stored already, or repeated in ``vals_list``, or inserted by a
        concurrent transaction, are left out by the unique constraint
        (``ON CONFLICT DO NOTHING``).
        """
        if not vals_list:
            return self.browse()
        self._fill_customer_facts(vals_list)
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
            )
        }
        for vals in vals_list:
            row = {"state": "scheduled", **vals}
            for name, values in columns.items():
                values.append(row.get(name) or None)
        self.flush_model()
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            INSERT INTO sms_retention_message (
                campaign_id, partner_id, company_id, user_id, res_model, res_id,
                dedupe_key, planned_at, variant_id, number, state, skip_reason,
                segment, defer_count, create_uid, write_uid, create_date,
                write_date)
            SELECT v.*, 0, %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM unnest(%(campaign_id)s::int[], %(partner_id)s::int[],
                          %(company_id)s::int[], %(user_id)s::int[],
                          %(res_model)s::varchar[], %(res_id)s::int[],
                          %(dedupe_key)s::varchar[], %(planned_at)s::timestamp[],
                          %(variant_id)s::int[], %(number)s::varchar[],
                          %(state)s::varchar[], %(skip_reason)s::varchar[],
                          %(segment)s::varchar[]) AS v
            ON CONFLICT (campaign_id, dedupe_key) DO NOTHING
            RETURNING id, state, planned_at
            """,
            dict(columns, uid=self.env.uid, now=now),
        )
        rows = self.env.cr.fetchall()
        self._schedule_sending_at(
            [planned_at for _id, state, planned_at in rows if state == "scheduled"]
        )
        return self.browse(sorted(row[0] for row in rows))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send_now(self):
        """Send the selected scheduled messages now, whatever their planned
        time; the sending policy still applies. Says what became of them."""
        todo_sudo = self.sudo()._lock_scheduled(self.ids)
        todo_sudo._materialise()
        self.sudo()._send_queued()
        self.invalidate_recordset()
        return self._send_now_feedback()

    def _send_now_feedback(self):
        """A toast: sent, deferred (to when, in the customer's time, and
        why), skipped or failed (why); the view reloads."""
        outcomes = [message._send_now_outcome() for message in self]
        kinds = {kind for kind, _text in outcomes}
        if len(outcomes) == 1:
            message = outcomes[0][1]
        else:
            labels = dict(self._fields["state"]._description_selection(self.env))
            counts = {}
            for message in self:
                counts[labels[message.state]] = counts.get(labels[message.state], 0) + 1
            message = ", ".join(f"{label}: {count}" for label, count in counts.items())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "danger"
                if "danger" in kinds
                else "warning"
                if "warning" in kinds
                else "success",
                "message": message,
                "sticky": "danger" in kinds,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _local_time(self, value, tz):
        """``value`` (UTC) as the customer reads it: date, hour, zone."""
        local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
        return f"{format_date(self.env, local.date())} {local:%H:%M} {tz}"

    def _send_now_outcome(self):
        """``(toast type, sentence)`` saying what became of this message."""
        self.ensure_one()
        customer = self.partner_id.display_name or self.number or "-"
        if self.state in ("sent", "queued"):
            return "success", _(
                "Sent to %(customer)s (%(number)s).",
                customer=customer,
                number=self.number,
            )
        if self.state == "scheduled" and self.defer_reason:
            tz = self.partner_id._sms_retention_effective_tz(self.company_id)
            reason = {
                "quiet_hours": _("outside the customer's sending hours"),
                "cap": _("the frequency cap is reached"),
            }[self.defer_reason]
            return "warning", _(
                "Deferred to %(when)s (%(reason)s): it goes then.",
                when=self._local_time(self.planned_at, tz),
                reason=reason,
            )
        if self.state == "scheduled":
            return "warning", _("The sending job is sending it already.")
        if self.state == "skipped" and self.skip_reason == "consent":
            opted_out = (
                self.partner_id.sms_consent == "opted_out"
                or self.partner_id.phone_sanitized_blacklisted
            )
            return "danger", _(
                "Not sent: %(customer)s opted out of SMS.", customer=customer
            ) if opted_out else _(
                "Not sent: %(customer)s gave no consent to marketing SMS.",
                customer=customer,
            )
        if self.state in ("skipped", "expired"):
            reasons = dict(self._fields["skip_reason"]._description_selection(self.env))
            return "danger", _(
                "Not sent: %(reason)s.",
                reason=reasons.get(self.skip_reason, self.skip_reason or "-"),
            )
        if self.state == "failed":
            return "danger", _(
                "Failed: %(reason)s.", reason=self.failure_type or _("unknown error")
            )
        labels = dict(self._fields["state"]._description_selection(self.env))
        return "warning", labels[self.state]

    def action_cancel(self):
        """Cancel scheduled messages, and queued ones with their SMS."""
        self.filtered(lambda m: m.state in ("scheduled", "paused")).write(
            {"state": "canceled"}
        )
        queued = self.filtered(lambda m: m.state == "queued")
        queued_sms_sudo = queued.sms_id.sudo().filtered(
            lambda sms: sms.state == QUEUED_SMS_STATE
        )
        queued_sms_sudo._update_sms_state_and_trackers("canceled")
        return True

    def action_open_source(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # SENDING
    # ------------------------------------------------------------

    @api.model
    def _schedule_sending(self, messages):
        """Wake the sending job when the earliest new message falls due."""
        self._schedule_sending_at(
            messages.filtered(lambda m: m.state == "scheduled").mapped("planned_at")
        )

    @api.model
    def _schedule_sending_at(self, planned):
        if not planned:
            return
        now = fields.Datetime.now()
        at = max(min(planned), now)
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "sms_retention.ir_cron_sms_retention_send"
        )
        # A future wake-up at or before ``at`` exists already (one per order
        # otherwise): that run sees these messages and plans the next one.
        # Past ones do not count: a running job may consume them unaware.
        self.env.cr.execute(
            """SELECT 1 FROM ir_cron_trigger
                WHERE cron_id = %s AND call_at > %s AND call_at <= %s LIMIT 1""",
            [cron_id, now, at],
        )
        if not self.env.cr.fetchone():
            self.env["ir.cron"].sudo().browse(cron_id)._trigger(at=at)

    @api.model
    def _lock_scheduled(self, ids=None, limit=None, run_cache=None):
        """Lock scheduled messages: the due ones (``ids`` None), or the given
        ones whatever their planned time.

        ``FOR UPDATE SKIP LOCKED``: two senders never get the same message.
        With ``run_cache`` (see :meth:`_materialise`), the same query reads
        what the sending policy needs of them, for :meth:`_policy_facts`.
        """
        if run_cache is not None:
            self._flush_policy_facts()
            columns, joins = POLICY_FACTS_COLUMNS, POLICY_FACTS_JOINS
        else:
            self.flush_model(["state", "planned_at"])
            columns, joins = "m.id", ""
        if ids is not None:
            condition = "m.state = 'scheduled' AND m.id = ANY(%(ids)s)"
            order = "m.id"
        else:
            condition = "m.scheduled_due_at <= %(now)s"
            order = "m.scheduled_due_at, m.id"
        self.env.cr.execute(  # pylint: disable=sql-injection
            f"""SELECT {columns} FROM sms_retention_message m {joins}
                 WHERE {condition}
                 ORDER BY {order}
                 LIMIT %(limit)s
                   FOR UPDATE OF m SKIP LOCKED""",
            {"ids": list(ids or ()), "now": fields.Datetime.now(), "limit": limit},
        )
        rows = self.env.cr.fetchall()
        if run_cache is not None:
            run_cache["locked_facts"] = {row[0]: row for row in rows}
        return self.browse([row[0] for row in rows])

    @api.model
    def _cron_send_due(self):
        """Send due messages in batches, committing after each step.

        Two steps per batch: due messages pass the sending policy and are
        materialised as ``sms.sms`` (committed), then queued SMS go to the
        provider (committed). A crash between the provider call and the
        commit leaves the SMS queued with the same uuid, which providers
        that record their attempts use to avoid a second send.
        """
        materialise_size = max(
            int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param(MATERIALISE_BATCH_PARAM, MATERIALISE_BATCH_DEFAULT)
            ),
            1,
        )
        auto_commit = can_commit()
        sms_model = self.env["sms.sms"].sudo()
        send_size = sms_model._sms_retention_send_batch_size()
        # Settings, policies and opt-out texts are read once per run: a
        # change made meanwhile applies from the next run.
        run_cache = {}
        while True:
            materialised = self._retry_lock(
                auto_commit,
                lambda: self.sudo()._lock_scheduled(
                    limit=materialise_size, run_cache=run_cache
                ),
            )
            materialised._materialise(run_cache)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            queued = self._retry_lock(
                auto_commit,
                lambda: sms_model._sms_retention_lock_queued(limit=send_size),
            )
            self._send_locked(queued, run_cache)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(materialised) < materialise_size and len(queued) < send_size:
                break  # nothing more is due; later messages wake the job
        self._trigger_next()

    @api.model
    def _retry_lock(self, auto_commit, lock, attempts=5):
        """Run the ``lock`` query, retrying on serialization failures.

        Odoo's cursors are REPEATABLE READ: a row another sender committed
        after our snapshot raises instead of being skipped by SKIP LOCKED.
        Nothing was sent since the last commit, so a rollback (a fresh
        snapshot) and a retry lose nothing.
        """
        # The expected conflict is handled here: keep it out of the log.
        for attempt in range(attempts - 1):
            try:
                with mute_logger("odoo.sql_db"):
                    return lock()
            except pg_errors.SerializationFailure:
                if not auto_commit:
                    raise
                self.env.cr.rollback()
                _logger.info("Retrying the lock of due SMS after a concurrent send")
                time.sleep(0.05 * (attempt + 1))
        with mute_logger("odoo.sql_db"):
            return lock()  # the last attempt: its failure is raised

    @api.model
    def _trigger_next(self):
        self.flush_model(["state", "planned_at"])
        self.env.cr.execute(
            """SELECT MIN(scheduled_due_at) FROM sms_retention_message
                WHERE scheduled_due_at > %s""",
            [fields.Datetime.now()],
        )
        next_due = self.env.cr.fetchone()[0]
        if next_due:
            self.env.ref("sms_retention.ir_cron_sms_retention_send").sudo()._trigger(
                at=next_due
            )

    def _materialise(self, run_cache=None):
        """Apply the sending policy, render, and queue the SMS of what may go.

        The ``sms.sms`` rows, their trackers and the messages' links are
        written by one statement, whatever the batch size. The SMS and
        trackers are the job's rows, not a user's: they carry no author,
        which spares a foreign-key check per column and row. Their sending
        company is their message's (see ``sms.sms``
        ``_sms_retention_company_ids``), not a copy. Each SMS is then logged
        on the chatters (:meth:`_log_on_chatters`).

        :param dict run_cache: what the sending job reads once per run
          (:meth:`_cron_send_due`); a fresh one when not given
        """
        if not self:
            return self
        if run_cache is None:
            run_cache = {}
        facts_by_id = self._policy_facts(run_cache)
        todo = self._apply_sending_policy(facts_by_id, run_cache)
        if not todo:
            return todo
        bodies = todo._render_bodies(facts_by_id, run_cache)
        empty = todo.browse([mid for mid in todo.ids if not bodies.get(mid)])
        source_gone = empty.browse(
            [mid for mid in empty.ids if mid in bodies and bodies[mid] is None]
        )
        source_gone.write({"state": "failed", "failure_type": "source_deleted"})
        (empty - source_gone).write({"state": "failed", "failure_type": "empty_body"})
        todo -= empty
        if not todo:
            return todo
        rows = [facts_by_id[mid] for mid in todo.ids]
        sms_model = self.env["sms.sms"]
        extra = sms_model._sms_retention_insert_defaults()
        self.env.flush_all()
        now = fields.Datetime.now()
        query = """
            WITH v AS (
                SELECT * FROM unnest(%(ids)s::int[], %(uuids)s::varchar[],
                                     %(numbers)s::varchar[], %(bodies)s::text[],
                                     %(partners)s::int[])
                       AS v(id, uuid, number, body, partner_id)
            ), sms AS (
                INSERT INTO sms_sms (uuid, number, body, partner_id, state,
                                     to_delete, create_date, write_date{extra_columns})
                SELECT v.uuid, v.number, v.body, v.partner_id, %(state)s, FALSE,
                       %(now)s, %(now)s{extra_values}
                  FROM v
            ), tracker AS (
                INSERT INTO sms_tracker (sms_uuid, create_date, write_date)
                SELECT v.uuid, %(now)s, %(now)s FROM v
            )
            UPDATE sms_retention_message m
               SET state = 'queued', sms_uuid = v.uuid,
                   body = v.body, write_uid = COALESCE(%(author)s, write_uid),
                   write_date = %(now)s
              FROM v
             WHERE m.id = v.id
        """.format(
            extra_columns="".join(f", {column}" for column in extra),
            extra_values="".join(f", %(extra_{column})s" for column in extra),
        )
        self.env.cr.execute(  # pylint: disable=sql-injection
            query,
            {
                "ids": array_literal(todo.ids),
                "uuids": array_literal(new_sms_uuids(len(rows))),
                "numbers": array_literal([row["number"] for row in rows]),
                "bodies": array_literal([bodies[mid] for mid in todo.ids]),
                "partners": array_literal([row["partner_id"] for row in rows]),
                "state": QUEUED_SMS_STATE,
                "author": self._job_author(),
                "now": now,
                **{f"extra_{column}": value for column, value in extra.items()},
            },
        )
        todo.invalidate_recordset(
            ["state", "sms_uuid", "body", "write_uid", "write_date"]
        )
        sms_model.invalidate_model()
        self._log_on_chatters(rows, bodies, run_cache)
        return todo

    def _log_on_chatters(self, rows, bodies, run_cache):
        """Log each SMS on its customer's chatter, and on its source
        record's when that is another record with a chatter (the order), as
        Odoo's mass SMS keeps a log: a message of type SMS per record. Their
        delivery status is the retention message's, shown in the customer's
        conversation.

        Odoo writes the first log of each model (``_message_log_batch``);
        the others are copies of its row with their own record and body, in
        one statement: every column, whoever added it, holds what Odoo
        wrote (see ``test_campaign_logs_equal_odoos``). Through the ORM, a
        log cost about a millisecond each.
        """
        known = run_cache.setdefault("chatter_models", {})
        for res_model in {row["res_model"] for row in rows} - set(known):
            known[res_model] = res_model in self.env and hasattr(
                self.env[res_model], "_message_log_batch"
            )
        entries = {}  # {model: [(res_id, html)]}
        for row in rows:
            html = _sms_html(bodies[row["id"]])
            if row["partner_id"]:
                entries.setdefault("res.partner", []).append((row["partner_id"], html))
            if (
                known[row["res_model"]]
                and row["res_id"]
                and (row["res_model"], row["res_id"])
                != ("res.partner", row["partner_id"])
            ):
                entries.setdefault(row["res_model"], []).append((row["res_id"], html))
        messages = self.env["mail.message"]
        copied = [
            name
            for name, field in messages._fields.items()
            if field.store
            and field.column_type
            and name not in ("id", "res_id", "body")
        ]
        for model, ((first_id, first_html), *others) in entries.items():
            template_sudo = (
                self.env[model]
                .sudo()
                .browse(first_id)
                ._message_log_batch(bodies={first_id: first_html}, message_type="sms")
            )
            template_sudo.sms_retention_kind = "campaign"
            if not others:
                continue
            messages.flush_model()
            self.env.cr.execute(
                SQL(
                    """INSERT INTO mail_message (res_id, body, %(columns)s)
                       SELECT v.res_id, v.body, %(values)s
                         FROM unnest(%(res_ids)s::int[], %(bodies)s::text[])
                              AS v(res_id, body),
                              mail_message t
                        WHERE t.id = %(template)s""",
                    columns=SQL(", ").join(map(SQL.identifier, copied)),
                    values=SQL(", ").join(SQL.identifier("t", name) for name in copied),
                    res_ids=[res_id for res_id, _html in others],
                    bodies=[str(html) for _res_id, html in others],
                    template=template_sudo.id,
                )
            )
        messages.invalidate_model()

    def _send_queued(self):
        """Send the queued SMS of these messages now (those another sender
        holds are left to it); fail the messages whose SMS is gone."""
        queued = self.filtered(lambda m: m.state == "queued" and m.sms_uuid)
        if not queued:
            return
        locked = (
            self.env["sms.sms"]
            .sudo()
            ._sms_retention_lock_queued(uuids=queued.mapped("sms_uuid"))
        )
        self.env["sms.sms"].flush_model(["uuid"])
        self.env.cr.execute(
            """SELECT m.id FROM sms_retention_message m
                WHERE m.id = ANY(%s)
                  AND NOT EXISTS(SELECT 1 FROM sms_sms s WHERE s.uuid = m.sms_uuid)""",
            [queued.ids],
        )
        orphans = self.browse([row[0] for row in self.env.cr.fetchall()])
        orphans.write({"state": "failed", "failure_type": "sms_deleted"})
        self._send_locked(locked)

    @api.model
    def _send_locked(self, queued, run_cache=None):
        """Hand locked retention SMS to their provider.

        :param list queued: :class:`~..models.sms_sms.QueuedSms` rows, locked
          by ``sms.sms._sms_retention_lock_queued``
        :param dict run_cache: the sending job's cache for its run
        SMS whose message is gone are canceled. The provider's results reach
        the messages as later delivery reports do.
        """
        sms_model = self.env["sms.sms"].sudo()
        orphans_sudo = sms_model.browse(
            [row.sms_id for row in queued if not row.message_id]
        )
        orphans_sudo._sms_retention_mark("canceled", False, True)
        queued = [row for row in queued if row.message_id]
        if not queued:
            return
        rows_by_sms = {row.sms_id: row for row in queued}
        sms_sudo = sms_model.with_context(sms_retention_policy_checked=True).browse(
            rows_by_sms
        )
        for sms_api, records in sms_sudo._sms_retention_split_by_provider(
            {row.sms_id: row.company_id for row in queued}, run_cache
        ):
            if sms_api is None:
                # Odoo's own provider: its send path takes outgoing SMS only.
                records.write({"state": "outgoing"})
                records.send(unlink_failed=False, unlink_sent=True, auto_commit=False)
                continue
            records._sms_retention_send_with_api(
                sms_api,
                unlink_failed=False,
                unlink_sent=True,
                raise_exception=False,
                queued=[rows_by_sms[sms_id] for sms_id in records.ids],
            )

    def _update_from_sms_state(self, sms_state, failure_type=False):
        """Follow the SMS: accepted or delivered -> sent, error -> failed.

        States only move forward; a late report never revives a message.
        One statement per transition, whatever the number of messages.
        """
        if not self:
            return
        now = fields.Datetime.now()
        if sms_state in ("process", "pending"):
            self._move_state(("queued",), {"state": "sent", "sent_at": now}, now)
        elif sms_state == "sent":
            # Delivered: one new row version, whether it was queued or sent.
            self._move_state(
                ("queued", "sent"),
                {"state": "sent", "delivered_at": now},
                now,
                "delivered_at IS NULL",
                extra="sent_at = COALESCE(sent_at, %(now)s)",
            )
        elif sms_state == "error":
            self._move_state(
                ("queued", "sent"),
                {"state": "failed", "failure_type": failure_type or "unknown"},
                now,
            )
        elif sms_state == "canceled":
            self._move_state(("queued",), {"state": "canceled"}, now)

    def _move_state(self, from_states, values, now, condition="TRUE", extra=None):
        """Write ``values`` (and the SQL assignment ``extra``) on those of these
        messages in ``from_states`` and matching the SQL ``condition``, in one
        statement."""
        self.flush_recordset(["state", "sent_at", *values])
        assignments = ", ".join(
            [f"{column} = %({column})s" for column in values]
            + ([extra] if extra else [])
        )
        self.env.cr.execute(  # pylint: disable=sql-injection
            f"""UPDATE sms_retention_message
                   SET {assignments}, write_uid = COALESCE(%(author)s, write_uid),
                       write_date = %(now)s
                 WHERE id = ANY(%(ids)s) AND state = ANY(%(from_states)s)
                   AND {condition}""",
            dict(
                values,
                ids=list(self.ids),
                from_states=list(from_states),
                author=self._job_author(),
                now=now,
            ),
        )
        self.invalidate_recordset(
            ["state", "sent_at", *values, "write_uid", "write_date"]
        )
        self.env["sms.retention.campaign"].invalidate_model()

    def _apply_sending_policy(self, facts_by_id=None, run_cache=None):
        """Defer, skip or expire what may not go now; return what may.

        Facts for the whole batch come from a constant number of queries
        (``facts_by_id``: :meth:`_policy_facts`, read here if not given); the
        sending window is computed once per policy and time zone when it is
        open.

        :param dict run_cache: settings read once per run of the sending job
          (campaigns, companies, policies); see :meth:`_cron_send_due`
        """
        now = fields.Datetime.now()
        if facts_by_id is None:
            facts_by_id = self._policy_facts()
        if run_cache is None:
            run_cache = {}
        rows = [facts_by_id[message_id] for message_id in self.ids]
        marketing_by_campaign = self._marketing_by_campaign(
            {row["campaign_id"] for row in rows}, run_cache
        )
        company_settings = self._company_settings(
            {row["company_id"] for row in rows}, run_cache
        )
        policies = run_cache.setdefault("policies", {})
        recent = self._recent_sends_by_partner(
            now,
            {row["company_id"] for row in rows},
            {row["partner_id"] for row in rows},
            run_cache,
        )
        open_now, decisions = {}, {}

        def allowed_at(when, tz, key, policy, policy_key):
            if when == now:
                memo_key = (policy_key, tz)
                if memo_key not in open_now:
                    open_now[memo_key] = (
                        sending_policy.next_allowed(policy, now, tz) == now
                    )
                if open_now[memo_key]:
                    return now
            return sending_policy.next_allowed(policy, when, tz, key=key)

        for row in rows:
            message_id = row["id"]
            company_id, campaign_id = row["company_id"], row["campaign_id"]
            policy_key = (company_id, campaign_id, row["country_id"])
            if policy_key not in policies:
                policies[policy_key] = (
                    self.env["sms.retention.campaign"]
                    .browse(campaign_id)
                    ._sms_retention_policy(
                        self.env["res.company"].browse(company_id),
                        self.env["res.country"].browse(row["country_id"]),
                    )
                )
            policy = policies[policy_key]
            number_ok, landline = row["number_facts"]
            company_tz, allow_unknown, cap_count, cap_days, quiet_transactional = (
                company_settings[company_id]
            )
            marketing = marketing_by_campaign[campaign_id]
            facts = sending_policy.Facts(
                key=message_id,
                consent=row["consent"] or False,
                blacklisted=row["blacklisted"],
                number_ok=number_ok,
                landline=landline,
                marketing=marketing,
                allow_unknown_consent=allow_unknown,
                tz=row["tz"] or company_tz,
                expires_at=row["expires_at"],
                sent_in_window=tuple(recent.get(row["partner_id"], ())),
            )
            decision = sending_policy.decide(
                facts,
                now,
                policy,
                cap_count=cap_count,
                cap_days=cap_days,
                quiet=marketing or quiet_transactional,
                allowed_at=functools.partial(
                    allowed_at, policy=policy, policy_key=policy_key
                ),
            )
            decisions[message_id] = decision
            if decision.action == sending_policy.SEND and row["partner_id"]:
                recent.setdefault(row["partner_id"], []).append(now)
        return self._write_decisions(decisions)

    @api.model
    def _marketing_by_campaign(self, campaign_ids, run_cache):
        """``{campaign id: marketing?}``, read once per run (``run_cache``)."""
        known = run_cache.setdefault("marketing", {})
        campaigns = self.env["sms.retention.campaign"].browse(
            set(campaign_ids) - set(known)
        )
        if campaigns:
            # Just these columns: a lazy read would fetch every column.
            campaigns.fetch(["message_class", "kind", "quiet_start", "quiet_end"])
            for campaign in campaigns:
                known[campaign.id] = campaign.message_class == "marketing"
        return known

    @api.model
    def _company_settings(self, company_ids, run_cache):
        """``{company id: (tz, allow unknown consent, cap count, cap days,
        quiet hours for transactional)}``, read once per run (``run_cache``)."""
        known = run_cache.setdefault("companies", {})
        companies = self.env["res.company"].browse(set(company_ids) - set(known))
        if companies:
            companies.fetch(
                [
                    "partner_id",
                    "sms_retention_allow_unknown_consent",
                    "sms_retention_cap_count",
                    "sms_retention_cap_days",
                    "sms_retention_quiet_transactional",
                ]
            )
            companies.partner_id.fetch(["tz"])
            for company in companies:
                known[company.id] = (
                    company._sms_retention_tz(),
                    company.sms_retention_allow_unknown_consent,
                    company.sms_retention_cap_count,
                    company.sms_retention_cap_days,
                    company.sms_retention_quiet_transactional,
                )
        return known

    def _policy_facts(self, run_cache=None):
        """What the policy needs of each message, in one query, or as the
        lock read it with the same ``run_cache`` (:meth:`_lock_scheduled`).

        Numbers are E.164: the blacklist is read without re-formatting, and a
        number that is the customer's sanitized one reuses its stored kind.
        Each message's template is its variant's, else its campaign's, read
        once per run (:meth:`_templates_by_source`). A customer deleted
        behind the ORM's back (no foreign key) reads as no customer.

        :param dict run_cache: see :meth:`_materialise`
        """
        locked = (run_cache or {}).pop("locked_facts", None) or {}
        if all(message_id in locked for message_id in self.ids):
            rows = [locked[message_id] for message_id in self.ids]
        else:
            self._flush_policy_facts()
            self.env.cr.execute(  # pylint: disable=sql-injection
                f"""SELECT {POLICY_FACTS_COLUMNS}
                      {BATCH_MESSAGES_SQL}
                      {POLICY_FACTS_JOINS}""",
                [self.ids],
            )
            rows = self.env.cr.fetchall()
        template_ids = self._templates_by_source(
            {row[4] for row in rows}, {row[15] for row in rows if row[15]}, run_cache
        )
        facts = {}
        for (
            message_id,
            number,
            partner_id,
            company_id,
            campaign_id,
            expires_at,
            consent,
            tz,
            country_id,
            sanitized,
            kind,
            blacklisted,
            lang,
            res_model,
            res_id,
            variant_id,
        ) in rows:
            if kind and number == sanitized:
                number_info = (kind != "invalid", kind == "landline")
            else:
                number_info = number_facts(number)
            facts[message_id] = {
                "id": message_id,
                "number": number,
                "partner_id": partner_id,
                "company_id": company_id,
                "campaign_id": campaign_id,
                "expires_at": expires_at,
                "consent": consent,
                "tz": tz,
                "country_id": country_id,
                "blacklisted": blacklisted,
                "number_facts": number_info,
                "lang": lang,
                "res_model": res_model,
                "res_id": res_id,
                "template_id": template_ids.get(("variant", variant_id))
                or template_ids[("campaign", campaign_id)],
            }
        return facts

    @api.model
    def _flush_policy_facts(self):
        self.env["res.partner"].flush_model(
            [
                "sms_consent",
                "sms_retention_tz",
                "country_id",
                "phone_sanitized",
                "sms_retention_number_kind",
            ]
        )
        self.env["phone.blacklist"].flush_model(["number", "active"])
        self.flush_model(
            [
                "state",
                "planned_at",
                "number",
                "partner_id",
                "company_id",
                "campaign_id",
                "expires_at",
                "variant_id",
                "res_model",
                "res_id",
            ]
        )

    @api.model
    def _templates_by_source(self, campaign_ids, variant_ids, run_cache=None):
        """``{("campaign" or "variant", id): template id}`` of these campaigns
        and variants, kept in ``run_cache`` for the rest of the run.

        A join per message cost more than the rest of the facts query (the
        planner hashed the campaign table once per message).
        """
        known = {} if run_cache is None else run_cache.setdefault("templates", {})
        for kind, model, ids in (
            ("campaign", "sms.retention.campaign", campaign_ids),
            ("variant", "sms.retention.variant", variant_ids),
        ):
            records = (
                self.env[model]
                .sudo()
                .browse([rid for rid in ids if (kind, rid) not in known])
            )
            if records:
                # Just this column: a lazy read would fetch every column.
                records.fetch(["sms_template_id"])
                for record in records:
                    known[(kind, record.id)] = record.sms_template_id.id
        return known

    def _recent_sends_by_partner(self, now, company_ids, partner_ids, run_cache=None):
        """``{partner id: [send times]}`` within the longest cap window of
        ``company_ids``; queued messages count as sent now."""
        if run_cache is None:
            run_cache = {}
        company_settings = self._company_settings(company_ids, run_cache)
        max_days = max(
            [
                company_settings[company_id][3]
                for company_id in company_ids
                if company_settings[company_id][2]
            ]
            or [0]
        )
        if not max_days:
            return {}
        partner_ids = [partner_id for partner_id in partner_ids if partner_id]
        self.env.cr.execute(
            """SELECT partner_id, array_agg(COALESCE(sent_at, %(now)s))
                 FROM sms_retention_message
                WHERE partner_id = ANY(%(partners)s)
                  AND (state = 'queued' OR (state = 'sent'
                       AND sent_at > %(now)s - make_interval(days => %(days)s)))
                GROUP BY partner_id""",
            {"partners": partner_ids, "now": now, "days": max_days},
        )
        return {partner_id: list(dates) for partner_id, dates in self.env.cr.fetchall()}

    def _write_decisions(self, decisions):
        """Store deferrals in one statement and other outcomes per reason.

        :param dict decisions: ``{message id: sending_policy.Decision}``
        :return: the messages that may be sent now
        """
        to_send, deferred, outcomes = [], [], {}
        for message_id, decision in decisions.items():
            if decision.action == sending_policy.SEND:
                to_send.append(message_id)
            elif decision.action == sending_policy.DEFER:
                deferred.append((message_id, decision.when, decision.reason))
            else:
                state = (
                    "expired" if decision.action == sending_policy.EXPIRE else "skipped"
                )
                outcomes.setdefault((state, decision.reason), []).append(message_id)
        for (state, reason), message_ids in outcomes.items():
            self.browse(message_ids).write({"state": state, "skip_reason": reason})
        if deferred:
            self.flush_model()
            ids, whens, reasons = (
                list(column) for column in zip(*deferred, strict=True)
            )
            self.env.cr.execute(
                """UPDATE sms_retention_message m
                      SET planned_at = v.planned_at, defer_reason = v.reason,
                          defer_count = COALESCE(m.defer_count, 0) + 1
                     FROM unnest(%s::int[], %s::timestamp[], %s::varchar[])
                          AS v(id, planned_at, reason)
                    WHERE m.id = v.id""",
                [ids, whens, reasons],
            )
            self.browse(ids).invalidate_recordset(
                ["planned_at", "defer_reason", "defer_count"]
            )
        return self.browse(to_send)

    def _render_bodies(self, facts_by_id=None, run_cache=None):
        """Render each message's template in its customer's language.

        Each message's template and source record come from ``facts_by_id``
        (:meth:`_policy_facts`, read here if not given); each template then
        renders all its records at once. ``run_cache``: see
        :meth:`_materialise`.

        :return: ``{message id: text}``; None for a message whose source
          record no longer exists
        """
        if not self:
            return {}
        if facts_by_id is None:
            facts_by_id = self._policy_facts()
        rows = [
            (
                message_id,
                facts_by_id[message_id]["res_model"],
                facts_by_id[message_id]["res_id"],
                facts_by_id[message_id]["template_id"],
            )
            for message_id in self.ids
        ]
        groups = {}
        for message_id, res_model, res_id, template_id in rows:
            by_res_id = groups.setdefault((template_id, res_model), {})
            by_res_id.setdefault(res_id, []).append(message_id)
        bodies = {}
        templates = self.env["sms.template"]
        for (template_id, res_model), by_res_id in groups.items():
            template = templates.browse(template_id)
            try:
                rendered = template._sms_retention_render_body(
                    list(by_res_id), run_cache
                )
            except (MissingError, UserError):
                # A source record deleted since planning has no text (None):
                # its message fails alone instead of failing the batch.
                existing = set(
                    self.env[res_model].browse(list(by_res_id)).exists().ids
                    if res_model in self.env
                    else ()
                )
                if existing == set(by_res_id):
                    raise
                for res_id in set(by_res_id) - existing:
                    for message_id in by_res_id.pop(res_id):
                        bodies[message_id] = None
                rendered = template._sms_retention_render_body(
                    list(by_res_id), run_cache
                )
            for res_id, body in rendered.items():
                for message_id in by_res_id[res_id]:
                    bodies[message_id] = body
        self._append_optout_texts(bodies, facts_by_id, run_cache)
        return bodies

    def _append_optout_texts(self, bodies, facts_by_id=None, run_cache=None):
        """Marketing SMS end with the company's opt-out text, translated.

        :param dict facts_by_id: :meth:`_policy_facts`, read here if not given
        :param dict run_cache: see :meth:`_materialise`
        """
        if not self:
            return
        if facts_by_id is None:
            facts_by_id = self._policy_facts()
        if run_cache is None:
            run_cache = {}
        facts = [facts_by_id[message_id] for message_id in self.ids]
        marketing = self._marketing_by_campaign(
            {row["campaign_id"] for row in facts}, run_cache
        )
        by_company = {}
        for row in facts:
            message_id, lang = row["id"], row["lang"]
            if marketing[row["campaign_id"]] and bodies.get(message_id):
                by_company.setdefault(row["company_id"], []).append((message_id, lang))
        for company_id, rows in by_company.items():
            texts = self._optout_texts(
                company_id, {lang for _m, lang in rows} | {False}, run_cache
            )
            for message_id, lang in rows:
                bodies[message_id] = with_opt_out(
                    bodies[message_id], texts.get(lang) or texts.get(False)
                )

    @api.model
    def _optout_texts(self, company_id, langs, run_cache):
        """``{lang: opt-out text}`` of a company, read once per run and
        language (``run_cache``)."""
        known = run_cache.setdefault("optout_texts", {})
        missing = {lang for lang in langs if (company_id, lang) not in known}
        if missing:
            texts = (
                self.env["res.company"]
                .browse(company_id)
                ._sms_retention_optout_texts(missing)
            )
            for lang in missing:
                known[company_id, lang] = texts[lang]
        return {lang: known[company_id, lang] for lang in langs}


def _sms_html(text):
    """The chatter body of an SMS, as ``plaintext2html`` gives it (links and
    paragraphs), without its cost for the usual text: no link, no blank line."""
    if _RICH_TEXT.search(text):
        return plaintext2html(text)
    return (Markup("<p>%s</p>") % text).replace("\n", Markup("<br/>"))
