# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, _lt, api, fields, models, tools
from odoo.tools import SQL, html2plaintext

from ..tools import segments
from .mail_message import SMS_KINDS
from .sms_retention_inbound import CLASSIFICATIONS

# What an SMS became, in words, whatever it was sent by.
STATES = [
    ("scheduled", "Scheduled"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("failed", "Failed"),
    ("skipped", "Not sent"),
    ("expired", "Expired"),
    ("canceled", "Canceled"),
    ("received", "Received"),
]
# Failures the sending job records on a message, besides Odoo's SMS ones.
JOB_FAILURES = {
    "source_deleted": _lt("The record it was about was deleted"),
    "empty_body": _lt("The text was empty"),
    "sms_deleted": _lt("The SMS was deleted before it was sent"),
}
# Messages shown at most in a thread, the most recent ones.
THREAD_LIMIT = 200


class SmsRetentionConversation(models.Model):
    """A customer's SMS conversation: every SMS in and out, in time order.

    A read-only SQL view over retention messages (campaign SMS, whatever
    their state), inbound replies, and the SMS logged on the customer's
    chatter (survey questions, automatic answers, direct answers; campaign
    SMS are logged there too and shown once, from their message). Each row
    has its state in words. Access follows record rules of its own, like
    those of the messages it shows; no sudo, except to read the details of
    rows the user may read (``*_sudo``): campaign names, source records.
    """

    _name = "sms.retention.conversation"
    _description = "SMS Conversation"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "body"

    direction = fields.Selection([("out", "Sent"), ("in", "Received")], readonly=True)
    source = fields.Selection(
        [("reply", "Reply")] + SMS_KINDS, string="Kind", readonly=True
    )
    date = fields.Datetime(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    body = fields.Text(readonly=True)
    state = fields.Selection(STATES, readonly=True)
    skip_reason = fields.Char(readonly=True)
    failure_type = fields.Char(readonly=True)
    failure_reason = fields.Char(readonly=True)
    campaign_id = fields.Many2one("sms.retention.campaign", readonly=True)
    classification = fields.Selection(CLASSIFICATIONS, readonly=True)
    handle_state = fields.Selection(
        [("todo", "To do"), ("handled", "Handled")], string="Handling", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    author_id = fields.Many2one("res.partner", readonly=True)
    res_model = fields.Char("Source Model", readonly=True)
    res_id = fields.Integer("Source Record", readonly=True)
    message_id = fields.Many2one("sms.retention.message", readonly=True)
    inbound_id = fields.Many2one("sms.retention.inbound", string="Reply", readonly=True)
    mail_message_id = fields.Many2one("mail.message", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %(table)s AS (
                SELECT m.id * 3 AS id, 'out' AS direction, 'campaign' AS source,
                       COALESCE(m.sent_at, m.planned_at) AS date, m.partner_id,
                       m.body,
                       CASE m.state
                            WHEN 'queued' THEN 'sending'
                            WHEN 'sent' THEN CASE WHEN m.delivered_at IS NULL
                                                  THEN 'sent' ELSE 'delivered' END
                            ELSE m.state END AS state,
                       m.skip_reason, m.failure_type, NULL AS failure_reason,
                       m.campaign_id, NULL AS classification, NULL AS handle_state,
                       m.company_id, m.user_id, NULL::int AS author_id,
                       m.res_model, m.res_id, m.id AS message_id,
                       NULL::int AS inbound_id, NULL::int AS mail_message_id
                  FROM sms_retention_message m
                 WHERE m.partner_id IS NOT NULL
                UNION ALL
                SELECT i.id * 3 + 1, 'in', 'reply', i.received_at, i.partner_id,
                       i.body, 'received', NULL, NULL, NULL, i.campaign_id,
                       i.classification, i.handle_state, i.company_id, i.user_id,
                       i.partner_id, i.res_model, i.res_id, i.outbound_message_id,
                       i.id, NULL
                  FROM sms_retention_inbound i
                 WHERE i.partner_id IS NOT NULL
                UNION ALL
                SELECT mm.id * 3 + 2, 'out', COALESCE(mm.sms_retention_kind, 'direct'),
                       mm.date, mm.res_id,
                       -- the text of the logged HTML (the thread reads the
                       -- message's own body: see _thread_items)
                       trim(replace(replace(replace(replace(replace(replace(
                           regexp_replace(
                               regexp_replace(mm.body, '<br\\s*/?>', E'\\n', 'gi'),
                               '<[^>]*>', '', 'g'),
                           '&lt;', '<'), '&gt;', '>'), '&#39;', ''''),
                           '&#34;', '"'), '&quot;', '"'), '&amp;', '&')),
                       CASE n.notification_status
                            WHEN 'ready' THEN 'sending'
                            WHEN 'process' THEN 'sending'
                            WHEN 'pending' THEN 'sent'
                            WHEN 'sent' THEN 'delivered'
                            WHEN 'exception' THEN 'failed'
                            WHEN 'bounce' THEN 'failed'
                            WHEN 'canceled' THEN 'canceled'
                            ELSE 'sent' END,
                       NULL, n.failure_type, n.failure_reason, NULL, NULL, NULL,
                       mm.record_company_id, p.user_id, mm.author_id, NULL, NULL,
                       NULL, NULL, mm.id
                  FROM mail_message mm
                  JOIN res_partner p ON p.id = mm.res_id
             LEFT JOIN LATERAL (
                       SELECT notification_status, failure_type, failure_reason
                         FROM mail_notification
                        WHERE mail_message_id = mm.id AND notification_type = 'sms'
                        ORDER BY id LIMIT 1
                   ) n ON TRUE
                 WHERE mm.model = 'res.partner' AND mm.message_type = 'sms'
                   AND mm.sms_retention_kind IS DISTINCT FROM 'campaign'
            )
            """,
                table=SQL.identifier(self._table),
            )
        )

    def action_open_thread(self):
        """The customer's SMS thread, at this SMS if it is a reply."""
        self.ensure_one()
        return self.partner_id._sms_retention_thread_action(inbound=self.inbound_id)

    # ------------------------------------------------------------
    # THE THREAD
    # ------------------------------------------------------------

    @api.model
    def _thread_data(self, partner, company=None):
        """What the SMS thread of ``partner`` shows (see ``static/src/thread``).

        Rows are read with the user's rights (the view's record rules);
        their details as superuser.

        :return: a dict, for ``res.partner.sms_retention_thread_data``
        """
        company = company or self.env.company
        # A view: what the transaction changed must be read again.
        self.env.flush_all()
        self.invalidate_model()
        rows = self.search(
            [("partner_id", "=", partner.id)],
            order="date desc, id desc",
            limit=THREAD_LIMIT + 1,
        )
        more = len(rows) > THREAD_LIMIT
        # At the same second, a reply comes before what answers it.
        rows = rows[:THREAD_LIMIT].sorted(
            lambda r: (r.date, r.direction == "out", r.id)
        )
        reason = partner._sms_retention_no_answer_reason(company)
        consent = dict(
            partner._fields["sms_retention_consent"]._description_selection(self.env)
        )
        return {
            "partner": {
                "id": partner.id,
                "name": partner.display_name,
                "number": partner.phone_sanitized or partner.mobile or partner.phone,
                "consent": partner.sms_retention_consent,
                "consent_label": consent.get(partner.sms_retention_consent),
                "salesperson": partner.user_id.name or False,
                "tz": partner._sms_retention_effective_tz(company),
            },
            "cannot_send": reason,
            "hours_warning": not reason
            and partner._sms_retention_hours_warning(company),
            "segments": {
                "gsm7_basic": "".join(sorted(segments.GSM7_BASIC)),
                "gsm7_extension": "".join(sorted(segments.GSM7_EXTENSION)),
                "capacity": {
                    encoding: list(capacity)
                    for encoding, capacity in segments.CAPACITY.items()
                },
            },
            "items": rows._thread_items(),
            "more": more,
        }

    def _thread_items(self):
        """The rows as thread items: texts, states and links in words."""
        rows_sudo = self.sudo()
        labels = {
            name: dict(self._fields[name]._description_selection(self.env))
            for name in ("source", "state", "classification", "handle_state")
        }
        skip_labels = dict(
            self.env["sms.retention.message"]
            ._fields["skip_reason"]
            ._description_selection(self.env)
        )
        failure_labels = dict(
            self.env["mail.notification"]
            ._fields["failure_type"]
            ._description_selection(self.env)
        )
        bodies = {
            message.id: html2plaintext(message.body or "")
            for message in rows_sudo.mail_message_id
        }
        sources = rows_sudo._source_names()
        items = []
        for row in rows_sudo:
            inbound = row.inbound_id
            failure = False
            if row.state == "skipped":
                failure = skip_labels.get(row.skip_reason) or row.skip_reason
            elif row.state == "failed":
                failure = (
                    row.failure_reason
                    or failure_labels.get(row.failure_type)
                    or (
                        str(JOB_FAILURES[row.failure_type])
                        if row.failure_type in JOB_FAILURES
                        else _("Provider error %(code)s", code=row.failure_type or "?")
                    )
                )
            elif row.state == "canceled" and row.failure_type:
                failure = failure_labels.get(row.failure_type) or row.failure_type
            source = sources.get((row.res_model, row.res_id))
            items.append(
                {
                    "key": row.id,
                    "direction": row.direction,
                    "kind": row.source,
                    "kind_label": labels["source"].get(row.source),
                    "date": fields.Datetime.to_string(row.date),
                    "body": bodies.get(row.mail_message_id.id, row.body or ""),
                    "state": row.state,
                    "state_label": labels["state"].get(row.state),
                    "failure": failure,
                    "campaign": row.campaign_id.name or False,
                    "author": row.author_id.name
                    if row.direction == "out" and row.author_id
                    else False,
                    "source": bool(source)
                    and {"model": row.res_model, "id": row.res_id, "name": source},
                    "inbound": bool(inbound)
                    and {
                        "id": inbound.id,
                        "handle_state": inbound.handle_state,
                        "handle_label": labels["handle_state"].get(
                            inbound.handle_state
                        ),
                        "handled_by": inbound.handled_by_id.name or False,
                        "handled_at": fields.Datetime.to_string(inbound.handled_at),
                        "classification": inbound.classification or False,
                        "classification_label": labels["classification"].get(
                            inbound.classification
                        )
                        or False,
                    },
                }
            )
        return items

    def _source_names(self):
        """``{(model, id): display name}`` of the rows' source records that
        still exist and that the user may open, one search per model."""
        ids_by_model = {}
        for row in self:
            if row.res_model in self.env and row.res_id:
                ids_by_model.setdefault(row.res_model, set()).add(row.res_id)
        names = {}
        for model, ids in ids_by_model.items():
            records = self.env[model].sudo(False).with_context(active_test=False)
            if not records.check_access_rights("read", raise_exception=False):
                continue
            for record in records.search([("id", "in", list(ids))]):
                names[(model, record.id)] = record.display_name
        return names
