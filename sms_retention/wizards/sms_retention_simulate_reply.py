# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.phone import PhoneNumberError, to_e164


class SmsRetentionSimulateReply(models.TransientModel):
    """Sandbox tool: write a reply as if the customer had answered.

    The reply goes through the same inbound entry point as real providers.
    """

    _name = "sms.retention.simulate.reply"
    _description = "Simulate an SMS Reply (Sandbox)"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    number = fields.Char(
        "From Number",
        required=True,
        help="The customer's number; a national number is read in the "
        "company's country.",
    )
    body = fields.Text("Reply")

    @api.model
    def _open_for(self, number, company):
        return {
            "type": "ir.actions.act_window",
            "name": _("Simulate a reply"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_number": number, "default_company_id": company.id},
        }

    def action_simulate(self):
        self.ensure_one()
        try:
            to_e164(self.number, self.company_id.country_id.code)
        except PhoneNumberError as exc:
            raise UserError(
                _(
                    "Cannot read %(number)s as a phone number: %(reason)s.",
                    number=self.number,
                    reason=str(exc),
                )
            ) from exc
        inbound = self.env["sms.retention.sandbox.message"]._simulate_inbound(
            self.number, self.body or "", self.company_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": inbound._name,
            "res_id": inbound.id,
            "view_mode": "form",
        }
