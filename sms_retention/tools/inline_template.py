# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Render one ``{{ ... }}`` template on many records with one validation.

Odoo's ``render_inline_template`` calls ``safe_eval`` for every placeholder
of every record: each call re-checks the expression's bytecode, which costs
more than evaluating it. Here an expression is checked once, with the same
``test_expr`` and opcode whitelist as ``safe_eval``, and its code object is
then evaluated per record with the same restricted builtins. The output is
the same as Odoo's: literal text, then ``str(value)`` of each truthy value.

On many records (:func:`record_plan`), a plain attribute chain on ``object``
is read without eval, a placeholder that does not mention ``object``
(``{{ short_url('https://...') }}``) is evaluated once for all of them, and
one that reads ``object`` only through its attributes is evaluated once per
distinct value of those attributes
(``{{ (object.company_id or object.env.company).name }}``: once per company).

No ORM here: the caller passes the evaluation context, ``object`` included.
"""

import ast
import functools
import operator

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
            parts.append(text_of(_evaluate_checked(code, variables)))
    return "".join(parts)


def _evaluate_checked(code, variables):
    """Evaluate checked ``code`` on a fresh copy of ``variables``, with
    ``safe_eval``'s builtins."""
    scope = dict(variables)
    scope["__builtins__"] = _BUILTINS
    return _evaluate(code, scope)


# How a placeholder of a record plan is rendered.
CHAIN = "chain"  # a plain attribute chain on ``object``: getattr, no eval
SHARED = "shared"  # no mention of ``object``: one value for every record
PER_RECORD = "per_record"  # evaluated per record, or per value of its roots


@functools.lru_cache(maxsize=256)
def record_plan(text):
    """``text`` as ``((literal, kind, payload), ...)``, to render it on many
    records: ``kind`` is :data:`CHAIN` (payload: the attribute names, such as
    ``("partner_id", "lang")`` for ``{{ object.partner_id.lang }}``),
    :data:`SHARED` (payload: the checked code), :data:`PER_RECORD`
    (payload: ``(code, roots)``, see :func:`_object_roots`), or None for a
    literal without placeholder.

    :raise ValueError, SyntaxError: as :func:`compile_inline_template`
    """
    plan = []
    parsed = parse_inline_template(str(text or ""))
    for (literal, expression), (_literal, code) in zip(
        parsed, compile_inline_template(text), strict=True
    ):
        if code is None:
            plan.append((literal, None, None))
            continue
        chain = _attribute_chain(expression)
        if chain is not None:
            plan.append((literal, CHAIN, chain))
        elif "object" in names_used(((literal, code),)):
            plan.append((literal, PER_RECORD, (code, _object_roots(expression))))
        else:
            plan.append((literal, SHARED, code))
    return tuple(plan)


def bind_shared(plan, variables):
    """``plan`` bound to ``variables``: its :data:`SHARED` placeholders are
    evaluated once and their text joins the literals; each
    :data:`PER_RECORD` one gets the scope it evaluates in, with just the
    variables it names, so that a record's evaluation copies those instead
    of the whole context."""
    bound = []
    for literal, kind, payload in plan:
        if kind == SHARED:
            value = _evaluate_checked(payload, variables)
            bound.append((literal + text_of(value), None, None))
        elif kind == PER_RECORD:
            code, roots = payload
            scope = {
                name: variables[name]
                for name in names_used(((literal, code),))
                if name in variables
            }
            scope["__builtins__"] = _BUILTINS
            bound.append((literal, kind, (code, roots, scope, _roots_getter(roots))))
        else:
            bound.append((literal, kind, payload))
    return tuple(bound)


class AttributeView:
    """A record seen through attribute values read beforehand (``values``,
    one column of a batch): ``view.name`` returns the value read, any other
    attribute the record's own. Only given to placeholders that use
    ``object`` through its attributes (:func:`_object_roots`)."""

    __slots__ = ("_record", "_values")

    def __init__(self, record, values):
        self._record = record
        self._values = values

    def __getattr__(self, name):
        # No try/except: names not read beforehand (``env``) are common, and
        # a raised KeyError costs more than the lookup.
        values = self._values
        if name in values:
            return values[name]
        return getattr(self._record, name)


def plan_roots(plan):
    """The attribute names of ``object`` that ``plan`` reads first: worth
    reading for a whole batch, to render it through :class:`AttributeView`."""
    roots = set()
    for _literal, kind, payload in plan:
        if kind == CHAIN:
            roots.add(payload[0])
        elif kind == PER_RECORD and payload[1] is not None:
            roots.update(payload[1])
    return roots


def render_plan(plan, record, memo=None, view=None):
    """Render ``plan``, bound by :func:`bind_shared`, on ``record``
    (``object``): the same text as :func:`render_compiled` with the bound
    variables, provided that an expression gives the same value for the same
    values of what it reads (shared placeholders: for every record).

    :param dict memo: kept by the caller across the records of one batch
      and language: a :data:`PER_RECORD` placeholder is then evaluated once
      per distinct value of its roots
    :param AttributeView view: ``record`` with the values of its roots
      (:func:`plan_roots`) read for the whole batch
    """
    if view is None:
        view = record
    rendered = []
    for position, (literal, kind, payload) in enumerate(plan):
        rendered.append(literal)
        if kind is None:
            continue
        if kind == CHAIN:
            value = view
            for name in payload:
                value = getattr(value, name)
            rendered.append(text_of(value))
            continue
        code, roots, scope, getter = payload
        if roots is None:  # ``object`` used otherwise than through attributes
            rendered.append(text_of(_evaluate_in(code, scope, record)))
            continue
        key = None
        if memo is not None:
            key = (position, getter(view))
            try:
                text = memo.get(key)
            except TypeError:  # an unhashable value: no memo
                key = text = None
            if text is not None:
                rendered.append(text)
                continue
        text = text_of(_evaluate_in(code, scope, view))
        if key is not None:
            memo[key] = text
        rendered.append(text)
    return "".join(rendered)


def _roots_getter(roots):
    """What a memo key holds of ``object``: the values of its ``roots``."""
    return operator.attrgetter(*roots) if roots else None


def _evaluate_in(code, scope, obj):
    """Evaluate checked ``code`` with ``object`` bound to ``obj``, on a fresh
    copy of its bound ``scope`` (:func:`bind_shared`)."""
    fresh = dict(scope)
    fresh["object"] = obj
    return _evaluate(code, fresh)


def text_of(value):
    """A placeholder's text: ``str(value)``, nothing for a falsy value."""
    return str(value) if value else ""


def _object_roots(expression):
    """The attribute names read directly on ``object`` by ``expression``
    (``("company_id", "env")`` for ``(object.company_id or
    object.env.company).name``), or None if it uses ``object`` in another way
    (``f(object)``, ``object[...]``, a name bound in the expression)."""
    tree = ast.parse(expression.strip(), mode="eval")
    roots = set()
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and child.id == "object":
                if not (
                    isinstance(node, ast.Attribute)
                    and node.value is child
                    and isinstance(child.ctx, ast.Load)
                ):
                    return None
                roots.add(node.attr)
        if isinstance(node, ast.arg) and node.arg == "object":
            return None
    return tuple(sorted(roots))


def _attribute_chain(expression):
    """The attribute names of ``expression`` if it is a plain attribute
    chain on ``object`` (``object.partner_id.lang``), else None."""
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
