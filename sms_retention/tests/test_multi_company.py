# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Companies: a user working in company A sees nothing of company B."""

from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SmsRetentionCommon


class MultiCompanyCommon(SmsRetentionCommon):
    """Company A (the test company) and company B, a record of each on every
    model, and an SMS Retention administrator whose only company is A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "Company B",
                "country_id": cls.env.ref("base.us").id,
                "sms_retention_provider": "sandbox",
            }
        )
        cls.env.user.company_ids |= cls.company_b
        cls.manager_a = new_test_user(
            cls.env,
            login="mc.manager.a",
            name="Manager of A",
            groups="sms_retention.group_sms_retention_manager",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.template = cls.env.ref("sms_retention.sms_template_winback")
        cls.customer_b = cls._create_customer("Bob B", "+1 212 555 0177", "us")

    @classmethod
    def _env_of(cls, user):
        """``user``'s environment, working in all of their companies."""
        return cls.env(
            user=user,
            context=dict(cls.env.context, allowed_company_ids=user.company_ids.ids),
        )

    @classmethod
    def _in(cls, company):
        """The superuser's environment, working in ``company``."""
        return cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))

    def assertOnlyCompanyA(self, record_a, record_b, fields=("display_name",)):
        """The administrator of A finds and reads ``record_a``; ``record_b`` is
        neither found nor read."""
        self.assertEqual(record_a._name, record_b._name)
        model = self._env_of(self.manager_a)[record_a._name]
        found = model.search([("id", "in", (record_a | record_b).ids)])
        self.assertEqual(found.ids, record_a.ids, f"{record_a._name}: A's only")
        model.browse(record_a.id).read(list(fields))
        with self.assertRaises(AccessError, msg=f"{record_b._name}: B's is hidden"):
            model.browse(record_b.id).read(list(fields))


@tagged("post_install", "-at_install")
class TestMultiCompany(MultiCompanyCommon):
    def _campaign(self, company, name):
        return self._create_custom_campaign(
            name, self.template, company_id=company.id
        ).with_env(self.env)

    def test_campaign_and_variant(self):
        campaign_a = self._campaign(self.company_a, "Campaign of A")
        campaign_b = self._campaign(self.company_b, "Campaign of B")
        self.assertOnlyCompanyA(campaign_a, campaign_b, ("name", "company_id"))
        variants = self.env["sms.retention.variant"].create(
            [
                {"campaign_id": campaign.id, "sms_template_id": self.template.id}
                for campaign in (campaign_a, campaign_b)
            ]
        )
        self.assertOnlyCompanyA(variants[0], variants[1], ("name", "campaign_id"))

    def test_outbound_message_and_conversation(self):
        message_a = self._campaign(self.company_a, "Campaign of A")._enqueue(
            self.customer_us
        )
        message_b = self._campaign(self.company_b, "Campaign of B")._enqueue(
            self.customer_b
        )
        self.assertEqual(message_b.company_id, self.company_b)
        self.assertOnlyCompanyA(message_a, message_b, ("body", "number"))
        self.env.flush_all()  # the conversation is an SQL view
        conversation = self.env["sms.retention.conversation"]
        conversation_a = conversation.search([("partner_id", "=", self.customer_us.id)])
        conversation_b = conversation.search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual(conversation_b.company_id, self.company_b)
        self.assertOnlyCompanyA(conversation_a, conversation_b, ("body",))

    def test_reply(self):
        inbound = self.env["sms.retention.inbound"]
        reply_a = inbound._receive(
            "sandbox", "+12125550101", "Hello A", company=self.company_a
        )
        reply_b = inbound._receive(
            "sandbox", "+12125550177", "Hello B", company=self.company_b
        )
        self.assertOnlyCompanyA(reply_a, reply_b, ("body",))

    def test_sandbox_outbox(self):
        outbox = self.env["sms.retention.sandbox.message"].create(
            [
                {"company_id": company.id, "number": "+12125550101", "body": "Hi"}
                for company in (self.company_a, self.company_b)
            ]
        )
        self.assertOnlyCompanyA(outbox[0], outbox[1], ("body",))

    def test_simulated_reply_of_another_company(self):
        wizard = self._env_of(self.manager_a)["sms.retention.simulate.reply"]
        wizard.create({"number": "+12125550101", "body": "A"})
        with self.assertRaises(AccessError):
            wizard.create(
                {
                    "company_id": self.company_b.id,
                    "number": "+12125550101",
                    "body": "B",
                }
            )

    def test_blackout_window(self):
        # Companies get their meal-time blackouts when they are created.
        blackout_a = self._in(self.company_a)["sms.retention.blackout"].create(
            {"name": "Siesta of A", "start_hour": 14.0, "end_hour": 15.0}
        )
        blackout_b = self.company_b.sms_retention_blackout_ids[:1]
        self.assertEqual(blackout_a.company_id, self.company_a)
        self.assertTrue(blackout_b)
        self.assertOnlyCompanyA(blackout_a, blackout_b, ("name", "start_hour"))

    def test_price(self):
        prices = self.env["sms.retention.price"]
        price_a = self._in(self.company_a)[prices._name].create(
            {"country_id": self.env.ref("base.us").id, "price_per_segment": 0.01}
        )
        price_b = self._in(self.company_b)[prices._name].create(
            {"country_id": self.env.ref("base.us").id, "price_per_segment": 0.02}
        )
        self.assertEqual(price_a.company_id, self.company_a)
        self.assertOnlyCompanyA(price_a, price_b, ("price_per_segment",))
        shared = prices.search([("company_id", "=", False)])
        self.assertTrue(shared, "the shipped prices apply to every company")
        visible = self._env_of(self.manager_a)[prices._name].search([])
        self.assertEqual(visible, shared | price_a)

    def test_keyword(self):
        keywords = self.env["sms.retention.keyword"]
        keyword_a = self._in(self.company_a)[keywords._name].create(
            {"name": "BASTA", "classification": "stop"}
        )
        keyword_b = self._in(self.company_b)[keywords._name].create(
            {"name": "BASTA", "classification": "complaint"}
        )
        self.assertEqual(keyword_a.company_id, self.company_a)
        self.assertOnlyCompanyA(keyword_a, keyword_b, ("name",))


