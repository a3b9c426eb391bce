# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestPartnerBirthday(SmsRetentionCommon):
    def test_parts_follow_the_date_or_stand_alone(self):
        partner = self.customer_us
        partner.sms_retention_birthday = date(1990, 7, 14)
        self.assertEqual(
            (partner.sms_retention_birthday_month, partner.sms_retention_birthday_day),
            (7, 14),
        )
        other = self._create_customer("No Year", "+1 212 555 0177", "us")
        other.write(
            {"sms_retention_birthday_month": 2, "sms_retention_birthday_day": 29}
        )
        self.assertFalse(other.sms_retention_birthday)
        self.assertEqual(
            (other.sms_retention_birthday_month, other.sms_retention_birthday_day),
            (2, 29),
        )

    def test_impossible_birthdays_are_refused(self):
        for month, day in ((2, 30), (4, 31), (13, 1), (6, 0)):
            with self.subTest(month=month, day=day), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.customer_us.write(
                        {
                            "sms_retention_birthday_month": month,
                            "sms_retention_birthday_day": day,
                        }
                    )
                    self.customer_us.flush_recordset()

    def test_birthday_this_week_filter(self):
        with freeze_time("2026-12-30"):  # Wednesday; the week runs Dec 28 - Jan 3
            inside = self._create_customer(
                "Jan 2",
                "+1 212 555 0170",
                "us",
                sms_retention_birthday_month=1,
                sms_retention_birthday_day=2,
            )
            outside = self._create_customer(
                "Jan 4",
                "+1 212 555 0171",
                "us",
                sms_retention_birthday_month=1,
                sms_retention_birthday_day=4,
            )
            found = self.env["res.partner"].search(
                [("sms_retention_birthday_this_week", "=", True)]
            )
            self.assertIn(inside, found)
            self.assertNotIn(outside, found)
            self.assertTrue(inside.sms_retention_birthday_this_week)
        with freeze_time("2027-02-24"):  # the week holds Feb 28 of a non-leap year
            leapling = self._create_customer(
                "Leap",
                "+1 212 555 0172",
                "us",
                sms_retention_birthday_month=2,
                sms_retention_birthday_day=29,
            )
            self.assertIn(
                leapling,
                self.env["res.partner"].search(
                    [("sms_retention_birthday_this_week", "=", True)]
                ),
            )


@tagged("post_install", "-at_install")
class TestPartnerConsent(SmsRetentionCommon):
    def _blacklisted(self, number):
        return self.env["phone.blacklist"].search([("number", "=", number)])

    def test_opt_out_from_the_form_is_logged_and_blacklisted(self):
        with Form(self.customer_us) as form:
            form.sms_retention_consent = "opted_out"
        log = self.customer_us.sms_retention_consent_log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.previous_state, log.state, log.source),
            ("unknown", "opted_out", "form"),
        )
        self.assertEqual(log.user_id, self.env.user)
        self.assertEqual(log.number, "+12125550101")
        self.assertTrue(self._blacklisted("+12125550101").active)
        self.assertTrue(self.customer_us.phone_sanitized_blacklisted)

    def test_blacklist_anywhere_opts_out_every_customer_of_the_number(self):
        spouse = self._create_customer(
            "Bob Walker", "+1 212 555 0101", "us", sms_retention_consent="opted_in"
        )
        self.env["phone.blacklist"]._add(["+12125550101"])
        for partner in (self.customer_us, spouse):
            self.assertEqual(partner.sms_retention_consent, "opted_out")
            last = self.env["sms.retention.consent.log"].search(
                [("partner_id", "=", partner.id)], limit=1
            )
            self.assertEqual(last.source, "blacklist")

    def test_unblacklisting_makes_consent_unknown_not_opted_in(self):
        self.customer_us.sms_retention_consent = "opted_out"
        self.env["phone.blacklist"]._remove(["+12125550101"])
        self.assertEqual(self.customer_us.sms_retention_consent, "unknown")

    def test_opt_in_again_leaves_the_blacklist(self):
        self.customer_us.sms_retention_consent = "opted_out"
        self.customer_us.sms_retention_consent = "opted_in"
        self.assertFalse(self._blacklisted("+12125550101").active)
        self.assertEqual(
            self.customer_us.sms_retention_consent_log_ids.mapped("state"),
            ["opted_in", "opted_out"],
        )

    def test_creation_and_import(self):
        partner = self._create_customer(
            "Opted Out", "+1 212 555 0133", "us", sms_retention_consent="opted_out"
        )
        self.assertTrue(self._blacklisted("+12125550133"))
        self.assertEqual(partner.sms_retention_consent_log_ids.source, "form")
        imported = (
            self.env["res.partner"]
            .with_context(import_file=True)
            .create(
                {
                    "name": "Imported",
                    "mobile": "+1 212 555 0134",
                    "sms_retention_consent": "opted_in",
                }
            )
        )
        self.assertEqual(imported.sms_retention_consent_log_ids.source, "import")
        self.env["phone.blacklist"]._add(["+12125550135"])
        late = self._create_customer("Late", "+1 212 555 0135", "us")
        self.assertEqual(
            late.sms_retention_consent, "opted_out", "a blacklisted number opts out"
        )


