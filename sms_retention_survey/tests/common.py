# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test layers for SMS surveys, on top of the core's (mock, asserts, fixtures)."""

import itertools

from odoo.addons.sms_retention.tests.common import SmsRetentionCommon

_DELIVERY = itertools.count(1)


class SmsSurveyCase:
    """Asserts on SMS survey conversations."""

    def _outbox(self, number):
        return self.env["sms.retention.sandbox.message"].search(
            [("number", "=", number)], order="id"
        )

    def _last_sms(self, number):
        return self._outbox(number)[-1:].body or ""

    def _answers(self, user_input, question):
        return user_input.user_input_line_ids.filtered(
            lambda line: line.question_id == question
        )


class SmsSurveyCommon(SmsRetentionCommon, SmsSurveyCase):
    """Shipped surveys, and a customer campaign to send any of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.review_survey = ref("sms_retention_survey.survey_sms_review")
        cls.onboarding_survey = ref("sms_retention_survey.survey_sms_onboarding")
        cls.exit_survey = ref("sms_retention_survey.survey_sms_exit")
        cls.csat_survey = ref("sms_retention_survey.survey_sms_csat")
        template = cls.env["sms.template"].create(
            {
                "name": "Survey intro",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "body": "Hi {{ object.name }}, a quick question from us.",
            }
        )
        cls.survey_campaign = cls._create_custom_campaign(
            "SMS survey",
            template,
            model_id=template.model_id.id,
            company_id=cls.company.id,
        )
        cls.number_us = "+12125550101"

    def _send_survey(self, survey, partner=None, campaign=None):
        """Send ``survey`` to ``partner`` now; return its SMS response."""
        partner = partner or self.customer_us
        campaign = campaign or self.survey_campaign
        campaign.survey_id = survey
        messages = campaign._enqueue(partner)
        with self.mock_sms_providers():
            messages.action_send_now()
        self.assertEqual(messages.state, "sent")
        return messages.survey_user_input_ids

    def _reply(self, body, number=None, message_id=None):
        """Receive ``body`` from ``number`` as the sandbox provider would."""
        with self.mock_sms_providers():
            return self.env["sms.retention.inbound"]._receive(
                "sandbox",
                number or self.number_us,
                body,
                provider_message_id=message_id or f"SM-survey-{next(_DELIVERY)}",
                company=self.company,
            )