@tagged("post_install", "-at_install")
class TestCompanyConfiguration(MultiCompanyCommon):
    """Prices and keywords of a company, over those of every company."""

    def test_prices_for_a_company(self):
        prices = self.env["sms.retention.price"]
        us, fr = self.env.ref("base.us"), self.env.ref("base.fr")
        shared = prices._prices_for(self.company_a)
        self.assertFalse(any(price.company_id for price in shared.values()))
        self.assertIn(False, shared, "a price for every other country")
        own = prices.create(
            {
                "company_id": self.company_b.id,
                "country_id": us.id,
                "price_per_segment": 0.5,
            }
        )
        for_b = prices._prices_for(self.company_b)
        self.assertEqual(for_b[us.id], own)
        self.assertEqual(for_b[fr.id], shared[fr.id])
        self.assertEqual(prices._prices_for(self.company_a), shared)

    def test_one_price_per_country_and_company(self):
        prices = self.env["sms.retention.price"]
        values = {
            "company_id": self.company_b.id,
            "country_id": False,
            "price_per_segment": 0.1,
        }
        prices.create(values)
        for duplicate in (values, dict(values, company_id=False)):
            with (
                self.assertRaises(UniqueViolation),
                mute_logger("odoo.sql_db"),
                self.cr.savepoint(),
            ):
                prices.create(duplicate)

    def test_keywords_of_the_reply_company(self):
        keywords = self.env["sms.retention.keyword"]
        keywords.create(
            {"name": "BASTA", "classification": "stop", "company_id": self.company_b.id}
        )
        keywords.create(
            {"name": "ENOUGH", "classification": "stop", "company_id": False}
        )
        self.assertEqual(keywords._match("basta!", company=self.company_b), "stop")
        self.assertIsNone(keywords._match("basta", company=self.company_a))
        self.assertEqual(keywords._match("Enough", company=self.company_a), "stop")
        # A company's own keyword wins over the one of every company.
        keywords.create(
            {
                "name": "ENOUGH",
                "classification": "complaint",
                "company_id": self.company_b.id,
            }
        )
        self.assertEqual(keywords._match("enough", company=self.company_b), "complaint")
        self.assertEqual(keywords._match("enough", company=self.company_a), "stop")

    def test_inbound_keyword_of_another_company_does_not_apply(self):
        self.env["sms.retention.keyword"].create(
            {"name": "BASTA", "classification": "stop", "company_id": self.company_b.id}
        )
        inbound = self.env["sms.retention.inbound"]
        with self.mock_sms_providers():
            reply_a = inbound._receive(
                "sandbox", "+12125550101", "BASTA", company=self.company_a
            )
            reply_b = inbound._receive(
                "sandbox", "+12125550177", "BASTA", company=self.company_b
            )
        self.assertNotEqual(reply_a.classification, "stop")
        self.assertEqual(reply_b.classification, "stop")
