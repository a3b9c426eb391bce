# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from types import SimpleNamespace

from odoo.tests import BaseCase, tagged

from ..tools.inline_template import (
    CHAIN,
    PER_RECORD,
    SHARED,
    AttributeView,
    bind_shared,
    compile_inline_template,
    plan_roots,
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

    def test_other_expressions_per_record_and_without_object_shared(self):
        """Other expressions on ``object`` are evaluated per record; those
        that do not mention it are shared by every record."""
        for kind, texts in (
            (
                PER_RECORD,
                (
                    "{{ (object.name or '').split(' ')[0] }}",
                    "{{ object.name.upper() }}",
                    "{{ object }}",
                    "{{ object['name'] }}",
                    "{{ object.name + 'x' }}",
                    "{{ [o.name for o in [object]][0] }}",
                ),
            ),
            (
                SHARED,
                (
                    "{{ user.name }}",
                    "{{ ctx.get('lang') }}",
                    "{{ short_url('https://shop.example.com/new') }}",
                ),
            ),
        ):
            for text in texts:
                with self.subTest(text=text):
                    self.assertEqual(_kinds(text), [("", kind)])

    def test_roots_of_per_record_expressions(self):
        """What an expression reads directly on ``object``; None when it
        uses ``object`` otherwise (then no memo)."""
        for text, roots in (
            (
                "{{ (object.company_id or object.env.company).name }}",
                ("company_id", "env"),
            ),
            ("{{ (object.name or '').split(' ')[0] }}", ("name",)),
            ("{{ object.partner_id.name.upper() }}", ("partner_id",)),
            ("{{ object }}", None),
            ("{{ object['name'] }}", None),
            ("{{ [o.name for o in [object]][0] }}", None),
            ("{{ [object.name for object in [object]][0] }}", None),
            ("{{ (lambda object: object.name)(object) }}", None),
        ):
            with self.subTest(text=text):
                ((_literal, kind, (_code, found)),) = record_plan(text)
                self.assertEqual(kind, PER_RECORD)
                self.assertEqual(found, roots)

    def test_memo_evaluates_once_per_value_of_the_roots(self):
        """With a memo, an expression is evaluated once per distinct value of
        the attributes it reads on ``object``, and gives eval's text."""
        calls = []

        def pick(company):
            calls.append(company)
            return company.upper() if company else ""

        text = "{{ pick(object.company) }}/{{ object.tags }}-{{ [object][0].n }}"
        plan = bind_shared(record_plan(text), {"pick": pick})
        records = [
            SimpleNamespace(company=company, tags=tags, n=n)
            for company, tags, n in (
                ("acme", "a", 1),
                ("acme", "b", 2),
                ("", "c", 3),
                ("zeta", "d", 4),
                ("acme", "e", 5),
                ("", "f", 6),
            )
        ]
        memo = {}
        rendered = [render_plan(plan, record, memo) for record in records]
        expected = [
            render_compiled(
                compile_inline_template(text),
                {"pick": lambda c: c.upper(), "object": r},
            )
            for r in records
        ]
        self.assertEqual(rendered, expected)
        self.assertEqual(rendered[0], "ACME/a-1")
        self.assertEqual(calls, ["acme", "", "zeta"])

    def test_unhashable_roots_are_evaluated_per_record(self):
        text = "{{ object.items[0] }}"
        plan = bind_shared(record_plan(text), {})
        records = [SimpleNamespace(items=[value]) for value in ("x", "y", "x")]
        memo = {}
        self.assertEqual(
            [render_plan(plan, record, memo) for record in records], ["x", "y", "x"]
        )
        self.assertEqual(memo, {})

    def test_attribute_view_gives_the_values_read_for_the_batch(self):
        """Through a view, placeholders read the batch's values of the plan's
        roots; other attributes, and bare ``object``, are the record's."""
        text = (
            "{{ object.name }}/{{ object.partner.lang }}/{{ object.name.upper() }}"
            "/{{ object.tag }}/{{ [object][0].tag }}"
        )
        plan = bind_shared(record_plan(text), {})
        self.assertEqual(plan_roots(plan), {"name", "partner", "tag"})
        record = SimpleNamespace(
            name="ada", partner=SimpleNamespace(lang="th_TH"), tag="t"
        )
        view = AttributeView(record, {"name": "li", "partner": record.partner})
        self.assertEqual(render_plan(plan, record, {}, view), "li/th_TH/LI/t/t")
        self.assertEqual(render_plan(plan, record), "ada/th_TH/ADA/t/t")

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
        self.assertEqual(render_plan(plan, record), expected)
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
            [render_plan(plan, record) for record in records],
            [
                "Ada: https://s.example/1",
                "Li: https://s.example/1",
                "Somchai: https://s.example/1",
            ],
        )
        self.assertEqual(calls, ["new"])
