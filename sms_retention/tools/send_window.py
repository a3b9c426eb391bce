# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Local sending windows and birthday dates, free of the ORM.

A customer must never be texted at the wrong local time. The rules:

* Every datetime passed in or returned is *naive UTC*, as Odoo stores
  ``Datetime`` fields. Local arithmetic goes through
  ``zoneinfo.ZoneInfo(tz_name)``, so DST changes are followed exactly.
* Time of day is counted in whole minutes since local midnight; the policy is
  minute-granular. A :class:`Window` is the half-open interval
  ``[start, end)``; when ``end <= start`` it crosses midnight (``22:00-06:00``
  is ``Window(1320, 360)``), so ``start == end`` means the whole day.
* A local minute is allowed when its local date is not a holiday, it lies in
  ``policy.allowed`` and in no blackout that applies to that local weekday
  (``0`` is Monday; ``None`` means every day). Every test is made on the
  local wall clock of the instant: a window crossing midnight is judged
  minute by minute against each calendar day, so a holiday forbids its whole
  local date, including the small hours of an overnight window.
* :func:`next_allowed` returns the instant itself when it is allowed.
  Otherwise it finds the start of the next allowed slot (a maximal run of
  allowed instants) and adds a deterministic offset of ``[0, spread_minutes)``
  minutes drawn from ``key`` with SHA-256, so a batch of deferred messages does
  not leave at the same second. The offset is clamped to the last allowed
  minute of that slot, so the result is always allowed. Without a key there is
  no offset. ``None`` means nothing is allowed within ``horizon_days``.
* A slot start that does not exist locally (a spring-forward gap) moves to the
  first existing instant after it, i.e. the transition itself. An ambiguous
  local time (fall-back) means its first occurrence; the repeated hour is still
  judged on its wall clock, so it may open a slot of its own.
* Birthdays: 29 February is celebrated on 28 February in non-leap years. The
  greeting for the next birthday on or after today is due ``days_before`` days
  earlier; when that day is already past, it is too late for this year and
  :func:`birthday_send_date` returns ``None`` (the caller records "expired").
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@functools.lru_cache(maxsize=1024)
def _zone(tz_name: str) -> ZoneInfo:
    """``ZoneInfo(tz_name)``, kept: zoneinfo's own cache holds only 8 zones."""
    return ZoneInfo(tz_name)


__all__ = [
    "DEFAULT_POLICY",
    "SendingPolicy",
    "Window",
    "birthday_in_year",
    "birthday_send_date",
    "is_allowed",
    "local_date",
    "next_allowed",
    "next_birthday",
    "parse_hhmm",
    "resolve_tz",
    "to_utc",
    "window_from_hours",
]

_DAY_MINUTES = 1440
_UTC = timezone.utc
_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)
_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")

Segment = tuple[int, int]


