# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""UI tours in a real browser (Chromium, Odoo's tour runner)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SmsRetentionTourCase


@tagged("post_install", "-at_install")
class TestUiTours(SmsRetentionTourCase):
    def test_campaign_tour(self):
        campaign = self.env.ref("sms_retention.sms_retention_campaign_review")
        campaign.write({"name": "Tour review campaign", "delay": 2, "state": "running"})
        template = campaign.sms_template_id
        campaign.variant_ids.unlink()
        self.env["sms.retention.variant"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "name": "A",
                    "sms_template_id": template.id,
                },
                {
                    "campaign_id": campaign.id,
                    "name": "B",
                    "sms_template_id": template.id,
                },
            ]
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Customer",
                "mobile": "+1 212 555 0142",
                "country_id": self.env.ref("base.us").id,
                "tz": False,
            }
        )
        product = self.env["product.product"].create({"name": "Tour Widget"})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        order.action_confirm()
        message = self.env["sms.retention.message"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(message.state, "scheduled")

        self.start_tour("/web", "sms_retention_campaign_tour", login="admin")

        self.assertEqual(message.state, "sent")
        outbox = self.env["sms.retention.sandbox.message"].search(
            [("sms_uuid", "=", message.sms_uuid)]
        )
        self.assertEqual(outbox.number, "+12125550142")
        self.assertIn(order.name, outbox.body)

    def test_earnings_tour(self):
        """A manager reads the clicks and credited orders of a campaign."""
        self._earnings_campaign()
        self.start_tour("/web", "sms_retention_earnings_tour", login="admin")

    def test_overview_tour(self):
        """A manager reads the overview, then opens what a figure counts."""
        self._earnings_campaign()
        self.start_tour("/web", "sms_retention_overview_tour", login="admin")

    def test_cohort_tour(self):
        """A manager opens the customer cohorts, churn and repeat purchases,
        and the SMS analysis."""
        self._earnings_campaign()
        self.start_tour("/web", "sms_retention_cohort_tour", login="admin")

    def _earnings_campaign(self):
        """A campaign whose SMS was clicked and followed by an order, and a
        customer held out."""
        template = self.env["sms.template"].create(
            {
                "name": "Earnings",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "We miss you",
            }
        )
        campaign = self.env["sms.retention.campaign"].create(
            {
                "name": "Earnings campaign",
                "kind": "custom",
                "sms_template_id": template.id,
                "state": "running",
                "holdout_percent": 10,
            }
        )
        variant = self.env["sms.retention.variant"].create(
            {"name": "Friendly", "campaign_id": campaign.id, "body": "We miss you!"}
        )
        customer = self.env["res.partner"].create(
            {"name": "Earnings Customer", "mobile": "+1 212 555 0177"}
        )
        sent_at = fields.Datetime.now() - timedelta(hours=3)
        message = self.env["sms.retention.message"].create(
            {
                "campaign_id": campaign.id,
                "partner_id": customer.id,
                "company_id": self.company.id,
                "res_model": "res.partner",
                "res_id": customer.id,
                "planned_at": sent_at,
                "state": "sent",
                "sent_at": sent_at,
                "clicked_at": sent_at + timedelta(hours=1),
                "replied_at": sent_at + timedelta(hours=2),
                "variant_id": variant.id,
            }
        )
        held_out = self.env["res.partner"].create({"name": "Held Out Customer"})
        self.env["sms.retention.message"].create(
            {
                "campaign_id": campaign.id,
                "partner_id": held_out.id,
                "company_id": self.company.id,
                "res_model": "res.partner",
                "res_id": held_out.id,
                "planned_at": sent_at,
                "state": "skipped",
                "skip_reason": "holdout",
                "is_holdout": True,
            }
        )
        product = self.env["product.product"].create(
            {"name": "Earnings Widget", "list_price": 40.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        order.action_confirm()
        self.env["sale.order"]._cron_sms_retention_attribute()
        self.assertEqual(message.conversion_order_id, order)
