# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end over real HTTP, as a back-office user drives it (JSON-RPC)."""

from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.sms_retention.tests.common import shipped_review_campaign


@tagged("post_install", "-at_install")
class TestReviewConversationOverHttp(HttpCase):
    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_order_to_reply_round_trip(self):
        shipped_review_campaign(self.env)
        self.env["res.lang"]._activate_lang("th_TH")
        self.env["ir.module.module"]._load_module_terms(["sms_retention"], ["th_TH"])
        self.env.company.country_id = self.env.ref("base.th")
        # A Thai business whose provider takes replies (a two-way short
        # code): SMS to Thailand are one-way by the shipped country rules.
        self.env.ref(
            "sms_retention.sms_retention_country_rule_th"
        ).replies_reach_us = True
        # The reply is sent three days from today, whatever today is: not on
        # a shipped public holiday.
        self.env["sms.retention.holiday"].search([]).active = False
        customer = self.env["res.partner"].create(
            {
                "name": "มานี มีนา",
                "mobile": "081 555 0199",
                "lang": "th_TH",
                "country_id": self.env.ref("base.th").id,
            }
        )
        product = self.env["product.product"].create({"name": "Tea set"})
        self.authenticate("admin", "admin")

        order_id = self._call(
            "sale.order",
            "create",
            [
                {
                    "partner_id": customer.id,
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
            ],
        )
        self._call("sale.order", "action_confirm", [[order_id]])
        messages = self._call(
            "sms.retention.message",
            "search_read",
            [[("res_model", "=", "sale.order"), ("res_id", "=", order_id)]],
            {"fields": ["state", "number", "planned_at"]},
        )
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages[0]["state"], "scheduled")
        self.assertEqual(messages[0]["number"], "+66815550199")

        # Two days later, at 10:00 in Bangkok, the job sends it through the sandbox.
        later = datetime.combine(fields.Date.today() + timedelta(days=3), time(3, 0))
        with freeze_time(later):
            self.env["sms.retention.message"]._cron_send_due()
        outbox = self._call(
            "sms.retention.sandbox.message",
            "search_read",
            [[("number", "=", "+66815550199")]],
            {"fields": ["body"]},
        )
        self.assertEqual(len(outbox), 1)
        self.assertIn("ตอบกลับด้วยคะแนน", outbox[0]["body"])

        # The customer answers; the user simulates it from the outbox.
        action = self._call(
            "sms.retention.sandbox.message",
            "action_simulate_reply",
            [[outbox[0]["id"]]],
        )
        wizard_id = self._call(
            "sms.retention.simulate.reply",
            "create",
            [{"number": action["context"]["default_number"], "body": "5 ดีมากค่ะ"}],
        )
        result = self._call(
            "sms.retention.simulate.reply", "action_simulate", [[wizard_id]]
        )
        reply = self._call(
            "sms.retention.inbound",
            "read",
            [[result["res_id"]]],
            {"fields": ["state", "partner_id", "res_model", "res_id", "body"]},
        )[0]
        self.assertEqual(reply["state"], "matched")
        self.assertEqual(reply["partner_id"][0], customer.id)
        self.assertEqual(
            (reply["res_model"], reply["res_id"]), ("sale.order", order_id)
        )

        order_chatter = self._call(
            "mail.message",
            "search_read",
            [
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("author_id", "=", customer.id),
                ]
            ],
            {"fields": ["body"]},
        )
        self.assertEqual(len(order_chatter), 1)
        self.assertIn("5 ดีมากค่ะ", order_chatter[0]["body"])
        count = self._call(
            "res.partner",
            "read",
            [[customer.id]],
            {"fields": ["sms_retention_reply_count"]},
        )[0]["sms_retention_reply_count"]
        self.assertEqual(count, 2, "the conversation: the review request and the reply")
