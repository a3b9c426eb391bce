# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re
from datetime import timedelta

from odoo import api, fields, models

from ..tools import errors

_logger = logging.getLogger(__name__)

UUID = re.compile(r"^[0-9a-f]{32}$")
PROVIDER = "sms_retention_twilio"
# Twilio outcomes of ``_send_sms_batch`` core does not know:
# state -> (sms.sms failure type, sms.tracker provider error)
TWILIO_FAILURES = {
    errors.STATE_OPTED_OUT: ("sms_optout", "not_allowed"),
    errors.STATE_NOT_MOBILE: ("sms_number_format", "invalid_destination"),
}
SMS_STATE_RANK = {"outgoing": 0, "process": 1, "pending": 2, "sent": 3, "error": 3}


class SmsSms(models.Model):
    """Twilio outcomes, status callbacks and the one delayed retry (30003).

    Sudo policy: status callbacks come from a public (signed) webhook; the
    records they update are read and written as superuser (``*_sudo``), by
    their exact uuid or Twilio SID only.
    """

    _inherit = "sms.sms"

    sms_retention_twilio_retry_of = fields.Char(
        string="Retry of SMS",
        copy=False,
        help="UUID of the SMS this one sends again, after Twilio could not "
        "reach the handset (error 30003).",
    )

    # ------------------------------------------------------------
    # SENDING
    # ------------------------------------------------------------

    def send(
        self,
        unlink_failed=False,
        unlink_sent=True,
        auto_commit=False,
        raise_exception=False,
    ):
        now = fields.Datetime.now()
        waiting = self.filtered(
            lambda sms: sms.sms_retention_twilio_retry_of
            and sms.sms_retention_not_before
            and sms.sms_retention_not_before > now
        )
        return super(SmsSms, self - waiting).send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

    @api.model
    def _sms_retention_twilio_batch_sizes(self):
        """The batch sizes set by the companies that send through Twilio."""
        return [
            company.sms_retention_twilio_batch_size
            for company in self.env["res.company"]
            .sudo()
            .search([("sms_retention_provider", "=", PROVIDER)])
            if company.sms_retention_twilio_batch_size > 0
        ]

    @api.model
    def _sms_retention_send_batch_size(self):
        # Twilio takes one request per SMS, paced: a transaction of the
        # retention job holds no more SMS than a Twilio batch.
        return min(
            [super()._sms_retention_send_batch_size()]
            + self._sms_retention_twilio_batch_sizes()
        )

    def _split_batch(self):
        sizes = self._sms_retention_twilio_batch_sizes()
        if not sizes:
            yield from super()._split_batch()
            return
        core_size = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("sms.session.batch.size", 500)
        )
        size = min(sizes + [core_size])
        for index in range(0, len(self.ids), size):
            yield self.ids[index : index + size]

    def _sms_retention_apply_results(
        self, results, unlink_failed, unlink_sent, links=None
    ):
        others = [r for r in results if r["state"] not in TWILIO_FAILURES]
        twilio = [r for r in results if r["state"] in TWILIO_FAILURES]
        if twilio:
            sms_sudo = self.sudo().with_context(sms_skip_msg_notification=True)
            for result in twilio:
                failure_type, provider_error = TWILIO_FAILURES[result["state"]]
                records = sms_sudo.filtered(lambda sms, r=result: sms.uuid == r["uuid"])
                records.sms_tracker_id._action_update_from_provider_error(
                    provider_error
                )
                extra = {"to_delete": True} if unlink_failed else {}
                records.write({"state": "error", "failure_type": failure_type, **extra})
            if not others:
                sms_sudo.mail_message_id._notify_message_notification_update()
        return super()._sms_retention_apply_results(
            others, unlink_failed, unlink_sent, links=links
        )

    # ------------------------------------------------------------
    # STATUS CALLBACKS
    # ------------------------------------------------------------

    @api.model
    def _sms_retention_twilio_apply_status(self, company, values, uuid=None):
        """Apply one signed status callback; forward-only and idempotent.

        :param company: the company whose token signed the callback
        :param dict values: the callback's form (MessageSid, MessageStatus,
          ErrorCode, ...)
        :param str uuid: the ``uuid`` of the callback URL, if any
        :return: the attempt updated, or an empty recordset when the
          callback is unknown, a duplicate or late
        """
        attempts_sudo = self.env["sms.retention.twilio.attempt"].sudo()
        sid = values.get("MessageSid") or values.get("SmsSid") or ""
        status = values.get("MessageStatus") or values.get("SmsStatus") or ""
        attempt_sudo = attempts_sudo.browse()
        if uuid and UUID.match(uuid):
            attempt_sudo = attempts_sudo.search([("sms_uuid", "=", uuid)], limit=1)
        if not attempt_sudo and sid:
            attempt_sudo = attempts_sudo.search([("message_sid", "=", sid)], limit=1)
        if (
            not attempt_sudo
            or attempt_sudo.company_id != company
            or (attempt_sudo.message_sid and sid and attempt_sudo.message_sid != sid)
        ):
            _logger.info("Twilio status for an unknown message %s: ignored", sid)
            return attempts_sudo
        # Rows are locked in one order, attempt_sudo first: concurrent callbacks of
        # one message apply one after the other.
        self.env.cr.execute(
            "SELECT id FROM sms_retention_twilio_attempt WHERE id = %s FOR UPDATE",
            [attempt_sudo.id],
        )
        attempt_sudo.invalidate_recordset()
        if not errors.is_forward(attempt_sudo.status, status):
            return attempts_sudo
        code = values.get("ErrorCode")
        code = int(code) if code and str(code).isdigit() else 0
        vals = {"status": status, "message_sid": attempt_sudo.message_sid or sid}
        if attempt_sudo.state in ("sending", "unknown"):
            vals["state"] = "accepted"
        if code:
            vals["error_code"] = code
        attempt_sudo.write(vals)
        self._sms_retention_twilio_update_sms(attempt_sudo, status, code)
        return attempt_sudo

    @api.model
    def _sms_retention_twilio_update_sms(self, attempt_sudo, status, code):
        """Move the tracker (notifications, traces) and the SMS, if kept."""
        trackers_sudo = (
            self.env["sms.tracker"]
            .sudo()
            .search([("sms_uuid", "=", attempt_sudo.sms_uuid)])
        )
        sms_sudo = self.sudo().search([("uuid", "=", attempt_sudo.sms_uuid)])
        if status in errors.SUCCESS_SMS_STATES:
            sms_state = errors.SUCCESS_SMS_STATES[status]
            trackers_sudo._action_update_from_sms_state(sms_state)
            sms_sudo.filtered(
                lambda sms: SMS_STATE_RANK.get(sms.state, 9) < SMS_STATE_RANK[sms_state]
            ).write({"state": sms_state, "failure_type": False})
            return
        if status not in ("undelivered", "failed"):
            return
        provider_error = errors.delivery_error(code)
        if (
            code in errors.RETRYABLE_DELIVERY_ERRORS
            and not attempt_sudo.retried
            and not attempt_sudo._is_retry()
            and sms_sudo
        ):
            if sms_sudo[:1]._sms_retention_twilio_retry_later(
                attempt_sudo, trackers_sudo
            ):
                return
        trackers_sudo._action_update_from_provider_error(provider_error)
        sms_sudo.write({"state": "error", "failure_type": "unknown"})

    def _sms_retention_twilio_retry_later(self, attempt_sudo, trackers_sudo, delay=30):
        """Queue one more try of this SMS in ``delay`` minutes (30003 only).

        The tracker follows the new SMS, so that notifications and traces
        show the outcome of the retry.
        """
        self.ensure_one()
        when = fields.Datetime.now() + timedelta(minutes=delay)
        retry = self.create(
            {
                "number": self.number,
                "body": self.body,
                "partner_id": self.partner_id.id,
                "mail_message_id": self.mail_message_id.id,
                "sms_retention_company_id": attempt_sudo.company_id.id,
                "sms_retention_twilio_retry_of": self.uuid,
                "sms_retention_not_before": when,
            }
        )
        trackers_sudo.write({"sms_uuid": retry.uuid})
        attempt_sudo.write({"retried": True, "retry_uuid": retry.uuid})
        self.write({"state": "error", "failure_type": "unknown", "to_delete": True})
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action", False)
        if cron:
            cron.sudo()._trigger(at=when)
        return retry

    # ------------------------------------------------------------
    # RECONCILIATION
    # ------------------------------------------------------------

    @api.model
    def _sms_retention_twilio_reconcile_unknown(self, older_than_minutes=5):
        """Settle attempts whose request may or may not have reached Twilio.

        Found in Twilio's list: accepted. Not found: the SMS goes back to the
        queue if it still exists (its next send reconciles once more before
        any request), else it fails visibly.
        """
        limit = fields.Datetime.now() - timedelta(minutes=older_than_minutes)
        attempts_sudo = (
            self.env["sms.retention.twilio.attempt"]
            .sudo()
            .search(
                [("state", "in", ("sending", "unknown")), ("attempted_at", "<", limit)],
                limit=200,
            )
        )
        settled = 0
        for company, company_attempts_sudo in attempts_sudo.grouped(
            "company_id"
        ).items():
            if not company or company.sms_retention_provider != PROVIDER:
                continue
            api = company._sms_retention_provider_api_class()(self.env)._set_company(
                company
            )
            config = api._config()
            for attempt_sudo in company_attempts_sudo:
                sms_sudo = self.sudo().search([("uuid", "=", attempt_sudo.sms_uuid)])
                body = sms_sudo[:1].body
                found = (
                    api._reconcile(
                        config,
                        attempt_sudo.read(["sms_uuid", "attempted_at", "from_number"])[
                            0
                        ],
                        attempt_sudo.to_number,
                        body,
                    )
                    if body is not False
                    else False
                )
                if found is None:
                    continue
                settled += 1
                if found:
                    attempt_sudo.write({"state": "accepted"})
                    attempt_sudo._apply_message(found)
                    status = found.get("status")
                    if status in errors.SUCCESS_SMS_STATES:
                        self._sms_retention_twilio_update_sms(attempt_sudo, status, 0)
                elif sms_sudo:
                    sms_sudo.write({"state": "outgoing", "to_delete": False})
                else:
                    attempt_sudo.write({"state": "failed"})
                    self.env["sms.tracker"].sudo().search(
                        [("sms_uuid", "=", attempt_sudo.sms_uuid)]
                    )._action_update_from_sms_state("error", failure_type="sms_server")
        return settled
