# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
from datetime import date, datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..tools.send_window import (
    DEFAULT_POLICY,
    SendingPolicy,
    Window,
    birthday_in_year,
    birthday_send_date,
    is_allowed,
    local_date,
    next_allowed,
    next_birthday,
    parse_hhmm,
    resolve_tz,
    to_utc,
    window_from_hours,
)

NY = "America/New_York"
PARIS = "Europe/Paris"
BANGKOK = "Asia/Bangkok"
SHANGHAI = "Asia/Shanghai"


def utc(*args):
    """A naive UTC datetime, as Odoo stores them."""
    return datetime(*args)


def offset_of(key, spread=15):
    """The documented spread: SHA-256 of ``str(key)``, first 8 bytes, modulo."""
    digest = hashlib.sha256(str(key).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % spread


@tagged("post_install", "-at_install")
class TestSendWindow(BaseCase):
    # -- windows and parsing ------------------------------------------------

    def test_parse_hhmm(self):
        cases = {
            "00:00": 0,
            "08:00": 480,
            "8:00": 480,
            "13:30": 810,
            "21:00": 1260,
            "23:59": 1439,
            "24:00": 1440,
            " 07:05 ": 425,
        }
        for text, minutes in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_hhmm(text), minutes)

    def test_parse_hhmm_rejects_bad_text(self):
        for text in ("", "8", "08:0", "0800", "24:01", "25:00", "12:60", "ab:cd"):
            with self.subTest(text=text):
                with self.assertRaises(ValueError) as ctx:
                    parse_hhmm(text)
                self.assertIn(repr(text), str(ctx.exception))

    def test_window_from_hours(self):
        self.assertEqual(window_from_hours(8.0, 21.0), Window(480, 1260))
        self.assertEqual(window_from_hours(13.5, 18.0), Window(810, 1080))
        self.assertEqual(window_from_hours(22.0, 6.0), Window(1320, 360))
        self.assertEqual(window_from_hours(20.0, 24.0), Window(1200, 1440))
        self.assertEqual(window_from_hours(20.0, 0.0), Window(1200, 1440))
        with self.assertRaises(ValueError):
            window_from_hours(8.0, 25.0)
        with self.assertRaises(ValueError):
            window_from_hours(24.0, 6.0)

    def test_window_validation_and_contains(self):
        for start, end in ((-1, 10), (1440, 10), (0, 0), (0, 1441)):
            with self.subTest(start=start, end=end):
                with self.assertRaises(ValueError):
                    Window(start, end)
        day = Window(480, 1260)
        night = Window(1320, 360)
        cases = [
            (day, 479, False),
            (day, 480, True),
            (day, 1259, True),
            (day, 1260, False),
            (night, 1319, False),
            (night, 1320, True),
            (night, 0, True),
            (night, 359, True),
            (night, 360, False),
            (Window(0, 1440), 0, True),
            (Window(0, 1440), 1439, True),
        ]
        for window, minute, expected in cases:
            with self.subTest(window=window, minute=minute):
                self.assertEqual(window.contains(minute), expected)

    def test_default_policy(self):
        self.assertEqual(DEFAULT_POLICY.allowed, Window(480, 1260))
        self.assertEqual(
            DEFAULT_POLICY.blackouts,
            ((None, Window(720, 810)), (None, Window(1080, 1170))),
        )
        self.assertEqual(DEFAULT_POLICY.holidays, frozenset())
        self.assertEqual(DEFAULT_POLICY.spread_minutes, 15)

    # -- is_allowed -------------------------------------------------------------

    def test_is_allowed_in_four_zones(self):
        cases = [
            # Bangkok is UTC+7 all year.
            (BANGKOK, utc(2026, 5, 4, 0, 59), False),  # 07:59
            (BANGKOK, utc(2026, 5, 4, 1, 0), True),  # 08:00
            (BANGKOK, utc(2026, 5, 4, 4, 59), True),  # 11:59
            (BANGKOK, utc(2026, 5, 4, 5, 0), False),  # 12:00 lunch
            (BANGKOK, utc(2026, 5, 4, 6, 29), False),  # 13:29 lunch
            (BANGKOK, utc(2026, 5, 4, 6, 30), True),  # 13:30
            (BANGKOK, utc(2026, 5, 4, 13, 59), True),  # 20:59
            (BANGKOK, utc(2026, 5, 4, 14, 0), False),  # 21:00
            # Shanghai is UTC+8 all year; 23:59Z is already tomorrow 07:59.
            (SHANGHAI, utc(2026, 5, 3, 23, 59), False),  # 07:59
            (SHANGHAI, utc(2026, 5, 4, 0, 0), True),  # 08:00
            (SHANGHAI, utc(2026, 5, 4, 10, 0), False),  # 18:00 dinner
            (SHANGHAI, utc(2026, 5, 4, 11, 29), False),  # 19:29 dinner
            (SHANGHAI, utc(2026, 5, 4, 11, 30), True),  # 19:30
            # New York: EST (UTC-5) in January, EDT (UTC-4) in July.
            (NY, utc(2026, 1, 15, 12, 59), False),  # 07:59 EST
            (NY, utc(2026, 1, 15, 13, 0), True),  # 08:00 EST
            (NY, utc(2026, 7, 15, 11, 59), False),  # 07:59 EDT
            (NY, utc(2026, 7, 15, 12, 0), True),  # 08:00 EDT
            (NY, utc(2026, 7, 16, 0, 59), True),  # 20:59 EDT
            (NY, utc(2026, 7, 16, 1, 0), False),  # 21:00 EDT
            # Paris: CET (UTC+1) in January, CEST (UTC+2) in July.
            (PARIS, utc(2026, 1, 15, 6, 59), False),  # 07:59 CET
            (PARIS, utc(2026, 1, 15, 7, 0), True),  # 08:00 CET
            (PARIS, utc(2026, 7, 15, 6, 0), True),  # 08:00 CEST
            (PARIS, utc(2026, 7, 15, 19, 0), False),  # 21:00 CEST
        ]
        for tz_name, when, expected in cases:
            with self.subTest(tz=tz_name, when=when):
                self.assertEqual(is_allowed(DEFAULT_POLICY, when, tz_name), expected)

    # -- next_allowed -----------------------------------------------------------

    def test_allowed_instant_is_returned_unchanged(self):
        when = utc(2026, 5, 4, 2, 17, 42)  # 09:17:42 in Bangkok
        self.assertEqual(next_allowed(DEFAULT_POLICY, when, BANGKOK), when)
        self.assertEqual(next_allowed(DEFAULT_POLICY, when, BANGKOK, key=7), when)
        # 20:55 is still allowed: sent right away, no spread.
        late = utc(2026, 5, 4, 13, 55)
        self.assertEqual(next_allowed(DEFAULT_POLICY, late, BANGKOK, key=7), late)

    def test_night_message_waits_for_08_00(self):
        due = utc(2026, 5, 3, 19, 0)  # 02:00 on 4 May in Bangkok
        slot = utc(2026, 5, 4, 1, 0)  # 08:00 in Bangkok
        self.assertEqual(next_allowed(DEFAULT_POLICY, due, BANGKOK), slot)
        self.assertEqual(
            next_allowed(DEFAULT_POLICY, utc(2026, 5, 3, 18, 0), SHANGHAI),
            utc(2026, 5, 4, 0, 0),
        )

    def test_spread_is_deterministic_and_bounded(self):
        due = utc(2026, 5, 3, 19, 0)  # 02:00 in Bangkok
        slot = utc(2026, 5, 4, 1, 0)  # 08:00 in Bangkok
        results = {}
        for number in range(20):
            key = f"msg-{number}"
            with self.subTest(key=key):
                result = next_allowed(DEFAULT_POLICY, due, BANGKOK, key=key)
                self.assertEqual(result, slot + timedelta(minutes=offset_of(key)))
                self.assertGreaterEqual(result, slot)
                self.assertLess(result, slot + timedelta(minutes=15))
                self.assertEqual(
                    next_allowed(DEFAULT_POLICY, due, BANGKOK, key=key), result
                )
                results[key] = result
        self.assertGreater(len(set(results.values())), 5)
        self.assertEqual(results["msg-17"], utc(2026, 5, 4, 1, 0))
        self.assertEqual(results["msg-2"], utc(2026, 5, 4, 1, 14))
        # Integer ids hash like their text.
        self.assertEqual(
            next_allowed(DEFAULT_POLICY, due, BANGKOK, key=42),
            next_allowed(DEFAULT_POLICY, due, BANGKOK, key="42"),
        )
        no_spread = SendingPolicy(DEFAULT_POLICY.allowed, spread_minutes=0)
        self.assertEqual(next_allowed(no_spread, due, BANGKOK, key="msg-2"), slot)

    def test_blackouts_split_the_day(self):
        cases = [
            # 12:10 CEST (lunch) -> 13:30 CEST.
            (PARIS, utc(2026, 7, 15, 10, 10), utc(2026, 7, 15, 11, 30)),
            # 18:45 in Shanghai (dinner) -> 19:30.
            (SHANGHAI, utc(2026, 5, 4, 10, 45), utc(2026, 5, 4, 11, 30)),
            # 21:00 EDT -> 08:00 EDT the next morning.
            (NY, utc(2026, 7, 16, 1, 0), utc(2026, 7, 16, 12, 0)),
        ]
        for tz_name, due, expected in cases:
            with self.subTest(tz=tz_name, due=due):
                self.assertEqual(next_allowed(DEFAULT_POLICY, due, tz_name), expected)

    def test_spread_clamped_to_a_short_slot(self):
        # Only 20:55-21:00 is left: shorter than the 15-minute spread.
        policy = SendingPolicy(
            allowed=Window(480, 1260), blackouts=((None, Window(720, 1255)),)
        )
        due = utc(2026, 5, 4, 5, 10)  # 12:10 in Bangkok
        slot = utc(2026, 5, 4, 13, 55)  # 20:55 in Bangkok
        self.assertEqual(next_allowed(policy, due, BANGKOK), slot)
        for number in range(20):
            key = f"msg-{number}"
            with self.subTest(key=key):
                result = next_allowed(policy, due, BANGKOK, key=key)
                expected = slot + timedelta(minutes=min(offset_of(key), 4))
                self.assertEqual(result, expected)
                self.assertTrue(is_allowed(policy, result, BANGKOK))
        self.assertEqual(
            next_allowed(policy, due, BANGKOK, key="msg-2"), utc(2026, 5, 4, 13, 59)
        )
        self.assertEqual(
            next_allowed(policy, due, BANGKOK, key="msg-10"), utc(2026, 5, 4, 13, 56)
        )

    def test_window_crossing_midnight(self):
        policy = SendingPolicy(allowed=Window(1320, 360))  # 22:00-06:00
        cases = [
            (utc(2026, 5, 4, 14, 59), False),  # 21:59
            (utc(2026, 5, 4, 15, 0), True),  # 22:00
            (utc(2026, 5, 4, 16, 30), True),  # 23:30
            (utc(2026, 5, 4, 17, 0), True),  # 00:00
            (utc(2026, 5, 4, 22, 59), True),  # 05:59
            (utc(2026, 5, 4, 23, 0), False),  # 06:00
        ]
        for when, expected in cases:
            with self.subTest(when=when):
                self.assertEqual(is_allowed(policy, when, BANGKOK), expected)
        # Due at noon: wait for 22:00 the same evening.
        self.assertEqual(
            next_allowed(policy, utc(2026, 5, 4, 5, 0), BANGKOK),
            utc(2026, 5, 4, 15, 0),
        )
        # Due at 06:00: the night is over, wait for 22:00.
        self.assertEqual(
            next_allowed(policy, utc(2026, 5, 4, 23, 0), BANGKOK),
            utc(2026, 5, 5, 15, 0),
        )
        # The spread runs past midnight within the same slot.
        key = "msg-2"  # offset 14
        self.assertEqual(
            next_allowed(
                SendingPolicy(allowed=Window(1435, 360)),
                utc(2026, 5, 4, 5, 0),
                BANGKOK,
                key=key,
            ),
            utc(2026, 5, 4, 17, 9),  # 23:55 + 14 min = 00:09
        )

    def test_new_york_spring_forward(self):
        # 8 March 2026: 02:00 EST becomes 03:00 EDT (07:00Z).
        cases = [
            # Saturday 01:00 EST -> 08:00 EST = 13:00Z.
            (utc(2026, 3, 7, 6, 0), utc(2026, 3, 7, 13, 0)),
            # Sunday 01:00 EST, before the change -> 08:00 EDT = 12:00Z.
            (utc(2026, 3, 8, 6, 0), utc(2026, 3, 8, 12, 0)),
            # Sunday 03:30 EDT, after the change -> 08:00 EDT = 12:00Z.
            (utc(2026, 3, 8, 7, 30), utc(2026, 3, 8, 12, 0)),
            # Saturday 21:30 EST -> Sunday 08:00 EDT = 12:00Z.
            (utc(2026, 3, 8, 2, 30), utc(2026, 3, 8, 12, 0)),
        ]
        for due, expected in cases:
            with self.subTest(due=due):
                self.assertEqual(next_allowed(DEFAULT_POLICY, due, NY), expected)
        self.assertFalse(is_allowed(DEFAULT_POLICY, utc(2026, 3, 8, 11, 59), NY))
        self.assertTrue(is_allowed(DEFAULT_POLICY, utc(2026, 3, 8, 12, 0), NY))

    def test_slot_start_in_the_gap_moves_to_the_transition(self):
        # Allowed 02:30-04:00: on 8 March 02:30 does not exist in New York,
        # the first existing instant after it is 03:00 EDT = 07:00Z.
        policy = SendingPolicy(allowed=Window(150, 240))
        self.assertEqual(
            next_allowed(policy, utc(2026, 3, 8, 6, 0), NY), utc(2026, 3, 8, 7, 0)
        )
        # A window lying entirely inside the gap does not exist that day.
        inside = SendingPolicy(allowed=Window(130, 160))  # 02:10-02:40
        self.assertEqual(
            next_allowed(inside, utc(2026, 3, 8, 6, 0), NY), utc(2026, 3, 9, 6, 10)
        )

    def test_new_york_fall_back(self):
        # 1 November 2026: 02:00 EDT becomes 01:00 EST (06:00Z).
        cases = [
            # Saturday 01:00 EDT -> 08:00 EDT = 12:00Z.
            (utc(2026, 10, 31, 5, 0), utc(2026, 10, 31, 12, 0)),
            # Sunday 01:00 EDT, before the change -> 08:00 EST = 13:00Z.
            (utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 13, 0)),
            # Sunday 01:30 EST, the repeated hour -> 08:00 EST = 13:00Z.
            (utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 13, 0)),
        ]
        for due, expected in cases:
            with self.subTest(due=due):
                self.assertEqual(next_allowed(DEFAULT_POLICY, due, NY), expected)
        # Allowed 01:00-01:30: at 01:45 EDT the repeated hour opens the slot
        # again at 01:00 EST = 06:00Z, not on the next night.
        policy = SendingPolicy(allowed=Window(60, 90))
        self.assertTrue(is_allowed(policy, utc(2026, 11, 1, 5, 15), NY))
        self.assertEqual(
            next_allowed(policy, utc(2026, 11, 1, 5, 45), NY), utc(2026, 11, 1, 6, 0)
        )

    def test_paris_dst_changes(self):
        cases = [
            # 29 March: 01:30 CET -> 08:00 CEST = 06:00Z.
            (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 6, 0)),
            # 28 March: 01:30 CET -> 08:00 CET = 07:00Z.
            (utc(2026, 3, 28, 0, 30), utc(2026, 3, 28, 7, 0)),
            # 25 October: 02:30 CEST -> 08:00 CET = 07:00Z.
            (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 7, 0)),
            # 24 October: 02:30 CEST -> 08:00 CEST = 06:00Z.
            (utc(2026, 10, 24, 0, 30), utc(2026, 10, 24, 6, 0)),
        ]
        for due, expected in cases:
            with self.subTest(due=due):
                self.assertEqual(next_allowed(DEFAULT_POLICY, due, PARIS), expected)

    def test_holiday_pushes_to_the_next_day(self):
        policy = SendingPolicy(
            allowed=DEFAULT_POLICY.allowed,
            blackouts=DEFAULT_POLICY.blackouts,
            holidays=frozenset({date(2026, 12, 25)}),
        )
        # Christmas 10:00 EST is a holiday, 26 December is not.
        self.assertFalse(is_allowed(policy, utc(2026, 12, 25, 15, 0), NY))
        self.assertTrue(is_allowed(policy, utc(2026, 12, 26, 15, 0), NY))
        # 24 December 21:30 EST -> 26 December 08:00 EST = 13:00Z.
        self.assertEqual(
            next_allowed(policy, utc(2026, 12, 25, 2, 30), NY),
            utc(2026, 12, 26, 13, 0),
        )
        # The holiday is a local date: 24 Dec 23:00Z is already Christmas
        # 07:00 in Shanghai, so it waits for the 26th 08:00 there (00:00Z).
        self.assertEqual(
            next_allowed(policy, utc(2026, 12, 24, 23, 0), SHANGHAI),
            utc(2026, 12, 26, 0, 0),
        )

    def test_weekday_only_blackout(self):
        # No texts on Sundays; 9 May 2026 is a Saturday.
        policy = SendingPolicy(
            allowed=Window(480, 1260),
            blackouts=((frozenset({6}), Window(0, 1440)),),
        )
        self.assertTrue(is_allowed(policy, utc(2026, 5, 9, 3, 0), BANGKOK))
        self.assertFalse(is_allowed(policy, utc(2026, 5, 10, 3, 0), BANGKOK))
        # Saturday 21:30 -> Monday 08:00.
        self.assertEqual(
            next_allowed(policy, utc(2026, 5, 9, 14, 30), BANGKOK),
            utc(2026, 5, 11, 1, 0),
        )
        # A weekday-specific partial blackout: Saturday mornings until 10:00.
        saturday = SendingPolicy(
            allowed=Window(480, 1260),
            blackouts=((frozenset({5}), Window(480, 600)),),
        )
        self.assertEqual(
            next_allowed(saturday, utc(2026, 5, 8, 23, 0), BANGKOK),  # Sat 06:00
            utc(2026, 5, 9, 3, 0),  # Sat 10:00
        )
        self.assertEqual(
            next_allowed(saturday, utc(2026, 5, 9, 23, 0), BANGKOK),  # Sun 06:00
            utc(2026, 5, 10, 1, 0),  # Sun 08:00
        )

    def test_horizon(self):
        never = SendingPolicy(
            allowed=Window(480, 1260), blackouts=((None, Window(0, 1440)),)
        )
        self.assertIsNone(next_allowed(never, utc(2026, 1, 1), NY))
        closed = SendingPolicy(
            allowed=Window(480, 1260),
            holidays=frozenset(date(2026, 5, 4) + timedelta(days=n) for n in range(4)),
        )
        due = utc(2026, 5, 3, 15, 0)  # 22:00 on 3 May in Bangkok
        self.assertIsNone(next_allowed(closed, due, BANGKOK, horizon_days=3))
        self.assertEqual(
            next_allowed(closed, due, BANGKOK, horizon_days=5), utc(2026, 5, 8, 1, 0)
        )

    # -- time zone helpers ------------------------------------------------------

    def test_local_date_and_to_utc(self):
        self.assertEqual(local_date(utc(2026, 5, 3, 19, 0), BANGKOK), date(2026, 5, 4))
        self.assertEqual(local_date(utc(2026, 5, 3, 19, 0), NY), date(2026, 5, 3))
        self.assertEqual(local_date(utc(2026, 1, 1, 3, 0), NY), date(2025, 12, 31))
        cases = [
            (datetime(2026, 5, 4, 8, 0), BANGKOK, utc(2026, 5, 4, 1, 0)),
            (datetime(2026, 1, 15, 8, 0), NY, utc(2026, 1, 15, 13, 0)),
            (datetime(2026, 7, 15, 8, 0), NY, utc(2026, 7, 15, 12, 0)),
            # Nonexistent: shifted forward to 03:00 EDT.
            (datetime(2026, 3, 8, 2, 30), NY, utc(2026, 3, 8, 7, 0)),
            # Ambiguous: the first occurrence, 01:30 EDT.
            (datetime(2026, 11, 1, 1, 30), NY, utc(2026, 11, 1, 5, 30)),
            (datetime(2026, 3, 29, 2, 15), PARIS, utc(2026, 3, 29, 1, 0)),
            (datetime(2026, 10, 25, 2, 15), PARIS, utc(2026, 10, 25, 0, 15)),
        ]
        for local, tz_name, expected in cases:
            with self.subTest(local=local, tz=tz_name):
                self.assertEqual(to_utc(local, tz_name), expected)

    def test_resolve_tz(self):
        cases = [
            ([None, "", "Not/AZone", BANGKOK, NY], "UTC", BANGKOK),
            ([None, "bogus"], "UTC", "UTC"),
            ([], PARIS, PARIS),
            (["../etc/passwd", "Europe/Nowhere", SHANGHAI], "UTC", SHANGHAI),
            ((tz for tz in [None, NY]), "UTC", NY),
        ]
        for candidates, default, expected in cases:
            with self.subTest(expected=expected):
                self.assertEqual(resolve_tz(candidates, default=default), expected)

    # -- birthdays --------------------------------------------------------------

    def test_birthday_in_year(self):
        self.assertEqual(birthday_in_year(2, 29, 2027), date(2027, 2, 28))
        self.assertEqual(birthday_in_year(2, 29, 2028), date(2028, 2, 29))
        self.assertEqual(birthday_in_year(2, 29, 2100), date(2100, 2, 28))
        self.assertEqual(birthday_in_year(7, 14, 2026), date(2026, 7, 14))

    def test_next_birthday(self):
        cases = [
            ((2, 29), date(2027, 1, 10), date(2027, 2, 28)),
            ((2, 29), date(2027, 2, 28), date(2027, 2, 28)),
            ((2, 29), date(2027, 3, 1), date(2028, 2, 29)),
            ((1, 2), date(2026, 12, 28), date(2027, 1, 2)),
            ((5, 4), date(2026, 5, 4), date(2026, 5, 4)),
        ]
        for (month, day), today, expected in cases:
            with self.subTest(month=month, day=day, today=today):
                self.assertEqual(next_birthday(month, day, today), expected)

    def test_birthday_send_date(self):
        cases = [
            # Across the year boundary: 2 January, 3 days before -> 30 December.
            ((1, 2), date(2026, 12, 28), 3, date(2026, 12, 30)),
            ((1, 2), date(2026, 12, 30), 3, date(2026, 12, 30)),
            # Too late for this year's greeting.
            ((1, 2), date(2026, 12, 31), 3, None),
            ((1, 2), date(2027, 1, 2), 3, None),
            ((1, 2), date(2027, 1, 2), 0, date(2027, 1, 2)),
            # The next birthday after this year's is next year's.
            ((1, 2), date(2027, 1, 3), 3, date(2027, 12, 30)),
            # Leap-day birthdays.
            ((2, 29), date(2027, 2, 1), 3, date(2027, 2, 25)),
            ((2, 29), date(2028, 2, 1), 3, date(2028, 2, 26)),
        ]
        for (month, day), today, days_before, expected in cases:
            with self.subTest(today=today, days_before=days_before):
                self.assertEqual(
                    birthday_send_date(month, day, today, days_before), expected
                )
        with self.assertRaises(ValueError):
            birthday_send_date(1, 2, date(2026, 12, 28), -1)
