# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A campaign built, previewed, triggered, started and sent, in Chromium."""

from odoo.tests import new_test_user, tagged

from odoo.addons.sms_retention.tests.common import SmsRetentionTourCase


@tagged("post_install", "-at_install")
class TestUiTourBuildCampaign(SmsRetentionTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Only the campaign the tour builds fires on the order.
        cls.env["sms.retention.campaign"].search([]).write({"state": "draft"})
        cls.user = new_test_user(
            cls.env,
            login="tour.marketer",
            name="Tour Marketer",
            groups="sales_team.group_sale_manager,base.group_user",
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Tour Buyer",
                "mobile": "+1 212 555 0151",
                "country_id": cls.env.ref("base.us").id,
                "tz": False,
            }
        )
        product = cls.env["product.product"].create({"name": "Tour Kettle"})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.buyer.id,
                "user_id": cls.user.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )

    def test_build_start_and_send(self):
        self.start_tour(
            "/web", "sms_retention_build_campaign_tour", login="tour.marketer"
        )
        campaign = self.env["sms.retention.campaign"].search(
            [("name", "=", "Tour thank-you")]
        )
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.variant_ids.mapped("name"), ["A", "B"])
        self.assertEqual(
            campaign.survey_id, self.env.ref("sms_retention_survey.survey_sms_review")
        )
        self.assertTrue(campaign.automation_id.active)
        message = self.env["sms.retention.message"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(message.state, "sent")
        outbox = self.env["sms.retention.sandbox.message"].search(
            [("number", "=", "+12125550151")]
        )
        self.assertEqual(len(outbox), 1)
        self.assertIn(self.order.name, outbox.body)
        self.assertIn("How many stars", outbox.body)
