# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import mute_logger, plaintext2html

from ..tools import sending_policy
from ..tools.db import lock_or_retry, raise_if_invisible_conflict
from ..tools.phone import PhoneNumberError, region_of, to_e164
from ..tools.reply_parser import parse_reply

_logger = logging.getLogger(__name__)

# Twilio's own limit; longer bodies cannot come from a provider and are cut here.
BODY_MAX_CHARS = 1600
# Replies the system answers by itself: handled when received.
AUTO_HANDLED = ("stop", "start", "help")
# Replies that are no keyword: answers to whatever the customer was asked.
ANSWERS = ("answer", "text")
# What a conversation reads as an answer: a complaint answers the question too
# (and alerts the salesperson). A possible opt-out waits for its review.
READ_AS_ANSWER = (*ANSWERS, "complaint")
# A reply that may be an opt-out: held until a person decides.
POSSIBLE_STOP = "possible_stop"
# Bus notification of a customer's SMS thread (see ``ir.websocket``).
THREAD_CHANNEL = "sms_retention_thread"
THREAD_UPDATE = "sms_retention/thread_update"
CLASSIFICATIONS = [
    ("answer", "Answer"),
    ("stop", "Opt-out (STOP)"),
    ("start", "Opt-in (START)"),
    ("help", "Help"),
    (POSSIBLE_STOP, "Possible opt-out"),
    ("complaint", "Complaint"),
    ("text", "Text"),
]


def clean_body(body):
    """Return ``(text, truncated, original_length)`` for any provider body.

    Accepts None, bytes (invalid UTF-8 is replaced, never raised) and text;
    drops NUL characters, which PostgreSQL cannot store.
    """
    if body is None:
        body = ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    body = str(body).replace("\x00", "")
    length = len(body)
    if length > BODY_MAX_CHARS:
        return body[:BODY_MAX_CHARS], True, length
    return body, False, length


