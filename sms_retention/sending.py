# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sending job of retention messages, as one process.

:class:`SendingRun` owns the way of planned messages to their provider, in
set-based steps of a constant number of queries per batch:

1. **lock** due messages (``FOR UPDATE SKIP LOCKED``) and read, in the same
   query, what the policy and the composition need (:class:`MessageFacts`);
2. **policy** (:mod:`.tools.sending_policy`): send, defer, skip or expire;
3. **compose**: the template rendered in the customer's language, then
   ``sms.retention.message._sms_retention_prepare_sending`` (the survey
   addon opens its responses there), then the body's parts through
   ``sms.retention.campaign._sms_retention_compose`` (text, what addons add,
   the opt-out text once, last);
4. **materialise**: the ``sms.sms`` rows, their trackers and the messages'
   link in one statement, and a log on the chatters;
5. **send** the queued SMS through each company's provider (the provider
   switch of ``sms.sms``);
6. **apply the results** (:func:`apply_results`) to the SMS, their trackers
   and the messages, which move through their one door,
   ``sms.retention.message._update_from_sms_state``.

The models keep their fields, actions and state machine; this module keeps
the process. It runs as superuser. What a run reads once (settings,
policies, templates, opt-out texts, providers) is its :class:`RunSettings`:
a change made meanwhile applies from the next run.
"""

import dataclasses
import functools
import logging
import re
import time
from datetime import datetime
from typing import NamedTuple

from markupsafe import Markup, escape
from psycopg2 import errors as pg_errors
from werkzeug.urls import url_join

from odoo import fields
from odoo.exceptions import MissingError, UserError
from odoo.tools import SQL, groupby, mute_logger, plaintext2html
from odoo.tools.mail import html_keep_url

from .tools import links, sending_policy
from .tools.cron import can_commit
from .tools.customer_tz import effective_tz
from .tools.phone import number_facts
from .tools.segments import count_segments
from .tools.sms_uuid import new_sms_uuids
from .tools.variants import in_holdout

_logger = logging.getLogger(__name__)

# ``sms.sms`` state of retention SMS waiting for the run's provider call:
# Odoo's own SMS queue leaves them alone.
QUEUED_SMS_STATE = "sms_retention_queued"
# Skip reasons of the messages of a campaign's holdout group, of a reminder
# whose SMS was answered or clicked meanwhile, and of customers a campaign
# cannot reach by their country's rules.
HOLDOUT = "holdout"
ANSWERED = "answered"
COUNTRY_RULES = "country_rules"
# Due messages checked against the policy and rendered per transaction.
MATERIALISE_BATCH_PARAM = "sms_retention.materialise_batch_size"
MATERIALISE_BATCH_DEFAULT = 500
# The ``sms.sms`` columns the materialise statement writes itself; the others
# get their field defaults (see :meth:`SendingRun._sms_insert_defaults`).
SMS_INSERT_COLUMNS = frozenset(
    {
        "id",
        "uuid",
        "number",
        "body",
        "partner_id",
        "sms_retention_company_id",
        "state",
        "to_delete",
        "create_uid",
        "write_uid",
        "create_date",
        "write_date",
    }
)

# What the policy reads of a message ``m``, its customer ``p`` and the
# blacklist ``b``, in the order of :class:`MessageFacts`, and the joins that
# give them: index probes per message, whatever the statistics say (right
# after a bulk selection they are stale, and a plan from them scanned every
# message and hashed the whole blacklist for each batch).
FACTS_COLUMNS = SQL(
    """m.id, m.number, p.id, m.company_id, m.campaign_id, m.expires_at,
       p.sms_retention_consent, p.sms_retention_tz, p.country_id, p.phone_sanitized,
       p.sms_retention_number_kind, b.blacklisted IS NOT NULL, p.lang,
       m.res_model, m.res_id, m.variant_id, m.reminder_of_id,
       COALESCE(r.answered, FALSE)"""
)
FACTS_JOINS = SQL(
    """LEFT JOIN LATERAL (
           SELECT id, sms_retention_consent, sms_retention_tz, country_id,
                  phone_sanitized, sms_retention_number_kind, lang
             FROM res_partner WHERE id = m.partner_id LIMIT 1
       ) p ON TRUE
       LEFT JOIN LATERAL (
           SELECT TRUE AS blacklisted FROM phone_blacklist
            WHERE active AND number = m.number LIMIT 1
       ) b ON TRUE
       LEFT JOIN LATERAL (
           SELECT replied_at IS NOT NULL OR clicked_at IS NOT NULL AS answered
             FROM sms_retention_message WHERE id = m.reminder_of_id
       ) r ON TRUE"""
)
# What ``plaintext2html`` turns into more than escaped text, line breaks and
# links: paragraphs (see :func:`sms_html`).
_PARAGRAPHS = re.compile(r"\r|\n\s*\n")


class MessageFacts(NamedTuple):
    """One locked message and what the policy and the composition need of
    it and its customer (the columns of ``FACTS_COLUMNS``)."""

    id: int
    number: str | None
    partner_id: int | None
    company_id: int
    campaign_id: int
    expires_at: datetime | None
    consent: str | None
    tz: str | None
    country_id: int | None
    sanitized: str | None
    number_kind: str | None
    blacklisted: bool
    lang: str | None
    res_model: str
    res_id: int | None
    variant_id: int | None
    #: the SMS a reminder follows, and whether it was answered or clicked
    reminder_of_id: int | None
    original_answered: bool

    def number_facts(self):
        """``(valid, landline)``: the customer's stored kind when the number
        is their sanitized one, else read from the number."""
        if self.number_kind and self.number == self.sanitized:
            return self.number_kind != "invalid", self.number_kind == "landline"
        return number_facts(self.number)


class QueuedSms(NamedTuple):
    """A retention SMS locked for sending, its payload and its message
    (None when the message is gone)."""

    sms_id: int
    uuid: str
    number: str
    body: str
    company_id: int
    message_id: int | None


class CampaignSettings(NamedTuple):
    """What the run needs of a campaign, read once per run."""

    marketing: bool
    holdout_percent: int


class CompanySettings(NamedTuple):
    """A company's sending settings, read once per run."""

    tz: str
    allow_unknown_consent: bool
    cap_count: int
    cap_days: int
    quiet_transactional: bool


