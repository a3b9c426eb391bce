# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pace sends at a rate per second per account, free of the ORM.

One pacer per account per process (Odoo workers are separate processes: the
rate holds per worker; the sending cron runs in one worker at a time).
"""

import threading
import time


class Pacer:
    """Hands out send slots at most ``rate`` per second."""

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._lock = threading.Lock()
        self._next = {}
        self._clock = clock
        self._sleep = sleep

    def wait(self, key, rate):
        """Block until ``key`` may send again; return the seconds waited."""
        if not rate or rate <= 0:
            return 0.0
        interval = 1.0 / rate
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)


PACER = Pacer()
