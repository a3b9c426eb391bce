# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SmsRetentionSurveyAnswer(models.TransientModel):
    """Set by hand the answer an SMS reply failed to give, then continue.

    Used from the manual review list by salespeople and managers; the answer
    is saved through the survey API as superuser (``*_sudo``), because a
    salesperson may not write survey responses directly.
    """

    _name = "sms.retention.survey.answer"
    _description = "SMS Survey: Set an Answer by Hand"

    user_input_id = fields.Many2one("survey.user_input", required=True, readonly=True)
    question_id = fields.Many2one("survey.question", required=True, readonly=True)
    sms_kind = fields.Selection(related="question_id.sms_kind")
    last_reply = fields.Text(related="user_input_id.sms_last_reply")
    option_id = fields.Many2one(
        "survey.question.answer",
        domain="[('question_id', '=', question_id)]",
    )
    value_number = fields.Integer("Number")
    value_text = fields.Char("Text")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        user_input = self.env["survey.user_input"].browse(values.get("user_input_id"))
        if user_input and not values.get("question_id"):
            values["question_id"] = user_input.sudo()._sms_next_question().id
        return values

    def action_confirm(self):
        self.ensure_one()
        input_sudo = self.user_input_id.sudo()
        if input_sudo.sms_state not in ("waiting", "review"):
            raise UserError(_("This SMS survey is no longer open."))
        question = self.question_id.sudo()
        kind = question.sms_kind
        if kind == "choice":
            if not self.option_id:
                raise UserError(_("Choose an option."))
            options = question.suggested_answer_ids.sorted()
            value = list(options).index(self.option_id.sudo()) + 1
        elif kind in ("scale", "stars"):
            low, high = question._sms_bounds()
            if not low <= self.value_number <= high:
                raise UserError(
                    _(
                        "The number must be from %(low)s to %(high)s.",
                        low=int(low),
                        high=int(high),
                    )
                )
            value = self.value_number
        else:
            value = self.value_text or ""
        input_sudo._sms_save_answer(question, value)
        input_sudo._sms_continue()
        return {"type": "ir.actions.act_window_close"}
