# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.sms.models.sms_sms import SmsSms as CoreSmsSms

from ..sending import QUEUED_SMS_STATE, apply_results, send_with_api
from ..tools import sending_policy
from ..tools.phone import number_facts

# 17.0 builds since Aug 2025 route each SMS to an API object in ``send()``.
CORE_ROUTES_BY_API = hasattr(CoreSmsSms, "_split_by_api")

# Retention SMS handed to providers per transaction of the sending job.
SEND_BATCH_PARAM = "sms_retention.send_batch_size"
SEND_BATCH_DEFAULT = 2000


class SmsSms(models.Model):
    """Route every outgoing SMS to its company's provider.

    Sudo policy: provider results are applied with ``sudo()`` on the records
    being sent, as Odoo core does, since the sender may not read trackers.

    Rows written in SQL: the sending run (``sending.SendingRun._queue``)
    inserts the SMS of retention messages, and their trackers, in one
    statement per batch, in the state ``sms_retention_queued`` that Odoo's
    queue ignores. Contract: each row equals what ``create`` would write
    with the same values (field defaults for every column the statement does
    not name, whoever added the field), except the author, which the job
    leaves empty as superuser (``test_queued_rows_equal_orm_rows``). Their
    results are applied in SQL too (``sending.apply_results``): no other
    module's override of ``write`` or ``unlink`` runs for them; the
    trackers and messages are moved through their methods.
    """

    _inherit = "sms.sms"

    sms_retention_company_id = fields.Many2one(
        "res.company",
        string="Sending Company",
        help="Company whose provider sends this SMS, when it is not the "
        "company of its retention message or chatter message.",
    )

    state = fields.Selection(
        selection_add=[(QUEUED_SMS_STATE, "Queued for SMS Retention")],
        ondelete={QUEUED_SMS_STATE: "set default"},
    )
    sms_retention_message_id = fields.Many2one(
        "sms.retention.message",
        string="Retention Message",
        compute="_compute_sms_retention_message_id",
        help="The retention message this SMS sends (same uuid). Its "
        "sending job hands it to the provider; Odoo's SMS queue leaves it "
        "alone until then.",
    )
    sms_retention_not_before = fields.Datetime(
        string="Not Before",
        index="btree_not_null",
        help="Held by the company's sending hours until then.",
    )
    sms_retention_gate = fields.Selection(
        [
            (sending_policy.FULL_POLICY, "Full Policy"),
            (sending_policy.CONSENT_ONLY, "Consent Only"),
            (sending_policy.OPT_OUT_CONFIRMATION, "Opt-Out Confirmation"),
        ],
        string="Sending Policy",
        readonly=True,
        help="How the sending policy gates this SMS, sent now by SMS "
        "Retention: fully (held until the sending hours), on consent only "
        "(an answer in a conversation), or as the confirmation of an "
        "opt-out (it goes to the number that opted out). Empty: an SMS of "
        "Odoo, gated fully when its company applies the policy to all SMS.",
    )

    def init(self):
        res = super().init()
        # The sending job's lock walks only the SMS it owns, in id order.
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS sms_sms_sms_retention_queued_index
                       ON sms_sms (id) WHERE state = %s""",
                QUEUED_SMS_STATE,
            )
        )
        return res

    def _compute_sms_retention_message_id(self):
        messages_sudo = self.env["sms.retention.message"]._sudo_by_sms_uuid(
            self.mapped("uuid")
        )
        by_uuid = {message.sms_uuid: message.id for message in messages_sudo}
        for sms in self:
            sms.sms_retention_message_id = by_uuid.get(sms.uuid, False)

    def unlink(self):
        """A retention message whose queued SMS is deleted fails visibly."""
        queued_uuids = [
            sms.uuid for sms in self if sms.state == QUEUED_SMS_STATE and sms.uuid
        ]
        self.env["sms.retention.message"]._sudo_by_sms_uuid(
            queued_uuids
        )._update_from_sms_state("error", "sms_deleted")
        return super().unlink()

    # ------------------------------------------------------------
    # RETENTION SMS QUEUE
    # ------------------------------------------------------------

    @api.model
    def _sms_retention_send_batch_size(self):
        """Retention SMS the sending job hands to providers per transaction.

        The system parameter, default 2000. Odoo's own provider splits them
        in its ``sms.session.batch.size`` requests; a provider that calls
        out per SMS caps it (each transaction must end well within a cron
        worker's time limit).
        """
        size = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(SEND_BATCH_PARAM, SEND_BATCH_DEFAULT)
        )
        return max(size, 1)

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
        allowed = self._sms_retention_gate()
        return super(SmsSms, allowed).send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

    def _sms_retention_gate(self):
        """The gate of every SMS sent outside the sending job: hold or cancel
        what the sending policy does not let go now.

        Each outgoing SMS is decided by its ``sms_retention_gate``; an SMS
        of Odoo without one by the full policy when its company applies the
        policy to all SMS, else not at all. Refused SMS are canceled, their
        failure type saying why; outside the customer's sending hours the
        SMS waits in the queue, and the queue job is woken then. (The
        sending job decides its own SMS and hands them to the providers.)

        :return: the SMS that may be sent now
        """
        outgoing = self.filtered(lambda sms: sms.state == "outgoing")
        company_ids = outgoing._sms_retention_company_ids()
        companies = self.env["res.company"].browse(set(company_ids.values()))
        policy_company_ids = set(companies.filtered("sms_retention_policy_all_sms").ids)
        modes = {}
        for sms in outgoing:
            if sms.sms_retention_gate:
                modes[sms.id] = sms.sms_retention_gate
            elif company_ids[sms.id] in policy_company_ids:
                modes[sms.id] = sending_policy.FULL_POLICY
        if not modes:
            return self
        now = fields.Datetime.now()
        gated = self.browse(list(modes))
        waiting = gated.filtered(
            lambda sms: sms.sms_retention_not_before
            and sms.sms_retention_not_before > now
        )
        gated -= waiting
        decisions = self._sms_retention_decide_now(
            [
                (
                    sms.id,
                    sms.number,
                    sms.partner_id,
                    companies.browse(company_ids[sms.id]),
                    modes[sms.id],
                )
                for sms in gated
            ],
            now,
        )
        canceled, held = {}, {}
        for sms in gated:
            facts, decision = decisions[sms.id]
            if decision.action == sending_policy.DEFER:
                held[sms] = decision.when
            elif decision.action != sending_policy.SEND:
                failure_type = sms._sms_retention_refusal_failure(facts, decision)
                canceled[failure_type] = canceled.get(failure_type, self.browse()) | sms
        for failure_type, records in canceled.items():
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

    @api.model
    def _sms_retention_decide_now(self, targets, now):
        """Ask the sending policy about SMS sent now, outside the sending
        job (``tools.sending_policy.decide_now``).

        :param list targets: ``(key, number, partner, company, mode)`` of
          each SMS: ``key`` spreads held SMS over the first minutes of
          their slot (the SMS's id); ``partner`` the customer, or empty
        :return: ``{key: (Facts, Decision)}``, the blacklist read in one query
        """
        numbers = list({target[1] for target in targets if target[1]})
        blacklisted = set(
            self.env["phone.blacklist"]
            .sudo()
            .search([("number", "in", numbers)])
            .mapped("number")
            if numbers
            else ()
        )
        policies, decisions = {}, {}
        for key, number, partner, company, mode in targets:
            valid, landline = number_facts(number)
            facts = sending_policy.Facts(
                key=key,
                consent=partner.sms_retention_consent or "unknown",
                blacklisted=number in blacklisted,
                number_ok=valid,
                landline=landline,
                marketing=False,
                allow_unknown_consent=False,
                tz=partner._sms_retention_effective_tz(company, number=number),
            )
            policy = None
            if mode == sending_policy.FULL_POLICY:
                policy_key = (company.id, partner.country_id.id)
                if policy_key not in policies:
                    policies[policy_key] = company._sms_retention_policy(
                        partner.country_id
                    )
                policy = policies[policy_key]
            decisions[key] = (
                facts,
                sending_policy.decide_now(facts, mode, now, policy),
            )
        return decisions

    def _sms_retention_refusal_failure(self, facts, decision):
        """The failure type of this SMS canceled by the sending policy."""
        self.ensure_one()
        if decision.reason == "consent":
            return "sms_blacklist" if facts.blacklisted else "sms_optout"
        if decision.reason == "invalid_number":
            return "sms_number_format" if self.number else "sms_number_missing"
        return False

    # ------------------------------------------------------------
    # PROVIDER ROUTING
    # ------------------------------------------------------------

    def _sms_retention_company_ids(self):
        """``{sms id: id of the company that sends it}``, in one query.

        The SMS's own sending company, else the company of its retention
        message (same uuid), else the company of its chatter
        message's record, else the current company.
        """
        if not self:
            return {}
        self.flush_model(["sms_retention_company_id", "mail_message_id", "uuid"])
        self.env["mail.message"].flush_model(["record_company_id"])
        self.env["sms.retention.message"].flush_model(["sms_uuid", "company_id"])
        self.env.cr.execute(
            """SELECT s.id, COALESCE(
                          s.sms_retention_company_id,
                          (SELECT r.company_id FROM sms_retention_message r
                            WHERE r.sms_uuid = s.uuid LIMIT 1),
                          (SELECT m.record_company_id FROM mail_message m
                            WHERE m.id = s.mail_message_id))
                 FROM sms_sms s
                WHERE s.id = ANY(%s)""",
            [list(self.ids)],
        )
        company_ids = dict(self.env.cr.fetchall())
        if not all(company_ids.get(sms_id) for sms_id in self.ids):
            # Only then: the current company may cost a query of the user.
            default = self.env.company.id
            company_ids = {
                sms_id: company_ids.get(sms_id) or default for sms_id in self.ids
            }
        return company_ids

    def _sms_retention_split_by_provider(self, company_ids=None, api_classes=None):
        """Yield ``(api, records)``; ``api`` is None for Odoo's own provider.

        :param dict company_ids: ``{sms id: sending company id}`` when known
          (see :meth:`_sms_retention_company_ids`, read here otherwise)
        :param dict api_classes: ``{company id: provider API class}`` kept
          by the sending run (``RunSettings.api_classes``): each company's
          provider is read once per run
        """
        if company_ids is None:
            company_ids = self._sms_retention_company_ids()
        ids_by_company = {}
        for sms_id, company_id in company_ids.items():
            ids_by_company.setdefault(company_id, []).append(sms_id)
        if api_classes is None:
            api_classes = {}
        unknown = self.env["res.company"].browse(
            [
                company_id
                for company_id in ids_by_company
                if company_id not in api_classes
            ]
        )
        # Just these: a lazy read would fetch every company column per batch.
        unknown.fetch(["sms_retention_provider", "country_id"])
        for company in unknown:
            api_classes[company.id] = company._sms_retention_api_class()
        for company_id, ids in ids_by_company.items():
            company = self.env["res.company"].browse(company_id)
            records = self.browse(ids)
            api_class = api_classes[company_id]
            if api_class:
                yield api_class(self.env)._set_company(company), records
            else:
                yield None, records

    def _split_by_api(self):
        """Newer 17.0 builds: hand our providers' SMS to their API objects."""
        via_core = self.browse()
        for sms_api, records in self._sms_retention_split_by_provider():
            if sms_api is None:
                via_core |= records
            else:
                yield sms_api, records
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
        for sms_api, records in self._sms_retention_split_by_provider():
            if sms_api is None:
                super(SmsSms, records)._send(
                    unlink_failed=unlink_failed,
                    unlink_sent=unlink_sent,
                    raise_exception=raise_exception,
                )
            else:
                send_with_api(
                    records, sms_api, unlink_failed, unlink_sent, raise_exception
                )

    def _sms_retention_apply_results(
        self, results, unlink_failed, unlink_sent, links=None
    ):
        """Hook: apply a provider's answers to these SMS, their trackers and
        messages (see :func:`~..sending.apply_results`); a provider addon
        maps its own answers first."""
        apply_results(self, results, unlink_failed, unlink_sent, links)
