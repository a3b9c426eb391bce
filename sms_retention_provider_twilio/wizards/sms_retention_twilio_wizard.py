# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..providers.sms_api_twilio import SmsApiTwilio
from ..tools import errors, urls


class SmsRetentionTwilioWizard(models.TransientModel):
    """Check a company's Twilio connection, send a test SMS, set webhooks.

    For SMS Retention administrators, on a company they work in (record
    rule). No sudo here: the provider's configuration reads the credentials
    as superuser to call Twilio; the token is never shown nor put in a
    message, even when Twilio's answer or a network error is.
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
    webhook_warning = fields.Text(compute="_compute_urls")
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
            company = wizard.company_id
            wizard.webhook_warning = company._sms_retention_twilio_url_warning(base)

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
            raise UserError(self._connection_error_message(exc, config)) from exc
        payload = api._json(response)
        if response.status_code >= 400:
            raise UserError(
                self._http_error_message(response.status_code, payload, config)
            )
        return payload

    def _connection_error_message(self, exc, config):
        """What failed when Twilio gave no answer, and what to check."""
        kind, detail = errors.connection_failure(exc)
        if config["auth_token"]:
            detail = detail.replace(config["auth_token"], "****")
        api_url = config["api_url"] or urls.DEFAULT_API_URL
        host = urls.host_of(api_url)
        if kind == errors.FAILURE_DNS:
            failure = _(
                "Twilio could not be reached: the name %(host)s does not resolve. "
                "Check the Twilio API URL, and this server's DNS and internet "
                "access.",
                host=host,
            )
        elif kind == errors.FAILURE_REFUSED:
            failure = _(
                "Twilio could not be reached: %(host)s refused the connection. "
                "Check the Twilio API URL (host and port), and any firewall or "
                "proxy between this server and the internet.",
                host=host,
            )
        elif kind == errors.FAILURE_CONNECT_TIMEOUT:
            failure = _(
                "Twilio could not be reached: the connection to %(host)s timed "
                "out. Check this server's internet access and that its firewall "
                "lets https (port 443) out.",
                host=host,
            )
        elif kind == errors.FAILURE_READ_TIMEOUT:
            failure = _(
                "Twilio did not answer within %(seconds)s seconds (%(host)s). "
                "Try again in a few minutes and check status.twilio.com; raise "
                "the request timeout (developer mode) on a slow network.",
                host=host,
                seconds=config["timeout"],
            )
        elif kind == errors.FAILURE_TLS:
            failure = _(
                "The secure (https) connection to %(host)s failed. Check this "
                "server's date and time and its CA certificates, that no proxy "
                "intercepts https, and that the Twilio API URL is %(default)s.",
                host=host,
                default=urls.DEFAULT_API_URL,
            )
        elif kind == errors.FAILURE_PROXY:
            failure = _(
                "The proxy between this server and Twilio (%(host)s) failed. "
                "Check the HTTPS_PROXY setting of the Odoo server and the proxy.",
                host=host,
            )
        elif kind == errors.FAILURE_INVALID_URL:
            failure = _(
                "The Twilio API URL %(url)s cannot be requested. Set it to "
                "%(default)s (developer mode, Twilio settings).",
                url=api_url,
                default=urls.DEFAULT_API_URL,
            )
        else:
            failure = _(
                "The connection to Twilio (%(host)s) failed. Check this "
                "server's internet access, then try again.",
                host=host,
            )
        return _("%(failure)s\nDetails: %(detail)s", failure=failure, detail=detail)

    def _http_error_message(self, status, payload, config):
        """What Twilio's error answer means, and what to check."""
        kind = errors.http_failure(status)
        answer = _(
            "Twilio answered HTTP %(status)s, error %(code)s: %(message)s",
            status=status,
            code=payload.get("code") or "-",
            message=payload.get("message") or "-",
        )
        if kind == errors.FAILURE_CREDENTIALS:
            advice = _(
                "Twilio refused the credentials of %(company)s. Copy the Account "
                "SID and the Auth Token again from the Twilio console (the live "
                "ones, not the test credentials), save, and check again.",
                company=self.company_id.name,
            )
        elif kind == errors.FAILURE_FORBIDDEN:
            advice = _(
                "Twilio refused access to account %(sid)s: it may be suspended "
                "or closed, or these credentials may not have access to it. "
                "Check the account in the Twilio console.",
                sid=config["account_sid"],
            )
        elif kind == errors.FAILURE_NOT_FOUND:
            advice = _(
                "Twilio does not know account %(sid)s (or the requested number). "
                "Check the Account SID, and the Twilio API URL (developer mode).",
                sid=config["account_sid"],
            )
        elif kind == errors.FAILURE_BUSY:
            advice = _("Twilio asks to slow down. Wait a minute, then try again.")
        elif kind == errors.FAILURE_SERVER:
            advice = _(
                "Twilio had a problem on its side. Try again in a few minutes, "
                "and check status.twilio.com."
            )
        else:
            advice = _("Twilio refused the request.")
        return _("%(advice)s\n%(answer)s", advice=advice, answer=answer)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Twilio Connection"),
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
