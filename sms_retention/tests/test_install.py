# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util

from odoo import fields
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

    @staticmethod
    def _load_migration(version):
        spec = importlib.util.spec_from_file_location(
            f"sms_retention_migration_{version.replace('.', '_')}",
            file_path(f"sms_retention/migrations/{version}/pre-migration.py"),
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        return migration

    def test_migration_drops_the_outbox_company_foreign_key(self):
        """17.0.1.4.0: a database of an older version loses the foreign key
        of the outbox company (and its record); a new one is left alone."""
        migration = self._load_migration("17.0.1.4.0")
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

    def _assert_migration_drops_message_keys(self, version, previous, keys_sql):
        """The migration ``version`` drops the message foreign keys that
        ``keys_sql`` adds (and their records) from a database of the
        ``previous`` version, leaves a new one alone, and may run twice."""
        migration = self._load_migration(version)
        cr = self.env.cr
        cr.execute(f"ALTER TABLE sms_retention_message {keys_sql}")
        model = self.env["ir.model"]._get("sms.retention.message")
        for name in migration.CONSTRAINTS:
            cr.execute(
                """INSERT INTO ir_model_constraint
                       (name, model, module, type, create_date, write_date)
                   VALUES (%s, %s, %s, 'f', now(), now())""",
                [name, model.id, self.env.ref("base.module_sms_retention").id],
            )

        def keys():
            cr.execute(
                """SELECT conname::text FROM pg_constraint
                    WHERE conrelid = 'sms_retention_message'::regclass
                      AND conname = ANY(%(names)s)
                   UNION ALL
                   SELECT name FROM ir_model_constraint WHERE name = ANY(%(names)s)
                   ORDER BY 1""",
                {"names": list(migration.CONSTRAINTS)},
            )
            return [row[0] for row in cr.fetchall()]

        migration.migrate(cr, False)
        self.assertEqual(len(keys()), 2 * len(migration.CONSTRAINTS), "a new install")
        migration.migrate(cr, previous)
        self.assertEqual(keys(), [])
        migration.migrate(cr, previous)  # idempotent
        self.assertEqual(keys(), [])

    def test_migration_drops_the_message_campaign_and_company_keys(self):
        """17.0.1.6.0: messages lose the foreign keys of their campaign and
        company."""
        self._assert_migration_drops_message_keys(
            "17.0.1.6.0",
            "17.0.1.5.0",
            """ADD CONSTRAINT sms_retention_message_campaign_id_fkey
                   FOREIGN KEY (campaign_id) REFERENCES sms_retention_campaign(id)
                   ON DELETE CASCADE,
               ADD CONSTRAINT sms_retention_message_company_id_fkey
                   FOREIGN KEY (company_id) REFERENCES res_company(id)
                   ON DELETE RESTRICT""",
        )

    def test_migration_drops_the_message_customer_key(self):
        """17.0.1.7.0: messages lose the foreign key of their customer."""
        self._assert_migration_drops_message_keys(
            "17.0.1.7.0",
            "17.0.1.6.0",
            """ADD CONSTRAINT sms_retention_message_partner_id_fkey
                   FOREIGN KEY (partner_id) REFERENCES res_partner(id)
                   ON DELETE CASCADE""",
        )

    def test_migration_drops_the_tracker_message_column(self):
        """17.0.1.5.0: trackers of an older database lose their message column
        and foreign key (and its record); the message is still found by the
        SMS's uuid. A new database is left alone."""
        migration = self._load_migration("17.0.1.5.0")
        cr = self.env.cr
        cr.execute(
            f"""ALTER TABLE sms_tracker ADD COLUMN {migration.COLUMN} integer
                CONSTRAINT {migration.CONSTRAINT}
                REFERENCES sms_retention_message(id) ON DELETE CASCADE"""
        )
        campaign = self.env.ref("sms_retention.sms_retention_campaign_review")
        partner = self.env["res.partner"].create(
            {"name": "Migrated", "mobile": "+12025550123"}
        )
        message = self.env["sms.retention.message"].create(
            {
                "campaign_id": campaign.id,
                "company_id": self.env.company.id,
                "partner_id": partner.id,
                "res_model": "res.partner",
                "res_id": partner.id,
                "planned_at": fields.Datetime.now(),
                "state": "queued",
                "number": "+12025550123",
                "sms_uuid": "0" * 32,
            }
        )
        self.env.flush_all()
        cr.execute(
            f"""INSERT INTO sms_tracker (sms_uuid, {migration.COLUMN})
                VALUES (%s, %s) RETURNING id""",
            [message.sms_uuid, message.id],
        )
        tracker = self.env["sms.tracker"].browse(cr.fetchone()[0])

        def columns():
            cr.execute(
                """SELECT column_name FROM information_schema.columns
                    WHERE table_name = 'sms_tracker' AND column_name = %s""",
                [migration.COLUMN],
            )
            return [row[0] for row in cr.fetchall()]

        migration.migrate(cr, False)
        self.assertEqual(columns(), [migration.COLUMN], "a new install")
        migration.migrate(cr, "17.0.1.4.0")
        self.assertEqual(columns(), [])
        migration.migrate(cr, "17.0.1.4.0")  # idempotent
        cr.execute(
            "SELECT 1 FROM ir_model_constraint WHERE name = %s",
            [migration.CONSTRAINT],
        )
        self.assertFalse(cr.fetchall())
        self.assertEqual(tracker.sms_retention_message_id, message)
