# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from ..tools.db import array_literal


@tagged("post_install", "-at_install")
class TestArrayLiteral(TransactionCase):
    def test_texts_round_trip(self):
        """Whatever the text, PostgreSQL reads back the same values."""
        texts = [
            'say "hi"',
            "back\\slash \\n",
            "NULL",
            "",
            "  spaces  ",
            "a,b",
            "{braces}",
            "it's",
            "line\nbreak\ttab",
            "退订 ยกเลิก 🙂",
            None,
            '\\"',
        ]
        self.env.cr.execute("SELECT %s::text[]", [array_literal(texts)])
        self.assertEqual(self.env.cr.fetchone()[0], texts)

    def test_integers(self):
        self.assertEqual(array_literal([3, 1, None]), "{3,1,NULL}")
        self.env.cr.execute("SELECT %s::int[]", [array_literal([3, 1, None])])
        self.assertEqual(self.env.cr.fetchone()[0], [3, 1, None])
        self.assertEqual(array_literal([]), "{}")
        self.assertEqual(array_literal(iter([7, -2, 10**12])), "{7,-2,1000000000000}")
        self.assertEqual(array_literal([True, 2]), '{"True",2}', "a bool is no id")
