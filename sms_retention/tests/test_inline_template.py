# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from types import SimpleNamespace

from odoo.tests import BaseCase, tagged

from ..tools.inline_template import (
    CHAIN,
    PER_RECORD,
    SHARED,
    bind_shared,
    compile_inline_template,
    record_plan,
    render_compiled,
    render_plan,
)


def _kinds(text):
    return [(literal, kind) for literal, kind, _payload in record_plan(text)]


@tagged("post_install", "-at_install")
class TestRecordPlan(BaseCase):
    def test_plain_chains_on_object(self):
        self.assertEqual(
            record_plan("{{ object.partner_id.lang }}"),
            (("", CHAIN, ("partner_id", "lang")),),
        )
        self.assertEqual(
            record_plan("Hi {{object.name}}, from {{ object.company_id.name }}!"),
            (
                ("Hi ", CHAIN, ("name",)),
                (", from ", CHAIN, ("company_id", "name")),
                ("!", None, None),
            ),
        )
        self.assertEqual(
            record_plan("No placeholder"), (("No placeholder", None, None),)
        )

    def test_other_expressions_on_object_are_evaluated_per_record(self):
        for text in (
            "{{ (object.name or '').split(' ')[0] }}",
            "{{ object.name.upper() }}",
            "{{ object }}",
            "{{ object['name'] }}",
            "{{ object.name + 'x' }}",
            "{{ [o.name for o in [object]][0] }}",
        ):
            with self.subTest(text=text):
                self.assertEqual(_kinds(text), [("", PER_RECORD)])

    def test_expressions_without_object_are_shared(self):
        for text in (
            "{{ user.name }}",
            "{{ ctx.get('lang') }}",
            "{{ short_url('https://shop.example.com/new') }}",
        ):
            with self.subTest(text=text):
                self.assertEqual(_kinds(text), [("", SHARED)])

    def test_invalid_expression_raises(self):
        with self.assertRaises(SyntaxError):
            record_plan("{{ object.( }}")

    def test_same_text_as_eval(self):
        """Falsy values render as nothing, others as ``str``, as with eval."""
        text = (
            "[{{ object.a.b }}|{{ object.zero }}|{{ object.none }}|{{ object.n }}"
            "|{{ object.n * 2 }}|{{ link('x') }}|{{ link('') }}]"
        )
        record = SimpleNamespace(a=SimpleNamespace(b="Bé"), zero=0, none=False, n=3.5)
        variables = {"link": lambda url: f"https://s.example/{url}" if url else ""}
        plan = bind_shared(record_plan(text), variables)
        expected = render_compiled(
            compile_inline_template(text), dict(variables, object=record)
        )
        self.assertEqual(render_plan(plan, record, variables), expected)
        self.assertEqual(expected, "[Bé|||3.5|7.0|https://s.example/x|]")

    def test_shared_placeholders_are_evaluated_once_for_all_records(self):
        calls = []

        def link(url):
            calls.append(url)
            return f"https://s.example/{len(calls)}"

        plan = bind_shared(
            record_plan("{{ object.name }}: {{ link('new') }}"), {"link": link}
        )
        records = [SimpleNamespace(name=name) for name in ("Ada", "Li", "Somchai")]
        self.assertEqual(
            [render_plan(plan, record, {"link": link}) for record in records],
            [
                "Ada: https://s.example/1",
                "Li: https://s.example/1",
                "Somchai: https://s.example/1",
            ],
        )
        self.assertEqual(calls, ["new"])
