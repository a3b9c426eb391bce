# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The salesperson's SMS thread in a real browser (Chromium, Odoo's tour runner)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import SmsRetentionTourCase


@tagged("post_install", "-at_install")
class TestUiTourConversation(SmsRetentionTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="tour.seller",
            groups="sales_team.group_sale_salesman",
            name="Tour Seller",
        )

    def test_conversation_tour(self):
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Replier",
                "mobile": "+1 212 555 0143",
                "country_id": self.env.ref("base.us").id,
                "user_id": self.salesperson.id,
                "sms_retention_consent": "opted_in",
                "tz": "America/New_York",
            }
        )
        product = self.env["product.product"].create({"name": "Tour Parcel"})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.salesperson.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        campaign = self.env.ref("sms_retention.sms_retention_campaign_review")
        campaign.variant_ids.unlink()  # the demo's A/B texts: one text here
        message = campaign._enqueue(order)
        message.action_send_now()
        self.assertEqual((message.state, bool(message.delivered_at)), ("sent", True))
        # The customer answers the review request: a reply on the sandbox.
        reply = self.env["sms.retention.inbound"]._receive(
            "sandbox",
            "+12125550143",
            "Where is my parcel?",
            company=self.company,
            received_at=fields.Datetime.now() + timedelta(minutes=1),
        )
        self.assertEqual(reply.user_id, self.salesperson)
        self.assertEqual(reply.handle_state, "todo")

        self.start_tour("/web", "sms_retention_conversation_tour", login="tour.seller")

        outbox = self.env["sms.retention.sandbox.message"].search(
            [("number", "=", "+12125550143")], order="id"
        )
        self.assertEqual(outbox[-1:].body, "It left our warehouse today.")
        self.assertEqual(reply.handle_state, "handled")
        self.assertEqual(reply.handled_by_id, self.salesperson)
        answer = customer.message_ids.filtered(
            lambda m: m.message_type == "sms" and m.sms_retention_kind == "direct"
        )
        self.assertEqual(answer.author_id, self.salesperson.partner_id)
        self.assertEqual(answer.notification_ids.notification_status, "sent")