@tagged("post_install", "-at_install")
class TestPartnerTimeZone(SmsRetentionCommon):
    def test_time_zone_resolution(self):
        self.assertEqual(self.customer_us.sms_retention_tz, "America/New_York")
        self.assertEqual(self.customer_cn.sms_retention_tz, "Asia/Shanghai")
        self.customer_us.tz = "America/Chicago"
        self.assertEqual(self.customer_us.sms_retention_tz, "America/Chicago")
        thai = self.env["res.partner"].create(
            {"name": "No number", "country_id": self.env.ref("base.th").id}
        )
        self.assertEqual(thai.sms_retention_tz, "Asia/Bangkok")
        nowhere = self.env["res.partner"].create({"name": "Nowhere"})
        self.assertFalse(nowhere.sms_retention_tz)
        self.company.partner_id.tz = "Europe/Paris"
        self.assertEqual(
            nowhere._sms_retention_effective_tz(self.company), "Europe/Paris"
        )


@tagged("post_install", "-at_install")
class TestPartnerSegments(SmsRetentionCommon):
    def _order(self, partner, when):
        with freeze_time(when):
            order = self._create_order(partner, confirm=False)
            order.action_confirm()
        return order

    def test_confirm_and_cancel_maintain_stats_incrementally(self):
        partner = self._create_customer("Stats", "+1 212 555 0190", "us")
        self.assertEqual(partner.sms_retention_segment, "potential")
        first = self._order(partner, "2026-01-10 10:00:00")
        second = self._order(partner, "2026-03-01 10:00:00")
        self.assertEqual(partner.sms_retention_order_count, 2)
        self.assertAlmostEqual(
            partner.sms_retention_revenue, first.amount_total + second.amount_total
        )
        self.assertEqual(
            partner.sms_retention_first_order_date,
            fields.Datetime.to_datetime("2026-01-10 10:00:00"),
        )
        self.assertEqual(
            partner.sms_retention_last_order_date,
            fields.Datetime.to_datetime("2026-03-01 10:00:00"),
        )
        second._action_cancel()
        self.assertEqual(partner.sms_retention_order_count, 1)
        self.assertAlmostEqual(partner.sms_retention_revenue, first.amount_total)
        self.assertEqual(
            partner.sms_retention_last_order_date,
            fields.Datetime.to_datetime("2026-01-10 10:00:00"),
        )
        first._action_cancel()
        self.assertEqual(partner.sms_retention_order_count, 0)
        self.assertFalse(partner.sms_retention_last_order_date)
        self.assertEqual(partner.sms_retention_segment, "potential")

    def test_contact_orders_count_for_the_company(self):
        company = self.env["res.partner"].create({"name": "ACME", "is_company": True})
        contact = self._create_customer(
            "Buyer", "+1 212 555 0191", "us", parent_id=company.id
        )
        self._order(contact, fields.Datetime.now())
        self.assertEqual(company.sms_retention_order_count, 1)
        self.assertEqual(company.sms_retention_segment, "new")

    def test_segments_move_with_time(self):
        self.company.write(
            {"sms_retention_new_days": 30, "sms_retention_active_days": 180}
        )
        partner = self._create_customer(
            "Timeline", "+1 212 555 0192", "us", company_id=self.company.id
        )
        start = fields.Datetime.now()
        self._order(partner, start)
        self.assertEqual(partner.sms_retention_segment, "new")
        partners = self.env["res.partner"]
        with freeze_time(start + timedelta(days=31)):
            partners._cron_update_segments()
            self.assertEqual(partner.sms_retention_segment, "active")
        with freeze_time(start + timedelta(days=181)):
            self.assertGreaterEqual(partners._cron_update_segments(), 1)
            self.assertEqual(partner.sms_retention_segment, "dormant")
            self.assertEqual(
                partners._cron_update_segments(), 0, "only changes written"
            )
            self._order(partner, start + timedelta(days=181))
            self.assertEqual(partner.sms_retention_segment, "active")

    def test_lost_by_action_or_archive(self):
        self._order(self.customer_us, fields.Datetime.now())
        wizard = (
            self.env["sms.retention.mark.lost"]
            .with_context(active_ids=self.customer_us.ids)
            .create({"reason": "Moved abroad"})
        )
        wizard.action_mark_lost()
        self.assertEqual(self.customer_us.sms_retention_segment, "lost")
        self.assertEqual(self.customer_us.sms_retention_lost_reason, "Moved abroad")
        self.customer_cn.action_archive()
        self.assertEqual(self.customer_cn.sms_retention_segment, "lost")
        self.assertEqual(self.customer_cn.sms_retention_lost_reason, "Archived")
        self.assertTrue(self.customer_cn.sms_retention_lost_date)
