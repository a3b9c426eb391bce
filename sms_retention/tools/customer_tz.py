# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The time zone an SMS to a customer is timed in: quiet hours, local dates.

One rule, for a customer record, a bare number and set-based SQL:

1. the customer's own time zone, else the one their number tells, else
   their country's when it has a single one (:func:`customer_tz`, stored
   as ``res.partner.sms_retention_tz``);
2. without any, the company's (``res.company._sms_retention_tz``):
   :func:`effective_tz`, and :func:`effective_tz_sql` in SQL.
"""

import pytz

from odoo.tools import SQL

from .phone import timezone_of


def country_tz(country_code):
    """The country's time zone when it has a single one (pytz data), or None."""
    if not country_code:
        return None
    zones = pytz.country_timezones.get(country_code.upper()) or []
    return zones[0] if len(zones) == 1 else None


def customer_tz(tz=None, number=None, country_code=None):
    """A customer's time zone: their own ``tz``, else their E.164
    ``number``'s, else their country's; None when nothing tells it.

    A bare number (an SMS to no customer) is ``customer_tz(number=...)``.
    """
    return tz or timezone_of(number) or country_tz(country_code) or None


def effective_tz(customer, company_tz):
    """The time zone of an SMS to a customer whose :func:`customer_tz` is
    ``customer`` (None or empty when unknown), sent by a company whose time
    zone is ``company_tz``."""
    return customer or company_tz


def effective_tz_sql(customer, company_tz):
    """:func:`effective_tz` in SQL, of two expressions (:class:`odoo.tools.SQL`,
    or a value for ``company_tz``)."""
    return SQL("COALESCE(NULLIF(%s, ''), %s)", customer, company_tz)
