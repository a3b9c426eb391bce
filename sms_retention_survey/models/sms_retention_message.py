# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.sms_retention.campaign_preview import MAX_SEGMENTS

from ..tools.sms_question import fit_body


class SmsRetentionMessage(models.Model):
    """A retention SMS that may open an SMS survey.

    The sending job runs as superuser (``*_sudo``); the survey responses it
    creates are written the same way.
    """

    _inherit = "sms.retention.message"

    survey_user_input_ids = fields.One2many(
        "survey.user_input", "sms_message_id", string="Survey Response"
    )

    def _append_optout_texts(self, bodies, facts_by_id=None, run_cache=None):
        if self.env.context.get("sms_retention_survey_defer_optout"):
            return
        return super()._append_optout_texts(bodies, facts_by_id, run_cache)

    def _render_bodies(self, facts_by_id=None, run_cache=None):
        """Add the survey's first question to the text of survey campaigns.

        Responses are created in one batch; the question is rendered once per
        survey and language. The opt-out text stays last.
        """
        if facts_by_id is None:
            # Just this column: a lazy read would fetch every message column.
            self.fetch(["campaign_id"])
            campaign_by_message = {
                message.id: message.campaign_id.id for message in self
            }
        else:
            campaign_by_message = {
                message_id: facts_by_id[message_id]["campaign_id"]
                for message_id in self.ids
            }
        if run_cache is None:
            run_cache = {}
        # Which campaigns ask a survey: read once per run, as their settings.
        has_survey = run_cache.setdefault("campaign_has_survey", {})
        campaign_ids = set(campaign_by_message.values())
        unknown = self.env["sms.retention.campaign"].browse(
            campaign_ids - set(has_survey)
        )
        unknown.fetch(["survey_id"])
        has_survey.update(
            (campaign.id, bool(campaign.survey_id)) for campaign in unknown
        )
        survey_campaign_ids = {cid for cid in campaign_ids if has_survey[cid]}
        if not survey_campaign_ids:
            return super()._render_bodies(facts_by_id, run_cache)
        with_survey = self.browse(
            [
                message_id
                for message_id, campaign_id in campaign_by_message.items()
                if campaign_id in survey_campaign_ids
            ]
        )
        bodies = super(
            SmsRetentionMessage,
            self.with_context(sms_retention_survey_defer_optout=True),
        )._render_bodies(facts_by_id, run_cache)
        todo = with_survey.filtered(
            lambda m: bodies.get(m.id) and not m.survey_user_input_ids
        )
        inputs = self.env["survey.user_input"]._sms_create_for_messages(todo)
        questions, opt_outs = {}, {}
        for message in with_survey.filtered(lambda m: bodies.get(m.id)):
            user_input = inputs.get(message.id) or message.survey_user_input_ids[:1]
            question = user_input.sms_question_id
            if not question:
                continue
            lang = user_input._sms_lang()
            if (question, lang) not in questions:
                questions[question, lang] = question.with_context(
                    lang=lang
                )._sms_render()
            opt_out = ""
            if message.campaign_id.message_class == "marketing":
                if (message.company_id, lang) not in opt_outs:
                    texts = self._optout_texts(
                        message.company_id.id, {lang, False}, run_cache
                    )
                    opt_outs[message.company_id, lang] = (
                        texts.get(lang) or texts.get(False) or ""
                    )
                opt_out = opt_outs[message.company_id, lang]
            link = ""
            if message.campaign_id.survey_include_link:
                link = user_input._sms_start_link()
            bodies[message.id] = fit_body(
                bodies[message.id],
                questions[question, lang],
                link,
                opt_out,
                MAX_SEGMENTS,
            )[0]
        self._append_optout_texts(bodies, facts_by_id, run_cache)
        return bodies
