# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo.tests import tagged

from .common import SmsSurveyCommon


@tagged("post_install", "-at_install")
class TestScoreRouting(SmsSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.q_stars = cls.review_survey.question_ids.sorted()[:1]
        cls.low_score_type = cls.env.ref(
            "sms_retention_survey.mail_activity_type_low_score"
        )
        cls.at_risk = cls.env.ref("sms_retention_survey.res_partner_category_at_risk")

    def _low_score_activities(self, record):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", self.low_score_type.id),
            ]
        )

    def test_review_of_an_order_goes_to_the_order_salesperson(self):
        seller_2 = self.salesperson.copy({"login": "seller.two", "name": "Other"})
        self.customer_us.user_id = seller_2
        self.campaign.write({"delay": 0, "survey_id": self.review_survey.id})
        order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        with self.mock_sms_providers():
            self._run_sending_job()
        user_input = message.survey_user_input_ids
        self.assertEqual(user_input.sms_campaign_id, self.campaign)
        self.assertIn(order.name, message.body)
        self.assertTrue(
            message.body.endswith("How many stars for your order? Reply 1-5 stars")
        )
        self._reply("2")
        # The follow-up does not wait for the optional comment.
        self.assertEqual(len(self._low_score_activities(order)), 1)
        self.assertIn(self.at_risk, self.customer_us.category_id)
        self._reply("Arrived broken")
        self.assertEqual(user_input.state, "done")
        activity = self._low_score_activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson, "the order's salesperson")
        self.assertIn("gave 2 (scale 1-5)", activity.note)
        self.assertIn("Arrived broken", activity.note)
        self.assertIn(self.at_risk, self.customer_us.category_id)
        self.assertEqual(self.customer_us.sms_survey_last_score, "2 / 5")

    def test_low_score_and_complaint_go_to_the_same_salesperson(self):
        """A low score and a complaint about one order are followed up by
        one rule (``res.partner._sms_retention_follow_up``): the order's
        salesperson now. Regression: the low score went to the order's
        salesperson when the SMS was planned."""
        seller_2 = self.salesperson.copy({"login": "seller.two", "name": "Other"})
        self.campaign.write({"delay": 0, "survey_id": self.review_survey.id})
        order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        with self.mock_sms_providers():
            self._run_sending_job()
        order.user_id = seller_2
        self._reply("1")
        low_score = self._low_score_activities(order)
        message.survey_user_input_ids._sms_end("expired")
        inbound = self._reply("I want to complain, the box was broken")
        self.assertEqual(inbound.classification, "complaint")
        complaint = inbound.activity_id
        self.assertEqual(
            (low_score.res_model, low_score.res_id, low_score.user_id),
            (complaint.res_model, complaint.res_id, complaint.user_id),
        )
        self.assertEqual((complaint.res_id, complaint.user_id), (order.id, seller_2))

    def test_low_score_without_comment_is_followed_up_at_once(self):
        """Regression: routing waited for the optional comment, so a customer
        who gave 1 star and nothing more reached the salesperson only when
        the response expired, a week later."""
        user_input = self._send_survey(self.review_survey)
        self._reply("1")
        self.assertEqual(user_input.sms_state, "waiting", "the comment is asked")
        self.assertTrue(user_input.sms_activity_id)
        self.assertIn("gave 1 (scale 1-5)", user_input.sms_activity_id.note)
        activity = user_input.sms_activity_id
        user_input._sms_end("expired")
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [
                    ("activity_type_id", "=", self.low_score_type.id),
                    ("res_model", "=", activity.res_model),
                    ("res_id", "=", activity.res_id),
                ]
            ),
            1,
            "routed once",
        )

    def test_reward_once_even_when_reply_is_redelivered(self):
        user_input = self._send_survey(self.csat_survey)
        self.csat_survey.sms_reward_text = "Thanks! Code {code} {link}"
        self.csat_survey.sms_reward_code = "STATIC5"
        self.csat_survey.sms_review_url = "https://review.example/x"
        self._reply("5", message_id="SM-reward-1")
        self._reply("5", message_id="SM-reward-1")
        rewards = self._outbox(self.number_us).filtered(
            lambda sms: sms.body.startswith("Thanks! Code")
        )
        self.assertEqual(
            rewards.mapped("body"), ["Thanks! Code STATIC5 https://review.example/x"]
        )
        self.assertEqual(user_input.sms_reward_code, "STATIC5")
        self.assertFalse(self._low_score_activities(self.customer_us))

    def test_reward_with_a_loyalty_coupon(self):
        if "loyalty.program" not in self.env:
            raise unittest.SkipTest("the loyalty module is not installed")
        program = self.env["loyalty.program"].create(
            {"name": "SMS thank-you coupon", "program_type": "coupons"}
        )
        self.csat_survey.write(
            {
                "sms_reward_text": "Your coupon: {code}",
                "sms_reward_program": f"loyalty.program,{program.id}",
            }
        )
        user_input = self._send_survey(self.csat_survey)
        self._reply("5")
        card = self.env["loyalty.card"].search([("program_id", "=", program.id)])
        self.assertEqual(len(card), 1)
        self.assertEqual(card.partner_id, self.customer_us)
        self.assertEqual(user_input.sms_reward_code, card.code)
        self.assertEqual(self._last_sms(self.number_us), f"Your coupon: {card.code}")

    def test_campaign_thresholds_override_the_survey(self):
        self.survey_campaign.write(
            {
                "survey_override_thresholds": True,
                "survey_low_threshold": 3,
                "survey_high_threshold": 100,
            }
        )
        self.csat_survey.sms_reward_text = "Reward {code}"
        user_input = self._send_survey(self.csat_survey)
        self._reply("3")
        self.assertTrue(user_input.sms_activity_id, "3 <= the campaign's 3")
        self.assertFalse(
            self._outbox(self.number_us).filtered(lambda s: s.body.startswith("Reward"))
        )

    def test_middle_score_routes_nothing_and_stop_sends_no_reward(self):
        self.csat_survey.sms_reward_text = "Reward {code}"
        user_input = self._send_survey(self.csat_survey)
        self._reply("3")
        self.assertTrue(user_input.sms_routed)
        self.assertFalse(user_input.sms_activity_id)
        self.assertFalse(self.at_risk in self.customer_us.category_id)
        # A stop before the score: nothing to route, nothing sent.
        review = self._send_survey(
            self.review_survey, campaign=self.survey_campaign.copy()
        )
        self._reply("STOP")
        self.assertEqual(review.sms_state, "stopped")
        self.assertTrue(review.sms_routed)
        self.assertFalse(review.sms_activity_id)
