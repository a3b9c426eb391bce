# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.phone import PhoneNumberError, to_e164

# Numbers already in E.164 are stored as they are.
E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")


class SmsRetentionSandboxMessage(models.Model):
    """An SMS "sent" by the sandbox provider: the sandbox outbox.

    Written by the send path as superuser (``*_sudo``); read by managers.
    """

    _name = "sms.retention.sandbox.message"
    _description = "SMS Sandbox Outbox Message"
    _order = "id desc"
    _rec_name = "number"

    company_id = fields.Many2one("res.company", required=True)
    number = fields.Char(required=True, index=True)
    body = fields.Text()
    sms_uuid = fields.Char("SMS UUID", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    sent_at = fields.Datetime(default=fields.Datetime.now, required=True)
    reply_ids = fields.One2many(
        "sms.retention.inbound", compute="_compute_reply_ids", string="Replies"
    )

    def _compute_reply_ids(self):
        for message in self:
            message.reply_ids = self.env["sms.retention.inbound"].search(
                [("from_number", "=", message.number), ("provider", "=", "sandbox")]
            )

    @api.model
    def _record_batch(self, messages, company):
        """Store an ``SmsApi._send_sms_batch`` payload as delivered SMS.

        A number that is not a phone number fails as ``wrong_number_format``,
        as a real provider would answer. One insert per batch.
        """
        results, uuids, numbers, bodies = [], [], [], []
        for message in messages:
            for number in message["numbers"]:
                raw = number["number"] or ""
                if E164_RE.match(raw):
                    e164 = raw
                else:
                    try:
                        e164 = to_e164(raw, company.country_id.code)
                    except PhoneNumberError:
                        results.append(
                            {"uuid": number["uuid"], "state": "wrong_number_format"}
                        )
                        continue
                results.append(
                    {"uuid": number["uuid"], "state": "delivered", "credit": 0}
                )
                uuids.append(number["uuid"])
                numbers.append(e164)
                bodies.append(message["content"])
        if uuids:
            self.env["sms.sms"].flush_model(["uuid", "partner_id"])
            now = fields.Datetime.now()
            self.env.cr.execute(
                """INSERT INTO sms_retention_sandbox_message
                          (company_id, number, body, sms_uuid, partner_id, sent_at,
                           create_uid, write_uid, create_date, write_date)
                   SELECT %(company)s, v.number, v.body, v.uuid, sms.partner_id,
                          %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM unnest(%(uuids)s::varchar[], %(numbers)s::varchar[],
                                 %(bodies)s::text[]) AS v(uuid, number, body)
                LEFT JOIN LATERAL (
                          -- one probe of the uuid index per SMS
                          SELECT s.partner_id FROM sms_sms s
                           WHERE s.uuid = v.uuid LIMIT 1
                      ) sms ON TRUE""",
                {
                    "company": company.id,
                    "uuids": uuids,
                    "numbers": numbers,
                    "bodies": bodies,
                    "now": now,
                    "uid": self.env.uid,
                },
            )
            self.invalidate_model()
        return results

    def action_simulate_reply(self):
        self.ensure_one()
        return self.env["sms.retention.simulate.reply"]._open_for(
            number=self.number, company=self.company_id
        )

    @api.model
    def _simulate_inbound(self, number, body, company):
        """Feed a reply into the inbound pipeline, as a provider would."""
        if not number:
            raise UserError(_("Enter the number the reply comes from."))
        if isinstance(company, int):
            company = self.env["res.company"].browse(company)
        return self.env["sms.retention.inbound"]._receive(
            provider="sandbox",
            from_number=number,
            body=body,
            provider_message_id=f"SB{uuid.uuid4().hex}",
            company=company,
        )
