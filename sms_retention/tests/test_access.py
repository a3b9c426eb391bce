# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestAccess(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.other_seller = cls._user("oscar.other", cls.company, "group_sale_salesman")
        cls.all_docs = cls._user(
            "alma.all", cls.company, "group_sale_salesman_all_leads"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Elsewhere Ltd"})
        cls.foreign_manager = cls._user(
            "fred.foreign", cls.other_company, "group_sale_manager"
        )
        cls.portal = cls.env["res.users"].create(
            {
                "name": "Paula Portal",
                "login": "paula.portal",
                "groups_id": [(6, 0, [ref("base.group_portal").id])],
            }
        )
        cls.customer_us.user_id = cls.salesperson
        cls.campaign.delay = 0

    @classmethod
    def _user(cls, login, company, group):
        return cls.env["res.users"].create(
            {
                "name": login.replace(".", " ").title(),
                "login": login,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, [cls.env.ref(f"sales_team.{group}").id])],
            }
        )

    def _reply_from_us(self, body="5"):
        self._create_order(self.customer_us)
        with self.mock_sms_providers():
            self._run_sending_job()
            return self.env["sms.retention.inbound"]._receive(
                provider="sandbox",
                from_number="+12125550101",
                body=body,
                company=self.company,
            )

    def _visible(self, user, model, record):
        env = self.env(user=user, context={"allowed_company_ids": user.company_ids.ids})
        return bool(env[model].search([("id", "=", record.id)]))

    def test_salespeople_see_their_customers_conversations(self):
        inbound = self._reply_from_us()
        message = inbound.outbound_message_id
        self.assertEqual(inbound.user_id, self.salesperson)
        for model, record in (
            ("sms.retention.inbound", inbound),
            ("sms.retention.message", message),
        ):
            self.assertTrue(self._visible(self.salesperson, model, record))
            self.assertFalse(self._visible(self.other_seller, model, record))
            self.assertTrue(self._visible(self.all_docs, model, record))
            self.assertFalse(self._visible(self.foreign_manager, model, record))

    def test_unmatched_replies_are_visible_to_link_them(self):
        inbound = self.env["sms.retention.inbound"]._receive(
            provider="sandbox",
            from_number="+12125559999",
            body="hi",
            company=self.company,
        )
        self.assertTrue(
            self._visible(self.other_seller, "sms.retention.inbound", inbound)
        )
        inbound.with_user(self.other_seller).partner_id = self.customer_cn
        self.assertEqual(inbound.state, "matched")

    def test_portal_and_public_see_nothing(self):
        inbound = self._reply_from_us()
        public = self.env.ref("base.public_user")
        for user in (self.portal, public):
            for model in (
                "sms.retention.inbound",
                "sms.retention.message",
                "sms.retention.campaign",
                "sms.retention.consent.log",
                "sms.retention.sandbox.message",
            ):
                with (
                    self.subTest(user=user.login, model=model),
                    self.assertRaises(AccessError),
                ):
                    self.env[model].with_user(user).search([])
            with self.assertRaises(AccessError):
                inbound.with_user(user).read(["body"])

    def test_salesperson_cannot_edit_campaigns_or_simulate(self):
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.salesperson).write({"delay": 5})
        with self.assertRaises(AccessError):
            self.env["sms.retention.simulate.reply"].with_user(self.salesperson).create(
                {"number": "+12125550101", "body": "x"}
            )
