# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Companies: Twilio numbers, attempts and the wizard of company B stay hidden
from a user working in company A."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sms_retention.tests.test_multi_company import MultiCompanyCommon


@tagged("post_install", "-at_install")
class TestTwilioMultiCompany(MultiCompanyCommon):
    def test_sender(self):
        senders = self.env["sms.retention.twilio.sender"].create(
            [
                {"company_id": company.id, "number": number}
                for company, number in (
                    (self.company_a, "+15005550006"),
                    (self.company_b, "+15005550007"),
                )
            ]
        )
        self.assertOnlyCompanyA(senders[0], senders[1], ("number",))
        # Created in the current company (its column shows in multi-company).
        sender = self._env_of(self.manager_a)["sms.retention.twilio.sender"].create(
            {"country_id": self.env.ref("base.fr").id, "number": "+15005550008"}
        )
        self.assertEqual(sender.company_id, self.company_a)

    def test_attempt(self):
        attempts = self.env["sms.retention.twilio.attempt"].create(
            [
                {"sms_uuid": f"{index:032x}", "company_id": company.id}
                for index, company in enumerate((self.company_a, self.company_b))
            ]
        )
        self.assertOnlyCompanyA(attempts[0], attempts[1], ("to_number", "state"))

    def test_wizard_of_another_company(self):
        wizard = self._env_of(self.manager_a)["sms.retention.twilio.wizard"]
        self.assertEqual(wizard.create({}).company_id, self.company_a)
        with self.assertRaises(AccessError):
            wizard.create({"company_id": self.company_b.id})
