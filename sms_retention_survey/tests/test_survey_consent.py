# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A reply is classified once (the admin's keywords first, then the parser):
the survey follows that classification, so a STOP ends the survey and opts
the customer out, and anything else leaves both alone."""

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
