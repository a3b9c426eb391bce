# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..tools.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    SegmentInfo,
    count_segments,
    encoding_of,
    estimate_cost,
)

GSM = "GSM-7"
UCS = "UCS-2"
OPT_OUT_EN = "Reply STOP to opt out"  # 21 characters
OPT_OUT_ZH = "回复TD退订"  # 6 characters
THAI = "สวัสดีครับ"  # 10 code points: ส ว ั ส ด ี ค ร ั บ
ZH_TW = "感謝您的光臨！本週末全館八折。"  # 15 characters
EMOJI = "\U0001f600"  # 😀, outside the BMP


@tagged("post_install", "-at_install")
class TestSegments(BaseCase):
    def assertSegments(
        self, text, encoding, units, segments, per_segment, opt_out_text=""
    ):
        """Compare the whole SegmentInfo; characters include "\n" + opt-out."""
        sent = f"{text}\n{opt_out_text}" if opt_out_text else text
        self.assertEqual(
            count_segments(text, opt_out_text=opt_out_text),
            SegmentInfo(
                encoding=encoding,
                units=units,
                segments=segments,
                per_segment=per_segment,
                characters=len(sent),
            ),
        )

    def test_character_tables(self):
        self.assertEqual(len(GSM7_BASIC), 127)
        self.assertEqual(GSM7_EXTENSION, frozenset("^{}\\[]~|€\f"))
        self.assertFalse(GSM7_BASIC & GSM7_EXTENSION)
        for char in "\n\rÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿äöñüà@£$¥èéùìò ¤¡":
            with self.subTest(char=char):
                self.assertIn(char, GSM7_BASIC)
        # Lowercase ç, the backtick and curly quotes are not GSM 03.38.
        for char in "ç`’“”":
            with self.subTest(char=char):
                self.assertNotIn(char, GSM7_BASIC | GSM7_EXTENSION)

    def test_encoding_of(self):
        cases = [
            ("", GSM),
            ("Hi {name}, 20% off [today] ~ €5 | ^_^ \\o/", GSM),
            ("Ça va? Ødegaard, Ñoño, Straße, ¿Qué?", GSM),
            ("Ñandú", UCS),  # ú is not GSM 03.38
            ("ça va", UCS),
            ("Don’t miss it", UCS),
            ("“Sale”", UCS),
            ("Hi " + EMOJI, UCS),
            ("你好", UCS),
            (THAI, UCS),
            ("مرحبا", UCS),
        ]
        for text, expected in cases:
            with self.subTest(text=text):
                self.assertEqual(encoding_of(text), expected)

    def test_empty_text(self):
        self.assertEqual(
            count_segments(""),
            SegmentInfo(
                encoding=GSM, units=0, segments=0, per_segment=160, characters=0
            ),
        )

    def test_gsm7_lengths(self):
        # (length, segments, per_segment)
        cases = [
            (1, 1, 160),
            (160, 1, 160),
            (161, 2, 153),
            (306, 2, 153),
            (307, 3, 153),
            (459, 3, 153),
            (460, 4, 153),
            (1600, 11, 153),  # Twilio's cap changes nothing: 10 * 153 = 1530 < 1600
        ]
        for length, segments, per_segment in cases:
            with self.subTest(length=length):
                self.assertSegments("a" * length, GSM, length, segments, per_segment)

    def test_gsm7_extension_counts_two_septets(self):
        self.assertSegments("€" * 80, GSM, 160, 1, 160)
        # 162 septets: 76 euros (152 septets) fill the first segment, 5 the next.
        self.assertSegments("€" * 81, GSM, 162, 2, 153)
        self.assertSegments("a" * 159 + "{", GSM, 161, 2, 153)
        self.assertSegments("a" * 158 + "}", GSM, 160, 1, 160)
        self.assertSegments("\f", GSM, 2, 1, 160)

    def test_gsm7_escape_pair_moves_to_next_segment(self):
        # 152 + 2 + 152 = 306 septets, yet 3 segments: the euro would take
        # septets 153-154, so it opens segment 2 (153 septets), and the last
        # "a" spills into segment 3. Ceil division would say 2.
        self.assertSegments("a" * 152 + "€" + "a" * 152, GSM, 306, 3, 153)
        # Euro exactly at septets 152-153: it fits, 153 + 153 = 306 -> 2.
        self.assertSegments("a" * 151 + "€" + "a" * 153, GSM, 306, 2, 153)
        # 153 euros = 306 septets: 76 + 76 + 1 euros -> 3 segments.
        self.assertSegments("€" * 153, GSM, 306, 3, 153)

    def test_ucs2_lengths(self):
        cases = [
            (70, 1, 70),
            (71, 2, 67),
            (134, 2, 67),
            (135, 3, 67),
            (201, 3, 67),
            (202, 4, 67),
        ]
        for length, segments, per_segment in cases:
            with self.subTest(length=length):
                self.assertSegments("中" * length, UCS, length, segments, per_segment)

    def test_one_character_switches_to_ucs2(self):
        latin = "a" * 150
        self.assertSegments(latin, GSM, 150, 1, 160)
        # 150 UCS-2 units: 67 + 67 + 16 -> 3 segments.
        self.assertSegments(latin[:-1] + "’", UCS, 150, 3, 67)
        self.assertSegments(latin[:-1] + "“", UCS, 150, 3, 67)
        # The emoji is 2 units: 151 -> 67 + 67 + 17.
        self.assertSegments(latin[:-1] + EMOJI, UCS, 151, 3, 67)
        self.assertSegments("a" * 60 + "’", UCS, 61, 1, 70)

    def test_emoji_counts_two_units(self):
        self.assertEqual(count_segments(EMOJI).units, 2)
        self.assertEqual(count_segments(EMOJI).characters, 1)
        self.assertSegments(EMOJI * 35, UCS, 70, 1, 70)
        # 72 units: 33 emoji (66 units) per segment -> 33 + 3.
        self.assertSegments(EMOJI * 36, UCS, 72, 2, 67)
        self.assertSegments("中" * 68 + EMOJI, UCS, 70, 1, 70)

    def test_surrogate_pair_does_not_straddle(self):
        # 66 + 2 + 66 = 134 units, yet 3 segments: the emoji would take units
        # 67-68, so it opens segment 2 (67 units) and one "中" spills over.
        self.assertSegments("中" * 66 + EMOJI + "中" * 66, UCS, 134, 3, 67)
        # Emoji exactly at units 66-67: it fits, 67 + 67 = 134 -> 2.
        self.assertSegments("中" * 65 + EMOJI + "中" * 67, UCS, 134, 2, 67)

    def test_thai_and_traditional_chinese(self):
        self.assertSegments(THAI, UCS, 10, 1, 70)
        # Thai vowels and tone marks are code points of their own: 7 * 11 = 77.
        self.assertSegments((THAI + " ") * 7, UCS, 77, 2, 67)
        self.assertSegments(ZH_TW, UCS, 15, 1, 70)
        self.assertSegments(ZH_TW * 5, UCS, 75, 2, 67)
        self.assertSegments(ZH_TW * 9, UCS, 135, 3, 67)

    def test_opt_out_text_is_counted(self):
        # 138 + "\n" + 21 = 160 -> 1; one more character -> 2.
        self.assertSegments("a" * 138, GSM, 160, 1, 160, opt_out_text=OPT_OUT_EN)
        self.assertSegments("a" * 139, GSM, 161, 2, 153, opt_out_text=OPT_OUT_EN)
        self.assertSegments("", GSM, 22, 1, 160, opt_out_text=OPT_OUT_EN)
        # No opt-out, no newline.
        self.assertEqual(count_segments("a" * 10, opt_out_text="").units, 10)

    def test_opt_out_text_changes_encoding(self):
        self.assertEqual(count_segments("a" * 60).encoding, GSM)
        # 60 + "\n" + 6 = 67 UCS-2 units -> 1; 64 + 7 = 71 -> 2.
        self.assertSegments("a" * 60, UCS, 67, 1, 70, opt_out_text=OPT_OUT_ZH)
        self.assertSegments("a" * 64, UCS, 71, 2, 67, opt_out_text=OPT_OUT_ZH)
        self.assertSegments(ZH_TW, UCS, 22, 1, 70, opt_out_text=OPT_OUT_ZH)

    def test_estimate_cost(self):
        cases = [
            ((2, 1000, "0.0079"), Decimal("15.8000")),
            ((1, 3, 0.1), Decimal("0.3000")),  # not 0.30000000000000004
            ((1, 1, "0.00125"), Decimal("0.0013")),  # half up, not half even
            ((1, 1, Decimal("0.00124")), Decimal("0.0012")),
            ((3, 7, 0.00755), Decimal("0.1586")),  # 0.15855
            ((0, 500, "0.0079"), Decimal("0.0000")),
            ((4, 250, 1), Decimal("1000.0000")),
        ]
        for args, expected in cases:
            with self.subTest(args=args):
                cost = estimate_cost(*args)
                self.assertIsInstance(cost, Decimal)
                self.assertEqual(cost, expected)
                self.assertEqual(cost.as_tuple().exponent, -4)
