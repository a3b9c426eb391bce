# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time-ordered SMS uuids (RFC 9562 version 7), as Odoo's 32-digit hex.

Odoo gives each SMS a random uuid4. Retention SMS are created by the
thousand and their uuid is indexed on four tables (SMS, tracker, message,
outbox): random keys land on random index pages, so each batch dirties
hundreds of pages per index. Keys that start with the creation time land
on the last pages, and a batch's lookups by uuid read neighbouring keys.
"""

import os
import time

_VERSION = 0x7 << 76
_VARIANT = 0x2 << 62
_RAND_A = (1 << 12) - 1
_RAND_B = (1 << 62) - 1


def new_sms_uuid(now_ns=None):
    """A version-7 uuid as 32 lowercase hex digits: 48 bits of Unix time in
    milliseconds, then 74 random bits."""
    return new_sms_uuids(1, now_ns)[0]


def new_sms_uuids(count, now_ns=None):
    """``count`` uuids as :func:`new_sms_uuid` makes them, from one read of
    the random source."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    millis = (now_ns // 1_000_000) & ((1 << 48) - 1)
    prefix = millis << 80 | _VERSION | _VARIANT
    pool = os.urandom(10 * count)
    uuids = []
    for start in range(0, 10 * count, 10):
        rand = int.from_bytes(pool[start : start + 10], "big")
        value = prefix | ((rand >> 62) & _RAND_A) << 64 | (rand & _RAND_B)
        uuids.append(f"{value:032x}")
    return uuids