@dataclass(frozen=True)
class Window:
    """A local time-of-day window ``[start, end)`` in minutes since midnight.

    ``start`` is in ``0..1439`` and ``end`` in ``1..1440``; when ``end <= start``
    the window crosses midnight.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Window.{name} must be an int, got {value!r}")
        if not 0 <= self.start < _DAY_MINUTES:
            raise ValueError(f"Window.start must be in 0..1439, got {self.start}")
        if not 0 < self.end <= _DAY_MINUTES:
            raise ValueError(f"Window.end must be in 1..1440, got {self.end}")

    def contains(self, minute: int) -> bool:
        """Whether the local ``minute`` since midnight lies in the window."""
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


def parse_hhmm(text: str) -> int:
    """Minutes since midnight of ``"HH:MM"`` (``"08:00"`` -> 480, ``"24:00"`` -> 1440).

    :raise ValueError: when the text is not a time of day from 00:00 to 24:00.
    """
    match = _HHMM.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"expected a time as HH:MM, got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"not a time of day between 00:00 and 24:00: {text!r}")
    return hours * 60 + minutes


def _hours_to_minutes(value: float, name: str) -> int:
    if not 0 <= value <= 24:
        raise ValueError(f"{name} must be between 0 and 24 hours, got {value!r}")
    return round(value * 60)


def window_from_hours(start: float, end: float) -> Window:
    """A :class:`Window` from Odoo ``float_time`` values (``8.0``, ``13.5``).

    An ``end`` of ``0.0`` (or ``24.0``) means midnight at the end of the day.
    """
    start_minute = _hours_to_minutes(start, "start")
    end_minute = _hours_to_minutes(end, "end") or _DAY_MINUTES
    if start_minute == _DAY_MINUTES:
        raise ValueError("start cannot be 24:00")
    return Window(start_minute, end_minute)


def window_outside_hours(start: float, end: float) -> Window | None:
    """The :class:`Window` outside ``start`` to ``end`` (``float_time``
    values, an ``end`` of 0 or 24 being midnight), as a blackout that keeps
    sending within those hours whatever the allowed window; None when the
    hours span the whole day."""
    allowed = window_from_hours(start, end)
    if allowed.start == 0 and allowed.end == _DAY_MINUTES:
        return None
    if allowed.end == _DAY_MINUTES:
        return Window(0, allowed.start)
    return Window(allowed.end, allowed.start or _DAY_MINUTES)


@dataclass(frozen=True)
class SendingPolicy:
    """When messages may be sent, judged on the recipient's local wall clock.

    :param allowed: the daily window in which sending is allowed.
    :param blackouts: ``(weekdays, window)`` pairs forbidden inside ``allowed``;
        ``weekdays`` is a frozenset of ``date.weekday()`` values (0 is Monday)
        or ``None`` for every day.
    :param holidays: local dates on which nothing is sent at all.
    :param spread_minutes: deferred messages are spread over the first
        ``spread_minutes`` minutes of the slot they are moved to.
    """

    allowed: Window
    blackouts: tuple[tuple[frozenset[int] | None, Window], ...] = ()
    holidays: frozenset[date] = frozenset()
    spread_minutes: int = 15

    def __post_init__(self) -> None:
        if not isinstance(self.allowed, Window):
            raise TypeError("SendingPolicy.allowed must be a Window")
        for weekdays, window in self.blackouts:
            if not isinstance(window, Window):
                raise TypeError("each blackout must be (weekdays or None, Window)")
            if weekdays is not None and not set(weekdays) <= set(range(7)):
                raise ValueError(f"weekdays must be within 0..6, got {weekdays!r}")
        if self.spread_minutes < 0:
            raise ValueError("spread_minutes cannot be negative")


DEFAULT_POLICY = SendingPolicy(
    allowed=Window(8 * 60, 21 * 60),
    blackouts=(
        (None, Window(12 * 60, 13 * 60 + 30)),
        (None, Window(18 * 60, 19 * 60 + 30)),
    ),
    spread_minutes=15,
)


# ---------------------------------------------------------------------------
# Time zone helpers


def _wall(when_utc: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall-clock time of the naive UTC instant ``when_utc``."""
    return when_utc.replace(tzinfo=_UTC).astimezone(zone).replace(tzinfo=None, fold=0)


def _offset(when_utc: datetime, zone: ZoneInfo) -> timedelta | None:
    return when_utc.replace(tzinfo=_UTC).astimezone(zone).utcoffset()


def _floor_minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def _transition_between(
    zone: ZoneInfo, low: datetime, high: datetime
) -> datetime | None:
    """First minute in ``(low, high]`` with another UTC offset than ``low``.

    Assumes at most one offset change in the interval (true for any span of a
    day or less); ``None`` when the offsets at both ends agree.
    """
    before = _offset(low, zone)
    if _offset(high, zone) == before:
        return None
    while high - low > _MINUTE:
        middle = _floor_minute(low + (high - low) / 2)
        if middle <= low:
            middle = low + _MINUTE
        if _offset(middle, zone) == before:
            low = middle
        else:
            high = middle
    return high