@dataclasses.dataclass
class RunSettings:
    """What a run reads once, whatever its number of batches."""

    #: {campaign id: CampaignSettings}
    campaigns: dict = dataclasses.field(default_factory=dict)
    #: {company id: CompanySettings}
    companies: dict = dataclasses.field(default_factory=dict)
    #: {(campaign id, company id, country id): send window policy}
    policies: dict = dataclasses.field(default_factory=dict)
    #: {("campaign" or "variant", id): sms.template id}
    templates: dict = dataclasses.field(default_factory=dict)
    #: {sms.template id: its prepared rendering} (see ``sms.template``)
    renderings: dict = dataclasses.field(default_factory=dict)
    #: {(company id, country id, marketing, lang): opt-out text}
    optout_texts: dict = dataclasses.field(default_factory=dict)
    #: {(campaign id, company id, country id): skipped by the country's rules?}
    unreachable: dict = dataclasses.field(default_factory=dict)
    #: the links of the run's SMS, with its memo of full addresses
    rewriter: links.LinkRewriter = None
    #: {model name: has a chatter?}
    chatter_models: dict = dataclasses.field(default_factory=dict)
    #: {model name: the mail.message id of the run's first log on it}
    chatter_logs: dict = dataclasses.field(default_factory=dict)
    #: the ``sms.sms`` columns the run's SMS take from field defaults
    sms_defaults: dict = None
    #: {company id: provider API class, None for Odoo's own}
    api_classes: dict = dataclasses.field(default_factory=dict)
    #: {(company id, country id): price of a segment in the company's currency}
    prices: dict = dataclasses.field(default_factory=dict)


def sms_html(text):
    """The chatter body of an SMS, as ``plaintext2html`` gives it, without its
    cost for the usual text: one paragraph, its links made clickable."""
    if _PARAGRAPHS.search(text):
        return plaintext2html(text)
    html = str(escape(text)).replace("\n", "<br/>")
    if "://" in html:
        html = html_keep_url(html)
    return Markup(f"<p>{html}</p>")


