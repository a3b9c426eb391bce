# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import PolicyForAllSmsCommon

UTC = fields.Datetime.to_datetime


@tagged("post_install", "-at_install")
class TestPolicyForAllSms(PolicyForAllSmsCommon):
    def _chatter_sms(self, body="Your table is ready"):
        self.partner._message_sms(body, partner_ids=self.partner.ids)
        return self.env["sms.sms"].search(
            [("body", "=", body), ("partner_id", "=", self.customer_us.id)]
        )

    def test_off_by_default_for_other_sms(self):
        self.company.sms_retention_policy_all_sms = False
        with freeze_time(self.NIGHT_IN_NEW_YORK), self.mock_sms_providers():
            self._chatter_sms()
        self.assertSandboxOutbox("+12125550101", "Your table is ready")

    def test_chatter_sms_waits_for_sending_hours(self):
        with freeze_time(self.NIGHT_IN_NEW_YORK), self.mock_sms_providers():
            sms = self._chatter_sms()
        self.assertEqual(sms.state, "outgoing")
        self.assertGreaterEqual(
            sms.sms_retention_not_before, UTC("2026-03-02 13:00:00")
        )
        self.assertLess(sms.sms_retention_not_before, UTC("2026-03-02 13:15:00"))
        self.assertNoOutbox("+12125550101")
        with freeze_time("2026-03-02 05:00:00"), self.mock_sms_providers():
            self.env["sms.sms"].browse(sms.ids).send(unlink_sent=False)
        self.assertEqual(sms.state, "outgoing", "still before 08:00 in New York")
        with freeze_time(sms.sms_retention_not_before), self.mock_sms_providers():
            self.env["sms.sms"]._process_queue(ids=sms.ids)
        self.assertSandboxOutbox("+12125550101", "Your table is ready")

    def test_opted_out_and_blacklisted_are_canceled(self):
        self.customer_us.sms_retention_consent = "opted_out"
        with freeze_time("2026-03-02 15:00:00"), self.mock_sms_providers():
            sms = self._chatter_sms("Opted out?")
        # Opting out put the number in the blacklist too.
        self.assertEqual((sms.state, sms.failure_type), ("canceled", "sms_blacklist"))
        other_number = self.env["sms.sms"].create(
            {
                "number": "+12125550188",
                "body": "Other number",
                "partner_id": self.customer_us.id,
                "sms_retention_company_id": self.company.id,
            }
        )
        with freeze_time("2026-03-02 15:00:00"), self.mock_sms_providers():
            other_number.send()
        self.assertEqual(
            (other_number.state, other_number.failure_type), ("canceled", "sms_optout")
        )
        self.env["phone.blacklist"]._add(["+12125550177"])
        numbers_sms = self.env["sms.sms"].create(
            {
                "number": "+12125550177",
                "body": "Hi",
                "sms_retention_company_id": self.company.id,
            }
        )
        with freeze_time("2026-03-02 15:00:00"), self.mock_sms_providers():
            numbers_sms.send()
        self.assertEqual(
            (numbers_sms.state, numbers_sms.failure_type), ("canceled", "sms_blacklist")
        )
        self.assertNoOutbox("+12125550177")

    def test_retention_messages_are_not_checked_twice(self):
        self.campaign.delay = 0
        self.company.write(
            {"sms_retention_quiet_start": 0.0, "sms_retention_quiet_end": 24.0}
        )
        with freeze_time(self.NIGHT_IN_NEW_YORK), self.mock_sms_providers():
            order = self._create_order(self.customer_us)
            self._run_sending_job()
        self.assertEqual(self._messages_of(order).state, "sent")
