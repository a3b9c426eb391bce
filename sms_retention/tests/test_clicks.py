# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..tools import links
from .common import SmsRetentionCommon

TARGET = "https://shop.example.com/review"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


@tagged("post_install", "-at_install")
class TestClicks(HttpCase, SmsRetentionCommon):
    """A retention SMS's link is tagged with its message; a person's click
    on it is recorded on the message, previews and robots are not, and the
    redirect never depends on either."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.link_campaign = cls._create_partner_campaign(
            "Links", f"Hi {{{{ object.name }}}}: {{{{ short_url('{TARGET}') }}}}"
        )
        cls.tracker = cls.env["link.tracker"].search_or_create(
            {"url": TARGET, "title": TARGET}
        )

    def _sent_message(self, partner=None):
        partner = partner or self.customer_us
        message = self._create_message(self.link_campaign, partner)
        with self.mock_sms_providers():
            self._run_sending_job()
        self.assertEqual(message.state, "sent")
        # Clicks come later than a preview would.
        message.write(
            {
                "sent_at": fields.Datetime.now() - timedelta(hours=1),
                "delivered_at": fields.Datetime.now() - timedelta(hours=1),
            }
        )
        return message

    def _link(self, message):
        match = re.search(r"https?://\S+/r/\w+/m/\w+", message.body)
        self.assertTrue(match, message.body)
        return match.group(0)

    def _open(self, url, method="GET", agent=IPHONE):
        path = url[url.index("/r/") :]
        response = self.opener.request(
            method,
            self.base_url() + path,
            headers={"User-Agent": agent},
            allow_redirects=False,
            timeout=30,
        )
        return response

    def test_sms_link_carries_its_message(self):
        message = self._sent_message()
        url = self._link(message)
        self.assertTrue(url.startswith(self.tracker.short_url + links.TAG_SEGMENT))
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        tag = url.rsplit("/", 1)[1]
        self.assertEqual(links.read_tag(secret, tag), message.id)
        self.assertSandboxOutbox(message.number, message.body)

    def test_one_batch_of_two_campaigns_tags_each_message(self):
        """A batch holding the SMS of two campaigns (the demo's "Send now"
        failed on it) tags each with its own message."""
        other = self.link_campaign.copy({"name": "Links again"})
        messages = self._create_message(
            self.link_campaign, self.customer_us
        ) | self._create_message(other, self.customer_cn)
        with self.mock_sms_providers():
            messages.action_send_now()
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        for message in messages:
            self.assertEqual(message.state, "sent")
            tag = self._link(message).rsplit("/", 1)[1]
            self.assertEqual(links.read_tag(secret, tag), message.id)

    def test_click_is_recorded_once_per_message(self):
        message = self._sent_message()
        url = self._link(message)
        response = self._open(url)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.headers["Location"], TARGET)
        first = message.clicked_at
        self.assertTrue(first)
        self.assertEqual(self.link_campaign.click_count, 1)
        self.assertFalse(message.click_ids, "counted by the link tracker later")
        self._open(url)
        message.invalidate_recordset()
        self.assertEqual(message.clicked_at, first, "the first click stays")
        self.env["sms.retention.click"]._cron_count_clicks()
        self.assertEqual(len(message.click_ids), 2)
        self.assertEqual(message.click_ids.link_id, self.tracker)
        self.assertEqual(self.tracker.count, 2, "Odoo's link statistics count it")
        self.assertFalse(self.env["sms.retention.click"].search([]))

    def test_previews_redirect_without_a_click(self):
        message = self._sent_message()
        url = self._link(message)
        for method, agent in (
            ("HEAD", IPHONE),
            ("GET", "facebookexternalhit/1.1 Facebot Twitterbot/1.0"),
            ("GET", "WhatsApp/2.23.20.0"),
        ):
            response = self._open(url, method, agent)
            self.assertEqual(response.status_code, 302, (method, agent))
            self.assertEqual(response.headers["Location"], TARGET)
        # A person, seconds after the delivery: the phone drawing a preview.
        message.delivered_at = fields.Datetime.now()
        self.assertEqual(self._open(url).status_code, 302)
        self.assertFalse(message.clicked_at)
        self.env["sms.retention.click"]._cron_count_clicks()
        self.assertFalse(message.click_ids)

    def test_bad_tags_and_deleted_messages_redirect_and_record_nothing(self):
        message = self._sent_message()
        url = self._link(message)
        forged = url[:-1] + ("A" if url[-1] != "A" else "B")
        self.assertEqual(self._open(forged).headers["Location"], TARGET)
        self.assertEqual(
            self._open(self.tracker.short_url + "/m/nonsense").headers["Location"],
            TARGET,
        )
        message.unlink()
        response = self._open(url)
        self.assertEqual(response.headers["Location"], TARGET)
        self.env["sms.retention.click"]._cron_count_clicks()
        self.assertFalse(
            self.env["link.tracker.click"].search([("link_id", "=", self.tracker.id)])
        )

    def test_unknown_code_is_not_found(self):
        message = self._sent_message()
        url = self._link(message)
        unknown = url.replace("/r/", "/r/zz", 1)
        self.assertEqual(self._open(unknown).status_code, 404)

    def test_preview_and_test_sms_count_a_tag(self):
        """Segments are counted on the SMS as sent: the preview's links carry
        a sample tag as long as a real one."""
        body = self.link_campaign._sms_retention_compose(
            f"Go {self.tracker.short_url}", "en_US", ""
        )
        self.assertEqual(
            body, f"Go {self.tracker.short_url}{links.TAG_SEGMENT}{links.SAMPLE_TAG}"
        )
