# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Database helpers: concurrent webhooks, batch parameters, migrations."""

from psycopg2 import IntegrityError, sql

from odoo.tools import mute_logger


class _Undo(Exception):
    """Rolls the probing insert back whatever it did."""


def raise_if_invisible_conflict(cr, table, key_columns, values):
    """Turn a lost unique-key race into a retryable serialization failure.

    Odoo's transactions are REPEATABLE READ: after a unique violation, the
    winning row may be invisible here, so the caller cannot return it. An
    ``INSERT ... ON CONFLICT DO NOTHING`` on the same key then raises
    PostgreSQL's serialization failure (40001), which Odoo's ``retrying``
    (HTTP requests, crons) answers by running the request again with a
    fresh snapshot. When the row is visible, nothing happens; the probe is
    always rolled back.

    :param values: ``{column: value}`` for the key and every NOT NULL
        column, since PostgreSQL checks those before the conflict
    """
    query = sql.SQL(
        "INSERT INTO {table} ({columns}) VALUES ({values}) "
        "ON CONFLICT ({keys}) DO NOTHING"
    ).format(
        table=sql.Identifier(table),
        columns=sql.SQL(", ").join(map(sql.Identifier, values)),
        values=sql.SQL(", ").join(sql.Placeholder() * len(values)),
        keys=sql.SQL(", ").join(map(sql.Identifier, key_columns)),
    )
    try:
        with cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
            cr.execute(query, list(values.values()))
            raise _Undo
    except (_Undo, IntegrityError):
        # No invisible conflict (an incomplete probe row may fail its NOT
        # NULL constraints: there was no conflict then, either).
        return


def lock_or_retry(cr, query, params):
    """``SELECT ... FOR UPDATE`` that may raise a (quiet) serialization failure.

    Rows another transaction changed after this one's snapshot cannot be
    locked under REPEATABLE READ: PostgreSQL raises 40001 and Odoo retries
    the request. Locking them first keeps that expected conflict out of the
    error log, instead of failing later on an ORM write.
    """
    with mute_logger("odoo.sql_db"):
        cr.execute(query, params)


def array_literal(values):
    """``values`` as one PostgreSQL array literal, for ``%s::type[]``.

    psycopg2 adapts a list element by element: 4 ms for the texts, numbers
    and uuids of 500 SMS, against 0.6 ms for one string each.
    Texts are double-quoted, so ``NULL``, commas, braces and quotes stay
    text; None becomes NULL; integers are written as they are.
    """
    values = list(values)
    if all(type(value) is int for value in values):  # ids: the common case
        return "{" + ",".join(map(str, values)) + "}"
    parts = []
    for value in values:
        if value is None:
            parts.append("NULL")
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(str(value))
        else:
            text = str(value).replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{text}"')
    return "{" + ",".join(parts) + "}"


def drop_foreign_keys(cr, table, constraints):
    """Drop these foreign keys of ``table`` and Odoo's records of them; a
    key already gone is skipped (a migration may run twice)."""
    for constraint in constraints:
        cr.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}").format(
                sql.Identifier(table), sql.Identifier(constraint)
            )
        )
    cr.execute(
        "DELETE FROM ir_model_constraint WHERE name = ANY(%s)", [list(constraints)]
    )
