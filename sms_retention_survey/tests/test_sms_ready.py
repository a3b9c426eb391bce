# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import tagged

from .common import SmsSurveyCommon


@tagged("post_install", "-at_install")
class TestSmsReady(SmsSurveyCommon):
    def _survey(self, questions):
        return self.env["survey.survey"].create(
            {
                "title": "Custom",
                "question_and_page_ids": [(0, 0, vals) for vals in questions],
            }
        )

    def test_supported_question_types(self):
        survey = self._survey(
            [
                {
                    "title": "Pick",
                    "question_type": "simple_choice",
                    "suggested_answer_ids": [
                        (0, 0, {"value": "A"}),
                        (0, 0, {"value": "B"}),
                    ],
                },
                {
                    "title": "Rate",
                    "question_type": "numerical_box",
                    "validation_required": True,
                    "validation_min_float_value": 0,
                    "validation_max_float_value": 10,
                },
                {"title": "Why", "question_type": "char_box"},
                {"title": "More", "question_type": "text_box"},
            ]
        )
        self.assertTrue(survey.sms_ready)
        self.assertFalse(survey.sms_not_ready_reason)
        self.assertEqual(
            survey.question_ids.sorted().mapped("sms_kind"),
            ["choice", "scale", "free", "free"],
        )

    def test_not_ready_reasons(self):
        survey = self._survey(
            [
                {"title": "Rate", "question_type": "numerical_box"},
                {
                    "title": "Many",
                    "question_type": "multiple_choice",
                    "suggested_answer_ids": [(0, 0, {"value": "A"})],
                },
                {"title": "When", "question_type": "date"},
            ]
        )
        self.assertFalse(survey.sms_ready)
        reason = survey.sms_not_ready_reason
        self.assertIn("Rate: a numerical value needs a minimum and a maximum", reason)
        self.assertIn("Many: this kind of question cannot be answered by SMS", reason)
        self.assertIn("When:", reason)
        # Fixing the questions makes it ready.
        survey.question_ids.filtered(lambda q: q.title != "Rate").unlink()
        survey.question_ids.write(
            {
                "validation_required": True,
                "validation_min_float_value": 1,
                "validation_max_float_value": 5,
            }
        )
        self.assertTrue(survey.sms_ready)
        self.assertFalse(self._survey([]).sms_ready)

    def test_campaign_domain_and_segment_warning(self):
        field = self.env["sms.retention.campaign"]._fields["survey_id"]
        self.assertEqual(field.domain, "[('sms_ready', '=', True)]")
        self.survey_campaign.survey_id = self.csat_survey
        warning = "more than 2 segments"
        self.assertNotIn(warning, self.survey_campaign.preview_html)
        self.survey_campaign.sms_template_id.body = "x" * 300
        self.survey_campaign.invalidate_recordset(["preview_html"])
        self.assertIn(warning, self.survey_campaign.preview_html)

    def test_web_link_fits_or_is_dropped(self):
        self.survey_campaign.survey_include_link = True
        user_input = self._send_survey(self.csat_survey)
        body = user_input.sms_message_id.body
        self.assertTrue(body.endswith(user_input.get_start_url()), body)
        self.assertIn(user_input.access_token, body)
        self.survey_campaign.sms_template_id.body = "y" * 150
        second = self._send_survey(self.csat_survey, partner=self.customer_cn)
        self.assertNotIn(second.access_token, second.sms_message_id.body)

    def test_batch_of_messages_and_languages(self):
        self.env["ir.module.module"]._load_module_terms(
            ["sms_retention_survey"], ["zh_CN"]
        )
        self.survey_campaign.survey_id = self.exit_survey
        partners = self.customer_us | self.customer_cn
        messages = self.survey_campaign._enqueue(partners)
        user_input_class = type(self.env["survey.user_input"])
        create = user_input_class.create
        batches = []

        def counting_create(records, vals_list):
            batches.append(len(vals_list))
            return create(records, vals_list)

        with (
            self.mock_sms_providers(),
            patch.object(user_input_class, "create", counting_create),
        ):
            messages.action_send_now()
        self.assertEqual(batches, [2], "one create for the whole batch")
        inputs = messages.survey_user_input_ids
        self.assertEqual(len(inputs), 2)
        self.assertEqual(inputs.partner_id, partners)
        self.assertEqual(set(inputs.mapped("channel")), {"sms"})
        cn_body = messages.filtered(lambda m: m.partner_id == self.customer_cn).body
        self.assertIn("您为什么离开", cn_body)
        self.assertIn("1 找到了更便宜的替代品", cn_body)

    def test_conversation_in_the_customers_language(self):
        self.env["ir.module.module"]._load_module_terms(
            ["sms_retention_survey"], ["zh_CN"]
        )
        user_input = self._send_survey(self.csat_survey, partner=self.customer_cn)
        number = "+8613800138001"
        self.assertIn("您对我们处理您请求的方式满意吗", user_input.sms_message_id.body)
        self.assertTrue(user_input.sms_message_id.body.endswith("请回复0-5"))
        self._reply("不知道", number=number)
        self.assertEqual(self._last_sms(number), "请回复0到5之间的数字。")
        self._reply("四", number=number)
        self.assertEqual(user_input.state, "done")
        self.assertEqual(self._last_sms(number), "感谢您的反馈！")

    def test_marketing_opt_out_text_stays_last(self):
        self.survey_campaign.message_class = "marketing"
        self.survey_campaign.holdout_percent = 0  # every customer texted
        self.customer_us.sms_retention_consent = "opted_in"
        user_input = self._send_survey(self.csat_survey)
        body = user_input.sms_message_id.body
        self.assertTrue(body.startswith("Hi Alice Walker, a quick question from us.\n"))
        self.assertIn("to 5 (very happy)? Reply 0-5\n", body)
        self.assertTrue(body.endswith("Reply STOP to opt out"), body)
        self.assertEqual(body.count("STOP"), 1)
