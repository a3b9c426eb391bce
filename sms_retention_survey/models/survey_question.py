# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..tools.sms_question import question_kind, render_question


class SurveyQuestion(models.Model):
    """How a survey question is asked and read by SMS.

    Plain user access: questions are read with the rights of whoever edits
    the survey; the SMS flow reads them as superuser through the response.
    """

    _inherit = "survey.question"

    sms_scale_display = fields.Selection(
        [("number", "Number"), ("stars", "Stars")],
        string="SMS Scale Display",
        default="number",
        help="For a numerical value used as a scale: ask for a number, or for "
        "stars (replies such as 5 or ⭐⭐⭐⭐⭐ are accepted).",
    )
    sms_exit_reason = fields.Boolean(
        "Exit Reason",
        help="The chosen option is recorded on the customer as the reason "
        "they left (their lost reason).",
    )
    sms_kind = fields.Selection(
        [
            ("choice", "Numbered options"),
            ("scale", "Scale"),
            ("stars", "Stars"),
            ("free", "Free text"),
        ],
        string="SMS Reply Kind",
        compute="_compute_sms_kind",
        help="How an SMS reply to this question is read; empty when the "
        "question cannot be asked by SMS.",
    )

    @api.depends(
        "question_type",
        "sms_scale_display",
        "validation_required",
        "validation_min_float_value",
        "validation_max_float_value",
        "is_page",
    )
    def _compute_sms_kind(self):
        for question in self:
            question.sms_kind = False if question.is_page else question._sms_kind()

    def _sms_bounds(self):
        """``(low, high)`` of a numerical question, None when unset."""
        self.ensure_one()
        if self.question_type != "numerical_box" or not self.validation_required:
            return None, None
        return self.validation_min_float_value, self.validation_max_float_value

    def _sms_kind(self):
        self.ensure_one()
        low, high = self._sms_bounds()
        return question_kind(self.question_type, self.sms_scale_display, low, high)

    def _sms_not_ready_reason(self):
        """Why this question cannot be asked by SMS, or False."""
        self.ensure_one()
        if self.is_page or self._sms_kind():
            return False
        if self.question_type == "numerical_box":
            return _(
                "%(question)s: a numerical value needs a minimum and a maximum "
                "(whole numbers, minimum below maximum) to be used as a scale.",
                question=self.title,
            )
        return _(
            "%(question)s: this kind of question cannot be answered by SMS. Use "
            "a multiple choice with one answer, a numerical value with a "
            "minimum and a maximum, or a text box.",
            question=self.title,
        )

    def _sms_hint(self):
        """The reply instruction, in the language of the environment."""
        self.ensure_one()
        kind = self._sms_kind()
        low, high = self._sms_bounds()
        if kind == "scale":
            return _("Reply %(low)s-%(high)s", low=int(low), high=int(high))
        if kind == "stars":
            return _("Reply %(low)s-%(high)s stars", low=int(low), high=int(high))
        if kind == "choice":
            return _("Reply with a number")
        return ""

    def _sms_reprompt(self):
        """The hint sent after a reply that could not be read."""
        self.ensure_one()
        kind = self._sms_kind()
        low, high = self._sms_bounds()
        if kind in ("scale", "stars"):
            return _(
                "Please reply with a number from %(low)s to %(high)s.",
                low=int(low),
                high=int(high),
            )
        if kind == "choice":
            return _(
                "Please reply with a number from 1 to %(high)s.",
                high=len(self.suggested_answer_ids),
            )
        return _("Please reply with a short text.")

    def _sms_render(self):
        """The question as SMS text, in the language of the environment."""
        self.ensure_one()
        kind = self._sms_kind()
        low, high = self._sms_bounds()
        return render_question(
            self.title,
            kind,
            options=self.suggested_answer_ids.sorted().mapped("value"),
            low=low,
            high=high,
            hint=self._sms_hint(),
        )

    def _sms_parse_args(self):
        """Keyword arguments of ``parse_reply`` for this question."""
        self.ensure_one()
        kind = self._sms_kind()
        if kind == "choice":
            return {
                "question": "choice",
                "low": 1,
                "high": len(self.suggested_answer_ids),
            }
        if kind in ("scale", "stars"):
            low, high = self._sms_bounds()
            return {"question": kind, "low": int(low), "high": int(high)}
        return {"question": "free"}
