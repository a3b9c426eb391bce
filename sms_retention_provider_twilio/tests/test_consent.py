# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio's error 21610 opts the number out through the partners' one
opt-out: one consent-log row per customer, the number blacklisted."""

from odoo.tests import tagged

from .common import TwilioCommon


@tagged("post_install", "-at_install")
class TestTwilioOptOutConsent(TwilioCommon):
    def _rows(self, partner):
        logs = self.env["sms.retention.consent.log"].search(
            [("partner_id", "=", partner.id)], order="id"
        )
        return [(log.previous_state, log.state, log.source) for log in logs]

    def _blacklist(self, number):
        return (
            self.env["phone.blacklist"]
            .with_context(active_test=False)
            .search([("number", "=", number)])
        )

    def test_21610_one_row_then_stop_adds_none(self):
        partner = self.customer_us
        partner._sms_retention_opt_in("form")
        number = partner.phone_sanitized
        self.fake.number_errors[number] = 21610
        self._send(self._sms(number=number, partner_id=partner.id))
        self.assertEqual(
            self._rows(partner),
            [("unknown", "opted_in", "form"), ("opted_in", "opted_out", "api")],
        )
        log = partner.sms_retention_consent_log_ids.sorted("id")[-1]
        self.assertIn("21610", log.note)
        self.assertEqual(log.number, number)
        blacklist = self._blacklist(number)
        self.assertEqual(len(blacklist), 1)
        self.assertTrue(blacklist.active)
        # The customer then texts STOP: already opted out, nothing to log.
        self.env["sms.retention.inbound"]._receive(
            "sms_retention_twilio", number, "STOP", company=self.company
        )
        self.assertEqual(len(self._rows(partner)), 2)
        self.assertEqual(len(self._blacklist(number)), 1)

    def test_21610_for_a_number_without_customer(self):
        number = "+12125550177"
        self.fake.number_errors[number] = 21610
        sms = self._send(self._sms(number=number))
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_optout"))
        self.assertTrue(self._blacklist(number).active)
        self.assertFalse(
            self.env["sms.retention.consent.log"].search([("number", "=", number)])
        )

    def test_no_replies_through_twilio_from_china(self):
        """Twilio has no two-way SMS in mainland China: a company sending
        through it ends its marketing SMS there with the web opt-out link,
        while the sandbox keeps China's reply wording (拒收请回复R)."""
        china = self.env.ref("base.cn")
        self.assertFalse(self.company._sms_retention_replies_reach_us(china))
        self.assertTrue(
            self.company._sms_retention_replies_reach_us(self.env.ref("base.us"))
        )
        text = self.company._sms_retention_optout_text(china, "marketing", "zh_CN")
        self.assertIn("/sms/optout/", text)
        self.company.sms_retention_provider = "sandbox"
        self.assertTrue(self.company._sms_retention_replies_reach_us(china))
        self.assertEqual(
            self.company._sms_retention_optout_text(china, "marketing", "zh_CN"),
            "拒收请回复R",
        )
