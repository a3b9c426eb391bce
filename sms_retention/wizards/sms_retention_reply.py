# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SmsRetentionReply(models.TransientModel):
    """A salesperson's direct SMS to a customer.

    The same answer as the SMS thread's answer box (see ``res.partner``
    ``_sms_retention_answer``): consent applies, sending hours only warn,
    the SMS is logged on the customer's chatter and their replies waiting
    for an answer are handled. No sudo here: the customer's method posts as
    superuser once it checked that the user may read the customer.
    """

    _name = "sms.retention.reply"
    _description = "Answer a Customer by SMS"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    number = fields.Char(related="partner_id.phone_sanitized", string="Number")
    body = fields.Text(required=True)
    warning = fields.Char(compute="_compute_warning")

    @api.depends("partner_id")
    def _compute_warning(self):
        for wizard in self:
            wizard.warning = (
                wizard.partner_id._sms_retention_hours_warning(self.env.company)
                if wizard.partner_id
                else False
            )

    def action_send(self):
        self.ensure_one()
        self.partner_id._sms_retention_answer(self.body, self.env.company)
        return {"type": "ir.actions.act_window_close"}
