# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from types import SimpleNamespace

from odoo.tests import BaseCase, tagged

from ..tools.inline_template import (
    attribute_chains,
    compile_inline_template,
    render_chains,
    render_compiled,
)


@tagged("post_install", "-at_install")
class TestAttributeChains(BaseCase):
    def test_plain_chains_on_object(self):
        self.assertEqual(
            attribute_chains("{{ object.partner_id.lang }}"),
            (("", ("partner_id", "lang")),),
        )
        self.assertEqual(
            attribute_chains("Hi {{object.name}}, from {{ object.company_id.name }}!"),
            (("Hi ", ("name",)), (", from ", ("company_id", "name")), ("!", None)),
        )
        self.assertEqual(
            attribute_chains("No placeholder"), (("No placeholder", None),)
        )

    def test_anything_else_is_not_a_chain(self):
        for text in (
            "{{ (object.name or '').split(' ')[0] }}",
            "{{ object.name.upper() }}",
            "{{ user.name }}",
            "{{ object }}",
            "{{ object['name'] }}",
            "{{ ctx.get('lang') }}",
            "{{ object.name + 'x' }}",
            "{{ object.( }}",
        ):
            with self.subTest(text=text):
                self.assertIsNone(attribute_chains(text))

    def test_same_text_as_eval(self):
        """Falsy values render as nothing, others as ``str``, as with eval."""
        text = "[{{ object.a.b }}|{{ object.zero }}|{{ object.none }}|{{ object.n }}]"
        record = SimpleNamespace(a=SimpleNamespace(b="Bé"), zero=0, none=False, n=3.5)
        self.assertEqual(
            render_chains(attribute_chains(text), record),
            render_compiled(compile_inline_template(text), {"object": record}),
        )
        self.assertEqual(render_chains(attribute_chains(text), record), "[Bé|||3.5]")
