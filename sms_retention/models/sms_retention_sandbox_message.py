# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.phone import PhoneNumberError, region_of, to_e164

SQL_PHONE_SANITIZED = SQL.identifier("res_partner", "phone_sanitized")
# Numbers already in E.164 are stored as they are.
E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")


class SmsRetentionSandboxMessage(models.Model):
    """An SMS "sent" by the sandbox provider: the sandbox outbox.

    Written by the send path as superuser (``*_sudo``); read by managers.
    A log that the send path fills by the thousand: no author columns
    (``sent_at`` says when), and the customer is found by number, as a real
    provider knows only numbers. A company's outbox goes with the company;
    the SMS uuid, shown in debug mode only, has no index.
    """

    _name = "sms.retention.sandbox.message"
    _description = "SMS Sandbox Outbox Message"
    _order = "id desc"
    _rec_name = "number"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    number = fields.Char(required=True, index=True)
    body = fields.Text()
    sms_uuid = fields.Char("SMS UUID")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        search="_search_partner_id",
        help="The contact whose mobile number this is.",
    )
    sent_at = fields.Datetime(default=fields.Datetime.now, required=True)
    reply_ids = fields.One2many(
        "sms.retention.inbound", compute="_compute_reply_ids", string="Replies"
    )

    def _compute_partner_id(self):
        numbers = [number for number in self.mapped("number") if number]
        partners = self.env["res.partner"].search_fetch(
            [("phone_sanitized", "in", numbers)], ["phone_sanitized"], order="id"
        )
        by_number = {}
        for partner in partners:
            by_number.setdefault(partner.phone_sanitized, partner.id)
        for message in self:
            message.partner_id = by_number.get(message.number, False)

    def _search_partner_id(self, operator, value):
        partners = self.env["res.partner"].with_context(active_test=False)
        with_number = [("phone_sanitized", "!=", False)]
        if operator in ("=", "!=") and not value:
            # Set or not set: whether the number is some contact's.
            query = partners._search(with_number)
            operator = "not in" if operator == "=" else "in"
        elif isinstance(value, str):
            # Ids or a query, depending on the model's override.
            matching = partners._name_search(value, [], operator, limit=None)
            query = partners._search([("id", "in", matching)] + with_number)
            operator = "in"
        else:
            query = partners._search([("id", operator, value)] + with_number)
            operator = "in"
        return [("number", operator, query.subselect(SQL_PHONE_SANITIZED))]

    def _compute_reply_ids(self):
        for message in self:
            message.reply_ids = self.env["sms.retention.inbound"].search(
                [("from_number", "=", message.number), ("provider", "=", "sandbox")]
            )

    @api.model
    def _record_batch(self, messages, company):
        """Store an ``SmsApi._send_sms_batch`` payload as delivered SMS.

        A number that is not a phone number fails as ``wrong_number_format``,
        as a real provider would answer. One ``create`` per batch.
        """
        results, vals_list = [], []
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
                vals_list.append(
                    {
                        "company_id": company.id,
                        "number": e164,
                        "body": message["content"],
                        "sms_uuid": number["uuid"],
                    }
                )
        self.create(vals_list)
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
        self._check_replies_reach_us(number, company)
        return self.env["sms.retention.inbound"]._receive(
            provider="sandbox",
            from_number=number,
            body=body,
            provider_message_id=f"SB{uuid.uuid4().hex}",
            company=company,
        )

    @api.model
    def _check_replies_reach_us(self, number, company):
        """The sandbox stands for a real provider: no reply comes from a
        country whose SMS are one-way for ``company`` (its country rules)."""
        try:
            region = region_of(to_e164(number, company.country_id.code))
        except PhoneNumberError:
            return  # the inbound pipeline keeps it and says why
        country = self.env["res.country"].search([("code", "=", region)], limit=1)
        if country and not company._sms_retention_replies_reach_us(country):
            raise UserError(
                _(
                    "No reply can come from %(country)s: SMS there are one-way "
                    "(SMS Retention > Configuration > Country Rules). Customers "
                    "there opt out on the web page their SMS link to.",
                    country=country.name,
                )
            )
