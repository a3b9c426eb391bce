# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A reply is classified once (the admin's keywords first, then the parser):
the survey follows that classification, so a STOP ends the survey and opts
the customer out, and anything else leaves both alone."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SmsSurveyCommon


@tagged("post_install", "-at_install")
class TestSurveyConsent(SmsSurveyCommon):
    def _rows(self):
        logs = self.env["sms.retention.consent.log"].search(
            [("partner_id", "=", self.customer_us.id)], order="id"
        )
        return [(log.previous_state, log.state, log.source) for log in logs]

    def _keyword(self, name, classification):
        return self.env["sms.retention.keyword"].create(
            {"name": name, "classification": classification}
        )

    def test_stop_ends_the_survey_and_opts_out_once(self):
        user_input = self._send_survey(self.csat_survey)
        inbound = self._reply("STOP")
        self.assertEqual(inbound.classification, "stop")
        self.assertEqual(inbound.survey_user_input_id, user_input)
        self.assertEqual(user_input.sms_state, "stopped")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_out")
        self.assertEqual(self._rows(), [("unknown", "opted_out", "keyword")])
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", self.number_us)])
        )

    def test_custom_stop_keyword_ends_the_survey_and_opts_out(self):
        self._keyword("no more", "stop")
        user_input = self._send_survey(self.csat_survey)
        inbound = self._reply("No more!")
        self.assertEqual(inbound.classification, "stop")
        self.assertEqual(user_input.sms_state, "stopped")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_out")
        self.assertEqual(self._rows(), [("unknown", "opted_out", "keyword")])

    def test_possible_opt_out_waits_for_its_review(self):
        """ "Not interested, 2" may be an opt-out: the survey does not read it
        until a person decides; kept as a reply, it answers the question."""
        user_input = self._send_survey(self.csat_survey)
        inbound = self._reply("Not interested, 2")
        self.assertEqual(inbound.classification, "possible_stop")
        self.assertFalse(inbound.survey_user_input_id, "held, not routed")
        self.assertEqual(user_input.sms_state, "waiting")
        self.assertEqual(user_input.sms_failed_parses, 0)
        inbound.action_reject_opt_out()
        self.assertEqual(inbound.survey_user_input_id, user_input)
        self.assertEqual(user_input.state, "done")
        self.assertEqual(self.customer_us.sms_survey_last_score, "2 / 5")
        self.assertEqual(self.customer_us.sms_retention_consent, "unknown")

    def test_confirmed_possible_opt_out_ends_the_survey(self):
        user_input = self._send_survey(self.csat_survey)
        inbound = self._reply("wrong number")
        with self.mock_sms_providers():
            inbound.action_confirm_opt_out()
        self.assertEqual(user_input.sms_state, "stopped")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_out")
        self.assertEqual(self._rows(), [("unknown", "opted_out", "keyword")])

    def test_complaint_with_a_score_answers_and_alerts(self):
        user_input = self._send_survey(self.csat_survey)
        inbound = self._reply("2, the chair arrived broken")
        self.assertEqual(inbound.classification, "complaint")
        self.assertTrue(inbound.activity_id)
        self.assertEqual(user_input.state, "done")
        self.assertEqual(self.customer_us.sms_survey_last_score, "2 / 5")
        self.assertEqual(inbound.handle_state, "todo", "the complaint needs a person")

    def test_customer_who_cannot_reply_gets_the_web_link(self):
        """Replies cannot arrive from Thailand (its country rules): the SMS
        carries the survey's web link instead of its question, and the
        campaign's preview says so."""
        customer_th = self._create_customer(
            "สมชาย ใจดี", "081 234 5678", "th", lang=self._lang("th_TH")
        )
        customer_th.sms_retention_consent = "opted_in"
        rule = self.env.ref("sms_retention.sms_retention_country_rule_th")
        rule.form_links_allowed = True
        with freeze_time("2026-03-03 05:00:00"):  # noon in Bangkok
            user_input = self._send_survey(self.csat_survey, partner=customer_th)
        body = user_input.sms_message_id.body
        self.assertIn("/survey/start/", body)
        self.assertNotIn(
            user_input.sms_question_id.with_context(lang="th_TH")._sms_render(), body
        )
        warnings = self.survey_campaign._sms_retention_country_warnings(
            rule, "TH", False
        )
        self.assertIn("web link instead of its question", warnings[-1])
        rule.form_links_allowed = False
        warnings = self.survey_campaign._sms_retention_country_warnings(
            rule, "TH", False
        )
        self.assertIn("links to forms are banned", warnings[-1])

    def test_survey_no_one_can_answer_is_skipped(self):
        """Thai customers can neither reply nor open links to forms (the
        shipped rules): their survey SMS is skipped, not sent in vain."""
        customer_th = self._create_customer(
            "สมชาย ใจดี", "081 234 5678", "th", lang=self._lang("th_TH")
        )
        customer_th.sms_retention_consent = "opted_in"
        self.survey_campaign.survey_id = self.csat_survey
        messages = self.survey_campaign._enqueue(customer_th)
        with freeze_time("2026-03-03 05:00:00"), self.mock_sms_providers():
            messages.action_send_now()
        self.assertEqual(
            (messages.state, messages.skip_reason), ("skipped", "country_rules")
        )
        self.assertFalse(self._sandbox_numbers())

    def test_custom_help_keyword_wins_over_the_parser_everywhere(self):
        # TD is an opt-out for the parser (Chinese carriers' code); this
        # company's admin made it a help keyword.
        self._keyword("TD", "help")
        user_input = self._send_survey(self.csat_survey)
        inbound = self._reply("TD")
        self.assertEqual((inbound.classification, inbound.auto_reply), ("help", "help"))
        self.assertEqual(
            user_input.sms_state, "waiting", "a help reply does not end the survey"
        )
        self.assertEqual(user_input.sms_failed_parses, 0)
        self.assertEqual(self.customer_us.sms_retention_consent, "unknown")
        self.assertEqual(self._rows(), [])
        self._reply("5")
        self.assertEqual(user_input.state, "done")

    def test_the_stored_classification_decides_not_a_second_parse(self):
        user_input = self._send_survey(self.csat_survey)
        # A reply classified as text is an answer to the question, whatever
        # its words: the survey never reads a STOP of its own in it.
        inbound = self.env["sms.retention.inbound"].create(
            {
                "company_id": self.company.id,
                "provider": "sandbox",
                "from_number_raw": self.number_us,
                "from_number": self.number_us,
                "partner_id": self.customer_us.id,
                "state": "matched",
                "body": "STOP",
                "classification": "text",
            }
        )
        with self.mock_sms_providers():
            inbound._route_reply()
        self.assertEqual(inbound.survey_user_input_id, user_input)
        self.assertEqual(user_input.sms_state, "waiting", "an unreadable answer")
        self.assertEqual(user_input.sms_failed_parses, 1)
