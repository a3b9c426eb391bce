# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..tools import links

BASE = "https://shop.example.com"


@tagged("post_install", "-at_install")
class TestLinks(BaseCase):
    def test_tag_round_trip(self):
        for message_id in (1, 35, 36, 123456, 9_999_999_999):
            tag = links.message_tag("s3cret", message_id)
            self.assertEqual(links.read_tag("s3cret", tag), message_id)
            self.assertLessEqual(len(tag), len(links.SAMPLE_TAG))
        self.assertEqual(len(links.message_tag("s3cret", 9_999_999_999)), 14)
        self.assertRegex(links.message_tag("s3cret", 77), r"^[0-9a-z]+$")

    def test_forged_tags_are_refused(self):
        tag = links.message_tag("s3cret", 42)
        self.assertIsNone(links.read_tag("other", tag), "another database's tag")
        forged = links.message_tag("s3cret", 43)[:-7] + tag[-7:]
        self.assertIsNone(links.read_tag("s3cret", forged), "another id, same mac")
        self.assertIsNone(links.read_tag("s3cret", "0" + tag), "a second spelling")
        self.assertIsNone(links.read_tag("s3cret", tag.upper()))
        for junk in ("", "abc", "!!!!!!!!!!", links.SAMPLE_TAG, "x" * 200, None):
            self.assertIsNone(links.read_tag("s3cret", junk))

    def test_tag_links_of_this_server_only(self):
        rewriter = links.LinkRewriter("s3cret", BASE + "/")
        tag = links.message_tag("s3cret", 42)
        text = (
            f"Review: {BASE}/r/aB3. Shop: {BASE}/r/aB3x, other "
            "https://elsewhere.example.com/r/aB3 and "
            f"{BASE}/r/Zz9/m/tagged already"
        )
        self.assertEqual(
            rewriter.tag(text, 42),
            f"Review: {BASE}/r/aB3/m/{tag}. Shop: {BASE}/r/aB3x/m/{tag}, other "
            "https://elsewhere.example.com/r/aB3 and "
            f"{BASE}/r/Zz9/m/tagged already",
        )
        self.assertEqual(rewriter.tag("No link", 42), "No link")
        self.assertEqual(
            rewriter.tag(f"Go {BASE}/r/aB3"),
            f"Go {BASE}/r/aB3/m/{links.SAMPLE_TAG}",
            "no message: the sample tag, as long as a real one",
        )

    def test_optout_page_of_the_message(self):
        rewriter = links.LinkRewriter("s3cret", BASE)
        text = f"Hi. Opt out: {links.optout_url(BASE)}"
        tagged_text = rewriter.tag(text, 42)
        tag = tagged_text.rsplit("/", 1)[1]
        self.assertEqual(links.read_tag("s3cret", tag, links.OPTOUT), 42)
        self.assertIsNone(links.read_tag("s3cret", tag), "not a link's tag")
        self.assertEqual(rewriter.tag(text), text, "no message: the sample page")

    def test_expand_reads_each_code_once(self):
        rewriter = links.LinkRewriter("s3cret", BASE)
        asked = []

        def url_of_code(code):
            asked.append(code)
            return {"aB3": "https://shop.example.com/review?id=3"}.get(code)

        text = f"{BASE}/r/aB3/m/{links.message_tag('s3cret', 7)} and {BASE}/r/Qq1"
        expected = f"https://shop.example.com/review?id=3 and {BASE}/r/Qq1"
        self.assertEqual(rewriter.expand(text, url_of_code), expected)
        self.assertEqual(rewriter.expand(text, url_of_code), expected)
        self.assertEqual(asked, ["aB3", "Qq1"], "each code read once")

    def test_previews_and_robots(self):
        iphone = (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
            "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 "
            "Safari/604.1"
        )
        self.assertFalse(links.is_preview_request("GET", iphone))
        self.assertTrue(links.is_preview_request("HEAD", iphone))
        for agent in (
            "facebookexternalhit/1.1 Facebot Twitterbot/1.0",  # iMessage
            "WhatsApp/2.23.20.0",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Linux; Android 6.0.1) Google-PageRenderer",
            "curl/8.4.0",
        ):
            self.assertTrue(links.is_preview_request("GET", agent), agent)
        self.assertFalse(links.is_preview_request("GET", None))

    def test_clicks_near_send_or_delivery_are_previews(self):
        sent = datetime(2026, 3, 2, 10, 0, 0)
        delivered = sent + timedelta(minutes=3)
        at = sent.__add__
        self.assertTrue(links.is_preview_timing(at(timedelta(seconds=2)), sent, None))
        self.assertFalse(links.is_preview_timing(at(timedelta(seconds=30)), sent, None))
        self.assertTrue(
            links.is_preview_timing(delivered + timedelta(seconds=1), sent, delivered)
        )
        # Clocks that disagree: a click logged just before the delivery.
        self.assertTrue(
            links.is_preview_timing(delivered - timedelta(seconds=2), sent, delivered)
        )
        self.assertFalse(
            links.is_preview_timing(delivered + timedelta(hours=2), sent, delivered)
        )
