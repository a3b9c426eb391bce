# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter
from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.variants import variant_bucket
from .common import SmsRetentionCommon

UTC = fields.Datetime.to_datetime


@tagged("post_install", "-at_install")
class TestCampaignKinds(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.birthday = ref("sms_retention.sms_retention_campaign_birthday")
        cls.seasonal = ref("sms_retention.sms_retention_campaign_lunar_new_year")
        cls.winback = ref("sms_retention.sms_retention_campaign_winback")
        cls.exit = ref("sms_retention.sms_retention_campaign_exit")
        cls.onboarding = ref("sms_retention.sms_retention_campaign_onboarding")
        (cls.birthday | cls.seasonal | cls.winback | cls.exit | cls.onboarding).write(
            {
                "active": True,
                "state": "running",
                "segment_ids": [(5, 0, 0)],
                "company_id": cls.company.id,
            }
        )
        cls.thai = cls._create_customer(
            "สมหญิง ใจงาม", "+66 81 999 0001", "th", lang=cls._lang("th_TH")
        )

    def _daily(self, when):
        with freeze_time(when):
            return self.env["sms.retention.campaign"]._cron_daily_campaigns()

    def _messages(self, campaign, partner=None):
        domain = [("campaign_id", "=", campaign.id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["sms.retention.message"].search(domain)

    # BIRTHDAY ------------------------------------------------------

    def test_birthday_three_days_before_in_local_time(self):
        self.customer_us.write(
            {"sms_retention_birthday_month": 3, "sms_retention_birthday_day": 5}
        )
        self.thai.write(
            {"sms_retention_birthday_month": 3, "sms_retention_birthday_day": 6}
        )
        # 20:00 UTC on Mar 2 is still Mar 2 in New York, already Mar 3 in Bangkok.
        self._daily("2026-03-02 20:00:00")
        us_message = self._messages(self.birthday, self.customer_us)
        self.assertEqual(len(us_message), 1)
        self.assertEqual(
            us_message.dedupe_key, f"res.partner,{self.customer_us.id}:birthday:2026"
        )
        # Expires when Mar 5 ends in New York (05:00 UTC on Mar 6, EST).
        self.assertEqual(us_message.expires_at, UTC("2026-03-06 05:00:00"))
        self.assertEqual(len(self._messages(self.birthday, self.thai)), 1)
        self._daily("2026-03-02 21:00:00")
        self.assertEqual(len(self._messages(self.birthday, self.customer_us)), 1)

    def test_birthday_not_yet_due(self):
        self.customer_us.write({"sms_retention_birthday": date(1990, 3, 6)})
        self._daily("2026-03-02 15:00:00")
        self.assertFalse(self._messages(self.birthday, self.customer_us))

    def test_feb_29_birthdays(self):
        self.customer_us.write({"sms_retention_birthday": date(1996, 2, 29)})
        self._daily("2027-02-25 15:00:00")  # Feb 28 is three days away in 2027
        self.assertEqual(
            self._messages(self.birthday, self.customer_us).dedupe_key,
            f"res.partner,{self.customer_us.id}:birthday:2027",
        )
        self._daily("2028-02-25 15:00:00")  # 2028 has a Feb 29: not yet
        self.assertEqual(len(self._messages(self.birthday, self.customer_us)), 1)
        self._daily("2028-02-26 15:00:00")
        self.assertEqual(len(self._messages(self.birthday, self.customer_us)), 2)

    def test_birthday_greeting_expires_when_held_too_long(self):
        self.customer_us.write(
            {
                "sms_retention_birthday_month": 3,
                "sms_retention_birthday_day": 5,
                "sms_retention_consent": "opted_in",
            }
        )
        self.company.write({"sms_retention_cap_count": 1, "sms_retention_cap_days": 30})
        self.env["sms.retention.message"].create(
            {
                "campaign_id": self.campaign.id,
                "partner_id": self.customer_us.id,
                "company_id": self.company.id,
                "res_model": "res.partner",
                "res_id": self.customer_us.id,
                "dedupe_key": "earlier",
                "planned_at": UTC("2026-02-20 15:00:00"),
                "state": "sent",
                "sent_at": UTC("2026-02-20 15:00:00"),
                "number": "+12125550101",
            }
        )
        self._daily("2026-03-02 15:00:00")
        with freeze_time("2026-03-02 15:00:00"), self.mock_sms_providers():
            self._run_sending_job()
        message = self._messages(self.birthday, self.customer_us)
        self.assertEqual((message.state, message.skip_reason), ("expired", "expired"))

    # SEASONAL ------------------------------------------------------

    def test_seasonal_on_the_local_date_at_its_hour(self):
        self.customer_cn.write({"sms_retention_consent": "opted_in"})
        # Lunar New Year 2027 is Feb 6; the job runs the evening before (UTC).
        self._daily("2027-02-05 18:00:00")
        message = self._messages(self.seasonal, self.customer_cn)
        occasion = self.env.ref("sms_retention.occasion_lunar_new_year")
        self.assertEqual(
            message.dedupe_key,
            f"res.partner,{self.customer_cn.id}:occasion:{occasion.id}:2027",
        )
        # 09:00 in Shanghai on Feb 6 is 01:00 UTC.
        self.assertEqual(message.planned_at, UTC("2027-02-06 01:00:00"))
        self.assertEqual(message.expires_at, UTC("2027-02-06 16:00:00"))
        self._daily("2027-02-06 05:00:00")
        self.assertEqual(len(self._messages(self.seasonal, self.customer_cn)), 1)
        self.assertFalse(
            self._messages(self.seasonal).filtered(
                lambda m: m.planned_at.date() == date(2027, 9, 15)
            )
        )

    def test_seasonal_greeting_goes_out_on_a_public_holiday(self):
        self.customer_cn.write({"sms_retention_consent": "opted_in"})
        # The common fixture archives the shipped holidays: back with China's.
        holidays_cn = (
            self.env["sms.retention.holiday"]
            .with_context(active_test=False)
            .search([("country_id.code", "=", "CN")])
        )
        holidays_cn.active = True
        self.assertIn(
            date(2027, 2, 6), holidays_cn.mapped("date"), "Spring Festival is shipped"
        )
        self._daily("2027-02-05 18:00:00")
        message = self._messages(self.seasonal, self.customer_cn)
        with freeze_time(message.planned_at), self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(message.state, "sent")
        # Other campaigns wait for the day after the holiday.
        self.birthday.message_class = "transactional"
        self.customer_cn.write(
            {"sms_retention_birthday_month": 2, "sms_retention_birthday_day": 9}
        )
        self._daily("2027-02-06 03:00:00")
        birthday = self._messages(self.birthday, self.customer_cn)
        with freeze_time("2027-02-06 03:00:00"), self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(
            (birthday.state, birthday.defer_reason), ("scheduled", "quiet_hours")
        )
        self.assertGreaterEqual(birthday.planned_at, UTC("2027-02-07 00:00:00"))

    # WIN-BACK AND ONBOARDING ---------------------------------------

    def _order_at(self, partner, when):
        with freeze_time(when):
            order = self._create_order(partner, confirm=False)
            order.action_confirm()
        return order

    def test_winback_once_per_dormancy_spell(self):
        self._order_at(self.customer_us, "2025-06-01 10:00:00")
        with freeze_time("2026-03-02 15:00:00"):
            self.env["res.partner"]._cron_update_segments()
        self.assertEqual(self.customer_us.sms_retention_segment, "dormant")
        self._daily("2026-03-02 15:00:00")
        self._daily("2026-03-03 15:00:00")
        self.assertEqual(len(self._messages(self.winback, self.customer_us)), 1)
        self.assertNotIn(self.customer_cn, self._messages(self.winback).partner_id)
        # They come back, then drift away again: a new spell, a new message.
        self._order_at(self.customer_us, "2026-03-10 10:00:00")
        with freeze_time("2027-03-02 15:00:00"):
            self.env["res.partner"]._cron_update_segments()
        self._daily("2027-03-02 15:00:00")
        self.assertEqual(len(self._messages(self.winback, self.customer_us)), 2)

    def test_onboarding_after_first_order(self):
        self.onboarding.write({"delay": 7, "delay_unit": "days"})
        self._order_at(self.customer_us, "2026-03-02 10:00:00")
        self._daily("2026-03-05 15:00:00")
        self.assertFalse(self._messages(self.onboarding, self.customer_us))
        self._daily("2026-03-09 15:00:00")
        message = self._messages(self.onboarding, self.customer_us)
        self.assertEqual(message.planned_at, UTC("2026-03-09 15:00:00"))
        self._order_at(self.customer_us, "2026-03-10 10:00:00")
        self._daily("2026-03-17 15:00:00")
        self.assertEqual(len(self._messages(self.onboarding, self.customer_us)), 1)

    def test_daily_job_messages_carry_no_author(self):
        """The crons' set-based writes record no author (no foreign-key check
        per message), as on their SMS; a user's change records the user."""
        self.onboarding.write({"delay": 7, "delay_unit": "days"})
        self.customer_us.sms_retention_consent = "opted_in"
        self._order_at(self.customer_us, "2026-03-02 10:00:00")
        self._daily("2026-03-09 15:00:00")
        message = self._messages(self.onboarding, self.customer_us)
        self.assertEqual(message.state, "scheduled")
        self.assertFalse(message.create_uid | message.write_uid)
        with freeze_time("2026-03-09 15:00:00"):
            self._materialise(message)
        self.assertEqual(message.state, "queued")
        self.assertFalse(message.write_uid | message.sms_id.create_uid)
        admin = self.env.ref("base.user_admin")
        message.with_user(admin).sudo()._update_from_sms_state("canceled")
        self.assertEqual(message.state, "canceled")
        self.assertEqual(message.write_uid, admin)

    # EXIT ----------------------------------------------------------

    def test_exit_when_marked_lost_or_archived(self):
        self.customer_us.action_mark_lost("Too expensive")
        message = self._messages(self.exit, self.customer_us)
        self.assertEqual(len(message), 1)
        self.assertEqual(
            (message.res_model, message.res_id), ("res.partner", self.customer_us.id)
        )
        self.customer_cn.action_archive()
        self.assertEqual(len(self._messages(self.exit, self.customer_cn)), 1)

    # AUDIENCE ------------------------------------------------------

    def test_audience_segments_and_filter(self):
        self.birthday.segment_ids = self.env.ref("sms_retention.segment_active")
        self.customer_us.write(
            {"sms_retention_birthday_month": 3, "sms_retention_birthday_day": 5}
        )
        self.customer_cn.write(
            {"sms_retention_birthday_month": 3, "sms_retention_birthday_day": 5}
        )
        self._daily("2026-03-02 15:00:00")
        self.assertFalse(
            self._messages(self.birthday).partner_id
            & (self.customer_us | self.customer_cn),
            "potential customers are left out",
        )
        self.birthday.segment_ids = False
        self.birthday.audience_domain = "[('country_id.code', '=', 'US')]"
        self._daily("2026-03-02 15:00:00")
        targeted = self._messages(self.birthday).partner_id
        self.assertIn(self.customer_us, targeted)
        self.assertNotIn(self.customer_cn, targeted)


@tagged("post_install", "-at_install")
class TestVariants(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template_b = cls.campaign.sms_template_id.copy({"body": "B {{ object.name }}"})
        cls.variant_a = cls.env["sms.retention.variant"].create(
            {
                "name": "A",
                "campaign_id": cls.campaign.id,
                "sms_template_id": cls.campaign.sms_template_id.id,
                "weight": 3,
            }
        )
        cls.variant_b = cls.env["sms.retention.variant"].create(
            {
                "name": "B",
                "campaign_id": cls.campaign.id,
                "sms_template_id": template_b.id,
                "weight": 1,
            }
        )

    def test_assignment_is_deterministic_and_weighted(self):
        partners = self.env["res.partner"].create(
            [{"name": f"P{i}"} for i in range(400)]
        )
        first = [self.campaign._variant_for(p) for p in partners]
        again = [self.campaign._variant_for(p) for p in partners]
        self.assertEqual(first, again)
        share = Counter(v.name for v in first)
        self.assertTrue(250 <= share["A"] <= 350, share)
        for partner, variant in zip(partners, first, strict=True):
            bucket = variant_bucket(self.campaign.id, partner.id, 4)
            self.assertEqual(variant.name, "A" if bucket < 3 else "B")

    def test_sql_assignment_matches_python(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Q{i}"} for i in range(200)]
        )
        self.env.cr.execute(
            SQL(
                "SELECT p.id, %s FROM res_partner p WHERE p.id = ANY(%s)",
                self.campaign._variant_sql(SQL("p.id")),
                partners.ids,
            )
        )
        by_sql = dict(self.env.cr.fetchall())
        for partner in partners:
            self.assertEqual(by_sql[partner.id], self.campaign._variant_for(partner).id)

    def test_each_customer_gets_their_variant_text(self):
        self.campaign.delay = 0
        order = self._create_order(self.customer_us)
        message = self._messages_of(order)
        with self.mock_sms_providers():
            self._run_sending_job()
        expected = self.campaign._variant_for(self.customer_us)
        self.assertEqual(message.variant_id, expected)
        if expected == self.variant_b:
            self.assertEqual(message.body, f"B {order.name}")
        else:
            self.assertTrue(message.body.startswith("Hi Alice"))
        preview = self.campaign.preview_html
        self.assertIn("Variant B", preview)
        self.assertIn("GSM-7", preview)


@tagged("post_install", "-at_install")
class TestOptOutAndCost(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.birthday = cls._running_birthday_campaign()
        cls.env["ir.module.module"]._load_module_terms(["sms_retention"], ["zh_CN"])

    def test_marketing_sms_end_with_the_local_opt_out_text(self):
        self.customer_cn.write(
            {
                "sms_retention_birthday_month": 3,
                "sms_retention_birthday_day": 5,
                "sms_retention_consent": "opted_in",
            }
        )
        self.customer_us.write(
            {
                "sms_retention_birthday_month": 3,
                "sms_retention_birthday_day": 5,
                "sms_retention_consent": "opted_in",
            }
        )
        with freeze_time("2026-03-02 15:00:00"), self.mock_sms_providers():
            self.env["sms.retention.campaign"]._cron_daily_campaigns()
            self._run_sending_job()
        bodies = {
            m.partner_id: m.body
            for m in self.env["sms.retention.message"].search(
                [
                    ("campaign_id", "=", self.birthday.id),
                    ("partner_id", "in", (self.customer_cn | self.customer_us).ids),
                ]
            )
        }
        # China requires its own wording on marketing SMS (its country rules).
        self.assertTrue(bodies[self.customer_cn].endswith("\n拒收请回复R"))
        self.assertIn("生日快乐", bodies[self.customer_cn])
        self.assertTrue(bodies[self.customer_us].endswith("\nReply STOP to opt out"))
        self.company.with_context(
            lang="zh_CN"
        ).sms_retention_optout_text = "拒收请回复R"
        self.assertEqual(
            self.company._sms_retention_optout_texts(["zh_CN"])["zh_CN"], "拒收请回复R"
        )

    def test_transactional_sms_have_no_opt_out_text(self):
        self.campaign.delay = 0
        order = self._create_order(self.customer_us)
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertNotIn("STOP", self._messages_of(order).body)
