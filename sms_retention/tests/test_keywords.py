# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestKeywordActions(SmsRetentionCommon):
    def _receive(self, number, body, **kwargs):
        kwargs.setdefault("company", self.company)
        with self.mock_sms_providers():
            inbound = self.env["sms.retention.inbound"]._receive(
                provider="sandbox", from_number=number, body=body, **kwargs
            )
        self.replies = self._sandbox_numbers()
        return inbound

    def _outbox(self, number):
        return self.env["sms.retention.sandbox.message"].search(
            [("number", "=", number)], order="id"
        )

    def test_stop_opts_out_blacklists_and_confirms_once(self):
        self.customer_us.sms_retention_consent = "opted_in"
        first = self._receive("+12125550101", "STOP")
        self.assertEqual(first.classification, "stop")
        self.assertEqual(first.auto_reply, "stop")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_out")
        log = self.env["sms.retention.consent.log"].search(
            [("partner_id", "=", self.customer_us.id)], limit=1
        )
        self.assertEqual(
            (log.state, log.source, log.note), ("opted_out", "keyword", "STOP")
        )
        blacklist = self.env["phone.blacklist"].search(
            [("number", "=", "+12125550101")]
        )
        self.assertEqual(len(blacklist), 1)
        for body in ("stop", "Stop!!!"):
            again = self._receive("+12125550101", body)
            self.assertEqual(again.classification, "stop")
            self.assertFalse(again.auto_reply)
        confirmations = self._outbox("+12125550101")
        self.assertEqual(len(confirmations), 1, "exactly one confirmation")
        self.assertIn("unsubscribed", confirmations.body)
        self.assertEqual(
            self.env["phone.blacklist"].search_count([("number", "=", "+12125550101")]),
            1,
        )

    def test_stop_in_the_customers_language_at_night(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.company.write(
            {
                "sms_retention_quiet_start": 8.0,
                "sms_retention_quiet_end": 9.0,
                "sms_retention_policy_all_sms": True,
            }
        )
        self._receive("+8613800138001", "退订")
        confirmation = self._outbox("+8613800138001")
        self.assertEqual(
            len(confirmation), 1, "opt-out confirmations ignore quiet hours"
        )
        self.assertIn("您已退订", confirmation.body)
        self.assertEqual(self.customer_cn.sms_retention_consent, "opted_out")

    def test_stop_from_unknown_sender_still_blacklists(self):
        inbound = self._receive("+12125559876", "UNSUBSCRIBE")
        self.assertEqual(inbound.state, "unmatched")
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", "+12125559876")])
        )

    def test_start_opts_in_again(self):
        self._receive("+12125550101", "STOP")
        start = self._receive("+12125550101", "START")
        self.assertEqual(start.classification, "start")
        self.assertEqual(start.auto_reply, "start")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_in")
        self.assertFalse(
            self.env["phone.blacklist"].search([("number", "=", "+12125550101")])
        )
        self.assertIn("subscribed again", self._outbox("+12125550101")[-1].body)
        # A new STOP is confirmed again.
        self.assertEqual(self._receive("+12125550101", "STOP").auto_reply, "stop")

    def test_help_answers_with_the_company_text_but_respects_consent(self):
        self.company.write({"phone": "+1 212 555 0000"})
        help_in = self._receive("+12125550101", "HELP")
        self.assertEqual((help_in.classification, help_in.auto_reply), ("help", "help"))
        body = self._outbox("+12125550101").body
        self.assertIn("Retention Test Co", body)
        self.assertIn("Msg & data rates may apply", body)
        self.assertIn("+1 212 555 0000", body)
        self.assertIn("STOP", body)
        self._receive("+12125550101", "STOP")
        count = len(self._outbox("+12125550101"))
        self.assertFalse(self._receive("+12125550101", "HELP").auto_reply)
        self.assertEqual(len(self._outbox("+12125550101")), count)

    def test_auto_replies_can_be_switched_off(self):
        self.company.sms_retention_auto_reply = False
        inbound = self._receive("+12125550101", "STOP")
        self.assertFalse(inbound.auto_reply)
        self.assertFalse(self._outbox("+12125550101"))
        self.assertEqual(
            self.customer_us.sms_retention_consent, "opted_out", "still opted out"
        )

    def test_complaint_creates_an_activity_for_the_salesperson(self):
        self.campaign.delay = 0
        order = self._create_order(self.customer_us)
        with self.mock_sms_providers():
            self._run_sending_job()
        inbound = self._receive(
            "+12125550101", "I want to complain, the box was broken"
        )
        self.assertEqual(inbound.classification, "complaint")
        activity = inbound.activity_id
        self.assertEqual(activity.res_model, "sale.order")
        self.assertEqual(activity.res_id, order.id)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sms_retention.mail_activity_type_sms_complaint"),
        )
        self.assertIn("box was broken", activity.note)
        self.assertTrue(self.customer_us.sms_retention_complaint_date)

    def test_complaint_without_salesperson_goes_to_the_fallback_user(self):
        self.company.sms_retention_complaint_user_id = self.salesperson
        inbound = self._receive("+8613800138001", "我要投诉")
        self.assertEqual(inbound.activity_id.res_model, "res.partner")
        self.assertEqual(inbound.activity_id.user_id, self.salesperson)

    def test_possible_opt_out_is_held_for_review(self):
        """ "Not interested" may be an opt-out: the salesperson reviews it, the
        customer keeps their consent until then and gets no answer."""
        self.customer_us.sms_retention_consent = "opted_in"
        inbound = self._receive("+12125550101", "Not interested, who is this?")
        self.assertEqual(inbound.classification, "possible_stop")
        self.assertEqual(inbound.handle_state, "todo")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_in")
        self.assertFalse(self.replies, "a possible opt-out gets no auto-reply")
        activity = inbound.activity_id
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sms_retention.mail_activity_type_sms_possible_opt_out"),
        )
        self.assertIn("Not interested", activity.note)
        self.assertIn(f"id={inbound.id}", activity.note)

    def test_confirmed_possible_opt_out_opts_out_like_stop(self):
        self.customer_us.sms_retention_consent = "opted_in"
        inbound = self._receive("+12125550101", "不感兴趣")
        activity = inbound.activity_id
        with self.mock_sms_providers():
            inbound.with_user(self.salesperson).action_confirm_opt_out()
        self.assertEqual(inbound.classification, "stop")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_out")
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", "+12125550101")])
        )
        log = self.env["sms.retention.consent.log"].search(
            [("partner_id", "=", self.customer_us.id)], limit=1
        )
        self.assertEqual(
            (log.state, log.source, log.user_id),
            ("opted_out", "keyword", self.salesperson),
        )
        self.assertEqual(inbound.auto_reply, "stop")
        self.assertEqual(
            (inbound.handle_state, inbound.handled_by_id),
            ("handled", self.salesperson),
        )
        self.assertFalse(activity.exists(), "the review activity is done")
        done = self.customer_us.message_ids.filtered(
            lambda m: "reviewed by" in (m.body or "")
        )
        self.assertIn("opted out", done.body)

    def test_rejected_possible_opt_out_stays_a_reply(self):
        self.customer_us.sms_retention_consent = "opted_in"
        inbound = self._receive("+12125550101", "wrong number?")
        inbound.with_user(self.salesperson).action_reject_opt_out()
        self.assertEqual(inbound.classification, "text")
        self.assertEqual(inbound.handle_state, "todo")
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_in")
        self.assertFalse(inbound.activity_id)
        with self.assertRaises(UserError):
            inbound.action_reject_opt_out()

    def test_complaint_in_plain_words(self):
        for number, body in (
            ("+12125550101", "The chair arrived broken, I want a refund"),
            ("+8613800138001", "东西坏了，我要退款"),
        ):
            with self.subTest(body=body):
                inbound = self._receive(number, body)
                self.assertEqual(inbound.classification, "complaint")
                self.assertTrue(inbound.activity_id)

    def test_custom_keywords_per_language(self):
        self.env["sms.retention.keyword"].create(
            {"name": "不要了", "classification": "stop"}
        )
        inbound = self._receive("+8613800138001", "不要了！")
        self.assertEqual(inbound.classification, "stop")
        self.assertEqual(self.customer_cn.sms_retention_consent, "opted_out")

    def test_plain_answers_are_text(self):
        self.assertEqual(
            self._receive("+12125550101", "5, great").classification, "text"
        )
