# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One gate and one "send now": every SMS the product sends outside the
sending job goes through ``res.partner._sms_retention_send_now`` with a
mode, decided by ``tools.sending_policy.decide_now``; ``sms.sms.send``
applies the same decision by the mode the SMS carries."""

from contextlib import contextmanager
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import BaseCase, Form, tagged

from ..tools import send_window, sending_policy
from ..tools.sending_policy import CONSENT_ONLY, FULL_POLICY, OPT_OUT_CONFIRMATION
from .common import PolicyForAllSmsCommon

UTC = fields.Datetime.to_datetime
NUMBER = "+12125550101"


@tagged("post_install", "-at_install")
class TestDecideNow(BaseCase):
    """The pure decision of an SMS sent now, mode by mode."""

    night = datetime(2026, 3, 2, 3, 0)  # 22:00 in New York
    day = datetime(2026, 3, 2, 15, 0)  # 10:00 in New York

    def _decide(self, mode, now=None, **values):
        facts = sending_policy.Facts(
            **{
                "key": 1,
                "consent": "unknown",
                "blacklisted": False,
                "number_ok": True,
                "landline": False,
                "marketing": False,
                "allow_unknown_consent": False,
                "tz": "America/New_York",
                **values,
            }
        )
        decision = sending_policy.decide_now(
            facts, mode, now or self.night, send_window.DEFAULT_POLICY
        )
        return decision.action, decision.reason

    def test_full_policy_holds_until_the_sending_hours(self):
        self.assertEqual(self._decide(FULL_POLICY, self.day), ("send", None))
        self.assertEqual(self._decide(FULL_POLICY), ("defer", "quiet_hours"))
        self.assertEqual(
            self._decide(FULL_POLICY, consent="opted_out"), ("skip", "consent")
        )
        self.assertEqual(
            self._decide(FULL_POLICY, blacklisted=True), ("skip", "consent")
        )
        self.assertEqual(
            self._decide(FULL_POLICY, number_ok=False), ("skip", "invalid_number")
        )

    def test_consent_only_refuses_but_never_holds(self):
        self.assertEqual(self._decide(CONSENT_ONLY), ("send", None))
        self.assertEqual(
            self._decide(CONSENT_ONLY, consent="opted_out"), ("skip", "consent")
        )
        self.assertEqual(
            self._decide(CONSENT_ONLY, blacklisted=True), ("skip", "consent")
        )
        self.assertEqual(
            self._decide(CONSENT_ONLY, number_ok=False), ("skip", "invalid_number")
        )

    def test_opt_out_confirmation_needs_a_number_only(self):
        self.assertEqual(
            self._decide(OPT_OUT_CONFIRMATION, consent="opted_out", blacklisted=True),
            ("send", None),
        )
        self.assertEqual(
            self._decide(OPT_OUT_CONFIRMATION, number_ok=False),
            ("skip", "invalid_number"),
        )

    def test_no_retention_rules(self):
        """No cap, no expiry, no landline refusal, no marketing consent."""
        values = {
            "landline": True,
            "marketing": True,
            "expires_at": self.night,
            "sent_in_window": (self.night - timedelta(hours=1),) * 5,
        }
        for mode in (FULL_POLICY, CONSENT_ONLY, OPT_OUT_CONFIRMATION):
            with self.subTest(mode=mode):
                self.assertEqual(self._decide(mode, self.day, **values), ("send", None))
        with self.assertRaises(ValueError):
            self._decide("job")


class SendNowCase(PolicyForAllSmsCommon):
    @contextmanager
    def _send_now_calls(self):
        """The modes of the SMS sent through the one send-now method."""
        calls = []
        partner_class = type(self.env["res.partner"])
        send_now = partner_class._sms_retention_send_now

        def spy(partner, body, mode, *args, **kwargs):
            calls.append(mode)
            return send_now(partner, body, mode, *args, **kwargs)

        partner_class._sms_retention_send_now = spy
        try:
            yield calls
        finally:
            partner_class._sms_retention_send_now = send_now

    def _sms_logs(self, partner):
        return partner.message_ids.filtered(lambda m: m.message_type == "sms")


@tagged("post_install", "-at_install")
class TestSendNow(SendNowCase):
    """Each mode through the one method, and the gate of ``send``."""

    def test_full_policy_holds_and_logs_then_sends_in_hours(self):
        with freeze_time(self.NIGHT_IN_NEW_YORK), self.mock_sms_providers():
            sent = self.partner._sms_retention_send_now(
                "Your parcel left", FULL_POLICY, self.company, "direct"
            )
        self.assertEqual(sent.decision.action, "defer")
        self.assertEqual(
            (sent.sms.state, sent.sms.sms_retention_gate), ("outgoing", FULL_POLICY)
        )
        self.assertGreaterEqual(
            sent.sms.sms_retention_not_before, UTC("2026-03-02 13:00:00")
        )
        self.assertEqual(sent.message, self._sms_logs(self.customer_us))
        self.assertNoOutbox(NUMBER)
        with freeze_time(sent.sms.sms_retention_not_before), self.mock_sms_providers():
            self.env["sms.sms"]._process_queue(ids=sent.sms.ids)
        self.assertSandboxOutbox(NUMBER, "Your parcel left")

    def test_held_sms_is_gated_again_by_its_mode_when_it_goes(self):
        with freeze_time(self.NIGHT_IN_NEW_YORK), self.mock_sms_providers():
            sent = self.partner._sms_retention_send_now(
                "Your parcel left", FULL_POLICY, self.company
            )
        self.customer_us._sms_retention_opt_out("form")
        with freeze_time(sent.sms.sms_retention_not_before), self.mock_sms_providers():
            self.env["sms.sms"]._process_queue(ids=sent.sms.ids)
        self.assertEqual(
            (sent.sms.state, sent.sms.failure_type), ("canceled", "sms_blacklist")
        )
        self.assertNoOutbox(NUMBER)

    def test_consent_only_goes_at_night_and_refuses_without_a_trace(self):
        with freeze_time(self.NIGHT_IN_NEW_YORK), self.mock_sms_providers():
            sent = self.partner._sms_retention_send_now(
                "Right away", CONSENT_ONLY, self.company, "direct"
            )
        self.assertEqual(sent.decision.action, "send")
        self.assertSandboxOutbox(NUMBER, "Right away")
        self.customer_us.sms_retention_consent = "opted_out"
        logs = self._sms_logs(self.customer_us)
        sms_count = self.env["sms.sms"].search_count([])
        with self.mock_sms_providers():
            refused = self.partner._sms_retention_send_now(
                "Still there?", CONSENT_ONLY, self.company, "direct"
            )
        self.assertEqual(
            (refused.decision.action, refused.decision.reason), ("skip", "consent")
        )
        self.assertFalse(refused.sms or refused.message)
        self.assertEqual(self.env["sms.sms"].search_count([]), sms_count)
        self.assertEqual(self._sms_logs(self.customer_us), logs)

    def test_opt_out_confirmation_reaches_a_blacklisted_number(self):
        self.customer_us._sms_retention_opt_out("form")
        with self.mock_sms_providers():
            refused = self.partner._sms_retention_send_now(
                "Help text", CONSENT_ONLY, self.company
            )
            sent = self.partner._sms_retention_send_now(
                "You are unsubscribed", OPT_OUT_CONFIRMATION, self.company
            )
        self.assertFalse(refused.sms)
        self.assertEqual(sent.sms.sms_retention_gate, OPT_OUT_CONFIRMATION)
        self.assertSandboxOutbox(NUMBER, "You are unsubscribed")

    def test_to_no_customer_a_valid_number_only(self):
        nobody = self.env["res.partner"]
        with self.mock_sms_providers():
            sent = nobody._sms_retention_send_now(
                "Hello", CONSENT_ONLY, self.company, number="+12125550188"
            )
            refused = nobody._sms_retention_send_now(
                "Hello", CONSENT_ONLY, self.company, number="+12120550199"
            )
        self.assertFalse(sent.message, "logged on no chatter")
        self.assertSandboxOutbox("+12125550188", "Hello")
        self.assertEqual(refused.decision.reason, "invalid_number")
        self.assertNoOutbox("+12120550199")

    def test_odoo_sms_of_a_policy_company_to_an_invalid_number(self):
        sms = self.env["sms.sms"].create(
            {
                "number": "+12120550199",
                "body": "Hi",
                "sms_retention_company_id": self.company.id,
            }
        )
        with freeze_time("2026-03-02 15:00:00"), self.mock_sms_providers():
            sms.send()
        self.assertEqual(
            (sms.state, sms.failure_type), ("canceled", "sms_number_format")
        )
        self.assertFalse(self.iap_calls)


@tagged("post_install", "-at_install")
class TestEverySenderSendsNow(SendNowCase):
    """Each SMS the product sends outside the job goes through the one
    method, in its mode, with the behaviour it always had."""

    def _receive(self, body):
        with self.mock_sms_providers():
            return self.env["sms.retention.inbound"]._receive(
                provider="sandbox", from_number=NUMBER, body=body, company=self.company
            )

    def _outbox(self):
        return self.env["sms.retention.sandbox.message"].search(
            [("number", "=", NUMBER)], order="id"
        )

    def test_auto_replies_consent_only_and_the_stop_confirmation_once(self):
        self.customer_us.sms_retention_consent = "opted_in"
        with freeze_time(self.NIGHT_IN_NEW_YORK), self._send_now_calls() as calls:
            help_in = self._receive("HELP")
            stop = self._receive("STOP")
            help_again = self._receive("HELP")
            stop_again = self._receive("STOP")
        self.assertEqual(
            calls, [CONSENT_ONLY, OPT_OUT_CONFIRMATION, CONSENT_ONLY], "no second STOP"
        )
        self.assertEqual(
            [help_in.auto_reply, stop.auto_reply, help_again.auto_reply],
            ["help", "stop", False],
        )
        self.assertFalse(stop_again.auto_reply)
        outbox = self._outbox()
        self.assertEqual(len(outbox), 2, "the help text at night, then one STOP")
        self.assertIn("unsubscribed", outbox[1].body)

    def test_answer_consent_only(self):
        with freeze_time(self.NIGHT_IN_NEW_YORK), self._send_now_calls() as calls:
            with self.mock_sms_providers():
                self.partner.sms_retention_thread_send("Late answer")
                wizard = Form(
                    self.env["sms.retention.reply"].with_context(
                        default_partner_id=self.customer_us.id
                    )
                )
                wizard.body = "Another one"
                wizard.save().action_send()
        self.assertEqual(calls, [CONSENT_ONLY, CONSENT_ONLY])
        self.assertEqual(self._outbox().mapped("body"), ["Late answer", "Another one"])
        self.customer_us.sms_retention_consent = "opted_out"
        logs = self._sms_logs(self.customer_us)
        with self.assertRaisesRegex(UserError, "opted out of SMS"):
            self.partner._sms_retention_answer("Are you there?", self.company)
        self.assertEqual(self._sms_logs(self.customer_us), logs)
        self.assertEqual(len(self._outbox()), 2)

    def test_test_sms_consent_only_refuses_blacklisted_and_invalid(self):
        self._create_order(self.customer_us)
        wizard = self.env["sms.retention.campaign.test"].create(
            {"campaign_id": self.campaign.id, "number": "+1 212 555 0199"}
        )
        with freeze_time(self.NIGHT_IN_NEW_YORK), self._send_now_calls() as calls:
            with self.mock_sms_providers():
                action = wizard.action_send()
        self.assertEqual(calls, [CONSENT_ONLY])
        self.assertEqual(action["params"]["type"], "success")
        self.assertSandboxOutbox("+12125550199")
        self.env["phone.blacklist"]._add(["+12125550199"])
        with self.assertRaisesRegex(UserError, "in the blacklist"):
            wizard.action_send()
        wizard.number = "+1 212 055 0199"
        with self.assertRaisesRegex(UserError, "not a valid phone number"):
            wizard.action_send()
