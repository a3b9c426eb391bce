# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import tagged

from ..hooks import post_init_hook
from ..models.sms_sms import CORE_ROUTES_BY_API
from ..tools.sms_api_sandbox import SmsApiSandbox
from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestProviderRouting(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_iap = cls.env["res.company"].create(
            {
                "name": "IAP Co",
                "country_id": cls.env.ref("base.be").id,
                "sms_retention_provider": "iap",
            }
        )

    def _sms(self, number, company, body="Hello"):
        return self.env["sms.sms"].create(
            {"number": number, "body": body, "sms_retention_company_id": company.id}
        )

    def test_sandbox_records_sent_sms_without_network(self):
        sms = self._sms("+12125550101", self.company, body="Sandbox hello")
        with self.mock_sms_providers():
            sms.send(unlink_sent=False)
        self.assertEqual(sms.state, "sent", "the sandbox reports delivery")
        self.assertFalse(self.iap_calls, "no IAP request for a sandbox company")
        outbox = self.assertSandboxOutbox("+12125550101", "Sandbox hello", self.company)
        self.assertEqual(outbox.sms_uuid, sms.uuid)

    def test_sandbox_outbox_is_per_company(self):
        """Each SMS lands in the outbox of its sending company (which goes
        with the company: see ``test_foreign_keys``), as blackout windows
        do (created with it)."""
        company = self.env["res.company"].create({"name": "Short-lived Shop"})
        sms = self._sms("+12125550177", company, body="Soon gone")
        kept_sms = self._sms("+12125550178", self.company, body="Stays")
        with self.mock_sms_providers():
            (sms | kept_sms).send(unlink_sent=False)
        self.assertSandboxOutbox("+12125550178", "Stays", self.company)
        outbox = self.env["sms.retention.sandbox.message"].search(
            [("company_id", "=", company.id)]
        )
        self.assertEqual(outbox.company_id.name, "Short-lived Shop")
        self.assertEqual(outbox.sms_uuid, sms.uuid)
        self.env.cr.execute(
            """SELECT confdeltype FROM pg_constraint
                WHERE conrelid = 'sms_retention_blackout'::regclass
                  AND confrelid = 'res_company'::regclass"""
        )
        self.assertEqual(self.env.cr.fetchall(), [("c",)])

    def test_iap_company_goes_to_iap(self):
        sms = self._sms("+32456001122", self.company_iap)
        with self.mock_sms_providers():
            sms.send(unlink_sent=False)
        self.assertEqual(self._iap_numbers(), ["+32456001122"])
        self.assertFalse(self.sandbox_batches)
        self.assertEqual(sms.state, "pending")

    def test_one_batch_split_by_company_provider(self):
        sms_sandbox = self._sms("+12125550101", self.company)
        sms_iap = self._sms("+32456001122", self.company_iap)
        with self.mock_sms_providers():
            (sms_sandbox | sms_iap).send(unlink_sent=False)
        self.assertEqual(self._iap_numbers(), ["+32456001122"])
        self.assertEqual(self._sandbox_numbers(), ["+12125550101"])
        self.assertEqual(self.sandbox_batches[0][0], self.company)

    def test_switching_provider_takes_effect_immediately(self):
        self.company.sms_retention_provider = "iap"
        with self.mock_sms_providers():
            self._sms("+12125550101", self.company).send()
        self.assertEqual(self._iap_numbers(), ["+12125550101"])
        self.assertNoOutbox("+12125550101")

    def test_invalid_number_fails_like_a_provider_would(self):
        sms = self._sms("not a number", self.company)
        with self.mock_sms_providers():
            sms.send(unlink_failed=False)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_number_format")
        self.assertFalse(
            self.env["sms.retention.sandbox.message"].search(
                [("sms_uuid", "=", sms.uuid)]
            )
        )

    def test_chatter_sms_goes_through_the_sandbox(self):
        """Odoo's own chatter SMS path uses the company's provider."""
        partner = self.customer_us.with_company(self.company)
        with self.mock_sms_providers():
            partner._message_sms("Chatter hello", partner_ids=partner.ids)
        outbox = self.assertSandboxOutbox("+12125550101", "Chatter hello")
        self.assertEqual(outbox.partner_id, self.customer_us)
        self.assertFalse(self.iap_calls)

    def test_split_by_api_hook_for_newer_builds(self):
        """On builds with ``_split_by_api`` our providers get their own API object."""
        sms_sandbox = self._sms("+12125550101", self.company)
        sms_iap = self._sms("+32456001122", self.company_iap)
        routed = list((sms_sandbox | sms_iap)._split_by_api())
        sandbox = [(api, sms) for api, sms in routed if isinstance(api, SmsApiSandbox)]
        self.assertEqual(len(sandbox), 1)
        self.assertEqual(sandbox[0][1], sms_sandbox)
        self.assertEqual(sandbox[0][0].company, self.company)
        others = [sms for api, sms in routed if not isinstance(api, SmsApiSandbox)]
        self.assertEqual(others, [sms_iap])
        if CORE_ROUTES_BY_API:
            self.assertIs(self.company._get_sms_api_class(), SmsApiSandbox)

    def _odoo_twilio(self, company):
        """``company`` sends through Odoo's own ``sms_twilio``, as it would
        on a 17.0 build since August 2025 (its ``sms_provider`` is "twilio").
        That build cannot run here: its field is what is mocked."""
        return patch.object(
            type(self.env["res.company"]),
            "_sms_retention_uses_odoo_provider",
            lambda record: record == company,
        )

    def test_company_on_odoos_twilio_is_never_taken_over(self):
        sms_sandbox = self._sms("+12125550101", self.company)
        with self._odoo_twilio(self.company):
            self.assertEqual(self.company.sms_retention_provider, "sandbox")
            self.assertIsNone(self.company._sms_retention_api_class())
            self.assertTrue(self.company.sms_retention_odoo_provider)
            routed = list(sms_sandbox._split_by_api())
            self.assertFalse(
                [api for api, _sms in routed if isinstance(api, SmsApiSandbox)],
                "Odoo's own provider sends it",
            )
            self.assertEqual(sms_sandbox, routed[0][1])
            if CORE_ROUTES_BY_API:
                self.assertIsNot(self.company._get_sms_api_class(), SmsApiSandbox)
        self.assertIs(self.company._sms_retention_api_class(), SmsApiSandbox)

    def test_install_keeps_odoos_twilio(self):
        self.company.sms_retention_provider = "iap"
        with self._odoo_twilio(self.company):
            post_init_hook(self.env)
        self.assertEqual(self.company.sms_retention_provider, "iap")
        self.assertEqual(self.company_iap.sms_retention_provider, "sandbox")

    def test_odoos_twilio_field_when_the_build_has_it(self):
        """On a 17.0 build with ``sms_twilio`` installed, the real field."""
        if "sms_provider" not in self.company._fields:
            self.skipTest("this 17.0 build has no sms_twilio")
        self.company.sms_provider = "twilio"
        self.assertTrue(self.company._sms_retention_uses_odoo_provider())
        self.assertNotEqual(
            self.company._get_sms_api_class().__module__,
            SmsApiSandbox.__module__,
        )
