# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
import collections
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, plaintext2html

from ..tools import sending_policy
from ..tools.cron import can_commit
from ..tools.customer_tz import customer_tz, effective_tz
from ..tools.phone import number_facts
from ..tools.placeholders import first_name
from .sms_retention_consent_log import CONSENT_STATES

SEGMENTS = [
    ("potential", "Potential"),
    ("new", "New"),
    ("active", "Active"),
    ("dormant", "Dormant"),
    ("lost", "Lost"),
]
# Segments of a customer who buys, and of one who stopped: churn is a move
# from the first to the second.
ACTIVE_SEGMENTS = ("new", "active")
CHURNED_SEGMENTS = ("dormant", "lost")
# The confirmed orders of the reports and of the replayed segment history:
# their customer (the commercial entity), company and date.
CUSTOMER_ORDERS = SQL(
    """SELECT p.commercial_partner_id AS customer, o.company_id, o.date_order
         FROM sale_order o
         JOIN res_partner p ON p.id = o.partner_id
        WHERE o.state = 'sale' AND p.commercial_partner_id IS NOT NULL"""
)


def company_periods(company, default):
    """The new and active periods, as SQL intervals, of the company joined
    as ``company`` (an SQL alias), else of the ``default`` company."""
    return (
        SQL(
            "make_interval(days => COALESCE(%s, %s))",
            SQL.identifier(company, "sms_retention_new_days"),
            default.sms_retention_new_days,
        ),
        SQL(
            "make_interval(days => COALESCE(%s, %s))",
            SQL.identifier(company, "sms_retention_active_days"),
            default.sms_retention_active_days,
        ),
    )


def segment_sql(at, lost, no_orders, first_order, last_order, periods):
    """The rule of the lifecycle segment at ``at``, as SQL, from the SQL
    expressions of a customer's facts then: lost, no order yet, first and
    last order, and ``periods`` (see :func:`company_periods`). New for the
    new period after the first order, active for the active period after
    each order, then dormant; lost once marked lost."""
    new_period, active_period = periods
    return SQL(
        """CASE WHEN %(lost)s THEN 'lost'
                WHEN %(no_orders)s THEN 'potential'
                WHEN %(first_order)s >= %(at)s - %(new_period)s THEN 'new'
                WHEN %(last_order)s >= %(at)s - %(active_period)s THEN 'active'
                ELSE 'dormant' END""",
        at=at,
        lost=lost,
        no_orders=no_orders,
        first_order=first_order,
        last_order=last_order,
        new_period=new_period,
        active_period=active_period,
    )


# The origin of a consent change, ``(source, note)``, in the context of the
# write that makes it (as ``import_file`` marks an import's): given by
# ``_sms_retention_set_consent`` to its own write. Without it, the change is
# a user's, on the form or by an import.
CONSENT_ORIGIN = "sms_retention_consent_origin"
# An SMS sent now (see ``res.partner._sms_retention_send_now``): the sending
# policy's decision, the SMS and its chatter message (sudo, or empty).
SentNow = collections.namedtuple("SentNow", "decision sms message")


