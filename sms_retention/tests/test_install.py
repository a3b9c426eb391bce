# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_dependencies_installed(self):
        modules = self.env["ir.module.module"].search(
            [
                (
                    "name",
                    "in",
                    [
                        "sms",
                        "sale_management",
                        "phone_validation",
                        "base_automation",
                        "link_tracker",
                        "mail",
                        "sms_retention",
                    ],
                )
            ]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 7)

    def test_sandbox_is_the_default_provider(self):
        # No IAP SMS account existed at install: every company uses the sandbox.
        self.assertEqual(
            set(self.env["res.company"].search([]).mapped("sms_retention_provider")),
            {"sandbox"},
        )
        company = self.env["res.company"].create({"name": "New Co"})
        self.assertEqual(company.sms_retention_provider, "sandbox")

    def test_default_automation_and_campaign(self):
        rule = self.env.ref("sms_retention.base_automation_order_confirmed")
        self.assertTrue(rule.active)
        self.assertEqual(rule.model_id.model, "sale.order")
        self.assertEqual(rule.trigger, "on_state_set")
        self.assertEqual(rule.action_server_ids.state, "sms_retention")
        campaign = rule.action_server_ids.sms_retention_campaign_id
        self.assertEqual(
            campaign, self.env.ref("sms_retention.sms_retention_campaign_review")
        )
        self.assertEqual((campaign.delay, campaign.delay_unit), (2, "days"))
        cron = self.env.ref("sms_retention.ir_cron_sms_retention_send")
        self.assertTrue(cron.active)

    def test_template_is_translated(self):
        template = self.env.ref("sms_retention.sms_template_review_request")
        for lang, fragment in (
            ("zh_CN", "请回复1到5分"),
            ("zh_TW", "請回覆1到5分"),
            ("th_TH", "ตอบกลับด้วยคะแนน"),
        ):
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(["sms_retention"], [lang])
            self.assertIn(fragment, template.with_context(lang=lang).body)

    def test_demo_tells_the_story(self):
        """On a demo database, Emma and Somchai ordered again after the
        review request: both orders are credited to their SMS, touched
        before the order (a touch in the order's own second does not count:
        the demo credited none when both fell in the same second)."""
        orders = self.env.ref(
            "sms_retention.sale_order_demo_9", raise_if_not_found=False
        )
        if not orders:
            self.skipTest("no demo data")
        orders |= self.env.ref("sms_retention.sale_order_demo_10")
        credited = self.env["sms.retention.message"].search(
            [("conversion_order_id", "in", orders.ids)]
        )
        self.assertEqual(credited.conversion_order_id, orders)
        for message in credited:
            touches = [message.clicked_at, message.delivered_at, message.replied_at]
            self.assertLess(
                max(filter(None, touches)), message.conversion_order_id.date_order
            )

    def test_demo_churn_has_a_past(self):
        """On a demo database, churn is measured over the demo's two years of
        orders, not only from the install: the segment history is replayed
        from them."""
        if not self.env.ref("sms_retention.sale_order_demo_9", False):
            self.skipTest("no demo data")
        this_month = fields.Date.today().replace(day=1)
        rows = self.env["sms.retention.churn.report"]._read_group(
            [("month", "<", this_month)],
            [],
            ["churned_count:sum", "active_count:sum", "month:count_distinct"],
        )
        churned, active, months = rows[0]
        self.assertGreater(months, 12)
        self.assertGreater(active, 0)
        self.assertGreater(churned, 0)

    def test_demo_sms_speak_the_customers_language(self):
        """The demo installs its languages as Settings would (Odoo's terms
        too), before its SMS go out: Somchai's review request is Thai, not
        the English source, and Thailand is named in Thai."""
        message = self.env.ref(
            "sms_retention.sms_retention_message_demo_4", raise_if_not_found=False
        )
        if not message:
            self.skipTest("no demo data")
        self.assertEqual(message.partner_id.lang, "th_TH")
        self.assertTrue(message.body.startswith("คำสั่งซื้อ"), message.body)
        thailand = self.env.ref("base.th").with_context(lang="th_TH")
        self.assertEqual(thailand.name, "ประเทศไทย")

    def test_demo_sends_at_any_hour_and_keeps_the_countries_hours(self):
        """The demo's SMS go out whatever the hour of the install (at 20:30 in
        Bangkok they were deferred, and the story lost its replies and
        orders), and the countries' own hours are as shipped afterwards."""
        message = self.env.ref(
            "sms_retention.sms_retention_message_demo_4", raise_if_not_found=False
        )
        if not message:
            self.skipTest("no demo data")
        self.assertEqual(message.state, "sent")
        hours = {
            code: self.env.ref(f"sms_retention.sms_retention_country_rule_{code}")
            for code in ("cn", "th", "fr")
        }
        self.assertEqual(
            {code: (rule.quiet_start, rule.quiet_end) for code, rule in hours.items()},
            {"cn": (8.0, 21.0), "th": (8.0, 20.0), "fr": (8.0, 20.0)},
        )
