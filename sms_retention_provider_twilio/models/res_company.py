# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..providers.sms_api_twilio import SmsApiTwilio
from ..tools import urls
from ..tools.urls import DEFAULT_API_URL

ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
PROVIDER = "sms_retention_twilio"


class ResCompany(models.Model):
    """Twilio account of a company, for the SMS Retention provider switch.

    The auth token is readable by system administrators only; the send path
    and the webhooks read it as superuser (``*_sudo``), never log it.
    """

    _inherit = "res.company"

    sms_retention_provider = fields.Selection(
        selection_add=[(PROVIDER, "Twilio (SMS Retention)")],
        ondelete={PROVIDER: "set default"},
    )
    sms_retention_twilio_account_sid = fields.Char(
        string="Twilio SMS Account SID", index="btree_not_null", copy=False
    )
    sms_retention_twilio_auth_token = fields.Char(
        string="Twilio SMS Auth Token",
        groups="base.group_system",
        copy=False,
        help="Signs Twilio's webhooks and authenticates our requests. "
        "Never logged nor shown in the chatter.",
    )
    sms_retention_twilio_messaging_service_sid = fields.Char(
        string="Twilio Messaging Service SID",
        help="Send through this Messaging Service (its sender pool) rather "
        "than from a number.",
    )
    sms_retention_twilio_from_number = fields.Char(
        string="Twilio From Number",
        help="E.164 number SMS are sent from, unless a number is set for the "
        "destination country or a Messaging Service is used.",
    )
    sms_retention_twilio_sender_ids = fields.One2many(
        "sms.retention.twilio.sender", "company_id", string="Twilio Senders"
    )
    sms_retention_twilio_public_url = fields.Char(
        string="Twilio Webhook Base URL",
        help="Public URL Twilio calls, e.g. https://odoo.example.com. Behind a "
        "reverse proxy Odoo sees another URL, while Twilio signs this one. "
        "Empty: the database's web.base.url.",
    )
    sms_retention_twilio_api_url = fields.Char(
        string="Twilio API URL",
        default=DEFAULT_API_URL,
        help="Technical: point at a fake Twilio server for tests and demos.",
    )
    sms_retention_twilio_batch_size = fields.Integer(
        string="Twilio Batch Size",
        default=100,
        help="At most this many SMS per sending transaction.",
    )
    sms_retention_twilio_rate = fields.Float(
        string="Twilio Sends per Second",
        default=10.0,
        help="Paces requests to Twilio per account (0: no pacing).",
    )
    sms_retention_twilio_timeout = fields.Float(
        string="Twilio Request Timeout",
        default=10.0,
        help="Technical: seconds to wait for each Twilio answer.",
    )
    sms_retention_twilio_max_attempts = fields.Integer(
        string="Twilio Max Attempts",
        default=4,
        help="Technical: attempts per SMS when Twilio is busy (429) or "
        "unreachable (connection refused, 503) before the SMS fails.",
    )

    @api.constrains(
        "sms_retention_twilio_account_sid", "sms_retention_twilio_messaging_service_sid"
    )
    def _check_sms_retention_twilio_sids(self):
        for company in self:
            account = company.sms_retention_twilio_account_sid
            if account and not ACCOUNT_SID.match(account):
                raise ValidationError(
                    _(
                        "The Twilio Account SID %(sid)s is not valid: it starts "
                        "with AC followed by 32 hexadecimal characters.",
                        sid=account,
                    )
                )
            service = company.sms_retention_twilio_messaging_service_sid
            if service and not SERVICE_SID.match(service):
                raise ValidationError(
                    _(
                        "The Messaging Service SID %(sid)s is not valid: it "
                        "starts with MG followed by 32 hexadecimal characters.",
                        sid=service,
                    )
                )

    def _sms_retention_replies_reach_us(self, country):
        # Twilio carries no reply from some countries (its two-way coverage).
        rule = self.env["sms.retention.country.rule"]._of_country(country)
        if (
            rule
            and not rule.twilio_two_way
            and self._sms_retention_api_class() is SmsApiTwilio
        ):
            return False
        return super()._sms_retention_replies_reach_us(country)

    def _sms_retention_provider_api_class(self):
        if self.sms_retention_provider == PROVIDER:
            return SmsApiTwilio
        return super()._sms_retention_provider_api_class()

    def _sms_retention_twilio_webhook_base(self):
        self.ensure_one()
        return (self.sms_retention_twilio_public_url or self.get_base_url()).rstrip("/")

    @api.model
    def _sms_retention_twilio_url_warning(self, url):
        """Why Twilio cannot call webhooks under ``url`` and what to do, or
        False when nothing in the URL itself prevents it."""
        reason = urls.unreachable_reason(url)
        if not reason:
            return False
        host = urls.host_of(url)
        if reason == urls.UNREACHABLE_INVALID:
            cause = _("%(url)s is not a complete web address.", url=url or '""')
        elif reason == urls.UNREACHABLE_SCHEME:
            cause = _(
                "Twilio only calls https (or http) addresses, not %(url)s.", url=url
            )
        elif reason == urls.UNREACHABLE_HTTP:
            cause = _(
                "%(url)s uses plain http: Twilio's requests, with your customers' "
                "numbers and messages, would cross the internet unencrypted.",
                url=url,
            )
        elif reason in (urls.UNREACHABLE_LOCALHOST, urls.UNREACHABLE_LOOPBACK):
            cause = _(
                "%(host)s is this server's own address: Twilio, on the internet, "
                "cannot reach it.",
                host=host,
            )
        elif reason == urls.UNREACHABLE_LOCAL_NAME:
            cause = _(
                "%(host)s is a name of a local network, unknown on the internet: "
                "Twilio cannot reach it.",
                host=host,
            )
        elif reason == urls.UNREACHABLE_PRIVATE:
            cause = _(
                "%(host)s is a private network address: Twilio, on the internet, "
                "cannot reach it.",
                host=host,
            )
        elif reason == urls.UNREACHABLE_LINK_LOCAL:
            cause = _(
                "%(host)s is a link-local address, valid only next to this server: "
                "Twilio cannot reach it.",
                host=host,
            )
        elif reason == urls.UNREACHABLE_CGNAT:
            cause = _(
                "%(host)s is a carrier-grade NAT address (100.64.0.0/10), shared "
                "behind an internet provider: Twilio cannot reach it.",
                host=host,
            )
        else:
            cause = _(
                "%(host)s is a reserved address, not routed on the internet: "
                "Twilio cannot reach it.",
                host=host,
            )
        return _(
            "%(cause)s Set the Public URL (Settings, SMS Retention, Twilio) to "
            "the https address where the internet reaches this Odoo, e.g. "
            "https://odoo.example.com; for tests, a tunnel such as ngrok gives one.",
            cause=cause,
        )
