# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deterministic A/B and holdout assignment, free of the ORM.

A customer's bucket is the first 32 bits of ``md5("<campaign>:<partner>")``
modulo the total weight: the same in Python and in PostgreSQL, so a rerun
never flips a customer to another variant. The holdout group is drawn the
same way from another hash, so that it cuts across the variants.
"""

import hashlib


def variant_bucket(campaign_id, partner_id, total_weight):
    """Bucket in ``[0, total_weight)`` for this campaign and customer."""
    digest = hashlib.md5(f"{campaign_id}:{partner_id}".encode()).hexdigest()  # noqa: S324
    return int(digest[:8], 16) % total_weight


def in_holdout(campaign_id, partner_id, percent):
    """Whether this customer is in the campaign's holdout group of
    ``percent`` percent of its audience (never without a customer)."""
    if not partner_id or percent <= 0:
        return False
    digest = hashlib.md5(f"holdout:{campaign_id}:{partner_id}".encode()).hexdigest()  # noqa: S324
    return int(digest[:8], 16) % 100 < percent
