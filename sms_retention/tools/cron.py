# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers for batch jobs that commit as they go."""

import threading

from odoo.tools import config


def can_commit():
    """Whether a batch job may commit: never inside tests, which share a cursor."""
    return not (
        getattr(threading.current_thread(), "testing", False) or config["test_enable"]
    )
