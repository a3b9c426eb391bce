# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase, tagged

from ..tools.sms_question import (
    csat_positive,
    fit_body,
    median,
    nps_bucket,
    question_kind,
    render_question,
)


@tagged("post_install", "-at_install")
class TestSmsQuestion(BaseCase):
    def test_question_kind(self):
        self.assertEqual(question_kind("simple_choice"), "choice")
        self.assertEqual(question_kind("char_box"), "free")
        self.assertEqual(question_kind("text_box"), "free")
        self.assertEqual(question_kind("numerical_box", "number", 1, 10), "scale")
        self.assertEqual(question_kind("numerical_box", "stars", 1, 5), "stars")
        self.assertIsNone(question_kind("numerical_box", "number", None, None))
        self.assertIsNone(question_kind("numerical_box", "number", 5, 5))
        self.assertIsNone(question_kind("numerical_box", "number", 0.5, 5))
        self.assertIsNone(question_kind("multiple_choice"))
        self.assertIsNone(question_kind("matrix"))
        self.assertIsNone(question_kind("date"))

    def test_render_choice_numbers_options_in_order(self):
        text = render_question("Why did you leave?", "choice", ["Price", "Other"])
        self.assertEqual(text, "Why did you leave?\n1 Price\n2 Other")
        text = render_question("Why?", "choice", ["A"], hint="Reply with a number")
        self.assertEqual(text, "Why?\n1 A\nReply with a number")

    def test_render_scale_with_hint(self):
        text = render_question(
            "  How easy?\n", "scale", low=1, high=10, hint="Reply 1-10"
        )
        self.assertEqual(text, "How easy? Reply 1-10")
        self.assertEqual(render_question("Comment?", "free"), "Comment?")

    def test_fit_body_keeps_two_segments_dropping_the_link_first(self):
        body, segments, fits = fit_body("Hi", "Rate us? Reply 1-5", "https://x.test/s")
        self.assertEqual(body, "Hi\nRate us? Reply 1-5\nhttps://x.test/s")
        self.assertEqual((segments, fits), (1, True))
        long_intro = "x" * 250
        link = "https://example.com/" + "y" * 80
        body, segments, fits = fit_body(long_intro, "Rate us? Reply 1-5", link)
        self.assertNotIn(link, body)
        self.assertEqual((segments, fits), (2, True))
        body, segments, fits = fit_body("x" * 400, "Q?")
        self.assertEqual((segments, fits), (3, False))
        self.assertTrue(body.endswith("Q?"), "the question is never cut")

    def test_fit_body_counts_the_opt_out(self):
        _body, segments, _fits = fit_body("x" * 150, "Q?", opt_out="Reply STOP")
        self.assertEqual(segments, 2)

    def test_nps_and_csat(self):
        self.assertEqual(nps_bucket(10, 0, 10), "promoter")
        self.assertEqual(nps_bucket(9, 1, 10), "promoter")
        self.assertEqual(nps_bucket(8, 1, 10), "passive")
        self.assertEqual(nps_bucket(6, 1, 10), "detractor")
        self.assertIsNone(nps_bucket(5, 1, 5))
        self.assertIsNone(nps_bucket(None, 0, 10))
        self.assertTrue(csat_positive(4, 1, 5))
        self.assertTrue(csat_positive(5, 0, 5))
        self.assertFalse(csat_positive(3, 0, 5))
        self.assertIsNone(csat_positive(9, 1, 10))

    def test_median(self):
        self.assertIsNone(median([]))
        self.assertEqual(median([3, 1, 2]), 2)
        self.assertEqual(median([4, 1, 2, 3]), 2.5)
        self.assertEqual(median([None, 5]), 5)
