# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.osv import expression

from odoo.addons.sms_retention.models.sms_retention_inbound import (
    ANSWERS,
    POSSIBLE_STOP,
)

from .survey_user_input import OPEN_STATES


class SmsRetentionInbound(models.Model):
    """A reply, routed to the SMS survey awaiting it; the survey's answers
    are handled by the system, low scores and reviews are left to do.

    Runs as superuser (``*_sudo``) like the rest of the inbound pipeline: the
    reply comes from a public webhook.
    """

    _inherit = "sms.retention.inbound"

    survey_user_input_id = fields.Many2one(
        "survey.user_input",
        string="Survey Response",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The SMS survey response this reply answered.",
    )
    survey_low_score = fields.Boolean(
        related="survey_user_input_id.sms_low_score",
        store=True,
        string="Low Survey Score",
        help="The survey response this reply answered scored at or below "
        "the low threshold.",
    )

    def _route_reply(self):
        """Feed each reply to the customer's most recent open SMS survey.

        With two open surveys, the one sent last gets the reply. A reply
        classified STOP (by a keyword of the admin or by the parser: the
        keyword actions opted the number out) ends every open SMS survey of
        the number; the survey never reads a STOP of its own. A reply is
        routed once. A possible opt-out waits for its review, which routes
        it again as a STOP or as a plain reply.
        """
        res = super()._route_reply()
        for inbound_sudo in self.sudo():
            if inbound_sudo.survey_user_input_id:
                continue  # already routed
            if inbound_sudo.classification == POSSIBLE_STOP:
                continue
            open_sudo = inbound_sudo._open_sms_survey_responses()
            if not open_sudo:
                continue
            if inbound_sudo.classification == "stop":
                inbound_sudo.survey_user_input_id = open_sudo[:1]
                open_sudo._sms_end("stopped")
                continue
            current = open_sudo[:1]
            inbound_sudo.survey_user_input_id = current
            if current.sms_state == "review":
                # Waiting for a user: keep the reply for them, send nothing.
                current.sms_last_reply = inbound_sudo.body
                continue
            current._sms_handle_reply(inbound_sudo)
            inbound_sudo._sms_survey_mark_handled(current)
        return res

    def _sms_survey_mark_handled(self, user_input):
        """A reply the survey read as an answer needs no one: handled by the
        system, unless the score is low or the response awaits a review (the
        salesperson follows up)."""
        self.ensure_one()
        if (
            self.handle_state == "todo"
            and self.classification in ANSWERS
            and user_input.sms_state != "review"
            and not user_input.sms_low_score
            and not user_input.sms_failed_parses
        ):
            self._mark_handled_by_system()

    def _open_sms_survey_responses(self):
        """Open SMS responses of this sender, most recent first."""
        self.ensure_one()
        who = []
        if self.partner_id:
            who.append([("partner_id", "=", self.partner_id.id)])
        if self.from_number:
            who.append([("sms_number", "=", self.from_number)])
        if not who:
            return self.env["survey.user_input"]
        domain = expression.AND(
            [
                [
                    ("channel", "=", "sms"),
                    ("sms_state", "in", OPEN_STATES),
                    ("state", "!=", "done"),
                    ("sms_company_id", "=", self.company_id.id),
                ],
                expression.OR(who),
            ]
        )
        return (
            self.env["survey.user_input"]
            .sudo()
            .search(domain, order="sms_sent_at desc, id desc")
        )