class SmsRetentionInbound(models.Model):
    """An SMS received from a customer, whatever the provider.

    ``_receive`` is the single entry point for every provider (sandbox,
    Twilio, ...). Providers call it after authenticating the request; it runs
    as superuser (``*_sudo``) because webhooks are public. Users read replies
    through access rights and record rules, and mark them handled or to do;
    the system handles the keywords it answers (STOP, START, HELP).
    """

    _name = "sms.retention.inbound"
    _description = "SMS Retention Inbound Message"
    _order = "received_at desc, id desc"
    _rec_name = "from_number"

    company_id = fields.Many2one("res.company", required=True, index=True)
    provider = fields.Char(required=True, index=True)
    provider_message_id = fields.Char(
        "Provider Message ID", help="Unique per provider: a re-delivery is stored once."
    )
    from_number_raw = fields.Char("From (as received)", required=True)
    from_number = fields.Char("From", index=True, help="The sender's number in E.164.")
    to_number = fields.Char("To")
    body = fields.Text()
    body_truncated = fields.Boolean(
        help=f"The body was longer than {BODY_MAX_CHARS} characters and was cut."
    )
    body_length = fields.Integer(help="Length of the body as received.")
    received_at = fields.Datetime(required=True, default=fields.Datetime.now)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    outbound_message_id = fields.Many2one(
        "sms.retention.message",
        string="Answered Message",
        ondelete="set null",
        index="btree_not_null",
    )
    campaign_id = fields.Many2one(
        related="outbound_message_id.campaign_id", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        help="The salesperson of the answered order, else of the customer.",
    )
    res_model = fields.Char("Conversation Model")
    res_id = fields.Many2oneReference("Conversation Record", model_field="res_model")
    state = fields.Selection(
        [("matched", "Matched"), ("unmatched", "Unmatched")],
        required=True,
        index=True,
    )
    error = fields.Char(help="Why the sender could not be matched, when it could not.")
    classification = fields.Selection(CLASSIFICATIONS, index=True, readonly=True)
    auto_reply = fields.Selection(
        [
            ("stop", "Opt-out confirmation"),
            ("start", "Opt-in confirmation"),
            ("help", "Help text"),
        ],
        readonly=True,
        help="The automatic answer sent to this message, if any.",
    )
    activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        readonly=True,
        ondelete="set null",
        help="The activity of a complaint or of a possible opt-out to review.",
    )
    handle_state = fields.Selection(
        [("todo", "To do"), ("handled", "Handled")],
        string="Handling",
        default="todo",
        required=True,
        index=True,
        copy=False,
        help="To do until someone answers or deals with the reply; STOP, "
        "START and HELP are handled by the system's own answers.",
    )
    handled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    handled_at = fields.Datetime("Handled On", readonly=True, copy=False)

    _sql_constraints = [
        (
            "provider_message_unique",
            "UNIQUE(provider, provider_message_id)",
            "This provider message was already received.",
        ),
    ]

    # ------------------------------------------------------------
    # ENTRY POINT
    # ------------------------------------------------------------

    @api.model
    def _receive(
        self,
        provider,
        from_number,
        body,
        to_number=None,
        provider_message_id=None,
        received_at=None,
        company=None,
    ):
        """Store one inbound SMS, match it and post it; idempotent per message id.

        Never raises on provider input: an unknown or unreadable sender is
        kept as an unmatched reply.

        :return: the ``sms.retention.inbound`` record (sudo), new or existing
        """
        inbound_sudo = self.sudo()
        if provider_message_id:
            existing = inbound_sudo.search(
                [
                    ("provider", "=", provider),
                    ("provider_message_id", "=", provider_message_id),
                ],
                limit=1,
            )
            if existing:
                return existing
        company = (company or self.env.company).sudo()
        text, truncated, length = clean_body(body)
        raw_from = str(from_number or "").strip()[:64]
        vals = {
            "company_id": company.id,
            "provider": provider,
            "provider_message_id": provider_message_id or False,
            "from_number_raw": raw_from or "?",
            "to_number": (to_number or "")[:64] or False,
            "body": text,
            "body_truncated": truncated,
            "body_length": length,
            "received_at": received_at or fields.Datetime.now(),
        }
        region = region_of(to_number) or company.country_id.code
        try:
            e164 = to_e164(raw_from, region)
        except PhoneNumberError as exc:
            e164 = False
            vals["error"] = _(
                "Cannot read the sender's number %(number)s: %(reason)s",
                number=raw_from or "-",
                reason=str(exc),
            )
        if e164:
            # One reply per number at a time, taken before any other lock so
            # that concurrent replies queue instead of deadlocking.
            lock_or_retry(
                self.env.cr,
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"sms_retention:{e164}"],
            )
        vals.update(inbound_sudo._match(e164, company))
        vals["from_number"] = e164
        partner_sudo = inbound_sudo.env["res.partner"].browse(vals.get("partner_id"))
        vals["classification"] = inbound_sudo._classify(
            text, partner_sudo.lang, company
        )
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                inbound = inbound_sudo.create(vals)
        except pg_errors.UniqueViolation:
            # A concurrent delivery of the same message won the race. If its
            # row is not visible to this transaction, this raises a
            # serialization failure: the request is retried (Odoo's
            # ``retrying``) with a fresh snapshot, and finds the row.
            raise_if_invisible_conflict(
                self.env.cr,
                "sms_retention_inbound",
                ("provider", "provider_message_id"),
                {
                    "provider": provider,
                    "provider_message_id": provider_message_id,
                    "company_id": company.id,
                    "from_number_raw": vals["from_number_raw"],
                    "received_at": vals["received_at"],
                    "state": vals["state"],
                    # Every NOT NULL column, or the probe finds no conflict.
                    **inbound_sudo.default_get(["handle_state"]),
                },
            )
            return inbound_sudo.search(
                [
                    ("provider", "=", provider),
                    ("provider_message_id", "=", provider_message_id),
                ],
                limit=1,
            )
        inbound._mark_replied()
        inbound._post_on_chatters()
        inbound._process_keywords()
        inbound._route_reply()
        inbound._notify_thread()
        return inbound

    def _route_reply(self):
        """Hand a new, classified reply to the conversations awaiting it.

        Called once per stored reply, after the keyword actions (never for
        a re-delivery). Addons (SMS surveys) extend it; they follow the
        reply's classification (a STOP was acted on already) and never
        classify it again.
        """
        return True

    @api.model
    def _match(self, e164, company):
        """Find the customer and the conversation an inbound number belongs to."""
        if not e164:
            return {"state": "unmatched"}
        window_start = fields.Datetime.now() - timedelta(
            days=company.sms_retention_reply_window_days or 7
        )
        outbound = (
            self.env["sms.retention.message"]
            .sudo()
            .search(
                [
                    ("number", "=", e164),
                    ("state", "=", "sent"),
                    ("company_id", "=", company.id),
                    ("sent_at", ">=", window_start),
                ],
                order="sent_at desc, id desc",
                limit=1,
            )
        )
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("phone_sanitized", "=", e164),
                    ("company_id", "in", [company.id, False]),
                ],
                order="write_date desc, id desc",
            )
        )
        partner = partners[:1]
        if outbound and outbound.partner_id in partners:
            partner = outbound.partner_id
        elif len(partners) > 1:
            last = (
                self.env["sms.retention.message"]
                .sudo()
                .search(
                    [("partner_id", "in", partners.ids), ("state", "=", "sent")],
                    order="sent_at desc, id desc",
                    limit=1,
                )
            )
            partner = last.partner_id or partner
        if not partner:
            return {"state": "unmatched"}
        vals = {
            "state": "matched",
            "partner_id": partner.id,
            "user_id": partner.user_id.id,
        }
        if outbound and outbound.partner_id == partner:
            vals.update(
                outbound_message_id=outbound.id,
                res_model=outbound.res_model,
                res_id=outbound.res_id,
                user_id=outbound.user_id.id or partner.user_id.id,
            )
        return vals

    def _mark_replied(self):
        """The SMS this reply answers was answered: its first reply's time."""
        for inbound in self:
            outbound = inbound.outbound_message_id
            if outbound and not outbound.replied_at:
                outbound.replied_at = inbound.received_at

    def _post_on_chatters(self):
        """Post the reply on the customer and on the record it answers.

        Posted as a comment authored by the customer, so the records'
        followers (the salesperson of an order) are notified; the assigned
        salesperson is notified on the customer's post when they follow
        neither record.
        """
        for inbound in self.filtered("partner_id"):
            body = Markup("<p><b>%s</b></p>%s") % (
                _("SMS reply from %(number)s", number=inbound.from_number),
                plaintext2html(inbound.body or _("(empty message)")),
            )
            partner_sudo = inbound.partner_id.sudo()
            source = inbound.outbound_message_id._get_source_record()
            targets = [partner_sudo]
            if source and hasattr(source, "message_post"):
                targets.append(source.sudo())
            salesperson = inbound.user_id.partner_id
            followers = self.env["res.partner"].union(
                *(record.message_partner_ids for record in targets)
            )
            notify = {partner_sudo: salesperson - followers}
            # The customer may have no e-mail: notify from the company then.
            email_from = (
                inbound.partner_id.email_formatted
                or inbound.company_id.partner_id.email_formatted
            )
            for record in targets:
                # No follower subscription: two replies at once would race on it.
                record.with_context(mail_create_nosubscribe=True).message_post(
                    body=body,
                    author_id=inbound.partner_id.id,
                    email_from=email_from or None,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=notify.get(record, salesperson.browse()).ids,
                    # Notification e-mails go through the mail queue, keeping
                    # provider webhooks fast.
                    force_send=False,
                )

    def _notify_thread(self):
        """Tell the open SMS threads of these replies' customers to reload
        (a bus notification without content: the thread reads the data
        with the user's rights)."""
        bus_sudo = self.env["bus.bus"].sudo()
        for partner in self.partner_id:
            bus_sudo._sendone(
                (partner, THREAD_CHANNEL), THREAD_UPDATE, {"partner_id": partner.id}
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_mark_handled(self):
        """Mark these replies handled, by the current user, now."""
        self.filtered(lambda r: r.handle_state != "handled").write(
            {
                "handle_state": "handled",
                "handled_by_id": self.env.uid,
                "handled_at": fields.Datetime.now(),
            }
        )
        return True

    def action_mark_todo(self):
        """Put these replies back in the to-do list."""
        self.write(
            {"handle_state": "todo", "handled_by_id": False, "handled_at": False}
        )
        return True

    def action_confirm_opt_out(self):
        """The reviewer reads this possible opt-out as one: opt the number
        out exactly as STOP does (consent log, blacklist, confirmation), and
        end the customer's open SMS conversations."""
        self._review_possible_stop("stop")
        return True

    def action_reject_opt_out(self):
        """The reviewer reads this reply as no opt-out: it becomes a plain
        reply, handed to the conversation awaiting it (an SMS survey)."""
        self._review_possible_stop("text")
        return True

    def _review_possible_stop(self, classification):
        pending = self.filtered(lambda r: r.classification == POSSIBLE_STOP)
        if pending != self:
            raise UserError(
                _(
                    "Only a possible opt-out can be reviewed; this reply was "
                    "classified already."
                )
            )
        if classification == "stop":
            decision = _("opted out, as by STOP")
        else:
            decision = _("not an opt-out: kept as a reply")
        reviewer = self.env.user
        for inbound_sudo in self.sudo():
            inbound_sudo.classification = classification
            feedback = _(
                "Possible opt-out reviewed by %(user)s: %(decision)s",
                user=reviewer.name,
                decision=decision,
            )
            if inbound_sudo.activity_id:
                inbound_sudo.activity_id.with_user(reviewer).sudo().action_feedback(
                    feedback=feedback
                )
            elif inbound_sudo.partner_id:
                inbound_sudo.partner_id.message_post(
                    body=feedback, message_type="comment", subtype_xmlid="mail.mt_note"
                )
            # As the reviewer (the consent log's "by"), with the system's rights.
            inbound_sudo.with_user(reviewer).sudo()._process_keywords()
            inbound_sudo._route_reply()
            if classification == "stop":
                inbound_sudo.write(
                    {
                        "handle_state": "handled",
                        "handled_by_id": reviewer.id,
                        "handled_at": fields.Datetime.now(),
                    }
                )
        self._notify_thread()

    def action_open_thread(self):
        """The SMS thread of this reply's customer, at this reply."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(
                _(
                    "This reply has no customer yet: choose the customer of "
                    "%(number)s first.",
                    number=self.from_number or self.from_number_raw,
                )
            )
        return self.partner_id._sms_retention_thread_action(inbound=self)

    def _mark_handled_by_system(self):
        """The system answered these replies itself (STOP, START, HELP)."""
        self.write(
            {
                "handle_state": "handled",
                "handled_by_id": SUPERUSER_ID,
                "handled_at": fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------
    # KEYWORDS
    # ------------------------------------------------------------

    @api.model
    def _classify(self, body, lang=None, company=None):
        """What a reply is, decided once, when it is received, and stored on
        it (``classification``): the admin's keywords first (in the
        customer's language), then the built-in parser. The keyword actions
        and the conversations (SMS surveys) all follow it.
        """
        custom = self.env["sms.retention.keyword"]._match(body, lang, company)
        if custom:
            return custom
        kind = parse_reply(body, question="free").kind
        return {"unparseable": "text", "answer": "text"}.get(kind, kind)

    def _process_keywords(self):
        """Act on the classification of each reply: STOP, START, HELP and
        complaints.

        Replies from one number are processed one at a time (a transaction
        lock on the number), so repeated or simultaneous STOPs give one
        blacklist entry and one confirmation.
        """
        for inbound in self:
            if inbound.from_number and inbound.classification in ("stop", "start"):
                # What a concurrent STOP/START on this number changed must be
                # visible here: if not, retry the request with a fresh snapshot.
                for table, column in (
                    ("res_partner", "phone_sanitized"),
                    ("phone_blacklist", "number"),
                ):
                    lock_or_retry(
                        self.env.cr,
                        f"SELECT id FROM {table} WHERE {column} = %s FOR UPDATE",
                        [inbound.from_number],
                    )
            handler = getattr(inbound, f"_on_{inbound.classification}", None)
            if handler:
                handler()
            if inbound.classification in AUTO_HANDLED:
                inbound._mark_handled_by_system()

    def _last_confirmation(self):
        """The latest STOP or START confirmation sent to this number."""
        self.ensure_one()
        return self.search(
            [
                ("id", "!=", self.id),
                ("from_number", "=", self.from_number),
                ("company_id", "=", self.company_id.id),
                ("auto_reply", "in", ("stop", "start")),
            ],
            order="received_at desc, id desc",
            limit=1,
        )

    def _on_stop(self):
        if not self.from_number:
            return
        self.env["res.partner"]._sms_retention_opt_out_number(
            self.from_number,
            "keyword",
            note=(self.body or "")[:200],
            record=self.outbound_message_id._get_source_record(),
        )
        # One confirmation per opt-out, however often STOP is sent.
        if self._last_confirmation().auto_reply != "stop":
            self._send_auto_reply("stop")

    def _on_start(self):
        if not self.from_number:
            return
        self.env["res.partner"]._sms_retention_opt_in_number(
            self.from_number,
            "keyword",
            note=(self.body or "")[:200],
            record=self.outbound_message_id._get_source_record(),
        )
        if self._last_confirmation().auto_reply != "start":
            self._send_auto_reply("start")

    def _on_help(self):
        if self.from_number:
            self._send_auto_reply("help")

    def _on_possible_stop(self):
        """Held for a person: an activity to review the reply, which waits
        (no conversation reads it) until they decide."""
        note = plaintext2html(
            _(
                "%(customer)s may have asked to receive no more SMS "
                "(%(number)s): %(body)s",
                customer=self.partner_id.display_name or self.from_number,
                number=self.from_number or self.from_number_raw,
                body=self.body or "",
            )
        ) + Markup('<p><a href="%s">%s</a></p>') % (
            f"/web#model={self._name}&id={self.id}&view_type=form",
            _("Review the reply: opt out, or keep as a reply"),
        )
        self.activity_id = self.partner_id._sms_retention_follow_up(
            "sms_retention.mail_activity_type_sms_possible_opt_out",
            note,
            self.company_id,
            record=self.outbound_message_id._get_source_record(),
        )

    def _on_complaint(self):
        """An activity for the salesperson, and a flag on the customer."""
        note = plaintext2html(
            _(
                "%(customer)s complained by SMS (%(number)s): %(body)s",
                customer=self.partner_id.display_name or self.from_number,
                number=self.from_number or self.from_number_raw,
                body=self.body or "",
            )
        )
        self.activity_id = self.partner_id._sms_retention_follow_up(
            "sms_retention.mail_activity_type_sms_complaint",
            note,
            self.company_id,
            record=self.outbound_message_id._get_source_record(),
        )
        if self.partner_id:
            self.partner_id.sudo().sms_retention_complaint_date = self.received_at

    def _send_auto_reply(self, kind):
        """Answer the sender in their language, through the company's provider.

        Auto-replies respect consent (an opted-out number gets nothing) but
        not the sending hours (the customer just wrote); the opt-out
        confirmation goes to the number that opted out.
        """
        self.ensure_one()
        company = self.company_id
        if not company.sms_retention_auto_reply:
            return
        lang = self.partner_id.lang or company.partner_id.lang or "en_US"
        body = company._sms_retention_auto_reply_text(kind, lang)
        if not body:
            return
        mode = (
            sending_policy.OPT_OUT_CONFIRMATION
            if kind == "stop"
            else sending_policy.CONSENT_ONLY
        )
        # Logged on the customer's chatter (and the order's), as Odoo logs
        # its own SMS.
        sent = self.partner_id._sms_retention_send_now(
            body,
            mode,
            company,
            "auto_reply",
            number=self.from_number,
            source=self.outbound_message_id._get_source_record(),
        )
        if sent.sms:
            self.auto_reply = kind

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def write(self, vals):
        newly_linked = self.browse()
        if vals.get("partner_id"):
            newly_linked = self.filtered(lambda r: not r.partner_id)
            vals.setdefault("state", "matched")
            if "user_id" not in vals:
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["user_id"] = partner.user_id.id
        res = super().write(vals)
        newly_linked._post_on_chatters()
        newly_linked._notify_thread()
        return res
