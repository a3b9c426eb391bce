# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Phone number helpers, free of the ORM.

Every number we store or match is E.164 (``+8613800138000``). National
formats are read with a region: the receiving number's, else the company's.
"""

import phonenumbers
from phonenumbers import timezone as phonenumbers_timezone

from odoo.tools import SQL

# Why an SMS planned to a customer has no number (a message's skip reason).
NO_NUMBER = "no_number"
INVALID_NUMBER = "invalid_number"


class PhoneNumberError(ValueError):
    """A number that cannot be read as a phone number; ``str()`` says why."""


def _parse(e164):
    """The parsed international number, or None."""
    if not e164:
        return None
    try:
        return phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None


def region_of(number):
    """ISO country code of an E.164 number, or None when it cannot be told."""
    parsed = _parse(number)
    return (phonenumbers.region_code_for_number(parsed) or None) if parsed else None


def to_e164(number, region=None):
    """Normalise ``number`` to E.164, reading national formats in ``region``.

    :raise PhoneNumberError: when the text is not a possible phone number.
    """
    text = (number or "").strip()
    if not text:
        raise PhoneNumberError("empty number")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        reason = {
            phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
                "no country code, and no country to read a national number"
            ),
            phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
            phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
            phonenumbers.NumberParseException.TOO_LONG: "too long",
        }.get(exc.error_type, str(exc))
        raise PhoneNumberError(reason) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneNumberError("not a possible number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def timezone_of(e164):
    """The time zone of an E.164 number when the number tells a single one.

    A mobile number often spans a whole country (``+66`` gives
    Asia/Bangkok); numbers of countries with several zones and no
    geographic prefix give None.
    """
    parsed = _parse(e164)
    if not parsed:
        return None
    zones = [
        zone
        for zone in phonenumbers_timezone.time_zones_for_number(parsed)
        if zone != phonenumbers_timezone.UNKNOWN_TIMEZONE
    ]
    return zones[0] if len(zones) == 1 else None


def number_facts(e164):
    """``(valid, landline)`` for an E.164 number, parsing it once.

    Numbers that may be either (US and Canada) are not landlines here.
    """
    parsed = _parse(e164)
    if not parsed:
        return False, False
    landline = (
        phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.FIXED_LINE
    )
    return phonenumbers.is_valid_number(parsed), landline


def number_or_skip(mobile, phone, sanitized):
    """``(number, skip reason)`` of an SMS planned to a customer, one of them None.

    The number is the customer's sanitized one (Odoo's ``phone_sanitized``:
    their mobile, else phone, in E.164, read with their country, else the
    company's), the number the blacklist, opt-outs and replies are matched
    on. A customer whose mobile or phone cannot be read so is skipped as
    ``invalid_number``; one with neither, as ``no_number``.
    :func:`number_or_skip_sql` is the same rule for set-based selections.
    """
    if sanitized:
        return sanitized, None
    if mobile or phone:
        return None, INVALID_NUMBER
    return None, NO_NUMBER


def number_or_skip_sql(mobile, phone, sanitized):
    """:func:`number_or_skip` as two SQL expressions of the customer's
    ``mobile``, ``phone`` and ``sanitized`` columns (:class:`odoo.tools.SQL`):
    ``(number, skip reason)``, one of them NULL."""
    number = SQL("NULLIF(%s, '')", sanitized)
    skip_reason = SQL(
        """CASE WHEN %(number)s IS NOT NULL THEN NULL
                WHEN COALESCE(%(mobile)s, '') <> '' OR COALESCE(%(phone)s, '') <> ''
                THEN %(invalid)s
                ELSE %(none)s END""",
        number=number,
        mobile=mobile,
        phone=phone,
        invalid=INVALID_NUMBER,
        none=NO_NUMBER,
    )
    return number, skip_reason
