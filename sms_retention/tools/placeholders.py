# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The placeholders of an SMS text, read without the ORM.

A text such as ``Hi {{ object.partner_id.name }}, order {{ object.name }}``
holds placeholders between double braces (Odoo's ``inline_template``
syntax). :func:`placeholders` lists them; :func:`object_chain` tells whether
one is a plain chain of field names on the record (``object.a.b``), which
the campaign form checks field by field before anything is sent.

>>> placeholders("Hi {{ object.name }}!")
['object.name']
>>> object_chain("object.partner_id.name")
('partner_id', 'name')
>>> object_chain("short_url('https://x.org')") is None
True
"""

import re

from odoo.tools.rendering_tools import parse_inline_template

__all__ = [
    "asks_question",
    "first_name",
    "object_chain",
    "placeholders",
    "syntax_error",
]

_CHAIN_RE = re.compile(r"^object((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$")
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
    """``("a", "b")`` for ``object.a.b``, else None."""
    match = _CHAIN_RE.match(expression.replace(" ", ""))
    if not match:
        return None
    return tuple(match.group(1).split(".")[1:])


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
