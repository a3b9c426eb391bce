# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL, format_date

from ..send_now_report import SendNowReport
from ..sending import QUEUED_SMS_STATE, SendingRun
from ..tools.phone import number_or_skip
from .res_partner import SEGMENTS

# Percent of a message page filled by inserts: a message is updated twice
# on its way (queued, then sent), and the second update can stay on its page.
MESSAGE_FILLFACTOR = 60


class SmsRetentionMessage(models.Model):
    """One planned retention SMS: campaign, customer, source record and fate.

    The sending job is :class:`~..sending.SendingRun`; it reads and writes
    these as superuser (``*_sudo``); users see them through access rules and
    the multi-company rule. Once queued, a message moves only through
    :meth:`_update_from_sms_state`, the one door of its delivery states.
    """

    _name = "sms.retention.message"
    _description = "SMS Retention Outbound Message"
    _order = "planned_at desc, id desc"
    _rec_name = "partner_id"

    # No index of its own: the unique (campaign_id, dedupe_key) index serves
    # lookups by campaign, and every message update would maintain both.
    campaign_id = fields.Many2one(
        "sms.retention.campaign", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="restrict")
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
            ("holdout", "Holdout group"),
            ("answered", "Answered before the reminder"),
            ("country_rules", "The country's rules"),
        ],
        index="btree_not_null",
        readonly=True,
    )
    reminder_of_id = fields.Many2one(
        "sms.retention.message",
        readonly=True,
        copy=False,
        ondelete="cascade",
        index="btree_not_null",
        help="The SMS this reminder follows, sent because it got no reply "
        "and no click.",
    )
    is_holdout = fields.Boolean(
        "Holdout",
        readonly=True,
        copy=False,
        help="In the campaign's holdout group: it would have been sent then, "
        "and was not, so that the orders of texted customers can be compared "
        "with those of customers who got nothing.",
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
    segment_count = fields.Integer(
        "Segments", readonly=True, copy=False, help="The SMS's parts, as billed."
    )
    # A float of 5 decimals, not a monetary field: an SMS costs fractions of
    # a cent, and rounding each to the currency would overstate a campaign.
    cost_amount = fields.Float(
        "Cost",
        readonly=True,
        copy=False,
        digits=(16, 5),
        help="What the SMS cost, in the company's currency: the provider's "
        "price when it reports one (Twilio), else its segments at the price "
        "list of the customer's country.",
    )
    replied_at = fields.Datetime(
        "First Reply",
        readonly=True,
        copy=False,
        help="When the customer first answered this SMS.",
    )
    clicked_at = fields.Datetime(
        "First Click",
        readonly=True,
        copy=False,
        help="When the customer first opened a link of this SMS. Link "
        "previews and robots do not count.",
    )
    click_ids = fields.One2many(
        "link.tracker.click", "sms_retention_message_id", string="Clicks"
    )
    conversion_order_id = fields.Many2one(
        "sale.order",
        string="Conversion",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The confirmed order attributed to this SMS: the customer's "
        "next order within the campaign's attribution window after a click, "
        "the delivery or a reply, this SMS being the last of them.",
    )
    conversion_amount = fields.Monetary(
        "Revenue",
        readonly=True,
        copy=False,
        currency_field="currency_id",
        help="The untaxed amount of the attributed order, in the company's "
        "currency.",
    )
    window_order_count = fields.Integer(
        "Orders in Window",
        readonly=True,
        copy=False,
        help="The customer's confirmed orders within the campaign's click "
        "window after this SMS was sent (or held out): what the lift over "
        "the holdout group compares.",
    )
    window_revenue = fields.Float(
        "Revenue in Window",
        readonly=True,
        copy=False,
        digits=(16, 2),
        help="Their untaxed amount, in the company's currency.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
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
        (
            "conversion_order_unique",
            "UNIQUE(conversion_order_id)",
            "An order is attributed to one SMS only.",
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
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE sms_retention_message SET (fillfactor = %s)",
                    MESSAGE_FILLFACTOR,
                )
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
        partners.fetch(["mobile", "phone", "phone_sanitized", "sms_retention_segment"])
        for vals in vals_list:
            if vals.get("state", "scheduled") != "scheduled" or vals.get("number"):
                continue
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            vals.update(self._number_or_skip(partner))
            vals.setdefault("segment", partner.sms_retention_segment)

    @api.model
    def _number_or_skip(self, partner):
        """``number``, else ``state`` and ``skip_reason``, of a message
        planned to ``partner``: the rule of ``tools.phone.number_or_skip``,
        which the daily selection applies in SQL."""
        if not partner:
            return {"state": "skipped", "skip_reason": "no_partner"}
        number, skip_reason = number_or_skip(
            partner.mobile, partner.phone, partner.phone_sanitized
        )
        if skip_reason:
            return {"state": "skipped", "skip_reason": skip_reason}
        return {"number": number}

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send_now(self):
        """Send the selected scheduled messages now, whatever their planned
        time; the sending policy still applies. Says what became of them."""
        SendingRun(self.env).send_now(self)
        self.invalidate_recordset()
        return SendNowReport(self).toast()

    @api.model
    def _local_time(self, value, tz):
        """``value`` (UTC) as the customer reads it: date, hour, zone."""
        local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
        return f"{format_date(self.env, local.date())} {local:%H:%M} {tz}"

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
    def _cron_send_due(self):
        """Send due messages (see :class:`~..sending.SendingRun`)."""
        SendingRun(self.env).run_due()

    def _sms_retention_prepare_sending(self):
        """Hook: these messages are about to be composed and queued by the
        sending run (their text rendered, the policy passed). The survey
        addon opens their survey responses here."""

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
                SQL("delivered_at IS NULL"),
                extra=SQL("sent_at = COALESCE(sent_at, %s)", now),
            )
        elif sms_state == "error":
            self._move_state(
                ("queued", "sent"),
                {"state": "failed", "failure_type": failure_type or "unknown"},
                now,
            )
        elif sms_state == "canceled":
            self._move_state(("queued",), {"state": "canceled"}, now)

    def _move_state(self, from_states, values, now, condition=None, extra=None):
        """Write ``values`` (and the ``SQL`` assignment ``extra``) on those of
        these messages in ``from_states`` and matching the ``SQL``
        ``condition``, in one statement."""
        self.flush_recordset(["state", "sent_at", *values])
        assignments = [
            SQL("%s = %s", SQL.identifier(column), value)
            for column, value in values.items()
        ]
        if extra:
            assignments.append(extra)
        self.env.cr.execute(
            SQL(
                """UPDATE sms_retention_message
                      SET %s, write_uid = COALESCE(%s, write_uid), write_date = %s
                    WHERE id = ANY(%s) AND state = ANY(%s) AND %s""",
                SQL(", ").join(assignments),
                self._job_author(),
                now,
                list(self.ids),
                list(from_states),
                condition or SQL("TRUE"),
            )
        )
        self.invalidate_recordset(
            ["state", "sent_at", *values, "write_uid", "write_date"]
        )
        self.env["sms.retention.campaign"].invalidate_model()
