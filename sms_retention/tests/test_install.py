# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path


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

    def test_migration_drops_the_outbox_company_foreign_key(self):
        """17.0.1.4.0: a database of an older version loses the foreign key
        of the outbox company (and its record); a new one is left alone."""
        spec = importlib.util.spec_from_file_location(
            "sms_retention_migration_1_4",
            file_path("sms_retention/migrations/17.0.1.4.0/pre-migration.py"),
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        cr = self.env.cr
        cr.execute(
            f"""ALTER TABLE sms_retention_sandbox_message
                ADD CONSTRAINT {migration.CONSTRAINT} FOREIGN KEY (company_id)
                REFERENCES res_company(id) ON DELETE RESTRICT"""
        )

        def foreign_keys():
            cr.execute(
                """SELECT conname FROM pg_constraint
                    WHERE conrelid = 'sms_retention_sandbox_message'::regclass
                      AND contype = 'f'"""
            )
            return [row[0] for row in cr.fetchall()]

        migration.migrate(cr, False)
        self.assertEqual(foreign_keys(), [migration.CONSTRAINT], "a new install")
        migration.migrate(cr, "17.0.1.3.0")
        self.assertEqual(foreign_keys(), [])
        migration.migrate(cr, "17.0.1.3.0")  # idempotent
        self.assertEqual(foreign_keys(), [])
