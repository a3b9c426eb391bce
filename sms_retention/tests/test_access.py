# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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

    def test_salesperson_runs_campaigns_but_cannot_delete_or_simulate(self):
        campaign = self.campaign.with_user(self.salesperson)
        campaign.write({"delay": 5})
        self.assertEqual(self.campaign.delay, 5)
        with self.assertRaises(AccessError):
            campaign.unlink()
        with self.assertRaises(AccessError):
            self.env["sms.retention.simulate.reply"].with_user(self.salesperson).create(
                {"number": "+12125550101", "body": "x"}
            )

    # ------------------------------------------------------------
    # SMS RETENTION GROUPS
    # ------------------------------------------------------------

    def _sms_user(self, login, group):
        return new_test_user(
            self.env,
            login=login,
            groups=f"sms_retention.{group}",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )

    def test_sales_groups_give_the_sms_groups(self):
        user = "sms_retention.group_sms_retention_user"
        manager = "sms_retention.group_sms_retention_manager"
        self.assertTrue(self.salesperson.has_group(user))
        self.assertFalse(self.salesperson.has_group(manager))
        sales_manager = self._user("sam.sales", self.company, "group_sale_manager")
        self.assertTrue(sales_manager.has_group(manager))
        self.assertTrue(self.env.ref("base.user_admin").has_group(manager))

    def test_sms_user_sees_own_customers_replies_manager_every_one(self):
        own_user = self._sms_user("sue.sms", "group_sms_retention_user")
        other_user = self._sms_user("otto.sms", "group_sms_retention_user")
        manager = self._sms_user("max.sms", "group_sms_retention_manager")
        self.customer_us.user_id = own_user
        template = self.env.ref("sms_retention.sms_template_winback")
        message = self._create_custom_campaign("Own", template)._enqueue(
            self.customer_us
        )
        inbound = self.env["sms.retention.inbound"]._receive(
            "sandbox", "+12125550101", "Thanks", company=self.company
        )
        self.assertEqual(inbound.partner_id, self.customer_us)
        message.user_id = inbound.user_id = own_user
        for model, record in (
            ("sms.retention.inbound", inbound),
            ("sms.retention.message", message),
        ):
            with self.subTest(model=model):
                self.assertTrue(self._visible(own_user, model, record))
                self.assertFalse(self._visible(other_user, model, record))
                self.assertTrue(self._visible(manager, model, record))
        self.env.flush_all()  # the conversation is an SQL view
        conversation = self.env["sms.retention.conversation"].search(
            [("partner_id", "=", self.customer_us.id)]
        )
        self.assertTrue(conversation)
        for user, visible in ((own_user, True), (other_user, False), (manager, True)):
            found = (
                self.env["sms.retention.conversation"]
                .with_user(user)
                .search([("id", "in", conversation.ids)])
            )
            self.assertEqual(bool(found), visible, user.login)
        # A user cancels (or sends now) the planned SMS of their own customers.
        with self.assertRaises(AccessError):
            message.with_user(other_user).action_cancel()
        message.with_user(own_user).action_cancel()
        self.assertEqual(message.state, "canceled")

    def test_sms_user_reads_configuration_manager_edits_it(self):
        user = self._sms_user("sue.sms", "group_sms_retention_user")
        manager = self._sms_user("max.sms", "group_sms_retention_manager")
        values = {
            "sms.retention.blackout": {"name": "Tea", "start_hour": 16, "end_hour": 17},
            "sms.retention.holiday": {
                "name": "Founders' Day",
                "date": "2031-05-02",
                "country_id": self.env.ref("base.us").id,
            },
            "sms.retention.keyword": {"name": "NADA", "classification": "stop"},
            "sms.retention.price": {
                "country_id": self.env.ref("base.de").id,
                "price_per_segment": 0.07,
            },
            "sms.retention.occasion": {"name": "Anniversary"},
        }
        for model, vals in values.items():
            with self.subTest(model=model):
                self.env[model].with_user(user).search([], limit=1)
                with self.assertRaises(AccessError):
                    self.env[model].with_user(user).create(vals)
                record = self.env[model].with_user(manager).create(vals)
                change = dict([next(iter(vals.items()))])
                with self.assertRaises(AccessError):
                    record.with_user(user).write(change)
                record.write(change)
                record.unlink()
        self.env["sms.retention.segment"].with_user(user).search([])

    def test_menus_per_group(self):
        user = self._sms_user("sue.sms", "group_sms_retention_user")
        manager = self._sms_user("max.sms", "group_sms_retention_manager")
        menus = {
            name: self.env.ref(f"sms_retention.sms_retention_{name}_menu")
            for name in ("campaign", "inbound", "config", "sandbox", "blackout")
        }
        root = self.env.ref("sms_retention.sms_retention_menu_root")
        for user_, visible in (
            (user, {"campaign", "inbound"}),
            (manager, set(menus)),
        ):
            visible_ids = set(
                self.env["ir.ui.menu"].with_user(user_).load_menus(debug=False)
            )
            self.assertIn(root.id, visible_ids)
            self.assertEqual(
                {name for name, menu in menus.items() if menu.id in visible_ids},
                visible,
                user_.login,
            )
        salesperson_menus = self.env["ir.ui.menu"].with_user(self.salesperson)
        self.assertIn(root.id, salesperson_menus.load_menus(debug=False))
        employee = new_test_user(
            self.env, login="emma.employee", groups="base.group_user"
        )
        employee_menus = self.env["ir.ui.menu"].with_user(employee)
        self.assertNotIn(root.id, employee_menus.load_menus(debug=False))