class ResPartner(models.Model):
    """Customer data the retention campaigns rely on, and their SMS thread.

    Birthday, SMS consent (with its log, kept in step with Odoo's phone
    blacklist, and a note on the chatter: every change goes through
    ``write``, by a user or by ``_sms_retention_opt_out`` and
    ``_sms_retention_opt_in``), the time zone used for quiet
    hours, and the lifecycle segment with the order statistics it is
    computed from. Order statistics and segments are maintained with
    set-based SQL (no sudo needed: the SQL runs in the caller's
    transaction); consent logs and the blacklist are written as superuser.
    SMS sent to the customer are posted on their chatter as superuser
    (``partner_sudo``): posting on a contact otherwise needs the right to
    edit contacts, which salespeople often lack; callers check that the user
    may read them.
    """

    _inherit = "res.partner"

    sms_retention_inbound_ids = fields.One2many(
        "sms.retention.inbound",
        "partner_id",
        string="SMS Replies",
        groups="sms_retention.group_sms_retention_user",
    )
    sms_retention_reply_count = fields.Integer(
        "SMS Replies Count",
        compute="_compute_sms_retention_reply_count",
        groups="sms_retention.group_sms_retention_user",
    )
    # Birthday: a full date, or only month and day when the year is unknown.
    sms_retention_birthday = fields.Date(
        "Birthday", help="Leave empty and set month and day if the year is unknown."
    )
    sms_retention_birthday_month = fields.Integer(
        "Birthday Month",
        compute="_compute_sms_retention_birthday_parts",
        store=True,
        readonly=False,
    )
    sms_retention_birthday_day = fields.Integer(
        "Birthday Day",
        compute="_compute_sms_retention_birthday_parts",
        store=True,
        readonly=False,
    )
    sms_retention_birthday_this_week = fields.Boolean(
        "Birthday This Week",
        compute="_compute_sms_retention_birthday_this_week",
        search="_search_sms_retention_birthday_this_week",
    )
    sms_retention_first_name = fields.Char(
        "First Name (SMS)",
        compute="_compute_sms_retention_first_name",
        help="How SMS greet the customer: the first word of the name, or the "
        "whole name when it has no spaces (Chinese and Japanese names).",
    )
    sms_retention_company_id = fields.Many2one(
        "res.company",
        string="Company (SMS)",
        compute="_compute_sms_retention_company_id",
        help="The company SMS to the customer speak for: the customer's "
        "company, or the current one for a customer shared by all companies.",
    )
    sms_retention_consent = fields.Selection(
        CONSENT_STATES,
        string="SMS Consent",
        default="unknown",
        required=True,
        index=True,
        help="Opted out customers are never texted; marketing SMS need an "
        "opt-in (or unknown consent, if the company allows it). A number in "
        "Odoo's phone blacklist is opted out.",
    )
    sms_retention_consent_log_ids = fields.One2many(
        "sms.retention.consent.log", "partner_id", string="Consent History"
    )
    sms_retention_segment_history_ids = fields.One2many(
        "sms.retention.segment.history", "partner_id", string="Segment History"
    )
    sms_retention_tz = fields.Char(
        "SMS Time Zone",
        compute="_compute_sms_retention_tz",
        store=True,
        help="The customer's time zone, else the one of their mobile number or "
        "country. Empty: the company's time zone applies.",
    )
    sms_retention_number_kind = fields.Selection(
        [("mobile", "Mobile"), ("landline", "Landline"), ("invalid", "Invalid")],
        string="SMS Number Kind",
        compute="_compute_sms_retention_number_kind",
        store=True,
        help="What the customer's sanitized number is, read once when it "
        "changes: the sending job skips landlines and invalid numbers.",
    )
    sms_retention_segment = fields.Selection(
        SEGMENTS,
        string="Lifecycle Segment",
        default="potential",
        index=True,
        readonly=True,
    )
    sms_retention_order_count = fields.Integer("Confirmed Orders", readonly=True)
    sms_retention_revenue = fields.Float(
        "Lifetime Revenue", readonly=True, digits="Product Price"
    )
    sms_retention_first_order_date = fields.Datetime("First Order", readonly=True)
    sms_retention_last_order_date = fields.Datetime("Last Order", readonly=True)
    sms_retention_complaint_date = fields.Datetime(
        "Last SMS Complaint", readonly=True, copy=False, index="btree_not_null"
    )
    sms_retention_lost_date = fields.Datetime("Lost On", readonly=True, copy=False)
    sms_retention_lost_reason = fields.Char("Lost Reason", copy=False)

    _sql_constraints = [
        (
            "sms_retention_birthday_parts_valid",
            "CHECK((sms_retention_birthday_month IS NULL "
            "OR sms_retention_birthday_month = 0 "
            "OR (sms_retention_birthday_month BETWEEN 1 AND 12)) "
            "AND (sms_retention_birthday_day IS NULL "
            "OR sms_retention_birthday_day = 0 "
            "OR (sms_retention_birthday_day BETWEEN 1 AND 31)))",
            "The birthday month must be 1 to 12 and the day 1 to 31.",
        ),
    ]

    def init(self):
        res = super().init()
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS res_partner_sms_retention_birthday_index
                   ON res_partner (sms_retention_birthday_month,
                                   sms_retention_birthday_day)
                WHERE sms_retention_birthday_month IS NOT NULL
                  AND sms_retention_birthday_month > 0"""
        )
        # The overview counts the customers new or active (churn's base) of
        # the user's companies: an index-only count, 40 ms at 460,000 such
        # customers against 220 ms through the segment index.
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS res_partner_sms_retention_active_index
                       ON res_partner (company_id)
                    WHERE sms_retention_segment IN %s""",
                ACTIVE_SEGMENTS,
            )
        )
        return res

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    def _compute_sms_retention_reply_count(self):
        counts = dict(
            self.env["sms.retention.conversation"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.sms_retention_reply_count = counts.get(partner, 0)

    @api.depends("name")
    def _compute_sms_retention_first_name(self):
        for partner in self:
            partner.sms_retention_first_name = first_name(partner.name)

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_sms_retention_company_id(self):
        # One assignment per company: a sending batch computes it for
        # hundreds of customers of a few companies.
        for company, partners in self.grouped("company_id").items():
            partners.sms_retention_company_id = company or self.env.company

    @api.depends("sms_retention_birthday")
    def _compute_sms_retention_birthday_parts(self):
        for partner in self:
            if partner.sms_retention_birthday:
                birthday = partner.sms_retention_birthday
                partner.sms_retention_birthday_month = birthday.month
                partner.sms_retention_birthday_day = birthday.day

    @api.constrains("sms_retention_birthday_month", "sms_retention_birthday_day")
    def _check_sms_retention_birthday_parts(self):
        for partner in self:
            month, day = (
                partner.sms_retention_birthday_month,
                partner.sms_retention_birthday_day,
            )
            if not month and not day:
                continue
            # Feb 29 is valid: it is greeted on Feb 28 in other years.
            if (
                not 1 <= month <= 12
                or not day
                or day > calendar.monthrange(2024, month)[1]
            ):
                raise ValidationError(
                    _(
                        "%(partner)s: %(month)s/%(day)s is not a birthday.",
                        partner=partner.display_name,
                        month=month,
                        day=day,
                    )
                )

    def _compute_sms_retention_birthday_this_week(self):
        domain = self._search_sms_retention_birthday_this_week("=", True)
        ids = set(self.search([("id", "in", self.ids), *domain]).ids)
        for partner in self:
            partner.sms_retention_birthday_this_week = partner.id in ids

    def _search_sms_retention_birthday_this_week(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(_("Unsupported search on Birthday This Week."))
        today = fields.Date.context_today(self)
        week_start = today - timedelta(days=today.weekday())
        days = [week_start + timedelta(days=offset) for offset in range(7)]
        pairs = {(day.month, day.day) for day in days}
        if any((d.month, d.day) == (2, 28) for d in days) and not calendar.isleap(
            today.year
        ):
            pairs.add((2, 29))
        condition = SQL(" OR ").join(
            SQL(
                "(sms_retention_birthday_month = %s"
                " AND sms_retention_birthday_day = %s)",
                month,
                day,
            )
            for month, day in sorted(pairs)
        )
        self.env.cr.execute(SQL("SELECT id FROM res_partner WHERE %s", condition))
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    @api.depends("phone_sanitized")
    def _compute_sms_retention_number_kind(self):
        for partner in self:
            partner.sms_retention_number_kind = _number_kind(partner.phone_sanitized)

    @api.depends("tz", "phone_sanitized", "country_id")
    def _compute_sms_retention_tz(self):
        for partner in self:
            partner.sms_retention_tz = (
                customer_tz(
                    partner.tz, partner.phone_sanitized, partner.country_id.code
                )
                or False
            )

    def _sms_retention_effective_tz(self, company=None, number=None):
        """The time zone quiet hours and local dates are computed in for this
        customer, or, on no customer, for an SMS to ``number``: the rule of
        ``tools.customer_tz``.

        :param company: the sending company; by default the customer's, else
            the current one
        """
        if self:
            self.ensure_one()
            customer = self.sms_retention_tz
        else:
            customer = customer_tz(number=number)
        company = company or self.company_id or self.env.company
        return effective_tz(customer, company._sms_retention_tz())

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_sms_replies(self):
        """The customer's SMS thread: sent and received, in time order."""
        self.ensure_one()
        return self._sms_retention_thread_action()

    def _sms_retention_thread_action(self, inbound=None):
        """The client action of this customer's SMS thread (see
        ``static/src/thread``), scrolled to ``inbound`` when given."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "sms_retention.thread",
            "name": _("SMS with %(customer)s", customer=self.display_name),
            "context": {"active_id": self.id},
            "params": {
                "partner_id": self.id,
                "inbound_id": inbound.id if inbound else False,
            },
        }

    def _sms_retention_thread_link(self):
        """A paragraph linking to this customer's SMS thread, for notes
        (activities of complaints and low scores)."""
        self.ensure_one()
        return Markup('<p><a href="%s">%s</a></p>') % (
            f"/web#action=sms_retention.thread&active_id={self.id}",
            _("Open the SMS conversation with %(customer)s", customer=self.name),
        )

    def _sms_retention_salesperson(self, record=None):
        """The salesperson of an SMS to this customer about ``record``: the
        record's (an order's), else the customer's."""
        field = record._fields.get("user_id") if record else None
        salesperson = (
            record.user_id
            if field and field.type == "many2one" and field.comodel_name == "res.users"
            else None
        )
        return salesperson or self.user_id

    def _sms_retention_follow_up(self, activity_type, note, company, record=None):
        """Schedule the activity following up an SMS from this customer
        (empty: from an unknown number) about ``record``, and return it.

        The activity goes on ``record`` when it takes activities, else on
        the customer (none without either), to the salesperson
        (:meth:`_sms_retention_salesperson`), else ``company``'s complaint
        user, else the administrator. The note links to the SMS thread.

        :param str activity_type: XML id of the activity type
        :param note: the note, HTML
        """
        if self:
            self.ensure_one()
        target = record if record and hasattr(record, "activity_schedule") else self
        if not target:
            return self.env["mail.activity"]
        user = (
            self._sms_retention_salesperson(record)
            or company.sms_retention_complaint_user_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env["res.users"]
        )
        if self:
            note += self._sms_retention_thread_link()
        return target.sudo().activity_schedule(
            activity_type, user_id=user.id, note=note
        )

    def action_sms_retention_reply(self):
        """Answer the customer by SMS."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Answer by SMS"),
            "res_model": "sms.retention.reply",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    # ------------------------------------------------------------
    # SMS THREAD (client action ``sms_retention.thread``)
    # ------------------------------------------------------------

    def sms_retention_thread_data(self):
        """The customer's SMS thread: every SMS in and out, in time order,
        with the state of the answer box (see ``sms.retention.conversation``)."""
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        return self.env["sms.retention.conversation"]._thread_data(self)

    def sms_retention_thread_send(self, body):
        """Answer from the thread's answer box; return the thread again."""
        self.ensure_one()
        self._sms_retention_answer(body, self.env.company)
        return self.sms_retention_thread_data()

    # ------------------------------------------------------------
    # SMS SENT IN A CONVERSATION
    # ------------------------------------------------------------

    def _sms_retention_no_answer_reason(self, company=None):
        """Why this customer cannot be answered now, or False (the sending
        policy on consent only, as for the answer itself)."""
        self.ensure_one()
        return self._sms_retention_refusal(
            self._sms_retention_ask_policy(sending_policy.CONSENT_ONLY, company)[1]
        )

    def _sms_retention_hours_warning(self, company=None):
        """A warning when the full sending policy would hold an SMS to this
        customer now, or False. Answers are not held: the customer is in a
        conversation."""
        self.ensure_one()
        facts, decision = self._sms_retention_ask_policy(
            sending_policy.FULL_POLICY, company
        )
        if decision.action not in (sending_policy.DEFER, sending_policy.EXPIRE):
            return False
        return _(
            "It is outside sending hours for this customer (%(tz)s). "
            "The SMS goes now if you send it.",
            tz=facts.tz,
        )

    def _sms_retention_ask_policy(self, mode, company=None):
        """``(Facts, Decision)`` of the sending policy for an SMS to this
        customer's number now, in ``mode``."""
        return self.env["sms.sms"]._sms_retention_decide_now(
            [(0, self.phone_sanitized, self, company or self.env.company, mode)],
            fields.Datetime.now(),
        )[0]

    def _sms_retention_refusal(self, decision):
        """Why the sending policy refused an SMS to this customer, in words,
        or False when it lets it go."""
        if decision.action in (sending_policy.SEND, sending_policy.DEFER):
            return False
        if decision.reason == "consent":
            return _(
                "%(customer)s opted out of SMS: no message can be sent.",
                customer=self.display_name,
            )
        return _("%(customer)s has no valid mobile number.", customer=self.display_name)

    def _sms_retention_answer(self, body, company=None):
        """A user's direct SMS answer to this customer, sent now.

        Consent applies; sending hours only warn. The customer's replies
        waiting for an answer are then handled. Raises a ``UserError``
        saying why when the customer cannot be texted.

        :return: the chatter message of the SMS
        """
        self.ensure_one()
        body = (body or "").strip()
        if not body:
            raise UserError(_("Write the answer first."))
        self.check_access_rights("read")
        self.check_access_rule("read")
        sent = self._sms_retention_send_now(
            body,
            sending_policy.CONSENT_ONLY,
            company or self.env.company,
            "direct",
            author=self.env.user.partner_id,
            subscribe=True,
        )
        reason = self._sms_retention_refusal(sent.decision)
        if reason:
            raise UserError(reason)
        self.env["sms.retention.inbound"].search(
            [("partner_id", "=", self.id), ("handle_state", "=", "todo")]
        ).action_mark_handled()
        return sent.message

    def _sms_retention_send_now(
        self,
        body,
        mode,
        company,
        kind=None,
        number=None,
        source=None,
        author=None,
        subscribe=False,
    ):
        """Text this customer now (on no customer: ``number``) through
        ``company``'s provider: every SMS the product sends outside the
        sending job goes this way.

        The sending policy decides by ``mode`` (see
        ``tools.sending_policy.decide_now``): first here, so that a refused
        SMS leaves no trace, then in ``sms.sms.send`` whenever the SMS goes
        (now, after a hold, or resent), by the mode it carries.

        To a customer, the SMS is logged on their chatter as Odoo logs its
        own (``_message_sms``: a message of type SMS, its notification and
        tracker), and on ``source`` (the order it is about) when that is
        another record. The SMS carries ``body`` exactly: ``_message_sms``
        would send the text of the logged HTML, with footnotes for links.

        :param str mode: ``sms.sms`` ``sms_retention_gate``
        :param str kind: see ``mail.message`` ``sms_retention_kind``
        :param number: E.164 number (default: the customer's)
        :param author: ``res.partner`` (default: OdooBot)
        :param subscribe: the author follows the customer
        :return: :class:`SentNow`; no SMS when the policy refused it
        """
        if self:
            self.ensure_one()
        number = number or self.phone_sanitized
        decision = self.env["sms.sms"]._sms_retention_decide_now(
            [(0, number, self, company, mode)], fields.Datetime.now()
        )[0][1]
        sms_sudo = self.env["sms.sms"].sudo()
        message_sudo = self.env["mail.message"].sudo()
        if decision.action not in (sending_policy.SEND, sending_policy.DEFER):
            return SentNow(decision, sms_sudo, message_sudo)
        if self:
            author = author or self.env.ref("base.partner_root")
            message_sudo = (
                self.sudo()
                .with_context(mail_create_nosubscribe=not subscribe)
                .message_post(
                    body=plaintext2html(body),
                    message_type="sms",
                    subtype_xmlid="mail.mt_note",
                    author_id=author.id,
                    record_company_id=company.id,
                )
            )
            message_sudo.sms_retention_kind = kind
        sms_sudo = sms_sudo.create(
            {
                "number": number,
                "body": body,
                "partner_id": self.id,
                "mail_message_id": message_sudo.id,
                "sms_retention_company_id": company.id,
                "sms_retention_gate": mode,
                "state": "outgoing",
            }
        )
        if message_sudo:
            self.env["mail.notification"].sudo().create(
                {
                    "author_id": author.id,
                    "mail_message_id": message_sudo.id,
                    "res_partner_id": self.id,
                    "sms_number": number,
                    "notification_type": "sms",
                    "notification_status": "ready",
                    "sms_id_int": sms_sudo.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": sms_sudo.uuid})],
                    "is_read": True,
                }
            )
        sms_sudo.send(auto_commit=False, raise_exception=False)
        if (
            message_sudo
            and source
            and source != self
            and hasattr(source, "_message_log_batch")
            and source.exists()
        ):
            message_sudo._sms_retention_log_on(source)
        return SentNow(decision, sms_sudo, message_sudo)

    # ------------------------------------------------------------
    # CONSENT
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Customers are created with an unknown consent; the consent asked
        # for is then set like any change, once their number is known: a
        # blacklisted number makes it an opt-out (by the blacklist).
        default = (
            self.default_get(["sms_retention_consent"]).get("sms_retention_consent")
            or "unknown"
        )
        wanted = [vals.get("sms_retention_consent") or default for vals in vals_list]
        partners = super().create(
            [dict(vals, sms_retention_consent="unknown") for vals in vals_list]
        )
        user_source = self._sms_retention_user_source()
        changes = {}
        for partner, state in zip(partners, wanted, strict=True):
            source = user_source
            if state != "opted_out" and partner.phone_sanitized_blacklisted:
                state, source = "opted_out", "blacklist"
            if state != "unknown":
                changes.setdefault((state, source), []).append(partner.id)
        for (state, source), ids in changes.items():
            partners.browse(ids)._sms_retention_set_consent(state, source)
        return partners

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            vals.setdefault("sms_retention_lost_date", fields.Datetime.now())
            vals.setdefault("sms_retention_lost_reason", _("Archived"))
        previous = (
            {p.id: p.sms_retention_consent for p in self}
            if "sms_retention_consent" in vals
            else {}
        )
        res = super().write(vals)
        if previous:
            # Every consent change goes through here: by a user (the form, an
            # import), or by ``_sms_retention_set_consent`` with its origin.
            source, note = self.env.context.get(CONSENT_ORIGIN) or (
                self._sms_retention_user_source(),
                None,
            )
            changed = self.filtered(lambda p: p.sms_retention_consent != previous[p.id])
            changed.with_context(
                **{CONSENT_ORIGIN: None}
            )._sms_retention_consent_changed(previous, source, note)
        if "sms_retention_lost_date" in vals:
            self._sms_retention_update_segments()
        return res

    def _sms_retention_opt_out(self, source, note=None, record=None):
        """Opt these customers out of SMS: the one way to do it.

        Their numbers go into Odoo's phone blacklist (unless the change comes
        from it), and each customer whose consent changes gets one consent-log
        row and a note on their chatter. Customers already opted out are left
        alone: calling it twice changes nothing.

        :param str source: see ``CONSENT_SOURCES``
        :param note: why, kept on the log (the customer's reply, an error)
        :param record: the record the change is about (the order whose SMS
          the customer answered STOP), noted on its chatter too
        :return: the customers whose consent changed
        """
        return self._sms_retention_set_consent("opted_out", source, note, record)

    def _sms_retention_opt_in(self, source, note=None, record=None):
        """Opt these customers in to SMS: the one way to do it.

        Their numbers leave Odoo's phone blacklist (unless the change comes
        from it); one consent-log row per changed customer, as
        ``_sms_retention_opt_out``, of which it takes the parameters.
        """
        return self._sms_retention_set_consent("opted_in", source, note, record)

    @api.model
    def _sms_retention_opt_out_number(self, number, source, note=None, record=None):
        """Opt a number out: every customer with it (``_sms_retention_opt_out``),
        and Odoo's phone blacklist even when no customer has it.

        :param str number: E.164 number
        """
        return self._sms_retention_set_number_consent(
            number, "opted_out", source, note, record
        )

    @api.model
    def _sms_retention_opt_in_number(self, number, source, note=None, record=None):
        """Opt a number in again: every customer with it, and out of Odoo's
        phone blacklist (see ``_sms_retention_opt_out_number``)."""
        return self._sms_retention_set_number_consent(
            number, "opted_in", source, note, record
        )

    @api.model
    def _sms_retention_set_number_consent(
        self, number, state, source, note=None, record=None
    ):
        # Every customer of the number (in any company, archived too), then
        # the number itself: blacklisted even when no customer has it.
        partners_sudo = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("phone_sanitized", "=", number)])
        )
        changed = partners_sudo._sms_retention_set_consent(state, source, note, record)
        self._sms_retention_sync_blacklist([number], state, source, note)
        return changed

    def _sms_retention_set_consent(self, state, source, note=None, record=None):
        """Set the consent of these customers (see ``_sms_retention_opt_out``).

        Opting in and out go through ``_sms_retention_opt_in`` and
        ``_sms_retention_opt_out``; this also sets the unknown consent (a
        number leaving the blacklist).
        """
        todo = self.filtered(lambda p: p.sms_retention_consent != state)
        if not todo:
            return todo
        previous = {p.id: p.sms_retention_consent for p in todo}
        todo.with_context(**{CONSENT_ORIGIN: (source, note)}).write(
            {"sms_retention_consent": state}
        )
        if record and hasattr(record, "_message_log_batch") and record.exists():
            notes = todo._sms_retention_consent_notes(previous, source, note)
            record.sudo()._message_log_batch(
                bodies={
                    record.id: Markup("").join(
                        Markup("<p>%s: %s</p>") % (partner.display_name, notes[partner])
                        for partner in todo
                    )
                },
                author_id=self._sms_retention_consent_author(source).id,
            )
        return todo

    @api.model
    def _sms_retention_user_source(self):
        """The source of a change a user makes: the form, or an import."""
        return "import" if self.env.context.get("import_file") else "form"

    def _sms_retention_consent_changed(self, previous, source, note=None):
        """After the consent of these customers changed (see ``write``): log it,
        and bring Odoo's phone blacklist in step, unless the change comes from
        the blacklist itself (it is not written back)."""
        self._sms_retention_log_consent(previous, source, note)
        if source == "blacklist":
            return
        for state, partners in (
            self.filtered("phone_sanitized").grouped("sms_retention_consent").items()
        ):
            self._sms_retention_sync_blacklist(
                list(set(partners.mapped("phone_sanitized"))), state, source, note
            )

    @api.model
    def _sms_retention_sync_blacklist(self, numbers, state, source, note=None):
        """Put ``numbers`` in Odoo's phone blacklist for an opt-out, take them
        out for an opt-in; an unknown consent leaves the blacklist alone."""
        if state == "unknown" or not numbers:
            return
        blacklist_sudo = self.env["phone.blacklist"].sudo()
        message = self._sms_retention_consent_summary(state, source, note)
        if state == "opted_out":
            blacklist_sudo._sms_retention_block(numbers, message)
        else:
            blacklist_sudo._sms_retention_unblock(numbers, message)

    @api.model
    def _sms_retention_consent_summary(self, state, source, note=None):
        """A consent change in words, without the state before it."""
        states, sources = self._sms_retention_consent_labels()
        text = _(
            "SMS consent: %(after)s (%(how)s)",
            after=states[state],
            how=sources[source],
        )
        if note:
            text = _("%(change)s: “%(note)s”", change=text, note=note)
        return text

    @api.model
    def _sms_retention_consent_labels(self):
        """The labels of consent states and of their sources, translated."""
        states = dict(
            self._fields["sms_retention_consent"]._description_selection(self.env)
        )
        sources = dict(
            self.env["sms.retention.consent.log"]
            ._fields["source"]
            ._description_selection(self.env)
        )
        return states, sources

    @api.model
    def _sms_retention_consent_author(self, source):
        """The system's changes are OdooBot's; a user's are theirs."""
        if source in ("form", "import", "web"):
            return self.env.user.partner_id
        return self.env.ref("base.partner_root")

    def _sms_retention_consent_notes(self, previous, source, note=None):
        """``{partner: text}``: each customer's consent change in words."""
        states, sources = self._sms_retention_consent_labels()
        notes = {}
        for partner in self:
            text = _(
                "SMS consent: %(before)s → %(after)s (%(how)s)",
                before=states.get(previous.get(partner.id), "-"),
                after=states[partner.sms_retention_consent],
                how=sources[source],
            )
            if note:
                text = _("%(change)s: “%(note)s”", change=text, note=note)
            notes[partner] = text
        return notes

    def _sms_retention_log_consent(self, previous, source, note=None):
        """Log consent changes: one consent-log row per customer, and a note
        on each customer's chatter, in one batch."""
        if not self:
            return
        self.env["sms.retention.consent.log"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "number": partner.phone_sanitized,
                    "state": partner.sms_retention_consent,
                    "previous_state": previous.get(partner.id),
                    "source": source,
                    "note": note,
                }
                for partner in self
            ]
        )
        notes = self._sms_retention_consent_notes(previous, source, note)
        self.sudo()._message_log_batch(
            bodies={
                partner.id: Markup("<p>%s</p>") % text
                for partner, text in notes.items()
            },
            author_id=self._sms_retention_consent_author(source).id,
        )

    # ------------------------------------------------------------
    # LIFECYCLE
    # ------------------------------------------------------------

    def action_mark_lost(self, reason=None):
        """Record that these customers left; they move to the Lost segment."""
        self.write(
            {
                "sms_retention_lost_date": fields.Datetime.now(),
                "sms_retention_lost_reason": reason or _("Marked as lost"),
            }
        )
        return True

    @api.model
    def _sms_retention_rebuild_order_stats(self):
        """Recompute every customer's order statistics from confirmed orders.

        Run once at install (and available to repair data); day to day the
        statistics are maintained incrementally by ``sale.order``. Amounts
        are summed in each order's currency (as when first installed on a
        single-currency database); later changes convert to the company
        currency.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH stats AS (
                SELECT cp.id AS partner_id, COUNT(o.id) AS n,
                       SUM(o.amount_total) AS amount,
                       MIN(o.date_order) AS first_date, MAX(o.date_order) AS last_date
                  FROM sale_order o
                  JOIN res_partner op ON op.id = o.partner_id
                  JOIN res_partner cp ON cp.id = op.commercial_partner_id
                 WHERE o.state = 'sale'
                 GROUP BY cp.id
            )
            UPDATE res_partner p
               SET sms_retention_order_count = COALESCE(stats.n, 0),
                   sms_retention_revenue = COALESCE(stats.amount, 0),
                   sms_retention_first_order_date = stats.first_date,
                   sms_retention_last_order_date = stats.last_date
              FROM res_partner p2
              LEFT JOIN stats ON stats.partner_id = p2.id
             WHERE p.id = p2.id
               AND (p.sms_retention_order_count IS DISTINCT FROM COALESCE(stats.n, 0)
                    OR p.sms_retention_last_order_date
                       IS DISTINCT FROM stats.last_date
                    OR p.sms_retention_first_order_date
                       IS DISTINCT FROM stats.first_date)
            """
        )
        self.env["res.partner"].invalidate_model(
            [
                "sms_retention_order_count",
                "sms_retention_revenue",
                "sms_retention_first_order_date",
                "sms_retention_last_order_date",
            ]
        )
        return self._sms_retention_update_segments()

    @api.model
    def _sms_retention_update_segments(self, partner_ids=None, id_range=None):
        """Recompute lifecycle segments in SQL (the rule: :func:`segment_sql`);
        only changed rows are written, each change with its history row.

        :param partner_ids: restrict to these partners (after an order change)
        :param id_range: ``(first_id, last_id)`` slice, for the daily cron
        :return: number of partners whose segment changed
        """
        if partner_ids is None and self:
            partner_ids = self.ids
        self.env["res.partner"].flush_model()
        self.env["res.company"].flush_model(
            ["sms_retention_new_days", "sms_retention_active_days"]
        )
        now = fields.Datetime.now()
        where = [SQL("TRUE")]
        if partner_ids is not None:
            where.append(SQL("p.id = ANY(%s)", list(partner_ids) or [0]))
        if id_range:
            where.append(SQL("p.id BETWEEN %s AND %s", *id_range))
        self.env.cr.execute(
            SQL(
                """
            WITH target AS (
                SELECT p.id, p.sms_retention_segment AS previous,
                       %(segment)s AS segment
                  FROM res_partner p
                  LEFT JOIN res_company c ON c.id = p.company_id
                 WHERE %(where)s
            )
            , changed AS (
                UPDATE res_partner p SET sms_retention_segment = target.segment
                  FROM target
                 WHERE p.id = target.id
                   AND p.sms_retention_segment IS DISTINCT FROM target.segment
                RETURNING p.id, target.previous, target.segment
            ), history AS (
                -- The history churn is measured on, in the same statement.
                INSERT INTO sms_retention_segment_history
                       (partner_id, changed_at, from_segment, to_segment)
                SELECT id, %(now)s, previous, segment FROM changed
            )
            SELECT id FROM changed
            """,
                now=now,
                segment=segment_sql(
                    SQL("%s", now),
                    SQL("p.sms_retention_lost_date IS NOT NULL"),
                    SQL("COALESCE(p.sms_retention_order_count, 0) <= 0"),
                    SQL("p.sms_retention_first_order_date"),
                    SQL("p.sms_retention_last_order_date"),
                    company_periods("c", self.env.company),
                ),
                where=SQL(" AND ").join(where),
            )
        )
        changed = [row[0] for row in self.env.cr.fetchall()]
        if changed:
            self.env["res.partner"].browse(changed).invalidate_recordset(
                ["sms_retention_segment"]
            )
            self.env["sms.retention.segment.history"].invalidate_model()
        return len(changed)

    @api.model
    def _cron_update_segments(self, batch_size=50000):
        """Daily: move customers whose segment changed with time, in batches."""
        self.env.cr.execute("SELECT MIN(id), MAX(id) FROM res_partner")
        first, last = self.env.cr.fetchone()
        if first is None:
            return 0
        changed = 0
        for start in range(first, last + 1, batch_size):
            changed += self._sms_retention_update_segments(
                id_range=(start, start + batch_size - 1)
            )
            if can_commit():
                # Each batch is final: a crash resumes with the next one.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return changed


def _number_kind(e164):
    """``mobile``, ``landline``, ``invalid``, or False without a number."""
    if not e164:
        return False
    valid, landline = number_facts(e164)
    if not valid:
        return "invalid"
    return "landline" if landline else "mobile"
