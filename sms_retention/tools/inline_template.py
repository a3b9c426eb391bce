# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Render one ``{{ ... }}`` template on many records with one validation.

Odoo's ``render_inline_template`` calls ``safe_eval`` for every placeholder
of every record: each call re-checks the expression's bytecode, which costs
more than evaluating it. Here an expression is checked once, with the same
``test_expr`` and opcode whitelist as ``safe_eval``, and its code object is
then evaluated per record with the same restricted builtins. The output is
the same as Odoo's: literal text, then ``str(value)`` of each truthy value.

No ORM here: the caller passes the evaluation context, ``object`` included.
"""

import ast
import functools

from odoo.tools.rendering_tools import parse_inline_template
from odoo.tools.safe_eval import _BUILTINS, _SAFE_OPCODES, check_values, test_expr

# The code objects below passed ``test_expr``: evaluating them is what
# ``safe_eval`` itself does after the same check.
_evaluate = eval  # pylint: disable=eval-used


@functools.lru_cache(maxsize=256)
def compile_inline_template(text):
    """Parse and check ``text`` once.

    :return: tuple of ``(literal, code or None)``
    :raise ValueError, SyntaxError: on a forbidden or invalid expression
    """
    return tuple(
        (
            literal,
            test_expr(expression, _SAFE_OPCODES, mode="eval") if expression else None,
        )
        for literal, expression in parse_inline_template(str(text or ""))
    )


def is_dynamic(instructions):
    return any(code is not None for _literal, code in instructions)


def render_compiled(instructions, variables):
    """Render checked ``instructions`` with ``variables`` (a plain dict).

    Each expression gets a fresh copy of the variables, as with ``safe_eval``.
    """
    parts = []
    for literal, code in instructions:
        parts.append(literal)
        if code is not None:
            scope = dict(variables)
            scope["__builtins__"] = _BUILTINS
            value = _evaluate(code, scope)
            if value:
                parts.append(str(value))
    return "".join(parts)


@functools.lru_cache(maxsize=256)
def attribute_chains(text):
    """``text`` as ``((literal, attribute names or None), ...)`` when each of
    its expressions is a plain attribute chain on ``object`` (such as
    ``{{ object.partner_id.lang }}``), else None.

    Such a template renders with :func:`render_chains`, without ``eval``.
    Check ``text`` with :func:`compile_inline_template` first.
    """
    parts = []
    for literal, expression in parse_inline_template(str(text or "")):
        chain = None
        if expression:
            chain = _attribute_chain(expression)
            if chain is None:
                return None
        parts.append((literal, chain))
    return tuple(parts)


def _attribute_chain(expression):
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not names or not (isinstance(node, ast.Name) and node.id == "object"):
        return None
    return tuple(reversed(names))


def render_chains(parts, record):
    """Render :func:`attribute_chains` ``parts`` on ``record``: the same text
    as :func:`render_compiled` with ``object`` set to ``record``."""
    rendered = []
    for literal, chain in parts:
        rendered.append(literal)
        if chain:
            value = record
            for name in chain:
                value = getattr(value, name)
            if value:
                rendered.append(str(value))
    return "".join(rendered)


def check_context(variables):
    """``safe_eval``'s check that no module leaks into the context."""
    return check_values(variables)


def names_used(instructions):
    """Every name and attribute the checked expressions mention.

    A superset of the fields they read (``object.partner_id.name`` gives
    ``object``, ``partner_id``, ``name``): the caller reads just those
    fields in one query per model instead of every column of the model.
    """
    names = set()

    def walk(code):
        names.update(code.co_names)
        for const in code.co_consts:
            if hasattr(const, "co_names"):
                walk(const)

    for _literal, code in instructions:
        if code is not None:
            walk(code)
    return frozenset(names)
