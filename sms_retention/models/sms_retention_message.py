# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.tools import mute_logger

from ..tools import sending_policy
from ..tools.cron import can_commit
from ..tools.phone import PhoneNumberError, number_facts, to_e164
from .res_partner import SEGMENTS

_logger = logging.getLogger(__name__)

SEND_BATCH_PARAM = "sms_retention.send_batch_size"
SEND_BATCH_DEFAULT = 500


class SmsRetentionMessage(models.Model):
    """One planned retention SMS: campaign, customer, source record and fate.

    The sending job reads and writes these as superuser (``*_sudo``); users
    see them through access rules and the multi-company rule.
    """

    _name = "sms.retention.message"
    _description = "SMS Retention Outbound Message"
    _order = "planned_at desc, id desc"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one(
        "sms.retention.campaign", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        help="The salesperson of the source record, else of the customer.",
    )
    res_model = fields.Char("Source Model", required=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model")
    source_display_name = fields.Char("Source", compute="_compute_source_display_name")
    segment = fields.Selection(
        SEGMENTS,
        readonly=True,
        index=True,
        help="The customer's lifecycle segment when the message was planned.",
    )
    dedupe_key = fields.Char(
        help="Messages of one campaign with the same key are sent once.",
        copy=False,
    )
    number = fields.Char(help="The customer's number, in E.164.")
    planned_at = fields.Datetime(required=True, index=True)
    sent_at = fields.Datetime(readonly=True)
    state = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("sent", "Sent"),
            ("skipped", "Skipped"),
            ("expired", "Expired"),
            ("failed", "Failed"),
            ("canceled", "Canceled"),
        ],
        default="scheduled",
        required=True,
        index=True,
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
        index=True,
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
        "sms.sms", string="SMS", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        (
            "campaign_dedupe_unique",
            "UNIQUE(campaign_id, dedupe_key)",
            "This campaign already has a message for this record.",
        ),
    ]

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
        messages = super().create(vals_list)
        self._schedule_sending(messages)
        return messages

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
    def _create_unique(self, vals_list):
        """Create the messages whose (campaign, dedupe key) is new.

        Duplicates already stored are left out with one query; a concurrent
        insert of the same key is absorbed by the unique constraint.
        """
        keys = {(v["campaign_id"], v["dedupe_key"]) for v in vals_list}
        self.flush_model(["campaign_id", "dedupe_key"])
        self.env.cr.execute(
            """SELECT campaign_id, dedupe_key FROM sms_retention_message
                WHERE (campaign_id, dedupe_key) IN %s""",
            [tuple(keys)],
        )
        existing = set(self.env.cr.fetchall())
        todo, seen = [], set()
        for vals in vals_list:
            key = (vals["campaign_id"], vals["dedupe_key"])
            if key in existing or key in seen:
                continue
            seen.add(key)
            todo.append(vals)
        if not todo:
            return self.browse()
        return self.create(todo)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send_now(self):
        """Send the selected scheduled messages now, whatever their planned time."""
        todo_sudo = self.sudo()._lock_scheduled(self.ids)
        todo_sudo._send_batch()
        return True

    def action_cancel(self):
        self.filtered(lambda m: m.state == "scheduled").write({"state": "canceled"})
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
        planned = messages.filtered(lambda m: m.state == "scheduled").mapped(
            "planned_at"
        )
        if planned:
            cron = self.env.ref("sms_retention.ir_cron_sms_retention_send")
            cron.sudo()._trigger(at=max(min(planned), fields.Datetime.now()))

    @api.model
    def _lock_scheduled(self, ids=None, limit=None):
        """Lock scheduled messages (due ones when ``ids`` is None).

        ``FOR UPDATE SKIP LOCKED``: two senders never get the same message.
        """
        query = """
            SELECT id FROM sms_retention_message
             WHERE state = 'scheduled' AND {condition}
             ORDER BY planned_at, id
             LIMIT %(limit)s
             FOR UPDATE SKIP LOCKED
        """
        self.flush_model(["state", "planned_at"])
        if ids is None:
            condition, params = "planned_at <= %(now)s", {"now": fields.Datetime.now()}
        else:
            condition, params = "id IN %(ids)s", {"ids": tuple(ids) or (0,)}
        self.env.cr.execute(
            query.format(condition=condition), dict(params, limit=limit)
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _cron_send_due(self):
        """Send due messages in batches, committing after each batch."""
        batch_size = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(SEND_BATCH_PARAM, SEND_BATCH_DEFAULT)
        )
        auto_commit = can_commit()
        while True:
            batch_sudo = self._lock_due_batch(batch_size, auto_commit)
            if not batch_sudo:
                break
            batch_sudo._send_batch()
            if not auto_commit:
                # Tests share one transaction: one batch keeps them bounded.
                if len(batch_sudo) < batch_size:
                    break
                continue
            # Commit each batch so that a crash never resends it.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self._trigger_next()

    @api.model
    def _lock_due_batch(self, batch_size, auto_commit, attempts=5):
        """Lock the next due batch, retrying on serialization failures.

        Odoo's cursors are REPEATABLE READ: a row another sender committed
        after our snapshot raises instead of being skipped by SKIP LOCKED.
        Nothing was sent since the last commit, so a rollback (a fresh
        snapshot) and a retry lose nothing.
        """
        for attempt in range(attempts):
            try:
                # The expected conflict is handled here: keep it out of the log.
                with mute_logger("odoo.sql_db"):
                    return self.sudo()._lock_scheduled(limit=batch_size)
            except pg_errors.SerializationFailure:
                if not auto_commit or attempt == attempts - 1:
                    raise
                self.env.cr.rollback()
                _logger.info("Retrying the lock of due SMS after a concurrent send")
                time.sleep(0.05 * (attempt + 1))
        return self.browse()

    @api.model
    def _trigger_next(self):
        self.flush_model(["state", "planned_at"])
        self.env.cr.execute(
            """SELECT MIN(planned_at) FROM sms_retention_message
                WHERE state = 'scheduled' AND planned_at > %s""",
            [fields.Datetime.now()],
        )
        next_due = self.env.cr.fetchone()[0]
        if next_due:
            self.env.ref("sms_retention.ir_cron_sms_retention_send").sudo()._trigger(
                at=next_due
            )

    def _send_batch(self):
        """Apply the sending policy, then render, materialise as ``sms.sms``
        and send the locked messages that may go now."""
        self = self._apply_sending_policy()
        if not self:
            return
        bodies = self._render_bodies()
        empty = self.filtered(lambda m: not bodies.get(m.id))
        empty.write({"state": "failed", "failure_type": "empty_body"})
        todo = self - empty
        sms_records = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "number": message.number,
                        "body": bodies[message.id],
                        "partner_id": message.partner_id.id,
                        "sms_retention_company_id": message.company_id.id,
                        "state": "outgoing",
                    }
                    for message in todo
                ]
            )
        )
        # Link each message to its SMS in one statement.
        self.flush_model()
        self.env.cr.execute(
            """UPDATE sms_retention_message m
                  SET sms_id = v.sms_id, sms_uuid = v.uuid, body = v.body
                 FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::text[])
                      AS v(id, sms_id, uuid, body)
                WHERE m.id = v.id""",
            [
                todo.ids,
                sms_records.ids,
                sms_records.mapped("uuid"),
                [bodies[message_id] for message_id in todo.ids],
            ],
        )
        todo.invalidate_recordset(["sms_id", "sms_uuid", "body"])
        sms_records.with_context(sms_retention_policy_checked=True).send(
            unlink_failed=False, unlink_sent=True, auto_commit=False
        )
        sent = todo.filtered(lambda m: m.sms_id.state in ("process", "pending", "sent"))
        sent.write({"state": "sent", "sent_at": fields.Datetime.now()})
        for failure_type, failed in (
            (todo - sent).grouped(lambda m: m.sms_id.failure_type or "unknown").items()
        ):
            failed.write({"state": "failed", "failure_type": failure_type})

    def _apply_sending_policy(self):
        """Defer, skip or expire what may not go now; return what may.

        Facts for the whole batch come from a constant number of queries.
        """
        now = fields.Datetime.now()
        self.partner_id.fetch(
            [
                "sms_consent",
                "phone_sanitized",
                "sms_retention_tz",
                "country_id",
                "company_id",
            ]
        )
        # Numbers are E.164 already: read the blacklist without re-formatting.
        self.env.cr.execute(
            "SELECT number FROM phone_blacklist WHERE active AND number = ANY(%s)",
            [list(set(self.mapped("number")) - {False})],
        )
        blacklisted = {row[0] for row in self.env.cr.fetchall()}

        recent = self._recent_sends_by_partner(now)
        policies = {}
        decisions = {}
        for message in self:
            company, campaign, partner = (
                message.company_id,
                message.campaign_id,
                message.partner_id,
            )
            country = partner.country_id
            policy_key = (company.id, campaign.id, country.id)
            if policy_key not in policies:
                policies[policy_key] = campaign._sms_retention_policy(company, country)
            number_ok, landline = number_facts(message.number)
            facts = sending_policy.Facts(
                key=message.id,
                consent=partner.sms_consent,
                blacklisted=message.number in blacklisted,
                number_ok=number_ok,
                landline=landline,
                marketing=campaign.message_class == "marketing",
                allow_unknown_consent=company.sms_retention_allow_unknown_consent,
                tz=partner._sms_retention_effective_tz(company),
                expires_at=message.expires_at,
                sent_in_window=tuple(recent.get(partner.id, ())),
            )
            decision = sending_policy.decide(
                facts,
                now,
                policies[policy_key],
                cap_count=company.sms_retention_cap_count,
                cap_days=company.sms_retention_cap_days,
                quiet=campaign.message_class == "marketing"
                or company.sms_retention_quiet_transactional,
            )
            decisions[message] = decision
            if decision.action == sending_policy.SEND:
                recent.setdefault(partner.id, []).append(now)
        return self._write_decisions(decisions)

    def _recent_sends_by_partner(self, now):
        capped = self.company_id.filtered("sms_retention_cap_count")
        max_days = max(capped.mapped("sms_retention_cap_days") or [0])
        if not max_days:
            return {}
        self.env.cr.execute(
            """SELECT partner_id, array_agg(sent_at) FROM sms_retention_message
                WHERE state = 'sent' AND partner_id = ANY(%s)
                  AND sent_at > %s - make_interval(days => %s)
                GROUP BY partner_id""",
            [self.partner_id.ids, now, max_days],
        )
        return {partner_id: list(dates) for partner_id, dates in self.env.cr.fetchall()}

    def _write_decisions(self, decisions):
        """Store deferrals in one statement and other outcomes per reason."""
        to_send = self.browse()
        deferred, outcomes = [], {}
        for message, decision in decisions.items():
            if decision.action == sending_policy.SEND:
                to_send |= message
            elif decision.action == sending_policy.DEFER:
                deferred.append((message.id, decision.when, decision.reason))
            else:
                state = (
                    "expired" if decision.action == sending_policy.EXPIRE else "skipped"
                )
                outcomes.setdefault((state, decision.reason), self.browse())
                outcomes[(state, decision.reason)] |= message
        for (state, reason), messages in outcomes.items():
            messages.write({"state": state, "skip_reason": reason})
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
        return to_send

    def _render_bodies(self):
        """Render each message's template in its customer's language."""
        bodies = {}
        for (template, _res_model), messages in self.grouped(
            lambda m: (
                m.variant_id.sms_template_id or m.campaign_id.sms_template_id,
                m.res_model,
            )
        ).items():
            by_res_id = {}
            for message in messages:
                by_res_id.setdefault(message.res_id, self.browse())
                by_res_id[message.res_id] |= message
            rendered = template._render_field(
                "body", list(by_res_id), compute_lang=True
            )
            for res_id, body in rendered.items():
                for message in by_res_id[res_id]:
                    bodies[message.id] = body
        self._append_optout_texts(bodies)
        return bodies

    def _append_optout_texts(self, bodies):
        """Marketing SMS end with the company's opt-out text, translated."""
        marketing = self.filtered(
            lambda m: m.campaign_id.message_class == "marketing" and bodies.get(m.id)
        )
        for company, messages in marketing.grouped("company_id").items():
            langs = set(messages.partner_id.mapped("lang")) | {False}
            texts = company._sms_retention_optout_texts(langs)
            for message in messages:
                text = texts.get(message.partner_id.lang) or texts.get(False)
                if text and text not in bodies[message.id]:
                    bodies[message.id] = f"{bodies[message.id]}\n{text}"
