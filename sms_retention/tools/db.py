# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Database helpers: concurrent webhooks, batch parameters."""

from psycopg2 import IntegrityError

from odoo.tools import SQL, mute_logger


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
    query = SQL(
        "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO NOTHING",
        SQL.identifier(table),
        SQL(", ").join(map(SQL.identifier, values)),
        SQL(", ").join(SQL("%s", value) for value in values.values()),
        SQL(", ").join(map(SQL.identifier, key_columns)),
    )
    try:
        with cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
            cr.execute(query)
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
