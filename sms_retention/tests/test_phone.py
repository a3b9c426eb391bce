# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase, tagged

from ..tools.phone import PhoneNumberError, number_facts, region_of, to_e164


@tagged("post_install", "-at_install")
class TestPhone(BaseCase):
    def test_e164_passthrough_and_formats(self):
        self.assertEqual(to_e164("+1 (212) 555-0101"), "+12125550101")
        self.assertEqual(to_e164("0086 138 0013 8000"), "+8613800138000")
        self.assertEqual(to_e164("+66 81 234 5678"), "+66812345678")

    def test_national_formats_use_region(self):
        self.assertEqual(to_e164("(212) 555-0101", "US"), "+12125550101")
        self.assertEqual(to_e164("138 0013 8000", "CN"), "+8613800138000")
        self.assertEqual(to_e164("081 234 5678", "th"), "+66812345678")
        self.assertEqual(to_e164("0912 345 678", "TW"), "+886912345678")

    def test_unreadable_numbers_say_why(self):
        cases = {
            "": "empty",
            "   ": "empty",
            "hello": "not a phone number",
            "555 0101": "no country code",
            "+1 212": "",
            "+999 123456789": "",
        }
        for number, reason in cases.items():
            with self.subTest(number=number):
                with self.assertRaises(PhoneNumberError) as ctx:
                    to_e164(number, None if "555" in number else "US")
                self.assertIn(reason, str(ctx.exception))
                self.assertTrue(str(ctx.exception))

    def test_region_of(self):
        self.assertEqual(region_of("+8613800138000"), "CN")
        self.assertEqual(region_of("+66812345678"), "TH")
        self.assertIsNone(region_of("0812345678"))
        self.assertIsNone(region_of(None))

    def test_number_facts(self):
        self.assertEqual(number_facts("+12125550101"), (True, False))
        self.assertEqual(number_facts("+66812345678"), (True, False))
        self.assertEqual(number_facts("+33142685300"), (True, True), "Paris landline")
        self.assertEqual(number_facts("+1212"), (False, False))
        self.assertEqual(number_facts(None), (False, False))
