# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Clicks on the tracked links of retention SMS, against a real Odoo server.

Customers click the tagged links of sent SMS (``/r/<code>/m/<tag>``) at 50
clicks per second for 60 seconds, three clicks per message, 20 seconds
apart. The same route with a forged tag (the redirect alone, nothing
recorded) is timed first at the same rate, on the same server: what
recording adds to the redirect is the difference of their p95 (target
50 ms). Odoo's own short link of the code (``/r/<code>``, whose click
updates the link's count, one row for every click) is timed too, for
reference. Every click redirects (302) and sets its message's first click;
the job then counts each click once in Odoo's link tracker.
"""

import http.client
import os
import statistics
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from .common import FIGURES, percentile

RATE = int(os.environ.get("SMSR_CLICK_RATE", 50))
SECONDS = int(os.environ.get("SMSR_CLICK_SECONDS", 60))
BASELINE_SECONDS = int(os.environ.get("SMSR_CLICK_BASELINE_SECONDS", 15))
CLICKS_PER_MESSAGE = 3
TARGET_ADDED_P95 = 0.050
# A phone's browser: not a link preview.
AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

SETUP = """
from datetime import timedelta
from odoo import fields
from odoo.addons.sms_retention.tools import links

company = h.prepare_company(env)
partners = h.ensure_partners(env, 200)
campaign = h.new_campaign(env, "Harness click load")
tracker = env["link.tracker"].search_or_create(
    {"url": "https://shop.example.com/spring", "title": "Harness click load"}
)
sent_at = fields.Datetime.now() - timedelta(hours=1)
messages = env["sms.retention.message"].create([
    {
        "campaign_id": campaign.id,
        "partner_id": partners[i % len(partners)].id,
        "company_id": company.id,
        "res_model": "res.partner",
        "res_id": partners[i % len(partners)].id,
        "dedupe_key": f"click-load:{i}",
        "planned_at": sent_at,
    }
    for i in range(params["messages"])
])
messages.write({"state": "sent", "sent_at": sent_at, "delivered_at": sent_at})
secret = env["ir.config_parameter"].sudo().get_param("database.secret")
result["code"] = tracker.code
result["tags"] = [links.message_tag(secret, message.id) for message in messages]
result["campaign_id"] = campaign.id
result["tracker_id"] = tracker.id
"""

COUNT = """
import time
start = time.perf_counter()
env["sms.retention.click"]._cron_count_clicks()
result["seconds"] = time.perf_counter() - start
"""


@pytest.fixture(scope="module")
def clicks(harness, odoo_http):
    """Sent messages of a campaign, each with the tag of its link."""
    return harness.run(
        "click-setup", SETUP, {"messages": RATE * SECONDS // CLICKS_PER_MESSAGE}
    )


def _load(url, paths, rate):
    """GET each of ``paths`` at ``rate`` per second, without following the
    redirect; return ``(latencies, statuses, wall)``."""
    parsed = urllib.parse.urlsplit(url)
    latencies, statuses, lock = [], [], threading.Lock()
    local = threading.local()

    def one(path):
        # A kept-alive connection per thread, as a phone's browser has one.
        if getattr(local, "connection", None) is None:
            local.connection = http.client.HTTPConnection(
                parsed.hostname, parsed.port, timeout=30
            )
        start = time.perf_counter()
        try:
            local.connection.request("GET", path, headers={"User-Agent": AGENT})
            response = local.connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            local.connection.close()
            local.connection = None
            status = 0
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            statuses.append(status)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for index, path in enumerate(paths):
            delay = t0 + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, path)
    return latencies, statuses, time.perf_counter() - t0


def test_click_load(harness, odoo_http, clicks):
    code, tags = clicks["code"], clicks["tags"]
    odoos, odoo_statuses, _wall = _load(
        odoo_http, [f"/r/{code}"] * (RATE * BASELINE_SECONDS), RATE
    )
    forged = "0" * len(tags[0])
    _load(odoo_http, [f"/r/{code}/m/{forged}"] * RATE, RATE)  # warm-up, not timed
    plain, plain_statuses, _wall = _load(
        odoo_http, [f"/r/{code}/m/{forged}"] * (RATE * BASELINE_SECONDS), RATE
    )
    # Each message clicked three times, len(tags) / RATE seconds apart.
    paths = [f"/r/{code}/m/{tags[i % len(tags)]}" for i in range(RATE * SECONDS)]
    tagged, statuses, wall = _load(odoo_http, paths, RATE)
    counting = harness.run("click-count", COUNT)
    recorded = harness.sql(
        "SELECT count(*), count(DISTINCT sms_retention_message_id) "
        f"FROM link_tracker_click WHERE link_id = {clicks['tracker_id']} "
        "AND sms_retention_message_id IS NOT NULL"
    )[0]
    clicked = harness.sql_value(
        "SELECT count(*) FROM sms_retention_message "
        f"WHERE campaign_id = {clicks['campaign_id']} AND clicked_at IS NOT NULL"
    )
    p95_plain, p95 = percentile(plain, 0.95), percentile(tagged, 0.95)
    added = p95 - p95_plain
    FIGURES.append(
        f"click load: {len(paths)} tagged clicks at {RATE}/s in {wall:.1f}s: p50 "
        f"{percentile(tagged, 0.5) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max "
        f"{max(tagged) * 1000:.0f} ms, mean {statistics.mean(tagged) * 1000:.1f} ms; "
        f"the redirect alone (a forged tag): p50 "
        f"{percentile(plain, 0.5) * 1000:.1f} ms, p95 {p95_plain * 1000:.1f} ms; "
        f"added p95 {added * 1000:.1f} ms "
        f"(target {TARGET_ADDED_P95 * 1000:.0f}); {clicked} messages clicked; "
        f"{recorded[0]} clicks on {recorded[1]} messages counted by the job in "
        f"{counting['seconds']:.2f}s; for reference, Odoo's /r/<code> at the same "
        f"rate: p50 {percentile(odoos, 0.5) * 1000:.1f} ms, p95 "
        f"{percentile(odoos, 0.95) * 1000:.1f} ms, "
        f"{len(odoos) - odoo_statuses.count(301)} of {len(odoos)} failed"
    )
    assert plain_statuses.count(302) == len(plain), sorted(set(plain_statuses))
    assert statuses.count(302) == len(paths), sorted(set(statuses))
    assert int(recorded[0]) == len(paths)
    assert int(recorded[1]) == clicked == len(tags)
    assert added <= TARGET_ADDED_P95, f"added p95 {added * 1000:.1f} ms"
