# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.sms_retention.tools.sending_policy import CONSENT_ONLY

from .common import SmsSurveyCommon


@tagged("post_install", "-at_install")
class TestSurveyFlow(SmsSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_us.user_id = cls.salesperson
        questions = cls.review_survey.question_ids.sorted()
        cls.q_stars, cls.q_comment = questions
        cls.q_ease, cls.q_confused = cls.onboarding_survey.question_ids.sorted()
        cls.q_reason, cls.q_more = cls.exit_survey.question_ids.sorted()
        cls.q_csat = cls.csat_survey.question_ids

    # SHIPPED SURVEYS, ONE CONVERSATION EACH ----------------------------

    def test_shipped_surveys_are_sms_ready(self):
        for survey in (
            self.review_survey,
            self.onboarding_survey,
            self.exit_survey,
            self.csat_survey,
        ):
            self.assertTrue(survey.sms_ready, survey.sms_not_ready_reason)

    def test_review_conversation_with_reward(self):
        user_input = self._send_survey(self.review_survey)
        self.assertEqual(len(user_input), 1)
        self.assertEqual(
            (user_input.channel, user_input.sms_state, user_input.partner_id),
            ("sms", "waiting", self.customer_us),
        )
        self.assertTrue(user_input.access_token)
        self.assertEqual(
            user_input.sms_message_id.body,
            "Hi Alice Walker, a quick question from us.\n"
            "How many stars for your order? Reply 1-5 stars",
        )
        self.assertSandboxOutbox(self.number_us, user_input.sms_message_id.body)
        self._reply("⭐⭐⭐⭐⭐")
        self.assertEqual(self._answers(user_input, self.q_stars).value_numerical_box, 5)
        self.assertEqual(user_input.state, "in_progress")
        # The score is routed at once (the comment is optional): the reward,
        # then the next question.
        bodies = self._outbox(self.number_us).mapped("body")
        self.assertEqual(
            bodies[-2:],
            [
                "Thank you for the great rating! Use code THANKYOU10 on your next "
                "order.",
                "Any comment? (optional)",
            ],
        )
        self._reply("Fast delivery, thanks")
        self.assertEqual(
            self._answers(user_input, self.q_comment).value_text_box,
            "Fast delivery, thanks",
        )
        self.assertEqual((user_input.state, user_input.sms_state), ("done", "done"))
        self.assertEqual(self._last_sms(self.number_us), "Thank you for your review!")
        self.assertTrue(user_input.sms_routed)
        self.assertEqual(user_input.sms_score, 5)
        self.assertFalse(user_input.sms_activity_id)
        self.assertEqual(self.customer_us.sms_survey_last_score, "5 / 5")

    def test_onboarding_conversation_with_a_reprompt(self):
        user_input = self._send_survey(self.onboarding_survey)
        self.assertIn(
            "how easy was it to get started? Reply 1-10", user_input.sms_message_id.body
        )
        self._reply("pretty easy")
        self.assertEqual(
            self._last_sms(self.number_us),
            "Please reply with a number from 1 to 10.",
        )
        self.assertEqual(user_input.sms_failed_parses, 1)
        self._reply("8")
        self.assertEqual(self._answers(user_input, self.q_ease).value_numerical_box, 8)
        self.assertEqual(user_input.sms_failed_parses, 0)
        self.assertEqual(
            self._last_sms(self.number_us), "What confused you? (optional)"
        )
        self._reply("The menus")
        self.assertEqual(user_input.state, "done")
        # 8 is neither low (<= 6) nor high (>= 9): no routing action.
        self.assertFalse(user_input.sms_activity_id)
        self.assertEqual(
            self._last_sms(self.number_us), "Thank you, your feedback helps us improve!"
        )

    def test_exit_conversation_other_reason_asks_for_more(self):
        user_input = self._send_survey(self.exit_survey)
        body = user_input.sms_message_id.body
        self.assertIn("Why did you leave?\n1 Found a cheaper alternative\n", body)
        self.assertIn("\n8 Other\nReply with a number", body)
        self._reply("8")
        self.assertEqual(self._last_sms(self.number_us), "Tell us more")
        self._reply("Moving abroad")
        self.assertEqual(user_input.state, "done")
        self.assertEqual(
            self._answers(user_input, self.q_more).value_char_box, "Moving abroad"
        )
        self.assertEqual(self.customer_us.sms_retention_lost_reason, "Other")
        self.assertEqual(self.customer_us.sms_survey_last_exit_reason, "Other")

    def test_exit_conversation_reason_without_follow_up(self):
        user_input = self._send_survey(self.exit_survey)
        self._reply("option 3")
        self.assertEqual(user_input.state, "done", "Tell us more only follows 8")
        self.assertEqual(
            self._answers(user_input, self.q_reason).suggested_answer_id.value,
            "No longer need this kind of service",
        )
        self.assertFalse(self._answers(user_input, self.q_more))
        self.assertEqual(
            self.customer_us.sms_retention_lost_reason,
            "No longer need this kind of service",
        )

    def test_csat_low_score_follow_up_once(self):
        user_input = self._send_survey(self.csat_survey)
        self._reply("0")
        self.assertEqual(self._answers(user_input, self.q_csat).value_numerical_box, 0)
        self.assertFalse(self._answers(user_input, self.q_csat).skipped)
        self.assertEqual(user_input.state, "done")
        activity = user_input.sms_activity_id
        self.assertTrue(activity)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sms_retention_survey.mail_activity_type_low_score"),
        )
        self.assertIn("gave 0 (scale 0-5)", activity.note)
        at_risk = self.env.ref("sms_retention_survey.res_partner_category_at_risk")
        self.assertIn(at_risk, self.customer_us.category_id)
        # Routing runs once, however often it is asked for.
        user_input._sms_route_score()
        user_input._sms_end("expired")
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer_us.id),
                ("activity_type_id", "=", activity.activity_type_id.id),
            ]
        )
        self.assertEqual(len(activities), 1)

    # FAILURES, STOP, EXPIRY, CONCURRENCY -------------------------------

    def test_second_failure_goes_to_manual_review(self):
        user_input = self._send_survey(self.onboarding_survey)
        self._reply("no idea")
        self._reply("maybe eleven")
        self.assertEqual(user_input.sms_state, "review")
        count = len(self._outbox(self.number_us))
        self._reply("7")
        self.assertFalse(
            self._answers(user_input, self.q_ease),
            "a response in review waits for a user",
        )
        self.assertEqual(len(self._outbox(self.number_us)), count)
        review = self.env["survey.user_input"].search(
            [("sms_state", "=", "review"), ("channel", "=", "sms")]
        )
        self.assertIn(user_input, review)
        action = user_input.action_sms_set_answer()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**action["context"])
            .create({"value_number": 4})
        )
        self.assertEqual(wizard.question_id, self.q_ease)
        with self.mock_sms_providers():
            wizard.action_confirm()
        self.assertEqual(self._answers(user_input, self.q_ease).value_numerical_box, 4)
        self.assertEqual(user_input.sms_state, "waiting")
        self.assertEqual(
            self._last_sms(self.number_us), "What confused you? (optional)"
        )

    def test_replies_to_a_response_in_review_wait_for_the_user(self):
        with freeze_time(fields.Datetime.now() - timedelta(hours=1)):
            older = self._send_survey(self.csat_survey)
        recent = self._send_survey(
            self.onboarding_survey, campaign=self.survey_campaign.copy()
        )
        self._reply("?")
        self._reply("??")
        self.assertEqual(recent.sms_state, "review")
        self._reply("5")
        self.assertEqual(recent.sms_last_reply, "5")
        self.assertFalse(older.user_input_line_ids, "not given to the older survey")

    def test_archived_survey_sends_the_campaign_text_alone(self):
        self.csat_survey.active = False
        with self.assertLogs(
            "odoo.addons.sms_retention_survey.models.survey_user_input", "WARNING"
        ) as logs:
            user_input = self._send_survey(self.csat_survey)
        self.assertIn("not started", logs.output[0])
        self.assertFalse(user_input)
        self.assertSandboxOutbox(
            self.number_us, "Hi Alice Walker, a quick question from us."
        )

    def test_stop_mid_survey_ends_it(self):
        user_input = self._send_survey(self.review_survey)
        self._reply("4")
        count = len(self._outbox(self.number_us))
        self._reply("STOP")
        self.assertEqual(user_input.sms_state, "stopped")
        self.assertNotEqual(user_input.state, "done")
        self.assertEqual(self._answers(user_input, self.q_stars).value_numerical_box, 4)
        bodies = self._outbox(self.number_us).mapped("body")[count:]
        self.assertFalse(
            [b for b in bodies if "Thank you" in b or "comment" in b],
            "no survey SMS after STOP",
        )
        self._reply("Great")
        self.assertFalse(self._answers(user_input, self.q_comment))

    def test_help_keeps_the_question_open(self):
        user_input = self._send_survey(self.csat_survey)
        self._reply("HELP")
        self.assertEqual(user_input.sms_state, "waiting")
        self.assertEqual(user_input.sms_failed_parses, 0)
        self._reply("5")
        self.assertEqual(user_input.state, "done")

    def test_expiry_keeps_partial_answers(self):
        user_input = self._send_survey(self.review_survey)
        self._reply("3")
        survey_inputs = self.env["survey.user_input"]
        with freeze_time(fields.Datetime.now() + timedelta(days=6)):
            survey_inputs._cron_expire_sms_responses()
        self.assertEqual(user_input.sms_state, "waiting")
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            survey_inputs._cron_expire_sms_responses()
        self.assertEqual(user_input.sms_state, "expired")
        self.assertEqual(self._answers(user_input, self.q_stars).value_numerical_box, 3)
        self.assertEqual(user_input.sms_score, 3)
        self.assertTrue(user_input.sms_routed)
        self._reply("Too late comment")
        self.assertFalse(self._answers(user_input, self.q_comment))

    def test_expiry_days_per_survey(self):
        self.review_survey.sms_expiry_days = 2
        user_input = self._send_survey(self.review_survey)
        with freeze_time(fields.Datetime.now() + timedelta(days=3)):
            self.env["survey.user_input"]._cron_expire_sms_responses()
        self.assertEqual(user_input.sms_state, "expired")

    def test_two_open_surveys_most_recent_gets_the_reply(self):
        with freeze_time(fields.Datetime.now() - timedelta(hours=1)):
            first = self._send_survey(self.review_survey)
        second = self._send_survey(
            self.csat_survey, campaign=self.survey_campaign.copy()
        )
        self._reply("4")
        self.assertEqual(second.state, "done")
        self.assertFalse(first.user_input_line_ids)
        self.assertEqual(first.sms_state, "waiting")
        self._reply("2")
        self.assertEqual(self._answers(first, self.q_stars).value_numerical_box, 2)

    def test_duplicate_delivery_is_routed_once(self):
        user_input = self._send_survey(self.onboarding_survey)
        inbound = self._reply("9", message_id="SM-dup-1")
        count = len(self._outbox(self.number_us))
        again = self._reply("9", message_id="SM-dup-1")
        self.assertEqual(again, inbound)
        self.assertEqual(inbound.survey_user_input_id, user_input)
        self.assertEqual(len(self._answers(user_input, self.q_ease)), 1)
        self.assertEqual(len(self._outbox(self.number_us)), count)
        # The hook itself is idempotent too.
        inbound._route_reply()
        self.assertEqual(len(self._outbox(self.number_us)), count)
        self.assertFalse(self._answers(user_input, self.q_confused))

    def test_opted_out_customer_gets_no_survey_sms(self):
        user_input = self._send_survey(self.review_survey)
        self.customer_us._sms_retention_opt_out("form")
        count = len(self._outbox(self.number_us))
        with self.mock_sms_providers():
            user_input._sms_continue()
        self.assertEqual(len(self._outbox(self.number_us)), count)

    def test_survey_sms_goes_now_on_consent_only(self):
        """A question in a live conversation goes through the one send-now,
        consent only: at night on a company that applies the policy to all
        SMS it goes at once; to an opted-out customer, not at all."""
        user_input = self._send_survey(self.review_survey)
        self.company.write(
            {
                "sms_retention_quiet_start": 8.0,
                "sms_retention_quiet_end": 21.0,
                "sms_retention_policy_all_sms": True,
            }
        )
        partner_class = type(self.env["res.partner"])
        with (
            patch.object(
                partner_class,
                "_sms_retention_send_now",
                autospec=True,
                side_effect=partner_class._sms_retention_send_now,
            ) as send_now,
            freeze_time("2026-03-02 03:00:00"),  # 22:00 in New York
            self.mock_sms_providers(),
        ):
            count = len(self._outbox(self.number_us))
            user_input._sms_continue()
            self.assertEqual(len(self._outbox(self.number_us)), count + 1)
            self.customer_us._sms_retention_opt_out("form")
            user_input._sms_continue()
        self.assertEqual(len(self._outbox(self.number_us)), count + 1)
        self.assertEqual(
            [call.args[2] for call in send_now.call_args_list],
            [CONSENT_ONLY, CONSENT_ONLY],
        )

    def test_finished_on_the_web_with_its_link(self):
        self.review_survey.sms_reward_text = "Reward {code}"
        user_input = self._send_survey(self.review_survey)
        self._reply("5")
        self.assertTrue(user_input.sms_routed, "routed on the score")
        self.assertIn("Reward THANKYOU10", self._outbox(self.number_us).mapped("body"))
        count = len(self._outbox(self.number_us))
        # What the survey controller does when the customer submits the web page.
        user_input._save_lines(self.q_comment, "Written on the web")
        user_input._mark_done()
        self.assertEqual(user_input.sms_state, "done")
        self.assertEqual(
            self._outbox(self.number_us)[count:].mapped("body"),
            [],
            "no second reward, and no thank-you SMS for a web submission",
        )
        self._reply("late SMS comment")
        self.assertEqual(
            self._answers(user_input, self.q_comment).value_text_box,
            "Written on the web",
        )

    # REPORTING --------------------------------------------------------

    def test_standard_statistics_count_sms_answers(self):
        web = self.csat_survey._create_answer(partner=self.customer_cn)
        web._save_lines(self.q_csat, "5")
        web._mark_done()
        user_input = self._send_survey(self.csat_survey)
        self._reply("3")
        self.assertEqual(user_input.state, "done")
        self.csat_survey.invalidate_recordset()
        self.assertEqual(self.csat_survey.answer_done_count, 2)
        lines = (web | user_input).user_input_line_ids
        stats = self.q_csat._prepare_statistics(lines)[0]
        self.assertEqual(stats["numerical_max"], 5)
        self.assertEqual(stats["numerical_min"], 3)
        self.assertEqual(stats["numerical_average"], 4)
        sms_only = self.env["survey.user_input"].search(
            [("survey_id", "=", self.csat_survey.id), ("channel", "=", "sms")]
        )
        self.assertEqual(sms_only, user_input)
