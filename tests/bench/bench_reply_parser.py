#!/usr/bin/env python3
# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Replies classified per second by the reply parser, on one core.

The parser is a pure module: this reads it straight from the addon (no
Odoo, no database) and parses the texts of its own test tables, in every
language and question type, for ``--seconds``. Target: 20,000 replies/s.
It then prints, per language and kind, how many rows of the plain-words
table the parser classifies as expected.
"""

import argparse
import ast
import collections
import importlib.util
import os
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARSER = os.path.join(ROOT, "sms_retention", "tools", "reply_parser.py")
TABLES = os.path.join(ROOT, "sms_retention", "tests", "test_reply_parser.py")
TARGET = 20_000


def load_parser():
    spec = importlib.util.spec_from_file_location("reply_parser", PARSER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Constants(ast.NodeTransformer):
    """The test module's short names (F, S, A, ...) as their strings."""

    NAMES = {
        "F": "free",
        "S": "scale",
        "ST": "stars",
        "C": "choice",
        "A": "answer",
        "U": "unparseable",
        "PS": "possible_stop",
        "CP": "complaint",
    }

    def visit_Name(self, node):
        if node.id in self.NAMES:
            return ast.copy_location(ast.Constant(self.NAMES[node.id]), node)
        return node


def load_tables():
    """The test module's tables, read without importing Odoo's test tools."""
    with open(TABLES, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    rows, plain = [], {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(
            node.targets[0], ast.Name
        ):
            continue
        name = node.targets[0].id
        try:
            value = ast.literal_eval(_Constants().visit(node.value))
        except ValueError:
            continue  # not a table
        if name == "PLAIN_WORDS":
            plain = value
            rows += [row for table in value.values() for row in table]
        elif isinstance(value, list) and value and len(value[0]) == 6:
            rows += value
    return rows, plain


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    reply_parser = load_parser()
    rows, plain = load_tables()
    parse = reply_parser.parse_reply
    calls = [(text, question, low, high) for text, question, low, high, *_ in rows]
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for text, question, low, high in calls:
            parse(text, question=question, low=low, high=high)
        count += len(calls)
    rate = count / (time.perf_counter() - start)
    verdict = "PASS" if rate >= TARGET else "FAIL"
    print(
        f"{len(calls)} distinct replies, {count:,} parsed: {rate:,.0f} replies/s "
        f"on one core (target >= {TARGET:,}): {verdict}"
    )
    print("\nPlain words, rows classified as expected, per language and kind:")
    for lang, table in plain.items():
        by_kind = collections.defaultdict(lambda: [0, 0])
        for text, question, low, high, kind, _value in table:
            got = parse(text, question=question, low=low, high=high).kind
            by_kind[kind][0] += got == kind
            by_kind[kind][1] += 1
        cells = ", ".join(
            f"{kind} {ok}/{n}" for kind, (ok, n) in sorted(by_kind.items())
        )
        print(f"  {lang:6} {cells}")


if __name__ == "__main__":
    main()
