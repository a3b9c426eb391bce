# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..providers.sms_api_twilio import SmsApiTwilio
from ..tools import urls


class SmsRetentionTwilioWizard(models.TransientModel):
    """Check a company's Twilio connection, send a test SMS, set webhooks.

    For system administrators (the only ones who may read the auth token);
    no sudo: the token is read with their own rights.
    """

    _name = "sms.retention.twilio.wizard"
    _description = "SMS Retention Twilio Connection"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    account_name = fields.Char(readonly=True)
    account_status = fields.Char(readonly=True)
    number_ids = fields.One2many(
        "sms.retention.twilio.wizard.number", "wizard_id", string="Incoming Numbers"
    )
    inbound_url = fields.Char("Incoming SMS Webhook", compute="_compute_urls")
    status_url = fields.Char("Status Callback Webhook", compute="_compute_urls")
    test_number = fields.Char(help="Mobile number in E.164 that gets the test SMS.")
    test_body = fields.Char(
        default=lambda self: _("Test SMS from Odoo (SMS Retention, Twilio).")
    )
    result = fields.Text(readonly=True)

    @api.depends("company_id")
    def _compute_urls(self):
        for wizard in self:
            base = wizard.company_id._sms_retention_twilio_webhook_base()
            wizard.inbound_url = urls.webhook_url(base, urls.INBOUND_PATH)
            wizard.status_url = urls.webhook_url(base, urls.STATUS_PATH)

    def _api(self):
        self.ensure_one()
        api = SmsApiTwilio(self.env)._set_company(self.company_id)
        config = api._config()
        if not (config["account_sid"] and config["auth_token"]):
            raise UserError(
                _(
                    "Set the Twilio Account SID and Auth Token of %(company)s first.",
                    company=self.company_id.name,
                )
            )
        return api, config

    def _call(self, method, resource, data=None, params=None):
        api, config = self._api()
        url = urls.api_url(config["api_url"], config["account_sid"], resource)
        try:
            response = api._twilio_request(
                config, method, url, data=data, params=params
            )
        except requests.RequestException as exc:
            raise UserError(
                _(
                    "Twilio could not be reached: %(error)s",
                    error=exc.__class__.__name__,
                )
            ) from exc
        payload = api._json(response)
        if response.status_code >= 400:
            raise UserError(
                _(
                    "Twilio answered %(status)s: %(code)s %(message)s",
                    status=response.status_code,
                    code=payload.get("code") or "",
                    message=payload.get("message") or "",
                )
            )
        return payload

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_check(self):
        """Fetch the account and list its incoming numbers."""
        account = self._call("GET", "")
        numbers = self._call("GET", "/IncomingPhoneNumbers", params={"PageSize": 100})
        self.number_ids.unlink()
        self.write(
            {
                "account_name": account.get("friendly_name"),
                "account_status": account.get("status"),
                "number_ids": [
                    (
                        0,
                        0,
                        {
                            "sid": number["sid"],
                            "phone_number": number.get("phone_number"),
                            "friendly_name": number.get("friendly_name"),
                            "sms_url": number.get("sms_url"),
                        },
                    )
                    for number in numbers.get("incoming_phone_numbers") or []
                ],
                "result": _(
                    "Credentials accepted: %(count)s incoming numbers.",
                    count=len(numbers.get("incoming_phone_numbers") or []),
                ),
            }
        )
        return self._reopen()

    def action_send_test(self):
        """Queue a test SMS through this company's provider and send it now."""
        if not self.test_number:
            raise UserError(_("Enter the number that gets the test SMS."))
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": self.test_number,
                    "body": self.test_body,
                    "sms_retention_company_id": self.company_id.id,
                }
            )
        )
        sms.send(unlink_sent=False, unlink_failed=False)
        attempt = self.env["sms.retention.twilio.attempt"].search(
            [("sms_uuid", "=", sms.uuid)], limit=1
        )
        self.result = _(
            "Test SMS: %(state)s (Twilio SID %(sid)s, error %(code)s).",
            state=dict(sms._fields["state"].selection).get(sms.state),
            sid=attempt.message_sid or "-",
            code=attempt.error_code or "-",
        )
        return self._reopen()

    def _set_webhooks(self, number):
        self._call(
            "POST",
            f"/IncomingPhoneNumbers/{number.sid}",
            data={
                "SmsUrl": self.inbound_url,
                "SmsMethod": "POST",
                "StatusCallback": self.status_url,
                "StatusCallbackMethod": "POST",
            },
        )
        number.sms_url = self.inbound_url
        self.result = _("Webhooks set on %(number)s.", number=number.phone_number)
        return self._reopen()
