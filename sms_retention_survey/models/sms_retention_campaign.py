# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from odoo.addons.sms_retention.campaign_preview import MAX_SEGMENTS
from odoo.addons.sms_retention.tools.placeholders import asks_question

from ..tools.sms_question import fit_body
from .survey_user_input import first_question


class SmsRetentionCampaign(models.Model):
    """A retention campaign that may carry an SMS survey.

    The survey's first question (and its web link) follows the campaign's
    text in the SMS, before the opt-out text; the preview shows it. Same
    access as the core campaign.
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
    survey_response_count = fields.Integer(
        "Survey Responses", compute="_compute_survey_response_count"
    )

    @api.depends("survey_id", "survey_include_link")
    def _compute_preview_html(self):
        # The survey's question and link are part of the SMS.
        return super()._compute_preview_html()

    def _sms_retention_add_parts(self, text, lang, opt_out, message=None):
        """The survey's question (the first one, or the response's current
        one for a message being sent), and its web link when it fits.

        To a customer whose replies cannot reach us (their country's rules),
        the web link instead of the question, whatever its length: they
        answer on the web.
        """
        text = super()._sms_retention_add_parts(text, lang, opt_out, message)
        survey = self.survey_id
        if not survey:
            return text
        if message is None:
            question = first_question(survey.question_ids) if survey.sms_ready else None
            user_input = self.env["survey.user_input"].new({"survey_id": survey.id})
        else:
            user_input = message.survey_user_input_ids[:1]
            question = user_input.sms_question_id
            lang = user_input._sms_lang() if user_input else lang
        if not question:
            return text
        country = message.partner_id.country_id if message else None
        rule = self.env["sms.retention.country.rule"]._of_country(country)
        if (
            message
            and not message.company_id._sms_retention_replies_reach_us(country)
            and (not rule or rule.form_links_allowed)
        ):
            # The only way to answer: kept whatever the segments.
            link = user_input._sms_start_link()
            return "\n".join(part for part in (text, link) if part)
        link = user_input._sms_start_link() if self.survey_include_link else ""
        return fit_body(
            text,
            question.with_context(lang=lang)._sms_render(),
            link,
            opt_out,
            MAX_SEGMENTS,
        )[0]

    def _sms_retention_content_classes(self):
        classes = super()._sms_retention_content_classes()
        return classes | {"survey"} if self.survey_id else classes

    def _sms_retention_unreachable(self, company, country):
        # Customers who can neither reply nor open the survey's web link.
        if super()._sms_retention_unreachable(company, country):
            return True
        if not self.survey_id or company._sms_retention_replies_reach_us(country):
            return False
        rule = self.env["sms.retention.country.rule"]._of_country(country)
        return bool(rule and not rule.form_links_allowed)

    def _sms_retention_country_warnings(self, rule, where, replies):
        warnings = super()._sms_retention_country_warnings(rule, where, replies)
        if not self.survey_id or replies:
            return warnings
        if not rule.form_links_allowed:
            return [
                *warnings,
                _(
                    "%(where)s: customers cannot reply there and links to forms "
                    "are banned: the survey cannot reach them, their SMS are "
                    "skipped.",
                    where=where,
                ),
            ]
        return [
            *warnings,
            _(
                "%(where)s: customers cannot reply there: the SMS carries the "
                "survey's web link instead of its question.",
                where=where,
            ),
        ]

    def _sms_retention_preview_warnings(self):
        warnings = super()._sms_retention_preview_warnings()
        survey = self.survey_id
        if not survey:
            return warnings
        if not survey.sms_ready:
            return [
                *warnings,
                _(
                    "The survey is not SMS-ready: %(reason)s",
                    reason=survey.sms_not_ready_reason,
                ),
            ]
        texts = [holder.body for holder in self.variant_ids or self]
        if any(asks_question(text) for text in texts):
            warnings.append(
                _(
                    "The text asks a question and the survey asks its own in the "
                    "same SMS: remove the question (or the reply instruction) "
                    "from the text."
                )
            )
        return warnings

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