class SendingRun:
    """One run of the sending job: lock, policy, compose, materialise, send.

    :param env: an environment; the run works as superuser
    """

    def __init__(self, env):
        self.env = env(su=True)
        self.settings = RunSettings()
        self.messages = self.env["sms.retention.message"]
        self.sms = self.env["sms.sms"]

    # ------------------------------------------------------------
    # ENTRY POINTS
    # ------------------------------------------------------------

    def run_due(self):
        """Send due messages in batches, committing after each step.

        Two steps per batch: due messages pass the policy and are
        materialised as ``sms.sms`` (committed), then queued SMS go to the
        provider (committed). A crash between the provider call and the
        commit leaves the SMS queued with the same uuid, which providers that
        record their attempts use to avoid a second send.
        """
        param = self.env["ir.config_parameter"].get_param(
            MATERIALISE_BATCH_PARAM, MATERIALISE_BATCH_DEFAULT
        )
        materialise_size = max(int(param), 1)
        send_size = self.sms._sms_retention_send_batch_size()
        auto_commit = can_commit()
        while True:
            locked = self.retry_lock(
                auto_commit, lambda: self.lock(limit=materialise_size)
            )
            self.materialise(locked)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            queued = self.retry_lock(
                auto_commit, lambda: self.lock_queued(limit=send_size)
            )
            self.send(queued)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(locked) < materialise_size and len(queued) < send_size:
                break  # nothing more is due; later messages wake the job
        self.messages._trigger_next()

    def send_now(self, messages):
        """Send these scheduled messages now, whatever their planned time;
        the policy still applies."""
        self.materialise(self.lock(ids=messages.ids))
        self.send_messages(messages)

    def send_messages(self, messages):
        """Send the queued SMS of these messages now (those another sender
        holds are left to it); fail the messages whose SMS is gone."""
        messages = messages.with_env(self.env)
        queued = messages.filtered(lambda m: m.state == "queued" and m.sms_uuid)
        if not queued:
            return
        locked = self.lock_queued(uuids=queued.mapped("sms_uuid"))
        self.sms.flush_model(["uuid"])
        self.env.cr.execute(
            SQL(
                """SELECT m.id FROM sms_retention_message m
                    WHERE m.id = ANY(%s) AND NOT EXISTS(
                          SELECT 1 FROM sms_sms s WHERE s.uuid = m.sms_uuid)""",
                queued.ids,
            )
        )
        orphans = self.messages.browse([row[0] for row in self.env.cr.fetchall()])
        orphans._update_from_sms_state("error", "sms_deleted")
        self.send(locked)

    def retry_lock(self, auto_commit, lock, attempts=5):
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

    # ------------------------------------------------------------
    # 1. LOCK
    # ------------------------------------------------------------

    def lock(self, ids=None, limit=None):
        """Lock scheduled messages and read their facts, in one query: the
        due ones (``ids`` None), or the given ones whatever their planned
        time. ``FOR UPDATE SKIP LOCKED``: two senders never get the same
        message.

        :rtype: list[MessageFacts]
        """
        self.env["res.partner"].flush_model(
            [
                "sms_retention_consent",
                "sms_retention_tz",
                "country_id",
                "phone_sanitized",
                "sms_retention_number_kind",
                "lang",
            ]
        )
        self.env["phone.blacklist"].flush_model(["number", "active"])
        self.messages.flush_model()
        if ids is not None:
            condition = SQL("m.state = 'scheduled' AND m.id = ANY(%s)", list(ids))
            order = SQL("m.id")
        else:
            condition = SQL("m.scheduled_due_at <= %s", fields.Datetime.now())
            order = SQL("m.scheduled_due_at, m.id")
        self.env.cr.execute(
            SQL(
                """SELECT %s FROM sms_retention_message m %s
                    WHERE %s ORDER BY %s LIMIT %s
                      FOR UPDATE OF m SKIP LOCKED""",
                FACTS_COLUMNS,
                FACTS_JOINS,
                condition,
                order,
                limit,
            )
        )
        return [MessageFacts(*row) for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------
    # 2-4. POLICY, COMPOSE, MATERIALISE
    # ------------------------------------------------------------

    def materialise(self, facts):
        """Apply the policy to locked messages, compose the SMS of those
        that may go and queue them; return the queued messages.

        The ``sms.sms`` rows, their trackers and the messages' links are
        written by one statement (see :meth:`_queue`), then each SMS is
        logged on the chatters (:meth:`_log_on_chatters`).
        """
        todo = self.apply_policy(facts)
        texts = self._render(todo)
        gone = [row.id for row in todo if texts[row.id] is None]
        empty = [row.id for row in todo if texts[row.id] == ""]
        self.messages.browse(gone).write(
            {"state": "failed", "failure_type": "source_deleted"}
        )
        self.messages.browse(empty).write(
            {"state": "failed", "failure_type": "empty_body"}
        )
        todo = [row for row in todo if texts[row.id]]
        if not todo:
            return self.messages
        messages = self.messages.browse([row.id for row in todo])
        messages._sms_retention_prepare_sending()
        bodies = self.compose(todo, texts, messages)
        self._queue(todo, bodies, self._costs(todo, bodies))
        self._log_on_chatters(todo, bodies)
        return messages

    def apply_policy(self, facts):
        """Defer, skip or expire what may not go now; return what may.

        The sending window is computed once per policy and time zone when it
        is open.

        :rtype: list[MessageFacts]
        """
        if not facts:
            return []
        now = fields.Datetime.now()
        company_ids = {row.company_id for row in facts}
        campaigns = self._campaigns({row.campaign_id for row in facts})
        companies = self._companies(company_ids)
        recent = self._recent_sends(
            now, company_ids, {row.partner_id for row in facts if row.partner_id}
        )
        policies = self.settings.policies
        unreachable = self.settings.unreachable
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

        for row in facts:
            policy_key = (row.campaign_id, row.company_id, row.country_id)
            policy = self._per_country(policies, "_sms_retention_policy", row)
            company = companies[row.company_id]
            number_ok, landline = row.number_facts()
            campaign = campaigns[row.campaign_id]
            is_marketing = campaign.marketing
            decision = sending_policy.decide(
                sending_policy.Facts(
                    key=row.id,
                    consent=row.consent or False,
                    blacklisted=row.blacklisted,
                    number_ok=number_ok,
                    landline=landline,
                    marketing=is_marketing,
                    allow_unknown_consent=company.allow_unknown_consent,
                    tz=effective_tz(row.tz, company.tz),
                    expires_at=row.expires_at,
                    sent_in_window=tuple(recent.get(row.partner_id, ())),
                ),
                now,
                policy,
                cap_count=company.cap_count,
                cap_days=company.cap_days,
                quiet=is_marketing or company.quiet_transactional,
                allowed_at=functools.partial(
                    allowed_at, policy=policy, policy_key=policy_key
                ),
            )
            if decision.action == sending_policy.SEND and row.original_answered:
                # The customer answered or clicked since the reminder was
                # planned: it has nothing to remind.
                decision = sending_policy.Decision(sending_policy.SKIP, ANSWERED)
            elif decision.action == sending_policy.SEND and in_holdout(
                row.campaign_id, row.partner_id, campaign.holdout_percent
            ):
                # It would go now: the holdout group is measured from now.
                decision = sending_policy.Decision(sending_policy.SKIP, HOLDOUT)
            if decision.action == sending_policy.SEND and self._per_country(
                unreachable, "_sms_retention_unreachable", row
            ):
                decision = sending_policy.Decision(sending_policy.SKIP, COUNTRY_RULES)
            decisions[row.id] = decision
            if decision.action == sending_policy.SEND and row.partner_id:
                recent.setdefault(row.partner_id, []).append(now)
        self._write_decisions(decisions)
        return [row for row in facts if decisions[row.id].action == sending_policy.SEND]

    def _per_country(self, memo, method, row):
        """The campaign's ``method(company, country)`` for ``row``'s campaign,
        company and customer's country, read once per run in ``memo`` (one
        of :class:`RunSettings`' dicts)."""
        key = (row.campaign_id, row.company_id, row.country_id)
        if key not in memo:
            campaign = self.env["sms.retention.campaign"].browse(row.campaign_id)
            memo[key] = getattr(campaign, method)(
                self.env["res.company"].browse(row.company_id),
                self.env["res.country"].browse(row.country_id),
            )
        return memo[key]

    def _write_decisions(self, decisions):
        """Store deferrals in one statement and other outcomes per reason.

        :param dict decisions: ``{message id: sending_policy.Decision}``
        """
        deferred, outcomes = [], {}
        for message_id, decision in decisions.items():
            if decision.action == sending_policy.DEFER:
                deferred.append((message_id, decision.when, decision.reason))
            elif decision.action != sending_policy.SEND:
                state = (
                    "expired" if decision.action == sending_policy.EXPIRE else "skipped"
                )
                outcomes.setdefault((state, decision.reason), []).append(message_id)
        for (state, reason), message_ids in outcomes.items():
            values = {"state": state, "skip_reason": reason}
            if reason == HOLDOUT:
                values.update(is_holdout=True, planned_at=fields.Datetime.now())
            self.messages.browse(message_ids).write(values)
        if not deferred:
            return
        self.messages.flush_model()
        ids, whens, reasons = (list(column) for column in zip(*deferred, strict=True))
        self.env.cr.execute(
            SQL(
                """UPDATE sms_retention_message m
                      SET planned_at = v.planned_at, defer_reason = v.reason,
                          defer_count = COALESCE(m.defer_count, 0) + 1
                     FROM unnest(%s::int[], %s::timestamp[], %s::varchar[])
                          AS v(id, planned_at, reason)
                    WHERE m.id = v.id""",
                ids,
                whens,
                reasons,
            )
        )
        self.messages.browse(ids).invalidate_recordset(
            ["planned_at", "defer_reason", "defer_count"]
        )

    def _render(self, facts):
        """Each message's template rendered in its customer's language, each
        template rendering all its records at once.

        :return: ``{message id: text}``; None for a message whose source
          record no longer exists
        """
        templates = self._templates(facts)
        groups, texts = {}, {}
        for row in facts:
            if not templates[row.id]:
                texts[row.id] = ""  # a reminder whose text was removed
                continue
            by_res_id = groups.setdefault((templates[row.id], row.res_model), {})
            by_res_id.setdefault(row.res_id, []).append(row.id)
        for (template_id, res_model), by_res_id in groups.items():
            template = self.env["sms.template"].browse(template_id)
            renderings = self.settings.renderings
            try:
                rendered = template._sms_retention_render_body(
                    list(by_res_id), renderings
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
                        texts[message_id] = None
                rendered = template._sms_retention_render_body(
                    list(by_res_id), renderings
                )
            for res_id, text in rendered.items():
                for message_id in by_res_id[res_id]:
                    texts[message_id] = text
        return texts

    def compose(self, facts, texts, messages):
        """The SMS of each message: its text, what addons add, and the
        opt-out text of marketing SMS once, last (the campaign's
        ``_sms_retention_compose``, as the preview and the test SMS use it).

        :return: ``{message id: body}``
        """
        settings = self._campaigns({row.campaign_id for row in facts})
        campaigns = self.env["sms.retention.campaign"].browse(
            {row.campaign_id for row in facts}
        )
        if self.settings.rewriter is None:
            self.settings.rewriter = campaigns._sms_retention_link_rewriter()
        bodies = {}
        for row in facts:
            opt_out = self._optout_text(
                row.company_id,
                row.country_id,
                settings[row.campaign_id].marketing,
                row.lang,
            )
            bodies[row.id] = campaigns.browse(row.campaign_id)._sms_retention_compose(
                texts[row.id],
                row.lang,
                opt_out,
                messages.browse(row.id),
                self.env["res.country"].browse(row.country_id),
                self.settings.rewriter,
            )
        return bodies

    def _costs(self, facts, bodies):
        """``{message id: (segments, cost)}``: the segments of each SMS and
        their price, in the company's currency, at the list price of the
        customer's country (as the preview counts them). A provider that
        reports the price later replaces the estimate."""
        costs = {}
        for row in facts:
            segments = count_segments(bodies[row.id]).segments
            costs[row.id] = (
                segments,
                segments * self._segment_price(row.company_id, row.country_id),
            )
        return costs

    def _queue(self, facts, bodies, costs):
        """Write the ``sms.sms`` rows, their trackers and the messages' link,
        in one statement whatever the batch size (see ``sms.sms`` for the
        contract of these rows). The SMS and trackers are the job's rows,
        not a user's: they carry no author, which spares a foreign-key check
        per column and row. Their number and customer are their message's,
        read by the statement; their sending company is their message's,
        not a copy."""
        if self.settings.sms_defaults is None:
            self.settings.sms_defaults = self._sms_insert_defaults()
        extra = self.settings.sms_defaults
        self.env.flush_all()
        now = fields.Datetime.now()
        ids = [row.id for row in facts]
        self.env.cr.execute(
            SQL(
                """
                WITH v AS (
                    SELECT v.*, m.number, m.partner_id
                      FROM unnest(%(ids)s::int[], %(uuids)s::varchar[],
                                  %(bodies)s::text[], %(segments)s::int[],
                                  %(costs)s::numeric[])
                           AS v(id, uuid, body, segments, cost)
                      JOIN sms_retention_message m ON m.id = v.id
                ), sms AS (
                    INSERT INTO sms_sms (uuid, number, body, partner_id, state,
                                         to_delete, create_date, write_date
                                         %(extra_columns)s)
                    SELECT v.uuid, v.number, v.body, v.partner_id, %(state)s,
                           FALSE, %(now)s, %(now)s %(extra_values)s
                      FROM v
                ), tracker AS (
                    INSERT INTO sms_tracker (sms_uuid, create_date, write_date)
                    SELECT v.uuid, %(now)s, %(now)s FROM v
                )
                UPDATE sms_retention_message m
                   SET state = 'queued', sms_uuid = v.uuid, body = v.body,
                       segment_count = v.segments, cost_amount = v.cost,
                       write_uid = COALESCE(%(author)s, write_uid),
                       write_date = %(now)s
                  FROM v
                 WHERE m.id = v.id
                """,
                ids=ids,
                uuids=new_sms_uuids(len(ids)),
                bodies=[bodies[message_id] for message_id in ids],
                segments=[costs[message_id][0] for message_id in ids],
                costs=[costs[message_id][1] for message_id in ids],
                state=QUEUED_SMS_STATE,
                author=self.messages._job_author(),
                now=now,
                extra_columns=SQL("").join(
                    SQL(", %s", SQL.identifier(column)) for column in extra
                ),
                extra_values=SQL("").join(
                    SQL(", %s", value) for value in extra.values()
                ),
            )
        )
        self.messages.browse(ids).invalidate_recordset(
            [
                "state",
                "sms_uuid",
                "body",
                "segment_count",
                "cost_amount",
                "write_uid",
                "write_date",
            ]
        )
        self.sms.invalidate_model()

    def _sms_insert_defaults(self):
        """Column values, from field defaults, for the ``sms.sms`` columns
        :meth:`_queue` does not write (fields of other modules or builds)."""
        names = [
            name
            for name, field in self.sms._fields.items()
            if field.store
            and field.column_type
            and name not in SMS_INSERT_COLUMNS
            and (field.default or field.required)
        ]
        defaults = self.sms.default_get(names) if names else {}
        return {
            name: self.sms._fields[name].convert_to_column(value, self.sms)
            for name, value in defaults.items()
            if value is not None and value is not False
        }

    def _log_on_chatters(self, facts, bodies):
        """Log each SMS on its customer's chatter, and on its source
        record's when that is another record with a chatter (the order), as
        Odoo's mass SMS keeps a log: a message of type SMS per record. Their
        delivery status is the retention message's, shown in the customer's
        conversation.

        Odoo writes the run's first log of each model
        (``_message_log_batch``); the others, of this batch and the next,
        are copies of its row with their own record, body and time, in one
        statement per batch: every column, whoever added it, holds what
        Odoo wrote (see ``test_campaign_logs_equal_odoos``). Through the
        ORM, a log cost about a millisecond each.
        """
        known = self.settings.chatter_models
        for res_model in {row.res_model for row in facts} - set(known):
            known[res_model] = res_model in self.env and hasattr(
                self.env[res_model], "_message_log_batch"
            )
        entries = {}  # {model: [(res_id, html)]}
        for row in facts:
            html = sms_html(bodies[row.id])
            if row.partner_id:
                entries.setdefault("res.partner", []).append((row.partner_id, html))
            if (
                known[row.res_model]
                and row.res_id
                and (row.res_model, row.res_id) != ("res.partner", row.partner_id)
            ):
                entries.setdefault(row.res_model, []).append((row.res_id, html))
        logs = self.settings.chatter_logs
        for model, model_entries in entries.items():
            if model in logs and self._copy_log(logs[model], model_entries):
                continue
            (first_id, first_html), *others = model_entries
            template = (
                self.env[model]
                .browse(first_id)
                ._message_log_batch(bodies={first_id: first_html}, message_type="sms")
            )
            template.sms_retention_kind = "campaign"
            logs[model] = template.id
            if others:
                self._copy_log(template.id, others)
        self.env["mail.message"].invalidate_model()

    def _copy_log(self, template_id, entries):
        """Insert a copy of the log ``template_id`` per ``(res_id, html)`` of
        ``entries``, with its record, body and time; return how many (none
        when the template is gone)."""
        mail_messages = self.env["mail.message"]
        own = ("id", "res_id", "body", "date", "create_date", "write_date")
        copied = [
            name
            for name, field in mail_messages._fields.items()
            if field.store and field.column_type and name not in own
        ]
        mail_messages.flush_model()
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_message (res_id, body, date, create_date,
                                             write_date, %(columns)s)
                   SELECT v.res_id, v.body, %(now)s, %(now)s, %(now)s, %(values)s
                     FROM unnest(%(res_ids)s::int[], %(bodies)s::text[])
                          AS v(res_id, body),
                          mail_message t
                    WHERE t.id = %(template)s""",
                columns=SQL(", ").join(map(SQL.identifier, copied)),
                values=SQL(", ").join(SQL.identifier("t", name) for name in copied),
                res_ids=[res_id for res_id, _html in entries],
                bodies=[str(html) for _res_id, html in entries],
                template=template_id,
                now=self.env.cr.now(),
            )
        )
        return self.env.cr.rowcount

    # ------------------------------------------------------------
    # 5. SEND
    # ------------------------------------------------------------

    def lock_queued(self, limit=None, uuids=None):
        """Lock retention SMS waiting for the run; return them as
        :class:`QueuedSms` rows (payload and message), in one query.

        All queued ones in id order (``limit``), or those of ``uuids``.
        ``FOR UPDATE SKIP LOCKED``: two senders never get the same SMS. The
        message is found by a probe of its uuid index. The sending company
        is the SMS's own if set, else its message's.
        """
        self.sms.flush_model(
            ["state", "uuid", "number", "body", "sms_retention_company_id"]
        )
        self.messages.flush_model(["sms_uuid", "company_id"])
        if uuids is not None:
            condition, setting = SQL("s.uuid = ANY(%s)", list(uuids)), SQL()
        else:
            # Walk the queued index in id order. After a large materialise,
            # the statistics still count few queued SMS, and the plan from
            # them sorted every queued SMS on each batch (80 ms at 100,000
            # queued SMS, against 1 ms). In the same round trip as the lock.
            condition, setting = SQL("TRUE"), SQL("SET LOCAL enable_sort = off;")
        self.env.cr.execute(
            SQL(
                """%s
                SELECT s.id, s.uuid, s.number, s.body,
                       COALESCE(s.sms_retention_company_id, m.company_id), m.id
                  FROM sms_sms s
             LEFT JOIN LATERAL (
                       SELECT id, company_id FROM sms_retention_message
                        WHERE sms_uuid = s.uuid LIMIT 1
                   ) m ON TRUE
                 WHERE s.state = %s AND %s
                 ORDER BY s.id
                 LIMIT %s
                   FOR UPDATE OF s SKIP LOCKED""",
                setting,
                QUEUED_SMS_STATE,
                condition,
                limit,
            )
        )
        rows = [QueuedSms(*row) for row in self.env.cr.fetchall()]
        if uuids is None:
            self.env.cr.execute("RESET enable_sort")
        return rows

    def send(self, queued):
        """Hand locked retention SMS to their company's provider; cancel
        those whose message is gone. The provider's results reach the
        messages as later delivery reports do.

        :param list queued: :class:`QueuedSms` rows, see :meth:`lock_queued`
        """
        mark(
            self.sms.browse([row.sms_id for row in queued if not row.message_id]),
            "canceled",
            False,
            True,
        )
        rows_by_sms = {row.sms_id: row for row in queued if row.message_id}
        if not rows_by_sms:
            return
        for sms_api, records in self.sms.browse(
            rows_by_sms
        )._sms_retention_split_by_provider(
            {row.sms_id: row.company_id for row in rows_by_sms.values()},
            self.settings.api_classes,
        ):
            if sms_api is None:
                # Odoo's own provider (IAP), in its batches; the policy was
                # applied (see apply_policy): not ``send()``, which gates.
                records.write({"state": "outgoing"})
                for batch_ids in records._split_batch():
                    records.browse(batch_ids)._send(
                        unlink_failed=False, unlink_sent=True, raise_exception=False
                    )
                continue
            send_with_api(
                records,
                sms_api,
                unlink_failed=False,
                unlink_sent=True,
                raise_exception=False,
                queued=[rows_by_sms[sms_id] for sms_id in records.ids],
            )

    # ------------------------------------------------------------
    # WHAT A RUN READS ONCE
    # ------------------------------------------------------------

    def _campaigns(self, campaign_ids):
        """``{campaign id: CampaignSettings}``."""
        known = self.settings.campaigns
        campaigns = self.env["sms.retention.campaign"].browse(
            set(campaign_ids) - set(known)
        )
        if campaigns:
            # Just this column: a lazy read would fetch every column.
            campaigns.fetch(["message_class", "holdout_percent"])
            for campaign in campaigns:
                known[campaign.id] = CampaignSettings(
                    campaign.message_class == "marketing", campaign.holdout_percent
                )
        return known

    def _companies(self, company_ids):
        """``{company id: CompanySettings}``."""
        known = self.settings.companies
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
            for company in companies:
                known[company.id] = CompanySettings(
                    company._sms_retention_tz(),
                    company.sms_retention_allow_unknown_consent,
                    company.sms_retention_cap_count,
                    company.sms_retention_cap_days,
                    company.sms_retention_quiet_transactional,
                )
        return known

    def _templates(self, facts):
        """``{message id: sms.template id}``: a reminder's is its campaign's
        reminder text; other messages', their variant's, else their
        campaign's. (A join per message cost more than the rest of the facts
        query: the planner hashed the campaign table once per message.)"""
        known = self.settings.templates
        for kind, model, field, ids in (
            (
                "campaign",
                "sms.retention.campaign",
                "sms_template_id",
                {row.campaign_id for row in facts if not row.reminder_of_id},
            ),
            (
                "variant",
                "sms.retention.variant",
                "sms_template_id",
                {row.variant_id for row in facts if not row.reminder_of_id},
            ),
            (
                "reminder",
                "sms.retention.campaign",
                "reminder_template_id",
                {row.campaign_id for row in facts if row.reminder_of_id},
            ),
        ):
            records = self.env[model].browse(
                [rid for rid in ids if rid and (kind, rid) not in known]
            )
            if records:
                # Just this column: a lazy read would fetch every column.
                records.fetch([field])
                for record in records:
                    known[(kind, record.id)] = record[field].id
        return {
            row.id: known[("reminder", row.campaign_id)]
            if row.reminder_of_id
            else known.get(("variant", row.variant_id))
            or known[("campaign", row.campaign_id)]
            for row in facts
        }

    def _segment_price(self, company_id, country_id):
        """The list price of a segment to ``country_id`` for ``company_id``
        (else its price for other countries, else 0), in the company's
        currency at today's rate."""
        known = self.settings.prices
        if (company_id, country_id) not in known:
            company = self.env["res.company"].browse(company_id)
            prices = self.env["sms.retention.price"]._prices_for(company)
            price = prices.get(country_id) or prices.get(False)
            known[company_id, country_id] = (
                price.currency_id._convert(
                    price.price_per_segment,
                    company.currency_id,
                    company,
                    fields.Date.today(),
                    round=False,
                )
                if price
                else 0.0
            )
        return known[company_id, country_id]

    def _optout_text(self, company_id, country_id, marketing, lang):
        """The opt-out text of an SMS of ``company_id`` to a customer of
        ``country_id`` (see ``res.company._sms_retention_optout_text``)."""
        known = self.settings.optout_texts
        key = (company_id, country_id, marketing, lang)
        if key not in known:
            known[key] = (
                self.env["res.company"]
                .browse(company_id)
                ._sms_retention_optout_text(
                    self.env["res.country"].browse(country_id),
                    "marketing" if marketing else "transactional",
                    lang,
                )
            )
        return known[key]

    def _recent_sends(self, now, company_ids, partner_ids):
        """``{partner id: [send times]}`` within the longest frequency-cap
        window of ``company_ids``; queued messages count as sent now."""
        companies = self._companies(company_ids)
        max_days = max(
            [companies[cid].cap_days for cid in company_ids if companies[cid].cap_count]
            or [0]
        )
        if not max_days or not partner_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT partner_id, array_agg(COALESCE(sent_at, %(now)s))
                     FROM sms_retention_message
                    WHERE partner_id = ANY(%(partners)s)
                      AND (state = 'queued' OR (state = 'sent'
                           AND sent_at > %(now)s - make_interval(days => %(days)s)))
                    GROUP BY partner_id""",
                partners=list(partner_ids),
                now=now,
                days=max_days,
            )
        )
        return {partner_id: list(dates) for partner_id, dates in self.env.cr.fetchall()}


# ------------------------------------------------------------
# 6. PROVIDER CALL AND RESULTS (also for Odoo's SMS sent through
#    our providers: see ``sms.sms._send``)
# ------------------------------------------------------------


class TrackerLink(NamedTuple):
    """An SMS, its tracker and what they lead to (see :func:`_tracker_links`)."""

    sms_id: int
    tracker_id: int | None
    message_id: int | None
    core_linked: bool
    mail_message_id: int | None


def send_with_api(sms, api, unlink_failed, unlink_sent, raise_exception, queued=None):
    """Send the SMS ``sms`` through the provider ``api`` and apply its
    results (``sms.sms._sms_retention_apply_results``), as Odoo does for IAP.

    :param list queued: the :class:`QueuedSms` rows of these SMS, when the
      sending run locked them (their payload and messages are known)
    """
    if queued is None:
        sms.flush_recordset(["uuid", "number", "body"])
        sms.env.cr.execute(
            "SELECT uuid, number, body FROM sms_sms WHERE id = ANY(%s) ORDER BY id",
            [list(sms.ids)],
        )
        payload = sms.env.cr.fetchall()
    else:
        payload = [(row.uuid, row.number, row.body) for row in queued]
    numbers_by_body = {}
    for sms_uuid, number, body in payload:
        numbers_by_body.setdefault(body, []).append(
            {"number": number, "uuid": sms_uuid}
        )
    messages = [
        {"content": body, "numbers": numbers}
        for body, numbers in numbers_by_body.items()
    ]
    reports_url = url_join(sms[0].get_base_url(), "/sms/status")
    try:
        results = api._send_sms_batch(messages, delivery_reports_url=reports_url)
    except Exception as exc:
        _logger.warning(
            "SMS batch of %s through %s failed: %s",
            len(sms),
            api.PROVIDER,
            exc.__class__.__name__,
        )
        if raise_exception:
            raise
        results = [
            {"uuid": number["uuid"], "state": "server_error"}
            for message in messages
            for number in message["numbers"]
        ]
    else:
        _logger.info("SMS batch of %s sent through %s", len(sms), api.PROVIDER)
    links = None
    if queued is not None:
        # Retention SMS: their trackers follow nothing else.
        links = {
            row.uuid: TrackerLink(row.sms_id, None, row.message_id, False, None)
            for row in queued
        }
    sms._sms_retention_apply_results(results, unlink_failed, unlink_sent, links=links)


def _tracker_links(sms):
    """``{uuid: TrackerLink}`` of these SMS, in one query.

    ``core_linked``: the tracker follows something else too (a chatter
    notification, a mailing trace), which Odoo's tracker methods update.
    """
    tracker_model = sms.env["sms.tracker"]
    core_links = [
        name
        for name, field in tracker_model._fields.items()
        if field.type == "many2one"
        and field.store
        and name not in ("create_uid", "write_uid")
    ]
    sms.flush_recordset(["uuid", "mail_message_id"])
    tracker_model.flush_model(["sms_uuid", *core_links])
    sms.env["sms.retention.message"].flush_model(["sms_uuid"])
    linked = (
        SQL(" OR ").join(
            SQL("%s IS NOT NULL", SQL.identifier("t", name)) for name in core_links
        )
        if core_links
        else SQL("FALSE")
    )
    sms.env.cr.execute(
        SQL(
            """SELECT s.uuid, s.id, t.id, m.id,
                      COALESCE(%s, FALSE), s.mail_message_id
                 FROM sms_sms s
            LEFT JOIN LATERAL (
                      -- a probe of the unique uuid index per SMS
                      SELECT * FROM sms_tracker WHERE sms_uuid = s.uuid LIMIT 1
                  ) t ON TRUE
            LEFT JOIN LATERAL (
                      SELECT id FROM sms_retention_message
                       WHERE sms_uuid = s.uuid LIMIT 1
                  ) m ON TRUE
                WHERE s.id = ANY(%s)""",
            linked,
            list(sms.ids),
        )
    )
    return {row[0]: TrackerLink(*row[1:]) for row in sms.env.cr.fetchall()}


def apply_results(sms, results, unlink_failed, unlink_sent, links=None):
    """Apply a provider's answers to the SMS, their trackers and messages.

    Accepted SMS of retention messages (the bulk of a sending batch) are
    updated with one statement per table, and deleted at once when the
    provider reports them delivered (nothing can follow: Odoo would only
    delete them later). SMS whose trackers also follow a chatter
    notification or a mailing trace go through Odoo's tracker methods,
    and so do failures.

    :param dict links: ``{uuid: TrackerLink}``, read here if not given
    """
    all_sms_sudo = sms.sudo().with_context(sms_skip_msg_notification=True)
    if links is None:
        links = _tracker_links(all_sms_sudo)
    trackers_sudo = all_sms_sudo.env["sms.tracker"]
    messages_sudo = all_sms_sudo.env["sms.retention.message"]
    for state, group in groupby(results, key=lambda r: r["state"]):
        group_links = [links[r["uuid"]] for r in group if r["uuid"] in links]
        if not group_links:
            continue
        sms_sudo = all_sms_sudo.browse([link.sms_id for link in group_links])
        success_state = sms.IAP_TO_SMS_STATE_SUCCESS.get(state)
        if success_state:
            via_core = [link for link in group_links if link.core_linked]
            retention_only = [
                link for link in group_links if link.message_id and not link.core_linked
            ]
            if via_core:
                trackers_sudo.browse(
                    [link.tracker_id for link in via_core if link.tracker_id]
                )._action_update_from_sms_state(success_state)
            messages_sudo.browse(
                [link.message_id for link in retention_only]
            )._update_from_sms_state(success_state)
            if unlink_sent and success_state == "sent":
                done_sudo = sms_sudo.browse([link.sms_id for link in retention_only])
                _delete(done_sudo)
                sms_sudo -= done_sudo
            mark(sms_sudo, success_state, False, unlink_sent)
            continue
        group_trackers_sudo = trackers_sudo.search(
            [("sms_uuid", "in", [r["uuid"] for r in group if r["uuid"] in links])]
        )
        failure_type = sms.IAP_TO_SMS_FAILURE_TYPE.get(state, "unknown")
        if failure_type == "unknown":
            group_trackers_sudo._action_update_from_provider_error(state)
        else:
            group_trackers_sudo._action_update_from_sms_state(
                "error", failure_type=failure_type
            )
        mark(sms_sudo, "error", failure_type, unlink_failed)
    mail_message_ids = {
        link.mail_message_id for link in links.values() if link.mail_message_id
    }
    if mail_message_ids:
        sms.env["mail.message"].sudo().browse(
            mail_message_ids
        )._notify_message_notification_update()


def _delete(sms):
    """Delete these SMS in one statement (their uuid lives on in the
    trackers, messages and outbox)."""
    if not sms:
        return
    sms.env.cr.execute("DELETE FROM sms_sms WHERE id = ANY(%s)", [list(sms.ids)])
    sms.invalidate_recordset()


def mark(sms, state, failure_type, to_delete):
    """Set the state of these SMS in one statement (no ORM side effects
    apply to these fields) and mark them for deletion if asked."""
    if not sms:
        return
    sms.flush_recordset(["state", "failure_type", "to_delete"])
    sms.env.cr.execute(
        """UPDATE sms_sms
              SET state = %(state)s, failure_type = %(failure_type)s,
                  to_delete = to_delete OR %(to_delete)s,
                  write_uid = %(uid)s, write_date = %(now)s
            WHERE id = ANY(%(ids)s)""",
        {
            "state": state,
            "failure_type": failure_type or None,
            "to_delete": bool(to_delete),
            "uid": sms.env.uid,
            "now": fields.Datetime.now(),
            "ids": list(sms.ids),
        },
    )
    sms.invalidate_recordset(
        ["state", "failure_type", "to_delete", "write_uid", "write_date"]
    )
