# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from werkzeug.urls import url_join

from odoo import fields, models, tools

from odoo.addons.sms.models.sms_sms import SmsSms as CoreSmsSms

from ..tools.phone import timezone_of
from ..tools.send_window import next_allowed

_logger = logging.getLogger(__name__)

# 17.0 builds since Aug 2025 route each SMS to an API object in ``send()``.
CORE_ROUTES_BY_API = hasattr(CoreSmsSms, "_split_by_api")


class SmsSms(models.Model):
    """Route every outgoing SMS to its company's provider.

    Sudo policy: provider results are applied with ``sudo()`` on the records
    being sent, as Odoo core does, since the sender may not read trackers.
    """

    _inherit = "sms.sms"

    sms_retention_company_id = fields.Many2one(
        "res.company",
        string="Sending Company",
        help="Company whose provider sends this SMS, when it is not the "
        "company of the chatter message.",
    )

    state = fields.Selection(
        selection_add=[("sms_retention_queued", "Queued for SMS Retention")],
        ondelete={"sms_retention_queued": "set default"},
    )
    sms_retention_message_id = fields.Many2one(
        "sms.retention.message",
        string="Retention Message",
        compute="_compute_sms_retention_message_id",
        help="The retention message this SMS sends (through its tracker). Its "
        "sending job hands it to the provider; Odoo's SMS queue leaves it "
        "alone until then.",
    )
    sms_retention_not_before = fields.Datetime(
        string="Not Before",
        index="btree_not_null",
        help="Held by the company's sending hours until then.",
    )

    # Columns the retention job's set-based insert writes itself.
    _SMS_RETENTION_INSERT_COLUMNS = frozenset(
        {
            "id",
            "uuid",
            "number",
            "body",
            "partner_id",
            "sms_retention_company_id",
            "state",
            "to_delete",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        }
    )

    def _compute_sms_retention_message_id(self):
        trackers_sudo = (
            self.env["sms.tracker"]
            .sudo()
            .search(
                [
                    ("sms_uuid", "in", [sms.uuid for sms in self if sms.uuid]),
                    ("sms_retention_message_id", "!=", False),
                ]
            )
        )
        by_uuid = {t.sms_uuid: t.sms_retention_message_id for t in trackers_sudo}
        for sms in self:
            sms.sms_retention_message_id = by_uuid.get(sms.uuid, False)

    def _sms_retention_insert_defaults(self):
        """Column values, from field defaults, for the columns the set-based
        insert does not write (fields added by other modules or builds)."""
        names = [
            name
            for name, field in self._fields.items()
            if field.store
            and field.column_type
            and name not in self._SMS_RETENTION_INSERT_COLUMNS
            and (field.default or field.required)
        ]
        defaults = self.default_get(names) if names else {}
        return {
            name: self._fields[name].convert_to_column(value, self)
            for name, value in defaults.items()
            if value is not None and value is not False
        }

    # ------------------------------------------------------------
    # SENDING POLICY FOR ALL SMS
    # ------------------------------------------------------------

    def send(
        self,
        unlink_failed=False,
        unlink_sent=True,
        auto_commit=False,
        raise_exception=False,
    ):
        allowed = self._sms_retention_apply_company_policy()
        return super(SmsSms, allowed).send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

    def _sms_retention_apply_company_policy(self):
        """Hold or cancel SMS of companies that apply the policy to all SMS.

        Retention messages passed the full policy already (context key
        ``sms_retention_policy_checked``). Others: opted-out customers and
        blacklisted numbers are canceled; outside the customer's sending
        hours the SMS waits in the queue, and the queue job is woken then.
        :return: the SMS that may be sent now
        """
        if self.env.context.get("sms_retention_policy_checked"):
            return self
        company_ids = self._sms_retention_company_ids()
        companies = self.env["res.company"].browse(set(company_ids.values()))
        policy_company_ids = set(companies.filtered("sms_retention_policy_all_sms").ids)
        guarded = self.filtered(
            lambda sms: sms.state == "outgoing"
            and company_ids[sms.id] in policy_company_ids
        )
        if not guarded:
            return self
        now = fields.Datetime.now()
        waiting = guarded.filtered(
            lambda sms: sms.sms_retention_not_before
            and sms.sms_retention_not_before > now
        )
        guarded -= waiting
        blacklisted = set(
            self.env["phone.blacklist"]
            .sudo()
            .search([("number", "in", list(set(guarded.mapped("number"))))])
            .mapped("number")
        )
        canceled = {"sms_blacklist": self.browse(), "sms_optout": self.browse()}
        held, policies = {}, {}
        for sms in guarded:
            if sms.number in blacklisted:
                canceled["sms_blacklist"] |= sms
                continue
            if sms.partner_id.sms_consent == "opted_out":
                canceled["sms_optout"] |= sms
                continue
            company = self.env["res.company"].browse(company_ids[sms.id])
            country = sms.partner_id.country_id
            key = (company.id, country.id)
            if key not in policies:
                policies[key] = company._sms_retention_policy(country)
            tz = (
                sms.partner_id._sms_retention_effective_tz(company)
                if sms.partner_id
                else timezone_of(sms.number) or company.partner_id.tz or "UTC"
            )
            when = next_allowed(policies[key], now, tz, key=sms.id)
            if when and when != now:
                held[sms] = when
        for failure_type, records in canceled.items():
            if records:
                records.sudo()._update_sms_state_and_trackers(
                    "canceled", failure_type=failure_type
                )
        for sms, when in held.items():
            sms.sudo().sms_retention_not_before = when
        if held:
            cron = self.env.ref("sms.ir_cron_sms_scheduler_action", False)
            if cron:
                cron.sudo()._trigger(at=min(held.values()))
        stopped = waiting.union(*held, *canceled.values())
        return self - stopped

    # ------------------------------------------------------------
    # PROVIDER ROUTING
    # ------------------------------------------------------------

    def _sms_retention_company_ids(self):
        """``{sms id: id of the company that sends it}``, in one query.

        The SMS's own sending company, else the company of its chatter
        message's record, else the current company.
        """
        if not self:
            return {}
        self.flush_model(["sms_retention_company_id", "mail_message_id"])
        self.env["mail.message"].flush_model(["record_company_id"])
        self.env.cr.execute(
            """SELECT s.id, COALESCE(s.sms_retention_company_id, m.record_company_id)
                 FROM sms_sms s
            LEFT JOIN mail_message m ON m.id = s.mail_message_id
                WHERE s.id = ANY(%s)""",
            [list(self.ids)],
        )
        company_ids = dict(self.env.cr.fetchall())
        default = self.env.company.id
        return {sms_id: company_ids.get(sms_id) or default for sms_id in self.ids}

    def _sms_retention_split_by_provider(self):
        """Yield ``(api, records)``; ``api`` is None for Odoo's own provider."""
        ids_by_company = {}
        for sms_id, company_id in self._sms_retention_company_ids().items():
            ids_by_company.setdefault(company_id, []).append(sms_id)
        for company_id, ids in ids_by_company.items():
            company = self.env["res.company"].browse(company_id)
            records = self.browse(ids)
            api_class = company._sms_retention_api_class()
            if api_class:
                yield api_class(self.env)._set_company(company), records
            else:
                yield None, records

    def _split_by_api(self):
        """Newer 17.0 builds: hand our providers' SMS to their API objects."""
        via_core = self.browse()
        for api, records in self._sms_retention_split_by_provider():
            if api is None:
                via_core |= records
            else:
                yield api, records
        if via_core:
            if CORE_ROUTES_BY_API:
                yield from super(SmsSms, via_core)._split_by_api()
            else:
                yield None, via_core

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        if CORE_ROUTES_BY_API:
            return super()._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        # July-2024 17.0 build: core ``_send`` always calls IAP.
        for api, records in self._sms_retention_split_by_provider():
            if api is None:
                super(SmsSms, records)._send(
                    unlink_failed=unlink_failed,
                    unlink_sent=unlink_sent,
                    raise_exception=raise_exception,
                )
            else:
                records._sms_retention_send_with_api(
                    api, unlink_failed, unlink_sent, raise_exception
                )

    def _sms_retention_send_with_api(
        self, api, unlink_failed, unlink_sent, raise_exception
    ):
        """Send through ``api`` and apply its results, as core does for IAP."""
        messages = [
            {
                "content": body,
                "numbers": [{"number": sms.number, "uuid": sms.uuid} for sms in group],
            }
            for body, group in self.grouped("body").items()
        ]
        reports_url = url_join(self[0].get_base_url(), "/sms/status")
        try:
            results = api._send_sms_batch(messages, delivery_reports_url=reports_url)
        except Exception as exc:
            _logger.warning(
                "SMS batch of %s through %s failed: %s",
                len(self),
                api.PROVIDER,
                exc.__class__.__name__,
            )
            if raise_exception:
                raise
            results = [{"uuid": sms.uuid, "state": "server_error"} for sms in self]
        else:
            _logger.info("SMS batch of %s sent through %s", len(self), api.PROVIDER)
        self._sms_retention_apply_results(results, unlink_failed, unlink_sent)

    def _sms_retention_apply_results(self, results, unlink_failed, unlink_sent):
        all_sms_sudo = self.sudo().with_context(sms_skip_msg_notification=True)
        all_sms_sudo.fetch(["uuid"])
        sms_id_by_uuid = {sms.uuid: sms.id for sms in all_sms_sudo}
        # One search for every tracker (core's sms_tracker_id computes per SMS).
        trackers_sudo = (
            self.env["sms.tracker"]
            .sudo()
            .search([("sms_uuid", "in", list(sms_id_by_uuid))])
        )
        tracker_id_by_uuid = {t.sms_uuid: t.id for t in trackers_sudo}
        for state, group in tools.groupby(results, key=lambda r: r["state"]):
            uuids = [r["uuid"] for r in group if r["uuid"] in sms_id_by_uuid]
            sms_sudo = all_sms_sudo.browse([sms_id_by_uuid[u] for u in uuids])
            group_trackers_sudo = trackers_sudo.browse(
                [tracker_id_by_uuid[u] for u in uuids if u in tracker_id_by_uuid]
            )
            success_state = self.IAP_TO_SMS_STATE_SUCCESS.get(state)
            if success_state:
                group_trackers_sudo._action_update_from_sms_state(success_state)
                extra = {"to_delete": True} if unlink_sent else {}
                sms_sudo.write({"state": success_state, "failure_type": False, **extra})
                continue
            failure_type = self.IAP_TO_SMS_FAILURE_TYPE.get(state, "unknown")
            if failure_type == "unknown":
                group_trackers_sudo._action_update_from_provider_error(state)
            else:
                group_trackers_sudo._action_update_from_sms_state(
                    "error", failure_type=failure_type
                )
            extra = {"to_delete": True} if unlink_failed else {}
            sms_sudo.write({"state": "error", "failure_type": failure_type, **extra})
        all_sms_sudo.mail_message_id._notify_message_notification_update()
