# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import http
from odoo.http import request

from ..tools import signature, urls

_logger = logging.getLogger(__name__)

PROVIDER = "sms_retention_twilio"
MAX_BODY = 64 * 1024
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


# Both webhooks: public, POST only, form-encoded, no session, bounded body.
WEBHOOK_ROUTE = {
    "type": "http",
    "auth": "public",
    "methods": ["POST"],
    "csrf": False,
    "save_session": False,
    "max_content_length": MAX_BODY,
}


class SmsRetentionTwilioController(http.Controller):
    """Twilio's webhooks: incoming SMS and delivery status callbacks.

    Both are public, POST only, form-encoded and signed: the signature is
    checked before anything is written, with the auth token of the company
    that owns the request's AccountSid; sudo comes after, on exact keys.
    """

    @http.route(urls.INBOUND_PATH, **WEBHOOK_ROUTE)
    def sms_retention_twilio_inbound(self, **_params):
        company_sudo = self._sms_retention_twilio_verify(urls.INBOUND_PATH)
        if company_sudo is None:
            return self._sms_retention_twilio_forbidden()
        form = request.httprequest.form
        request.env["sms.retention.inbound"].sudo()._receive(
            PROVIDER,
            form.get("From"),
            form.get("Body"),
            to_number=form.get("To"),
            provider_message_id=form.get("MessageSid") or form.get("SmsSid"),
            company=company_sudo,
        )
        return self._sms_retention_twilio_twiml()

    @http.route(urls.STATUS_PATH, **WEBHOOK_ROUTE)
    def sms_retention_twilio_status(self, **_params):
        company_sudo = self._sms_retention_twilio_verify(urls.STATUS_PATH)
        if company_sudo is None:
            return self._sms_retention_twilio_forbidden()
        request.env["sms.sms"].sudo()._sms_retention_twilio_apply_status(
            company_sudo,
            request.httprequest.form.to_dict(),
            uuid=request.httprequest.args.get("uuid"),
        )
        return self._sms_retention_twilio_twiml()

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _sms_retention_twilio_verify(self, path):
        """The company whose token signed this request, or None.

        Reads only: the companies of the request's AccountSid (exact match),
        and their token. No token configured: None (fail closed).
        """
        httprequest = request.httprequest
        header = httprequest.headers.get("X-Twilio-Signature")
        form = httprequest.form
        account_sid = form.get("AccountSid")
        if not header or not account_sid:
            return None
        companies_sudo = (
            request.env["res.company"]
            .sudo()
            .search([("sms_retention_twilio_account_sid", "=", account_sid)])
        )
        if len(companies_sudo) > 1:
            ends = {form.get("To"), form.get("From")}
            owners = companies_sudo.filtered(
                lambda c: ends
                & {
                    c.sms_retention_twilio_from_number,
                    *c.sms_retention_twilio_sender_ids.mapped("number"),
                }
            )
            companies_sudo = owners or companies_sudo
        query = httprequest.environ.get("QUERY_STRING", "")
        for company_sudo in companies_sudo:
            token = company_sudo.sms_retention_twilio_auth_token
            candidates = [
                signature.public_url(
                    company_sudo._sms_retention_twilio_webhook_base(), path, query
                )
            ]
            if not company_sudo.sms_retention_twilio_public_url:
                # No public URL configured: the URL as Odoo sees it (proxy_mode).
                candidates.append(
                    signature.public_url(httprequest.host_url, path, query)
                )
            if signature.validate_signature(token, candidates, form, header):
                return company_sudo
        return None

    def _sms_retention_twilio_forbidden(self):
        _logger.warning(
            "Twilio webhook %s rejected: missing or invalid signature",
            request.httprequest.path,
        )
        return request.make_response(
            "Forbidden", headers=[("Content-Type", "text/plain")], status=403
        )

    def _sms_retention_twilio_twiml(self):
        return request.make_response(
            TWIML_EMPTY, headers=[("Content-Type", "text/xml; charset=utf-8")]
        )