def _local_to_utc(local_naive: datetime, zone: ZoneInfo, fold: int = 0) -> datetime:
    """Naive UTC of a naive local time; ``fold`` picks an ambiguous occurrence.

    A nonexistent local time (spring-forward gap) gives the transition instant,
    the first existing instant after it.
    """
    aware = local_naive.replace(tzinfo=zone, fold=fold)
    utc = aware.astimezone(_UTC).replace(tzinfo=None)
    if _wall(utc, zone) == local_naive.replace(fold=0):
        return utc
    # In a gap the two folds use the offsets either side of the transition.
    other = aware.replace(fold=1 - fold).astimezone(_UTC).replace(tzinfo=None)
    low, high = sorted((utc, other))
    return _transition_between(zone, low, high) or high


def local_date(when_utc: datetime, tz_name: str) -> date:
    """The local calendar date, in ``tz_name``, of the naive UTC ``when_utc``."""
    return _wall(when_utc, _zone(tz_name)).date()


def to_utc(local_naive: datetime, tz_name: str) -> datetime:
    """Naive UTC of a naive local time in ``tz_name``.

    An ambiguous time (fall-back) means its first occurrence; a nonexistent time
    (spring-forward gap) shifts forward to the first existing instant.
    """
    return _local_to_utc(local_naive, _zone(tz_name))


def resolve_tz(candidates: Iterable[str | None], default: str = "UTC") -> str:
    """The first candidate that is a valid IANA zone name, else ``default``."""
    for candidate in candidates:
        if not candidate or not isinstance(candidate, str):
            continue
        try:
            ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
        return candidate
    return default


# ---------------------------------------------------------------------------
# Sending policy


def _segments(window: Window) -> list[Segment]:
    """``window`` as sorted, non-overlapping ``[a, b)`` minute runs of one day."""
    if window.start < window.end:
        return [(window.start, window.end)]
    return [(0, window.end), (window.start, _DAY_MINUTES)]


def _subtract(segments: list[Segment], cut: Segment) -> list[Segment]:
    """``segments`` minus the run ``cut``, all as ``[a, b)`` minute runs."""
    result = []
    for start, end in segments:
        if cut[1] <= start or cut[0] >= end:
            result.append((start, end))
            continue
        if start < cut[0]:
            result.append((start, cut[0]))
        if cut[1] < end:
            result.append((cut[1], end))
    return result


def _allowed_segments(policy: SendingPolicy, day: date) -> list[Segment]:
    """The allowed minute runs of the local date ``day``, sorted."""
    if day in policy.holidays:
        return []
    segments = _segments(policy.allowed)
    weekday = day.weekday()
    for weekdays, window in policy.blackouts:
        if weekdays is None or weekday in weekdays:
            for cut in _segments(window):
                segments = _subtract(segments, cut)
    return segments


def _allowed_local(policy: SendingPolicy, local: datetime) -> bool:
    if local.date() in policy.holidays:
        return False
    minute = local.hour * 60 + local.minute
    if not policy.allowed.contains(minute):
        return False
    weekday = local.weekday()
    return not any(
        window.contains(minute)
        for weekdays, window in policy.blackouts
        if weekdays is None or weekday in weekdays
    )


def _is_allowed(policy: SendingPolicy, when_utc: datetime, zone: ZoneInfo) -> bool:
    return _allowed_local(policy, _wall(when_utc, zone))


def is_allowed(policy: SendingPolicy, when_utc: datetime, tz_name: str) -> bool:
    """Whether ``policy`` allows sending at naive UTC ``when_utc`` in ``tz_name``."""
    return _is_allowed(policy, when_utc, ZoneInfo(tz_name))


