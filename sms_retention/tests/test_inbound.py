# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestInbound(SmsRetentionCommon):
    def _receive(self, number, body="5", **kwargs):
        kwargs.setdefault("company", self.company)
        return self.env["sms.retention.inbound"]._receive(
            provider="sandbox", from_number=number, body=body, **kwargs
        )

    def _sent_review(self, partner, user=None):
        self.campaign.delay = 0
        order = self._create_order(partner, user=user)
        with self.mock_sms_providers():
            self._run_sending_job()
        message = self._messages_of(order)
        self.assertEqual(message.state, "sent")
        return order, message

    def test_reply_links_partner_and_order_and_posts_on_both(self):
        order, message = self._sent_review(self.customer_us)
        inbound = self._receive("+12125550101", "5 - great service")
        self.assertEqual(inbound.state, "matched")
        self.assertEqual(inbound.partner_id, self.customer_us)
        self.assertEqual(inbound.outbound_message_id, message)
        self.assertEqual(inbound.campaign_id, self.campaign)
        self.assertEqual((inbound.res_model, inbound.res_id), ("sale.order", order.id))
        for record in (self.customer_us, order):
            posted = record.message_ids.filtered(
                lambda m: "5 - great service" in (m.body or "")
            )
            self.assertEqual(len(posted), 1, record)
            self.assertEqual(posted.author_id, self.customer_us)
            self.assertEqual(posted.subtype_id, self.env.ref("mail.mt_comment"))

    def test_salesperson_following_the_order_is_notified(self):
        env = self.env(
            context=dict(
                self.env.context, tracking_disable=False, mail_create_nosubscribe=False
            )
        )
        self.env = env
        order, _message = self._sent_review(self.customer_us)
        self.assertIn(self.salesperson.partner_id, order.message_partner_ids)
        self._receive("+12125550101", "The box arrived damaged")
        posted = order.message_ids.filtered(lambda m: "damaged" in (m.body or ""))
        self.assertIn(
            self.salesperson.partner_id, posted.notification_ids.res_partner_id
        )
        self.assertIn(
            self.salesperson.partner_id,
            posted.partner_ids | posted.notified_partner_ids,
        )

    def test_national_format_is_read_in_the_receiving_country(self):
        _order, message = self._sent_review(self.customer_cn)
        inbound = self._receive("138 0013 8001", to_number="+8610000000")
        self.assertEqual(inbound.from_number, "+8613800138001")
        self.assertEqual(inbound.partner_id, self.customer_cn)
        self.assertEqual(inbound.outbound_message_id, message)

    def test_national_format_falls_back_to_company_country(self):
        inbound = self._receive("(212) 555-0101")
        self.assertEqual(inbound.from_number, "+12125550101")
        self.assertEqual(inbound.partner_id, self.customer_us)
        self.assertFalse(inbound.outbound_message_id, "no SMS was sent to answer")

    def test_unknown_sender_is_kept_unmatched_then_linked(self):
        inbound = self._receive("+12125559999", "who is this?")
        self.assertEqual(inbound.state, "unmatched")
        self.assertFalse(inbound.partner_id)
        self.assertEqual(inbound.body, "who is this?")
        self.assertFalse(
            self.env["res.partner"].search([("phone_sanitized", "=", "+12125559999")])
        )
        inbound.partner_id = self.customer_us
        self.assertEqual(inbound.state, "matched")
        self.assertTrue(
            self.customer_us.message_ids.filtered(
                lambda m: "who is this?" in (m.body or "")
            )
        )

    def test_unreadable_sender_is_kept_with_a_reason(self):
        inbound = self._receive("not-a-number", "hello")
        self.assertEqual(inbound.state, "unmatched")
        self.assertFalse(inbound.from_number)
        self.assertEqual(inbound.from_number_raw, "not-a-number")
        self.assertIn("Cannot read the sender's number not-a-number", inbound.error)

    def test_bodies_empty_long_binary_emoji(self):
        empty = self._receive("+12125550101", None)
        self.assertEqual(empty.body, "")
        self.assertTrue(
            self.customer_us.message_ids.filtered(
                lambda m: "(empty message)" in (m.body or "")
            )
        )
        long_body = "x" * 2000
        long_in = self._receive("+12125550101", long_body)
        self.assertEqual(len(long_in.body), 1600)
        self.assertTrue(long_in.body_truncated)
        self.assertEqual(long_in.body_length, 2000)
        exact = self._receive("+12125550101", "y" * 1600)
        self.assertFalse(exact.body_truncated)
        binary = self._receive("+12125550101", b"ok \xff\xfe \x00done")
        self.assertEqual(binary.body, "ok \ufffd\ufffd done")
        emoji = self._receive("+12125550101", "👍🏽 5⭐ 谢谢 ขอบคุณ")
        self.assertEqual(emoji.body, "👍🏽 5⭐ 谢谢 ขอบคุณ")

    def test_same_provider_message_is_stored_once(self):
        first = self._receive("+12125550101", "5", provider_message_id="SM1")
        again = self._receive("+12125550101", "5", provider_message_id="SM1")
        self.assertEqual(first, again)
        self.assertEqual(
            self.env["sms.retention.inbound"].search_count(
                [("provider_message_id", "=", "SM1")]
            ),
            1,
        )
        posted = self.customer_us.message_ids.filtered(
            lambda m: "<p>5</p>" in (m.body or "")
        )
        self.assertEqual(len(posted), 1, "a re-delivery is not posted twice")

    def test_reply_outside_window_matches_partner_only(self):
        _order, _message = self._sent_review(self.customer_us)
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            inbound = self._receive("+12125550101", "late answer")
        self.assertEqual(inbound.partner_id, self.customer_us)
        self.assertFalse(inbound.outbound_message_id)

    def test_shared_number_prefers_last_texted_partner(self):
        spouse = self._create_customer("Bob Walker", "+1 212 555 0101", "us")
        _order, message = self._sent_review(self.customer_us)
        inbound = self._receive("+12125550101", "ok")
        self.assertEqual(inbound.partner_id, self.customer_us)
        self.assertNotEqual(inbound.partner_id, spouse)
        self.assertEqual(inbound.outbound_message_id, message)

    def test_other_company_messages_are_not_matched(self):
        _order, _message = self._sent_review(self.customer_us)
        other = self.env["res.company"].create({"name": "Other Co"})
        inbound = self._receive("+12125550101", "hi", company=other)
        self.assertFalse(inbound.outbound_message_id)

    def test_simulate_reply_wizard(self):
        order, _message = self._sent_review(self.customer_us)
        outbox = self.assertSandboxOutbox("+12125550101")
        action = outbox.action_simulate_reply()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.body = "4 stars"
        result = wizard.save().action_simulate()
        inbound = self.env["sms.retention.inbound"].browse(result["res_id"])
        self.assertEqual(inbound.provider, "sandbox")
        self.assertTrue(inbound.provider_message_id.startswith("SB"))
        self.assertEqual(inbound.partner_id, self.customer_us)
        self.assertEqual(inbound.res_id, order.id)
        self.assertIn(inbound, outbox.reply_ids)

    def test_sandbox_sends_no_reply_from_a_one_way_country(self):
        """Thailand's SMS are one-way (its country rules): the sandbox, which
        stands for a provider, refuses a reply from there and stores none."""
        wizard = self.env["sms.retention.simulate.reply"].create(
            {
                "number": "+66 81 234 5678",
                "body": "ยกเลิก",
                "company_id": self.company.id,
            }
        )
        with self.assertRaises(UserError) as ctx:
            wizard.action_simulate()
        self.assertIn("No reply can come from Thailand", str(ctx.exception))
        self.assertFalse(
            self.env["sms.retention.inbound"].search(
                [("from_number_raw", "=", "+66 81 234 5678")]
            )
        )
        self.env.ref(
            "sms_retention.sms_retention_country_rule_th"
        ).replies_reach_us = True
        inbound = self.env["sms.retention.sandbox.message"]._simulate_inbound(
            "+66812345678", "ยกเลิก", self.company
        )
        self.assertEqual(inbound.classification, "stop", "a two-way provider there")

    def test_simulate_reply_wizard_rejects_unreadable_number(self):
        wizard = self.env["sms.retention.simulate.reply"].create(
            {"number": "12ab", "body": "hi", "company_id": self.company.id}
        )
        with self.assertRaises(UserError) as ctx:
            wizard.action_simulate()
        self.assertIn("Cannot read 12ab as a phone number", str(ctx.exception))
        self.assertFalse(
            self.env["sms.retention.inbound"].search([("from_number_raw", "=", "12ab")])
        )
