# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per-country SMS rules: the opt-out text follows the customer's country,
customers who cannot reply get a web opt-out page, the country's hours
narrow the sending window, and the campaign's preview warns about content
and links a country refuses."""

import re
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from ..tools import links, send_window
from .common import SmsRetentionCommon

SHIPPED = ("CN", "TW", "HK", "TH", "US", "CA", "GB", "FR", "DE")


@tagged("post_install", "-at_install")
class TestCountryRules(HttpCase, SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_th = cls._create_customer(
            "สมชาย ใจดี", "081 234 5678", "th", lang=cls._lang("th_TH")
        )
        cls.marketing = cls._create_partner_campaign(
            "Greeting", "Hello {{ object.name }}!", message_class="marketing"
        )

    def _optout_text(self, country_code, message_class, lang):
        return self.company._sms_retention_optout_text(
            self.env.ref(f"base.{country_code}"), message_class, lang
        )

    def _sent(self, campaign, partner):
        """``campaign``'s SMS to ``partner``, sent at noon in Bangkok."""
        partner.sms_retention_consent = "opted_in"
        with freeze_time("2026-03-03 05:00:00"):
            message = self._create_message(campaign, partner)
            with self.mock_sms_providers():
                self._run_sending_job()
        self.assertEqual(message.state, "sent", message.skip_reason)
        return message

    def _page(self, url, method="GET", data=None):
        path = url[url.index(links.OPTOUT_PATH) :]
        return self.opener.request(
            method, self.base_url() + path, data=data, timeout=30
        )

    def test_rules_are_shipped_for_the_first_markets(self):
        rules = self.env["sms.retention.country.rule"].search([])
        self.assertLessEqual(set(SHIPPED), set(rules.country_id.mapped("code")))
        thailand = self.env.ref("sms_retention.sms_retention_country_rule_th")
        self.assertFalse(thailand.replies_reach_us)
        self.assertFalse(thailand.short_links_allowed)
        self.assertFalse(thailand.form_links_allowed)

    def test_opt_out_text_follows_the_country(self):
        self.assertEqual(self._optout_text("cn", "marketing", "zh_CN"), "拒收请回复R")
        self.assertEqual(self._optout_text("cn", "marketing", "en_US"), "拒收请回复R")
        self.assertEqual(self._optout_text("cn", "transactional", "zh_CN"), "")
        # No wording of the country's own: the company's text, in the language.
        self.assertEqual(
            self._optout_text("us", "marketing", "en_US"), "Reply STOP to opt out"
        )
        self.assertEqual(
            self._optout_text("be", "marketing", "fr_FR"), "STOP pour vous désabonner"
        )
        self.assertEqual(self._optout_text("us", "transactional", "en_US"), "")
        # Replies cannot arrive: the web opt-out page, in the customer's words.
        text = self._optout_text("th", "marketing", "th_TH")
        self.assertRegex(text, r"^ยกเลิกรับ: https?://\S+/sms/optout/z+0+$")

    def test_customer_who_cannot_reply_opts_out_on_the_web(self):
        message = self._sent(self.marketing, self.customer_th)
        url = re.search(r"https?://\S+/sms/optout/\w+", message.body).group(0)
        self.assertNotIn(links.SAMPLE_TAG, url, "the message's own page")
        self.assertTrue(message.body.startswith("Hello สมชาย ใจดี!\n"))

        page = self._page(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("•••", page.text)
        self.assertEqual(self.customer_th.sms_retention_consent, "opted_in")

        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = self._page(url, "POST", {"csrf_token": token})
        self.assertEqual(done.status_code, 200)
        self.assertIn("alert-success", done.text)
        self.assertEqual(self.customer_th.sms_retention_consent, "opted_out")
        log = self.env["sms.retention.consent.log"].search(
            [("partner_id", "=", self.customer_th.id)], limit=1
        )
        self.assertEqual((log.state, log.source), ("opted_out", "web"))
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", message.number)])
        )
        again = self._page(url)
        self.assertIn("alert-info", again.text, "already unsubscribed")

    def test_no_short_link_where_shorteners_are_banned(self):
        """Thailand bans link shorteners: its customers get the full address
        (untracked), the others the tracked short link."""
        shop = "https://shop.example.com/th/sale"
        campaign = self._create_partner_campaign(
            "Sale", f"Sale: {{{{ short_url('{shop}') }}}}", message_class="marketing"
        )
        to_thailand = self._sent(campaign, self.customer_th)
        self.assertIn(f"Sale: {shop}\n", to_thailand.body)
        self.assertNotIn("/r/", to_thailand.body)
        to_us = self._sent(campaign, self.customer_us)
        self.assertRegex(to_us.body, r"Sale: https?://\S+/r/\w+/m/\w+")

    def test_full_addresses_are_read_once_per_run(self):
        """A run to many customers of such a country reads each short link's
        address once, not once per SMS."""
        shop = "https://shop.example.com/th/new"
        campaign = self._create_partner_campaign(
            "New", f"New: {{{{ short_url('{shop}') }}}}", message_class="marketing"
        )
        customers = self.customer_th | self.customer_th.copy({"name": "สมหญิง"})
        customers.sms_retention_consent = "opted_in"
        trackers = type(self.env["link.tracker"])
        with (
            freeze_time("2026-03-03 05:00:00"),
            patch.object(
                trackers, "get_url_from_code", autospec=True, return_value=shop
            ) as lookup,
        ):
            messages = self._create_message(campaign, customers[0])
            messages |= self._create_message(campaign, customers[1])
            with self.mock_sms_providers():
                self._run_sending_job()
        self.assertEqual(messages.mapped("state"), ["sent", "sent"])
        self.assertTrue(
            all(f"New: {shop}\n" in body for body in messages.mapped("body"))
        )
        self.assertEqual(lookup.call_count, 1)

    def test_forged_or_link_tag_opens_no_opt_out(self):
        message = self._sent(self.marketing, self.customer_th)
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        link_tag = links.message_tag(secret, message.id)
        for tag in (link_tag, "abc1234567", links.SAMPLE_TAG):
            with self.subTest(tag=tag):
                page = self._page(f"{links.OPTOUT_PATH}{tag}")
                self.assertEqual(page.status_code, 404)
        message.unlink()
        url = links.optout_url("", links.message_tag(secret, message.id, links.OPTOUT))
        self.assertEqual(self._page(url).status_code, 404, "a deleted message")
        self.assertEqual(self.customer_th.sms_retention_consent, "opted_in")

    def test_country_hours_narrow_the_sending_window(self):
        """Thailand's rules allow 08:00 to 20:00, within the company's day."""
        self.env.ref("sms_retention.sms_retention_country_rule_th").write(
            {"quiet_start": 8.0, "quiet_end": 20.0}
        )
        thailand = self.company._sms_retention_policy(self.env.ref("base.th"))
        belgium = self.company._sms_retention_policy(self.env.ref("base.be"))
        bangkok = "Asia/Bangkok"
        evening = send_window.to_utc(datetime(2026, 3, 3, 20, 30), bangkok)
        morning = send_window.to_utc(datetime(2026, 3, 3, 10, 0), bangkok)
        self.assertFalse(send_window.is_allowed(thailand, evening, bangkok))
        self.assertTrue(send_window.is_allowed(thailand, morning, bangkok))
        self.assertTrue(
            send_window.is_allowed(belgium, evening, bangkok), "no hours of its own"
        )

    def test_preview_warns_about_refused_content_and_links(self):
        customer_cn = self.customer_cn
        customer_cn.sms_retention_consent = "opted_in"
        review = self.campaign
        review.company_id = self.company
        warnings = review.with_context(lang="en_US")._sms_retention_country_warnings(
            self.env.ref("sms_retention.sms_retention_country_rule_th"),
            "Thailand",
            False,
        )
        self.assertEqual(warnings, [])  # transactional: no opt-out link
        rule_cn = self.env.ref("sms_retention.sms_retention_country_rule_cn")
        self.assertEqual(rule_cn._refused({"review"}), ["invite a review"])
        self.assertEqual(rule_cn._refused(set()), [])