def _next_allowed_local(
    policy: SendingPolicy, local: datetime, last_day: date
) -> datetime | None:
    """First allowed local wall-clock minute at or after ``local``, by the calendar.

    Whole forbidden runs and days are stepped over; ``None`` past ``last_day``.
    """
    day = local.date()
    first_minute = local.hour * 60 + local.minute
    while day <= last_day:
        for start, end in _allowed_segments(policy, day):
            if end > first_minute:
                minutes = max(start, first_minute)
                return datetime.combine(day, time()) + timedelta(minutes=minutes)
        day += _DAY
        first_minute = 0
    return None


def _slot_start_after(
    policy: SendingPolicy, zone: ZoneInfo, when_utc: datetime, limit: datetime
) -> datetime | None:
    """First allowed UTC minute after ``when_utc`` and not after ``limit``."""
    last_day = _wall(limit, zone).date() + _DAY
    current = _floor_minute(when_utc) + _MINUTE
    while current <= limit:
        local = _floor_minute(_wall(current, zone))
        if _allowed_local(policy, local):
            return current
        target = _next_allowed_local(policy, local + _MINUTE, last_day)
        if target is None:
            candidate = limit + _MINUTE
        else:
            candidate = _local_to_utc(target, zone)
            if candidate <= current:
                # We are in the repeated hour of a fall-back: take the later
                # occurrence of the wall-clock time.
                candidate = _local_to_utc(target, zone, fold=1)
        # A fall-back just ahead can bring back wall-clock times that the
        # calendar scan above has already passed: look at it on its own.
        transition = _transition_between(zone, current, min(candidate, current + _DAY))
        if transition is not None and transition < candidate:
            candidate = transition
        current = max(candidate, current + _MINUTE)
    return None


def _spread_offset(key: object, spread_minutes: int) -> int:
    """Stable offset in ``[0, spread_minutes)`` minutes for ``key``."""
    digest = hashlib.sha256(str(key).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % spread_minutes


def next_allowed(
    policy: SendingPolicy,
    when_utc: datetime,
    tz_name: str,
    key: object = None,
    horizon_days: int = 366,
) -> datetime | None:
    """When a message due at the naive UTC ``when_utc`` may be sent, naive UTC.

    ``when_utc`` itself when allowed; else the start of the next allowed slot
    plus a stable offset in ``[0, spread_minutes)`` minutes derived from ``key``
    (none without a key), clamped so that the result is still in that slot.
    ``None`` when nothing is allowed within ``horizon_days``.
    """
    zone = _zone(tz_name)
    if _is_allowed(policy, when_utc, zone):
        return when_utc
    limit = when_utc + timedelta(days=horizon_days)
    start = _slot_start_after(policy, zone, when_utc, limit)
    if start is None:
        return None
    if key is None or policy.spread_minutes <= 0:
        return start
    wanted = _spread_offset(key, policy.spread_minutes)
    offset = 0
    while offset < wanted and _is_allowed(policy, start + (offset + 1) * _MINUTE, zone):
        offset += 1
    return start + offset * _MINUTE


# ---------------------------------------------------------------------------
# Birthdays


def birthday_in_year(month: int, day: int, year: int) -> date:
    """The birthday ``month``/``day`` in ``year``; 29 Feb is 28 Feb in common years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def next_birthday(month: int, day: int, today: date) -> date:
    """The next occurrence of the birthday on or after ``today``."""
    birthday = birthday_in_year(month, day, today.year)
    if birthday < today:
        birthday = birthday_in_year(month, day, today.year + 1)
    return birthday


def birthday_send_date(
    month: int, day: int, today: date, days_before: int
) -> date | None:
    """Local date the greeting for the next birthday is due, or ``None``.

    That is the next birthday on or after ``today`` minus ``days_before`` days;
    ``None`` when that date is already past (too late for this greeting).
    """
    if days_before < 0:
        raise ValueError("days_before cannot be negative")
    send_date = next_birthday(month, day, today) - timedelta(days=days_before)
    if send_date < today:
        return None
    return send_date
