# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A score that comes with words, and survey SMS in the conversation."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import SmsSurveyCommon


@tagged("post_install", "-at_install")
class TestReplyComment(SmsSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_us.user_id = cls.salesperson
        cls.q_stars, cls.q_comment = cls.review_survey.question_ids.sorted()
        cls.q_reason, cls.q_more = cls.exit_survey.question_ids.sorted()

    def test_score_with_words_keeps_them_as_the_comment(self):
        self.campaign.write({"delay": 0, "survey_id": self.review_survey.id})
        order = self._create_order(self.customer_us)
        with self.mock_sms_providers():
            self._run_sending_job()
        user_input = self._messages_of(order).survey_user_input_ids
        reply = self._reply("2 the delivery was late")
        self.assertEqual(self._answers(user_input, self.q_stars).value_numerical_box, 2)
        self.assertEqual(
            self._answers(user_input, self.q_comment).value_text_box,
            "the delivery was late",
        )
        self.assertEqual(user_input.sms_comment, "the delivery was late")
        self.assertEqual((user_input.state, user_input.sms_state), ("done", "done"))
        bodies = self._outbox(self.number_us).mapped("body")
        self.assertNotIn("Any comment? (optional)", bodies, "not asked")
        self.assertEqual(bodies[-1], "Thank you for your review!")
        activity = user_input.sms_activity_id
        self.assertEqual(activity.res_id, order.id)
        self.assertIn("gave 2 (scale 1-5)", activity.note)
        self.assertIn("Comment: the delivery was late", activity.note)
        self.assertIn("sms_retention.thread", activity.note)
        # A low score is the salesperson's to follow up.
        self.assertTrue(user_input.sms_low_score)
        self.assertTrue(reply.survey_low_score)
        self.assertEqual(reply.handle_state, "todo")
        low_scores = self.env["sms.retention.inbound"].search(
            [("survey_low_score", "=", True), ("partner_id", "=", self.customer_us.id)]
        )
        self.assertEqual(low_scores, reply)

    def test_bare_score_asks_the_comment_and_is_handled(self):
        user_input = self._send_survey(self.review_survey)
        reply = self._reply("4!")
        self.assertFalse(self._answers(user_input, self.q_comment))
        self.assertEqual(self._last_sms(self.number_us), "Any comment? (optional)")
        self.assertEqual(
            (reply.handle_state, reply.handled_by_id),
            ("handled", self.env.ref("base.user_root")),
            "a survey answer needs no one",
        )
        self.assertFalse(reply.survey_low_score)

    def test_choice_with_words_answers_the_question_that_follows(self):
        user_input = self._send_survey(self.exit_survey)
        options = self.q_reason.suggested_answer_ids.sorted()
        # The last option ("Other") asks for more; its words answer it.
        last = len(options)
        self._reply(f"{last} - moved to another city")
        self.assertEqual(
            self._answers(user_input, self.q_reason).suggested_answer_id, options[-1]
        )
        self.assertEqual(
            self._answers(user_input, self.q_more).value_char_box,
            "moved to another city",
        )
        self.assertEqual(user_input.sms_state, "done")

    def test_survey_sms_are_in_the_customer_thread(self):
        user_input = self._send_survey(self.review_survey)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=5)):
            self._reply("5")
        logs = self.customer_us.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertEqual(
            sorted(logs.mapped("sms_retention_kind")),
            ["campaign", "survey", "survey"],
            "the question, then the reward and the comment question",
        )
        items = (
            self.customer_us.with_user(self.salesperson)
            .with_company(self.company)
            .sms_retention_thread_data()["items"]
        )
        self.assertEqual(
            [item["kind"] for item in items],
            ["campaign", "reply", "survey", "survey"],
        )
        self.assertEqual(items[-1]["body"], "Any comment? (optional)")
        self.assertEqual(items[-1]["state_label"], "Delivered")
        self.assertTrue(user_input)
