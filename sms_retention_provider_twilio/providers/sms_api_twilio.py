# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Twilio SMS provider: Messages API, with crash-safe attempts.

It speaks the contract of Odoo's ``SmsApi._send_sms_batch`` (see
``sms_retention.tools.sms_api_sandbox``). Every SMS is recorded as an
attempt (``sms.retention.twilio.attempt``) in a transaction of its own
before its request, so that a uuid Twilio may already have is never POSTed
blindly again: it is reconciled with Twilio's message list first.
"""

import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from email.utils import parsedate_to_datetime

import requests
from psycopg2 import errors as pg_errors
from urllib3.exceptions import NewConnectionError

from odoo import SUPERUSER_ID, _, api, fields
from odoo.tools import mute_logger

from odoo.addons.sms_retention.tools.phone import PhoneNumberError, region_of, to_e164
from odoo.addons.sms_retention.tools.sms_api_sandbox import (
    SmsRetentionApiMixin,
    _SmsApiBase,
)

from ..tools import errors, urls
from ..tools.pacing import PACER

_logger = logging.getLogger(__name__)

ATTEMPT = "sms.retention.twilio.attempt"


class SmsApiTwilio(SmsRetentionApiMixin, _SmsApiBase):
    PROVIDER = "sms_retention_twilio"
    RETRY_BASE_DELAY = 0.5
    RETRY_CAP = 30.0
    # Twilio's clock and ours may differ: reconcile a little before the attempt.
    RECONCILE_MARGIN = timedelta(minutes=2)

    # ------------------------------------------------------------
    # CONFIGURATION
    # ------------------------------------------------------------

    def _config(self):
        company_sudo = self.company.sudo()
        senders = {
            sender.country_id.code or False: sender.number
            for sender in company_sudo.sms_retention_twilio_sender_ids
        }
        return {
            "company_id": company_sudo.id,
            "account_sid": company_sudo.sms_retention_twilio_account_sid or "",
            "auth_token": company_sudo.sms_retention_twilio_auth_token or "",
            "service_sid": company_sudo.sms_retention_twilio_messaging_service_sid,
            "from_number": company_sudo.sms_retention_twilio_from_number,
            "senders": senders,
            "api_url": company_sudo.sms_retention_twilio_api_url,
            "rate": company_sudo.sms_retention_twilio_rate,
            "timeout": company_sudo.sms_retention_twilio_timeout or 10.0,
            "max_attempts": max(company_sudo.sms_retention_twilio_max_attempts, 1),
            "webhook_base": company_sudo._sms_retention_twilio_webhook_base(),
            "region": company_sudo.country_id.code,
        }

    def _sender(self, config, to):
        """``{'MessagingServiceSid': ...}`` or ``{'From': ...}``, or None."""
        if config["service_sid"]:
            return {"MessagingServiceSid": config["service_sid"]}
        number = (
            config["senders"].get(region_of(to))
            or config["senders"].get(False)
            or config["from_number"]
        )
        return {"From": number} if number else None

    # ------------------------------------------------------------
    # WIRE
    # ------------------------------------------------------------

    def _twilio_request(self, config, method, url, data=None, params=None):
        """The one call that leaves Odoo: Basic auth and a timeout, always.

        Neither the token nor the body is logged.
        """
        timeout = config["timeout"]
        return requests.request(
            method,
            url,
            data=data,
            params=params,
            auth=(config["account_sid"], config["auth_token"]),
            timeout=(min(timeout, 5.0), timeout),
        )

    @staticmethod
    def _json(response):
        try:
            payload = response.json()
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    # ------------------------------------------------------------
    # ATTEMPTS (own transaction)
    # ------------------------------------------------------------

    @contextmanager
    def _attempt_env(self):
        """An environment whose writes are committed at once.

        In tests, the test transaction (nothing may commit there).
        """
        if getattr(threading.current_thread(), "testing", False) or (
            self.env.registry.in_test_mode()
        ):
            yield self.env(su=True)
            return
        with self.env.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _attempt_read(self, uuid):
        with self._attempt_env() as env:
            attempt = env[ATTEMPT].search([("sms_uuid", "=", uuid)], limit=1)
            if not attempt:
                return None
            return attempt.read(
                ["sms_uuid", "state", "attempted_at", "message_sid", "from_number"]
            )[0]

    def _attempt_write(self, uuid, vals, message=None, count_post=False, claim=False):
        """Write the attempt of ``uuid``, committed at once; its id.

        ``claim``: create it, the SMS having none; None if another sender
        created it meanwhile.
        """
        with self._attempt_env() as env:
            attempt = env[ATTEMPT].browse()
            if not claim:
                attempt = env[ATTEMPT].search([("sms_uuid", "=", uuid)], limit=1)
            if count_post:
                vals = dict(vals, post_count=attempt.post_count + 1)
            if attempt:
                attempt.write(vals)
            else:
                try:
                    with env.cr.savepoint(), mute_logger("odoo.sql_db"):
                        attempt = env[ATTEMPT].create(dict(vals, sms_uuid=uuid))
                except pg_errors.UniqueViolation:
                    # Another sender claimed this SMS at the same moment.
                    return None
            if message:
                attempt._apply_message(message)
            return attempt.id

    # ------------------------------------------------------------
    # SENDING
    # ------------------------------------------------------------

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        """Send each SMS through Twilio's Messages API.

        :param list messages: ``[{'content': str, 'numbers': [{'uuid', 'number'}]}]``
        :return: ``[{'uuid', 'state', 'credit', 'twilio_sid'}]``; states are
          those of ``sms.sms.IAP_TO_SMS_STATE_SUCCESS`` and
          ``IAP_TO_SMS_FAILURE_TYPE`` plus this addon's ``twilio_*`` ones.
        """
        config = self._config()
        results = []
        for message in messages:
            for number in message["numbers"]:
                if not (config["account_sid"] and config["auth_token"]):
                    state = errors.STATE_ACCOUNT
                    results.append({"uuid": number["uuid"], "state": state})
                    continue
                results.append(
                    self._send_one(
                        config, number["uuid"], number["number"], message["content"]
                    )
                )
        return results

    def _send_one(self, config, uuid, number, body):
        try:
            to = to_e164(number, config["region"])
        except PhoneNumberError:
            return {"uuid": uuid, "state": errors.STATE_WRONG_NUMBER}
        previous = self._attempt_read(uuid)
        if previous and previous["state"] == "accepted":
            # Twilio has it already (a crash before our commit): no new request.
            return self._accepted_result(uuid, previous["message_sid"])
        if previous and previous["state"] in ("sending", "unknown"):
            found = self._reconcile(config, previous, to, body)
            if found is None:
                self._attempt_write(uuid, {"state": "unknown"})
                return {"uuid": uuid, "state": errors.STATE_UNKNOWN}
            if found:
                self._attempt_write(uuid, {"state": "accepted"}, message=found)
                return self._accepted_result(uuid, found["sid"])
        if self._stopped_at_twilio(config, to):
            return {"uuid": uuid, "state": errors.STATE_OPTED_OUT}
        sender = self._sender(config, to)
        if not sender:
            return {"uuid": uuid, "state": errors.STATE_ACCOUNT}
        data = {
            "To": to,
            "Body": body,
            "StatusCallback": urls.webhook_url(
                config["webhook_base"], urls.STATUS_PATH, uuid=uuid
            ),
            **sender,
        }
        claimed = self._attempt_write(
            uuid,
            {
                "state": "sending",
                "company_id": config["company_id"],
                "account_sid": config["account_sid"],
                "to_number": to,
                "from_number": sender.get("From"),
                "messaging_service_sid": sender.get("MessagingServiceSid"),
                "attempted_at": fields.Datetime.now(),
                "error_code": 0,
                "error_message": False,
            },
            claim=previous is None,
        )
        if not claimed:
            # Being sent by another process: its outcome settles this SMS.
            return {"uuid": uuid, "state": errors.STATE_UNKNOWN}
        outcome, payload = self._post(config, uuid, data)
        if outcome == "accepted":
            self._attempt_write(uuid, {"state": "accepted"}, message=payload)
            return self._accepted_result(uuid, payload.get("sid"), payload)
        if outcome == "unknown":
            # Twilio may have it: the status callback or the list settles it.
            self._attempt_write(
                uuid, {"state": "unknown", "error_message": payload.get("message")}
            )
            return {"uuid": uuid, "state": errors.STATE_UNKNOWN}
        code = int(payload.get("code") or 0)
        self._attempt_write(
            uuid,
            {
                "state": "failed",
                "error_code": code,
                "error_message": (payload.get("message") or "")[:256],
            },
        )
        if outcome == "failed":
            return {"uuid": uuid, "state": errors.STATE_SERVER_ERROR}
        state = errors.rest_error_state(code)
        if code == errors.OPTED_OUT:
            self._opt_out(to)
        _logger.info("Twilio refused SMS %s: error %s", uuid, code)
        return {"uuid": uuid, "state": state}

    def _accepted_result(self, uuid, sid, payload=None):
        return {
            "uuid": uuid,
            "state": errors.STATE_ACCEPTED,
            "credit": 0,
            "twilio_sid": sid,
        }

    def _post(self, config, uuid, data):
        """POST one message; retry only what Twilio never processed.

        :return: ``(outcome, payload)``; outcome is ``accepted``, ``rejected``
          (a permanent Twilio error), ``unknown`` (maybe sent) or ``failed``
          (never sent, attempts exhausted)
        """
        url = urls.messages_url(config["api_url"], config["account_sid"])
        last = {}
        for attempt in range(1, config["max_attempts"] + 1):
            PACER.wait(config["account_sid"], config["rate"])
            self._attempt_write(uuid, {}, count_post=True)
            retry_after = None
            try:
                response = self._twilio_request(config, "POST", url, data=data)
            except requests.ReadTimeout:
                return "unknown", {"message": "read timeout"}
            except requests.ConnectionError as exc:
                if not self._never_sent(exc):
                    return "unknown", {"message": "connection lost"}
                last = {"message": "connection refused"}
            else:
                payload = self._json(response)
                status = response.status_code
                if status in (200, 201):
                    return "accepted", payload
                code = int(payload.get("code") or 0)
                if status == 429 or code == errors.TOO_MANY_REQUESTS:
                    last = {"code": code or errors.TOO_MANY_REQUESTS, **payload}
                elif status == 503:
                    last = {"code": code, "message": "service unavailable"}
                elif status >= 500:
                    return "unknown", {"code": code, "message": f"HTTP {status}"}
                else:
                    return "rejected", payload
                retry_after = errors.parse_retry_after(
                    response.headers.get("Retry-After")
                )
            if attempt < config["max_attempts"]:
                delay = errors.backoff_delay(
                    attempt,
                    base=self.RETRY_BASE_DELAY,
                    cap=self.RETRY_CAP,
                    retry_after=retry_after,
                )
                _logger.info(
                    "Twilio busy or unreachable for SMS %s; retry %s in %.2fs",
                    uuid,
                    attempt,
                    delay,
                )
                self._sleep(delay)
        _logger.warning(
            "SMS %s not sent: Twilio busy or unreachable after %s attempts",
            uuid,
            config["max_attempts"],
        )
        return "failed", last

    @staticmethod
    def _sleep(seconds):
        """Wait between retries (the tests' virtual clock replaces it)."""
        time.sleep(seconds)

    @staticmethod
    def _never_sent(exc):
        """Whether a connection error happened before the request was sent."""
        if isinstance(exc, requests.ConnectTimeout):
            return True
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return isinstance(reason, NewConnectionError)

    # ------------------------------------------------------------
    # RECONCILIATION
    # ------------------------------------------------------------

    def _reconcile(self, config, attempt, to, body):
        """Find the message of an attempt in Twilio's list.

        :return: the message resource, False when Twilio has none, None when
          Twilio could not be asked
        """
        since = attempt["attempted_at"] - self.RECONCILE_MARGIN
        url = urls.messages_url(config["api_url"], config["account_sid"])
        params = {"To": to, "DateSent>": since.date().isoformat(), "PageSize": 100}
        try:
            response = self._twilio_request(config, "GET", url, params=params)
        except requests.RequestException:
            return None
        if response.status_code != 200:
            return None
        with self._attempt_env() as env:
            claimed_sids = set(
                env[ATTEMPT]
                .search(
                    [
                        ("to_number", "=", to),
                        ("message_sid", "!=", False),
                        ("sms_uuid", "!=", attempt.get("sms_uuid", "")),
                    ]
                )
                .mapped("message_sid")
            )
        for message in self._json(response).get("messages") or []:
            if message.get("sid") in claimed_sids or message.get("body") != body:
                continue
            if attempt.get("from_number") and message.get("from") not in (
                attempt["from_number"],
                None,
            ):
                continue
            created = message.get("date_created")
            try:
                created = parsedate_to_datetime(created).replace(tzinfo=None)
            except (TypeError, ValueError):
                created = None
            if created and created < since:
                continue
            return message
        return False

    # ------------------------------------------------------------
    # OPT-OUT (21610)
    # ------------------------------------------------------------

    def _stopped_at_twilio(self, config, to):
        """Twilio refused this number with 21610 and it is still blacklisted."""
        env = self.env(su=True)
        if not env["phone.blacklist"].search_count([("number", "=", to)], limit=1):
            return False
        return bool(
            env[ATTEMPT].search_count(
                [
                    ("to_number", "=", to),
                    ("account_sid", "=", config["account_sid"]),
                    ("error_code", "=", errors.OPTED_OUT),
                ],
                limit=1,
            )
        )

    def _opt_out(self, to):
        """Twilio refused ``to`` with 21610: opt the number out (its
        customers, and Odoo's phone blacklist)."""
        self.env(su=True)["res.partner"]._sms_retention_opt_out_number(
            to,
            "api",
            note=_("Twilio error 21610: the recipient replied STOP to our sender."),
        )
