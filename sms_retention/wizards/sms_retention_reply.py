# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.send_window import is_allowed


class SmsRetentionReply(models.TransientModel):
    """A salesperson's direct SMS to a customer, from the conversation.

    Consent applies; sending hours only warn, since the customer is in a
    conversation. Sent through the company's provider and logged on the
    customer's chatter. Sudo policy: a user who may read the customer may
    answer; the SMS is posted as superuser (``partner_sudo``), authored by
    the user, because posting on a contact otherwise needs the right to
    edit contacts, which salespeople often lack.
    """

    _name = "sms.retention.reply"
    _description = "Answer a Customer by SMS"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    number = fields.Char(related="partner_id.phone_sanitized", string="Number")
    body = fields.Text(required=True)
    warning = fields.Char(compute="_compute_warning")

    @api.depends("partner_id")
    def _compute_warning(self):
        now = fields.Datetime.now()
        for wizard in self:
            partner, company = wizard.partner_id, self.env.company
            wizard.warning = False
            if not partner:
                continue
            tz = partner._sms_retention_effective_tz(company)
            policy = company._sms_retention_policy(partner.country_id)
            if not is_allowed(policy, now, tz):
                wizard.warning = _(
                    "It is outside sending hours for this customer (%(tz)s). "
                    "The SMS goes now if you send it.",
                    tz=tz,
                )

    def action_send(self):
        self.ensure_one()
        partner = self.partner_id
        if not partner.phone_sanitized:
            raise UserError(
                _("%(customer)s has no valid mobile number.", customer=partner.name)
            )
        if partner.sms_consent == "opted_out" or partner.phone_sanitized_blacklisted:
            raise UserError(
                _(
                    "%(customer)s opted out of SMS: no message can be sent.",
                    customer=partner.name,
                )
            )
        partner.check_access_rights("read")
        partner.check_access_rule("read")
        partner_sudo = partner.sudo().with_context(sms_retention_policy_checked=True)
        partner_sudo._message_sms(
            self.body,
            partner_ids=partner.ids,
            author_id=self.env.user.partner_id.id,
        )
        return {"type": "ir.actions.act_window_close"}
