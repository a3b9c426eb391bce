# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class SurveySurvey(models.Model):
    """A survey that can be answered by SMS, and what its scores trigger.

    Edited with the survey manager's rights; the SMS flow reads it as
    superuser through the responses.
    """

    _inherit = "survey.survey"

    sms_ready = fields.Boolean(
        "SMS-ready",
        compute="_compute_sms_ready",
        store=True,
        help="Every question can be asked and answered by SMS: a multiple "
        "choice with one answer (options are numbered in order), a numerical "
        "value with a minimum and a maximum (a scale), or a text box.",
    )
    sms_not_ready_reason = fields.Text(
        "Why Not SMS-ready", compute="_compute_sms_ready", store=True
    )
    sms_thank_you = fields.Char(
        "SMS Thank-you",
        translate=True,
        default=lambda self: _("Thank you for your answers!"),
        help="Sent by SMS after the last answer; empty sends nothing.",
    )
    sms_expiry_days = fields.Integer(
        "Expire After (days)",
        default=7,
        help="A response by SMS still in progress after this many days is "
        "marked expired; its answers are kept.",
    )
    sms_low_threshold = fields.Float(
        "Low Score Threshold",
        default=-1,
        help="A score at or below this creates a follow-up activity for the "
        "salesperson and tags the customer At risk. Below the scale's "
        "minimum: never.",
    )
    sms_high_threshold = fields.Float(
        "High Score Threshold",
        default=1000,
        help="A score at or above this sends the reward SMS. Above the "
        "scale's maximum: never.",
    )
    sms_reward_text = fields.Char(
        "Reward SMS",
        translate=True,
        help="Sent when the score reaches the high threshold. {code} is "
        "replaced by the coupon code, {link} by the review link.",
    )
    sms_reward_code = fields.Char(
        "Static Coupon Code",
        help="Used when no loyalty program is chosen, or when the Loyalty "
        "module is not installed.",
    )
    sms_reward_program = fields.Reference(
        selection="_selection_sms_reward_program",
        string="Coupon Program",
        help="A coupon of this loyalty program is generated for each reward "
        "(when the Loyalty module is installed).",
    )
    sms_review_url = fields.Char(
        "Public Review Link", help="Replaces {link} in the reward SMS."
    )

    @api.model
    def _selection_sms_reward_program(self):
        if "loyalty.program" in self.env:
            return [("loyalty.program", _("Loyalty Program"))]
        return []

    @api.depends(
        "question_and_page_ids.question_type",
        "question_and_page_ids.is_page",
        "question_and_page_ids.sms_scale_display",
        "question_and_page_ids.validation_required",
        "question_and_page_ids.validation_min_float_value",
        "question_and_page_ids.validation_max_float_value",
        "question_and_page_ids.title",
    )
    def _compute_sms_ready(self):
        for survey in self:
            questions = survey.question_and_page_ids.filtered(lambda q: not q.is_page)
            reasons = [q._sms_not_ready_reason() for q in questions]
            reasons = [reason for reason in reasons if reason]
            if not questions:
                reasons.append(_("The survey has no question."))
            survey.sms_ready = not reasons
            survey.sms_not_ready_reason = "\n".join(reasons) or False

    def _sms_score_question(self):
        """The question whose answer is the response's score (first scale)."""
        self.ensure_one()
        return self.question_ids.filtered(
            lambda q: q._sms_kind() in ("scale", "stars")
        )[:1]
