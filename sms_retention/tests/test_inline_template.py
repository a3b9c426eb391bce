# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pure part of the batch renderer (``tools/placeholders.py``): which
texts render without evaluating anything, and how their values are written."""

import ast
from decimal import Decimal

from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools.rendering_tools import render_inline_template

from ..tools.placeholders import (
    Link,
    chain_plan,
    object_chain,
    plan_chains,
    render_rows,
    text_of,
)


@tagged("post_install", "-at_install")
class TestChainPlan(BaseCase):
    def test_plain_chains_on_object_are_accepted(self):
        for expression, chain in (
            ("object.name", ("name",)),
            (" object.partner_id.lang ", ("partner_id", "lang")),
            (
                "object.partner_id.sms_retention_first_name",
                ("partner_id", "sms_retention_first_name"),
            ),
            ("object.company_id.name", ("company_id", "name")),
            ("object . company_id .name", ("company_id", "name")),
            ("object.a.b.c_2", ("a", "b", "c_2")),
            ("object._private_looking", ("_private_looking",)),
            ("object.match", ("match",)),  # a soft keyword is a valid name
        ):
            with self.subTest(expression=expression):
                self.assertEqual(object_chain(expression), chain)
                # What Python reads: the same chain of attributes.
                node = ast.parse(expression.strip(), mode="eval").body
                names = []
                while isinstance(node, ast.Attribute):
                    names.append(node.attr)
                    node = node.value
                self.assertEqual((node.id, *reversed(names)), ("object", *chain))

    def test_anything_else_is_refused(self):
        for expression in (
            "object",
            "object.",
            "object..name",
            "object.name()",
            "object.name.upper()",
            "object['name']",
            "object.name[0]",
            "object.name or ''",
            "object.name + 'x'",
            "object.name if object else ''",
            "(object.company_id or object.env.company).name",
            "(object).name",
            "short_url('https://shop.example.com')",
            "user.name",
            "ctx.get('lang')",
            "objects.name",
            "obj.name",
            "object.1st",
            "object.class",  # a keyword: does not compile
            "object.None",
            "object.__class__",  # safe_eval refuses double underscores
            "object.a__b",
            "object.na me",
            "object.name\n.upper",
            "object.naïve",  # valid Python, left to Odoo
            "",
            " ",
        ):
            with self.subTest(expression=expression):
                self.assertIsNone(object_chain(expression))

    def test_plan_of_a_text(self):
        self.assertEqual(
            chain_plan("Hi {{object.name}}, from {{ object.company_id.name }}!"),
            (
                ("Hi ", ("name",)),
                (", from ", ("company_id", "name")),
                ("!", None),
            ),
        )
        self.assertEqual(chain_plan("No placeholder"), (("No placeholder", None),))
        self.assertEqual(chain_plan(""), ())
        self.assertEqual(chain_plan(False), ())
        # An unclosed placeholder is text, as Odoo renders it.
        self.assertEqual(
            chain_plan("Hi {{ object.name"), (("Hi {{ object.name", None),)
        )
        # A tracked link of a literal URL is the same on every record.
        plan = chain_plan("Hi {{ object.name }} {{ short_url('https://x.org') }}")
        self.assertEqual(plan, (("Hi ", ("name",)), (" ", "https://x.org")))
        self.assertIsInstance(plan[1][1], Link)
        self.assertEqual(plan_chains(plan), [("name",)])
        self.assertEqual(
            render_rows(plan, {("name",): ["Ada", "Bo"]}, 2, lambda url: url + "/r"),
            ["Hi Ada https://x.org/r", "Hi Bo https://x.org/r"],
        )
        for text in (
            "{{ short_url(object.website) }}",
            "{{ short_url('https://x.org', 1) }}",
            "{{ short_url(url='https://x.org') }}",
            "{{ (object.company_id or object.env.company).name }}",
            "{{ object.name.upper() }}",
            "{{ }}",
            "{{ object.( }}",
        ):
            with self.subTest(text=text):
                self.assertIsNone(chain_plan(text))

    def test_plan_chains_are_distinct_in_order(self):
        plan = chain_plan("{{ object.b }}{{ object.a.x }}{{ object.b }}{{ object.a }}")
        self.assertEqual(plan_chains(plan), [("b",), ("a", "x"), ("a",)])


@tagged("post_install", "-at_install")
class TestFormatting(TransactionCase):
    """Values are written as Odoo's ``inline_template`` writes them."""

    def test_values_as_odoo_writes_them(self):
        partner = self.env["res.partner"].create({"name": "Ada"})
        values = [
            False,
            None,
            0,
            0.0,
            "",
            Decimal("0"),
            self.env["res.partner"],
            3,
            2.5,
            1e20,
            Decimal("1.10"),
            "Bé",
            True,
            partner,
            partner.country_id,
        ]
        for value in values:
            with self.subTest(value=value):
                self.assertEqual(
                    text_of(value),
                    render_inline_template([("", "value")], {"value": value}),
                )

    def test_rows_as_odoo_renders_them(self):
        text = "[{{ object.a.b }}|{{ object.zero }}|{{ object.none }}|{{ object.n }}]"
        plan = chain_plan(text)
        columns = {
            ("a", "b"): ["Bé", False],
            ("zero",): [0, 1],
            ("none",): [False, "x"],
            ("n",): [3.5, None],
        }
        self.assertEqual(render_rows(plan, columns, 2), ["[Bé|||3.5]", "[|1|x|]"])
        self.assertEqual(render_rows(chain_plan(""), {}, 2), ["", ""])
        self.assertEqual(render_rows(chain_plan("Hi"), {}, 2), ["Hi", "Hi"])
        self.assertEqual(render_rows(plan, {chain: [] for chain in columns}, 0), [])
