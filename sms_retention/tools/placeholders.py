# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The placeholders of an SMS text, read without the ORM.

A text such as ``Hi {{ object.partner_id.name }}, order {{ object.name }}``
holds placeholders between double braces (Odoo's ``inline_template``
syntax). :func:`placeholders` lists them; :func:`object_chain` tells whether
one is a plain chain of attribute names on the record (``object.a.b``),
which the campaign form checks field by field before anything is sent.

:func:`chain_plan` splits a text whose placeholders are all such chains, or
tracked links of a literal URL (``short_url('https://...')``, the same link
for every record: :func:`link_call`), so that it can be rendered on many
records without evaluating anything: the caller reads each chain's values,
and :func:`render_rows` writes the texts as Odoo's ``inline_template``
renders them (:func:`text_of`). A text with any other placeholder has no
chain plan: Odoo's renderer renders it.

>>> placeholders("Hi {{ object.name }}!")
['object.name']
>>> object_chain("object.partner_id.name")
('partner_id', 'name')
>>> object_chain("short_url('https://x.org')") is None
True
>>> chain_plan("Hi {{ object.name }}!")
(('Hi ', ('name',)), ('!', None))
"""

import ast
import functools
import keyword
import re

from odoo.tools.rendering_tools import parse_inline_template

__all__ = [
    "asks_question",
    "chain_plan",
    "first_name",
    "Link",
    "link_call",
    "object_chain",
    "placeholders",
    "plan_chains",
    "render_rows",
    "syntax_error",
    "text_of",
]

# ``object`` then attribute names, with the spaces Python allows around dots.
_CHAIN_RE = re.compile(r"^object((?:[ \t]*\.[ \t]*[A-Za-z_][A-Za-z0-9_]*)+)$")
# A question or an invitation to reply, in the product's first languages.
_ASKS_RE = re.compile(
    r"[?？]|\breply\b|\brespond|回复|回覆|回復|ตอบ|répon|antwort",
    re.IGNORECASE,
)


def placeholders(text):
    """The expressions of ``text``'s placeholders, stripped, in order.

    :raise ValueError: when a ``{{`` is never closed
    """
    parts = parse_inline_template(str(text or ""))
    if any("{{" in literal for literal, _expression in parts):
        raise ValueError("unclosed placeholder")
    return [
        expression.strip()
        for _literal, expression in parts
        if expression and expression.strip()
    ]


def object_chain(expression):
    """``("a", "b")`` for ``object.a.b``, else None.

    Only what Python reads as that chain of attributes: not a keyword
    (``object.class`` does not compile), nor a name with a double underscore
    (Odoo's ``safe_eval`` refuses ``object.__class__``).
    """
    match = _CHAIN_RE.match(expression.strip())
    if not match:
        return None
    names = tuple(name.strip() for name in match.group(1).split(".")[1:])
    if any(keyword.iskeyword(name) or "__" in name for name in names):
        return None
    return names


class Link(str):
    """The URL of a ``short_url('<url>')`` placeholder in a :func:`chain_plan`."""


def link_call(expression):
    """The URL of ``short_url('<url>')`` (one string literal), else None.

    The expression is parsed, not evaluated.

    >>> link_call("short_url('https://x.org/r')")
    'https://x.org/r'
    >>> link_call("short_url(object.website)") is None
    True
    """
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "short_url"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


@functools.lru_cache(maxsize=256)
def chain_plan(text):
    """``text`` as ``((literal, chain), ...)`` if each of its placeholders is
    a plain chain on ``object`` (:func:`object_chain`) or a tracked link of a
    literal URL (a :class:`Link` in place of the chain), else None.

    ``chain`` is None after the last placeholder. The parts are Odoo's
    (``parse_inline_template``): an unclosed ``{{`` stays literal text, as
    Odoo renders it; a text without placeholder is one literal.

    >>> chain_plan("{{ object.partner_id.lang }}")
    (('', ('partner_id', 'lang')),)
    >>> chain_plan("{{ (object.company_id or object.env.company).name }}") is None
    True
    >>> chain_plan("")
    ()
    """
    plan = []
    for literal, expression in parse_inline_template(str(text or "")):
        if not expression:
            plan.append((literal, None))
            continue
        chain = object_chain(expression)
        if chain is None:
            url = link_call(expression)
            if url is None:
                return None
            chain = Link(url)
        plan.append((literal, chain))
    return tuple(plan)


def plan_chains(plan):
    """The distinct chains of a :func:`chain_plan` (not its links), in order."""
    return list(
        dict.fromkeys(chain for _literal, chain in plan if isinstance(chain, tuple))
    )


def text_of(value):
    """A placeholder's text as Odoo's ``inline_template`` writes it:
    nothing for a falsy value (False, None, 0, an empty recordset),
    ``str(value)`` otherwise.

    >>> [text_of(value) for value in (False, None, 0, 0.0, "", 3, 2.5, "Ada")]
    ['', '', '', '', '', '3', '2.5', 'Ada']
    """
    return str(value) if value else ""


def render_rows(plan, columns, count, short_url=None):
    """The texts of ``count`` records: ``plan``'s literals and, for each
    chain, ``text_of(columns[chain][row])``; for each link,
    ``text_of(short_url(url))``, the same on every record.

    >>> render_rows(chain_plan("Hi {{ object.name }}!"), {("name",): ["Ada", False]}, 2)
    ['Hi Ada!', 'Hi !']
    """
    if not plan:
        return [""] * count
    parts = []
    for literal, chain in plan:
        parts.append([literal] * count)
        if isinstance(chain, Link):
            parts.append([text_of(short_url(chain))] * count)
        elif chain is not None:
            parts.append([text_of(value) for value in columns[chain]])
    return ["".join(row) for row in zip(*parts, strict=True)]


def syntax_error(expression):
    """Why ``expression`` is not valid Python, or None."""
    try:
        compile(expression, "<placeholder>", "eval")
    except SyntaxError as error:
        return error.msg
    return None


def asks_question(text):
    """Whether ``text`` asks a question or invites a reply."""
    return bool(_ASKS_RE.search(str(text or "")))


def first_name(name):
    """How an SMS greets a person: the first word of the name, or the whole
    name when it has no spaces (王小明 stays 王小明).

    >>> first_name("Ada Lovelace"), first_name("王小明"), first_name("")
    ('Ada', '王小明', '')
    """
    return (str(name or "").strip().split() or [""])[0]
