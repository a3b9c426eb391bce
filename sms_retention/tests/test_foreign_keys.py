# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Messages and the sandbox outbox keep their customer, campaign and company
by PostgreSQL's foreign keys: deletes cascade or are refused however they are
made, through the ORM or in SQL."""

from psycopg2.errors import ForeignKeyViolation

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestForeignKeys(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("sms_retention.sms_template_winback")
        cls.custom_campaign = cls._create_custom_campaign("Keys", cls.template)
        cls.ada, cls.bo = cls._create_us_customers("Keys Customer", range(2))

    def _message(self, partner, campaign=None, company=None):
        """A scheduled message about ``partner`` (its source, too), created
        as superuser: its company may be none of the user's."""
        return (
            self.env["sms.retention.message"]
            .sudo()
            .create(
                {
                    "campaign_id": (campaign or self.custom_campaign).id,
                    "company_id": (company or self.company).id,
                    "partner_id": partner.id,
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "planned_at": fields.Datetime.now(),
                    "number": partner.phone_sanitized,
                }
            )
            .sudo(False)
        )

    def _bare_company(self, name):
        """A company no other row refers to, copied from the test company in
        SQL: Inventory's records of a company created by the ORM block its
        deletion in this database, whatever the retention rows."""
        cr = self.env.cr
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'res_company' AND is_nullable = 'NO'
                  AND column_default IS NULL AND column_name != 'name'"""
        )
        columns = SQL(", ").join(SQL.identifier(row[0]) for row in cr.fetchall())
        self.env.flush_all()
        cr.execute(
            SQL(
                """INSERT INTO res_company (name, %(columns)s)
                   SELECT %(name)s, %(columns)s FROM res_company WHERE id = %(id)s
                   RETURNING id""",
                columns=columns,
                name=name,
                id=self.company.id,
            )
        )
        return self.env["res.company"].browse(cr.fetchone()[0])

    def _row_count(self, table, column, ids):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(table),
                SQL.identifier(column),
                list(ids),
            )
        )
        return self.env.cr.fetchone()[0]

    def test_keys_and_their_ondelete(self):
        self.env.cr.execute(
            """SELECT conrelid::regclass::text, a.attname::text, confdeltype
                 FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid
                                    AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f'
                  AND c.conrelid IN ('sms_retention_message'::regclass,
                                     'sms_retention_sandbox_message'::regclass)
                  AND a.attname IN ('campaign_id', 'partner_id', 'company_id')
                ORDER BY 1, 2"""
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                ("sms_retention_message", "campaign_id", "c"),
                ("sms_retention_message", "company_id", "r"),
                ("sms_retention_message", "partner_id", "c"),
                ("sms_retention_sandbox_message", "company_id", "c"),
            ],
        )

    def test_deleting_a_customer_deletes_its_messages(self):
        cy, di = self._create_us_customers("Keys Gone", range(2, 4))
        gone, also_gone, kept = (
            self._message(cy),
            self._message(di),
            self._message(self.ada),
        )
        cy.unlink()
        self.assertFalse(gone.exists())
        # Behind the ORM's back, too: no message is left without its customer.
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM res_partner WHERE id = %s", [di.id])
        self.env.invalidate_all()
        self.assertEqual(
            self._row_count("sms_retention_message", "id", (gone | also_gone).ids), 0
        )
        self.assertEqual(kept.exists(), kept)

    def test_deleting_a_campaign_deletes_its_messages(self):
        other_campaign = self._create_custom_campaign("Keys Other", self.template)
        gone = self._message(self.ada, campaign=other_campaign)
        kept = self._message(self.ada)
        other_campaign.unlink()
        self.assertFalse(gone.exists())
        self.assertEqual(self._row_count("sms_retention_message", "id", gone.ids), 0)
        self.assertEqual(kept.exists(), kept)

    def test_company_with_messages_cannot_be_deleted(self):
        company = self._bare_company("Keys Branch")
        message = self._message(self.ada, company=company)
        with (
            self.assertRaises(ForeignKeyViolation) as caught,
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            company.unlink()
        self.assertEqual(
            caught.exception.diag.constraint_name,
            "sms_retention_message_company_id_fkey",
        )
        self.env.invalidate_all()
        self.assertTrue(company.exists())
        message.sudo().unlink()
        company.unlink()
        self.assertFalse(company.exists())

    def test_sandbox_outbox_goes_with_its_company(self):
        """The outbox is written through the ORM; a company's outbox goes
        with it, in SQL too; the SMS uuid (debug mode only) has no index."""
        company = self._bare_company("Keys Shop")
        other = self._bare_company("Keys Other Shop")
        outbox_sudo = self.env["sms.retention.sandbox.message"].sudo()
        batch = [
            {
                "content": "Soon gone",
                "numbers": [{"uuid": "a" * 32, "number": "+12125550177"}],
            }
        ]
        results = outbox_sudo._record_batch(batch, company)
        self.assertEqual(
            results, [{"uuid": "a" * 32, "state": "delivered", "credit": 0}]
        )
        outbox = outbox_sudo.search([("company_id", "=", company.id)])
        self.assertEqual(
            [(o.number, o.body, o.sms_uuid) for o in outbox],
            [("+12125550177", "Soon gone", "a" * 32)],
        )
        self.assertTrue(outbox.sent_at)
        outbox_sudo._record_batch(batch, other)
        other_outbox = outbox_sudo.search([("company_id", "=", other.id)])
        self.assertTrue(other_outbox)
        company.unlink()
        self.assertFalse(outbox.exists())
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM res_company WHERE id = %s", [other.id])
        self.env.invalidate_all()
        self.assertFalse(other_outbox.exists())
        self.env.cr.execute(
            """SELECT indexdef FROM pg_indexes
                WHERE tablename = 'sms_retention_sandbox_message'"""
        )
        self.assertFalse(
            [row for row in self.env.cr.fetchall() if "sms_uuid" in row[0]]
        )

    def test_merging_customers_moves_their_messages(self):
        """Odoo's merge moves the messages' customer (a foreign key); the
        messages about the merged customer move to the one it merges into."""
        ada_message, bo_message = self._message(self.ada), self._message(self.bo)
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.ada | self.bo).ids, dst_partner=self.bo
        )
        self.assertFalse(self.ada.exists())
        self.assertEqual(ada_message.partner_id, self.bo)
        self.assertEqual(
            (ada_message.res_model, ada_message.res_id), ("res.partner", self.bo.id)
        )
        self.assertEqual(
            self.env["sms.retention.message"].search([("partner_id", "=", self.bo.id)]),
            ada_message | bo_message,
        )
