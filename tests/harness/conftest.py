# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the out-of-transaction harness (see :mod:`.common`)."""

import pytest

from .common import FIGURES, harness_session


@pytest.fixture(scope="session")
def harness():
    """A scratch database with the addons installed, dropped at the end."""
    yield from harness_session()


@pytest.fixture(scope="module")
def odoo_http(harness):
    """The URL of an Odoo HTTP server on the harness's database, for the
    tests of one module: its connections would hold the database against
    the scenarios that wait for every session to end."""
    with harness.http_server() as url:
        yield url


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("SMS Retention harness figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
