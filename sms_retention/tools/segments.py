# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMS segment counting and cost estimates, free of the ORM.

A carrier bills per segment, not per message. The rules:

* **Encoding.** A text made only of GSM 03.38 characters (the basic table plus
  its escape extension) is sent as GSM-7. One character outside it (an emoji,
  a curly quote ``’ “ ”``, CJK, Thai, Arabic, even a lowercase ``ç``) switches
  the *whole* message to UCS-2.
* **Units.** GSM-7 counts septets: basic characters take 1, extension
  characters (``^ { } \\ [ ] ~ | €`` and form feed) take 2, an escape and the
  character. UCS-2 counts UTF-16 code units: characters outside the Basic
  Multilingual Plane (most emoji) take 2, a surrogate pair.
* **Capacity.** A single GSM-7 message holds 160 septets; once longer, the
  message is concatenated and each segment holds 153 (the rest carries the
  concatenation header). UCS-2: 70 units single, 67 per concatenated segment.
* **No straddling.** An escape pair never splits across two segments of a
  concatenated GSM-7 message, nor a surrogate pair across two UCS-2 segments:
  a 2-unit character that would cross a boundary moves whole to the next
  segment. Segments are therefore counted by filling them greedily, not by
  dividing the units by the capacity (``"€" * 153`` is 306 septets but 3
  segments of 76, 76 and 1 characters).
* **Opt-out.** An opt-out text, when given, is sent as ``"\\n" + opt_out_text``
  after the body and is counted with it; it may change the encoding.

Twilio caps a body at 1,600 characters; that limit is enforced elsewhere and
does not change how segments are counted here.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "CAPACITY",
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "SegmentInfo",
    "count_segments",
    "encoding_of",
    "estimate_cost",
    "with_opt_out",
]

_GSM7 = "GSM-7"
_UCS2 = "UCS-2"

GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The 127 characters of the GSM 03.38 basic table (the escape code aside)."""

GSM7_EXTENSION: frozenset[str] = frozenset("^{}\\[]~|€\f")
"""Characters of the GSM 03.38 extension table; each costs 2 septets."""

_GSM7_ALL: frozenset[str] = GSM7_BASIC | GSM7_EXTENSION

# encoding -> (capacity of a single message, capacity of a concatenated segment)
_CAPACITY: dict[str, tuple[int, int]] = {
    _GSM7: (160, 153),
    _UCS2: (70, 67),
}

CAPACITY = _CAPACITY
"""``{encoding: (single message, concatenated segment)}`` capacities."""

_COST_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True)
class SegmentInfo:
    """How a text goes over the air.

    :ivar encoding: ``"GSM-7"`` or ``"UCS-2"``.
    :ivar units: GSM-7 septets (extension characters count 2), or UCS-2 UTF-16
        code units (characters outside the BMP count 2).
    :ivar segments: segments billed; 0 for an empty text.
    :ivar per_segment: capacity of a segment as actually used: 160 or 153 for
        GSM-7, 70 or 67 for UCS-2 (the single-message capacity when the text
        fits in one message, empty text included).
    :ivar characters: ``len()`` of the text sent, in Python code points.
    """

    encoding: str
    units: int
    segments: int
    per_segment: int
    characters: int


def encoding_of(text: str) -> str:
    """The encoding ``text`` is sent in: ``"GSM-7"`` or ``"UCS-2"``.

    GSM-7 when every character is in the GSM 03.38 basic or extension table
    (an empty text included), else UCS-2.
    """
    return _GSM7 if all(char in _GSM7_ALL for char in text) else _UCS2


def _width(char: str, encoding: str) -> int:
    """Units one character takes in ``encoding``."""
    if encoding == _GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def count_segments(text: str, opt_out_text: str = "") -> SegmentInfo:
    """Encoding, units and segments of ``text`` as an SMS.

    :param text: the message body.
    :param opt_out_text: when not empty, sent as ``"\\n" + opt_out_text`` after
        the body and counted with it.
    """
    full = f"{text}\n{opt_out_text}" if opt_out_text else text
    if GSM7_BASIC.issuperset(full):
        # The usual text: one unit per character, no greedy fill needed.
        single, concatenated = _CAPACITY[_GSM7]
        units = len(full)
        return SegmentInfo(
            encoding=_GSM7,
            units=units,
            segments=(
                0 if not units else 1 if units <= single else -(-units // concatenated)
            ),
            per_segment=single if units <= single else concatenated,
            characters=units,
        )
    encoding = encoding_of(full)
    single, concatenated = _CAPACITY[encoding]
    widths = [_width(char, encoding) for char in full]
    units = sum(widths)
    if units <= single:
        return SegmentInfo(
            encoding=encoding,
            units=units,
            segments=1 if units else 0,
            per_segment=single,
            characters=len(full),
        )
    # Fill greedily: a 2-unit character never straddles a segment boundary.
    segments, used = 1, 0
    for width in widths:
        if used + width > concatenated:
            segments += 1
            used = 0
        used += width
    return SegmentInfo(
        encoding=encoding,
        units=units,
        segments=segments,
        per_segment=concatenated,
        characters=len(full),
    )


def with_opt_out(body: str, opt_out_text: str) -> str:
    """``body`` then the opt-out text on a line of its own, once; an empty
    body stays empty."""
    if not body or not opt_out_text or opt_out_text in body:
        return body
    return f"{body}\n{opt_out_text}"


def estimate_cost(
    segments: int, recipients: int, price_per_segment: Decimal | float | int | str
) -> Decimal:
    """Cost of sending ``segments`` segments to each of ``recipients``.

    ``segments * recipients * price_per_segment``, rounded half up to 4 decimal
    places. A float price is read through its shortest ``str()`` form, so
    ``0.1`` means ``Decimal("0.1")``, not its binary approximation.

    :raise decimal.InvalidOperation: when the price is not a number.
    """
    price = Decimal(str(price_per_segment))
    total = Decimal(segments) * Decimal(recipients) * price
    return total.quantize(_COST_QUANTUM, rounding=ROUND_HALF_UP)
