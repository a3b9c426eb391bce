# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from odoo.addons.sms_retention.tools.segments import count_segments

MAX_SEGMENTS = 2


class SmsRetentionCampaign(models.Model):
    """A retention campaign that may carry an SMS survey.

    Same access as the core campaign: managers edit, salespeople read.
    """

    _inherit = "sms.retention.campaign"

    survey_id = fields.Many2one(
        "survey.survey",
        string="SMS Survey",
        domain="[('sms_ready', '=', True)]",
        help="The SMS asks the survey's first question; replies are saved as "
        "answers of this survey.",
    )
    survey_include_link = fields.Boolean(
        "Add Web Link",
        help="Add the link to the same response on the web, when it fits in "
        f"{MAX_SEGMENTS} segments.",
    )
    survey_override_thresholds = fields.Boolean(
        "Own Score Thresholds",
        help="Use the thresholds below instead of the survey's.",
    )
    survey_low_threshold = fields.Float("Low Score Threshold")
    survey_high_threshold = fields.Float("High Score Threshold")
    survey_sms_warning = fields.Char(
        "SMS Survey Warning", compute="_compute_survey_sms_warning"
    )
    survey_response_count = fields.Integer(
        "Survey Responses", compute="_compute_survey_response_count"
    )

    @api.depends("survey_id", "sms_template_id.body", "survey_include_link")
    def _compute_survey_sms_warning(self):
        for campaign in self:
            campaign.survey_sms_warning = campaign._survey_sms_warning()

    def _survey_sms_warning(self):
        self.ensure_one()
        survey = self.survey_id
        if not survey:
            return False
        if not survey.sms_ready:
            return _(
                "The survey is not SMS-ready: %(reason)s",
                reason=survey.sms_not_ready_reason,
            )
        question = survey.question_ids[:1]
        text = "\n".join(
            part for part in (self.sms_template_id.body, question._sms_render()) if part
        )
        segments = count_segments(text).segments
        if segments > MAX_SEGMENTS:
            return _(
                "The first SMS (text and first question) takes about %(count)s "
                "segments, more than %(max)s: shorten the text or the question.",
                count=segments,
                max=MAX_SEGMENTS,
            )
        return False

    def _compute_survey_response_count(self):
        counts = dict(
            self.env["survey.user_input"]
            .sudo()
            ._read_group(
                [("sms_campaign_id", "in", self.ids)], ["sms_campaign_id"], ["__count"]
            )
        )
        for campaign in self:
            campaign.survey_response_count = counts.get(campaign, 0)

    def action_view_survey_responses(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "survey.action_survey_user_input"
        )
        action["domain"] = [("sms_campaign_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
