# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import errors

ATTEMPT_STATES = [
    ("sending", "Sending"),
    ("accepted", "Accepted"),
    ("unknown", "Unknown"),
    ("failed", "Failed"),
]


class SmsRetentionTwilioAttempt(models.Model):
    """One SMS handed to Twilio, by its ``sms.sms`` uuid.

    Written before the request, in a transaction of its own, so that a crash
    between Twilio's acceptance and Odoo's commit does not send the SMS twice:
    a uuid with an attempt is never POSTed blindly again. Also keeps what
    Twilio said (sid, price, segments, last status, error code).

    Written as superuser by the send path and the status webhook; SMS
    Retention administrators read those of their companies.
    """

    _name = "sms.retention.twilio.attempt"
    _description = "SMS Retention Twilio Send Attempt"
    _order = "id desc"
    _rec_name = "sms_uuid"

    sms_uuid = fields.Char("SMS UUID", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    account_sid = fields.Char(readonly=True)
    to_number = fields.Char("To", index=True, readonly=True)
    from_number = fields.Char("From", readonly=True)
    messaging_service_sid = fields.Char(readonly=True)
    state = fields.Selection(
        ATTEMPT_STATES, required=True, default="sending", index=True, readonly=True
    )
    attempted_at = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True
    )
    post_count = fields.Integer(
        "Requests", readonly=True, help="Create requests sent to Twilio."
    )
    message_sid = fields.Char("Twilio SID", index="btree_not_null", readonly=True)
    status = fields.Char("Twilio Status", readonly=True)
    error_code = fields.Integer(readonly=True)
    error_message = fields.Char(readonly=True)
    num_segments = fields.Integer("Segments", readonly=True)
    price = fields.Float(readonly=True, digits=(16, 5))
    price_unit = fields.Char(readonly=True)
    retried = fields.Boolean(
        readonly=True, help="Undelivered (30003), and queued once more."
    )
    retry_uuid = fields.Char(
        "Retried As", readonly=True, help="UUID of the SMS that retries this one."
    )

    _sql_constraints = [
        ("sms_uuid_unique", "UNIQUE(sms_uuid)", "One attempt per SMS."),
    ]

    def _apply_message(self, message):
        """Store what a Twilio message resource says (create, fetch, list)."""
        vals = {"message_sid": message.get("sid") or self.message_sid}
        if message.get("num_segments") not in (None, ""):
            vals["num_segments"] = int(message["num_segments"])
        if message.get("price") not in (None, ""):
            vals["price"] = abs(float(message["price"]))
            vals["price_unit"] = message.get("price_unit")
        status = message.get("status")
        if status and errors.is_forward(self.status, status):
            vals["status"] = status
        if message.get("error_code"):
            vals["error_code"] = int(message["error_code"])
        self.write(vals)
        if "price" in vals:
            self._set_message_cost()

    def _set_message_cost(self):
        """Twilio's price replaces the estimate on the retention message,
        in the message company's currency (at today's rate). A price in a
        currency Odoo does not know keeps the estimate."""
        self.ensure_one()
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", (self.price_unit or "").upper())], limit=1)
        )
        if not currency:
            return
        for message in self.env["sms.retention.message"]._sudo_by_sms_uuid(
            [self.sms_uuid]
        ):
            company = message.company_id
            message.cost_amount = currency._convert(
                self.price,
                company.currency_id,
                company,
                fields.Date.today(),
                round=False,
            )

    def _is_retry(self):
        self.ensure_one()
        return bool(self.search_count([("retry_uuid", "=", self.sms_uuid)], limit=1))

    @api.model
    def _cron_reconcile(self, older_than_minutes=5):
        """Settle attempts left unknown (500, timeout) with Twilio's list."""
        self.env["sms.sms"]._sms_retention_twilio_reconcile_unknown(older_than_minutes)
