# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Twilio provider against a real Odoo HTTP server and the fake Twilio.

One Odoo server (threaded, as ``odoo -c ...``) on the harness database; the
fake Twilio server runs in this pytest process, signs like Twilio and posts
to Odoo over real sockets. Scenarios:

* load: signed inbound SMS at 20 requests per second for 60 seconds;
  latency p50/p95/max (target p95 < 300 ms), no 5xx, one row each;
* duplicates: the same MessageSid delivered twice at the same moment: 1 row;
* unsigned: 1,000 requests without a valid signature: 0 writes;
* status storm: each message's callbacks (duplicates, out of order) posted
  all at once: the final status is right, no 5xx;
* crash: a sending process killed by the fake Twilio right after it accepted
  the k-th SMS of a batch (before Odoo's commit), then a new process sends
  the queue again: duplicates per uuid (Odoo core would resend k).
"""

import importlib.util
import os
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from .common import FIGURES, REPO, HarnessError, percentile

FAKE = REPO / "sms_retention_provider_twilio" / "tests" / "fake_twilio.py"
LOAD_RATE = int(os.environ.get("SMSR_TWILIO_LOAD_RATE", 20))
LOAD_SECONDS = int(os.environ.get("SMSR_TWILIO_LOAD_SECONDS", 60))
DUPLICATE_ROUNDS = 10
UNSIGNED = 1000
STATUS_MESSAGES = 20
CRASH_BATCH = 40
CRASH_AFTER = 15

SETUP = """
company = h.prepare_company(env)
company.write({
    "sms_retention_provider": "sms_retention_twilio",
    "sms_retention_twilio_account_sid": params["account_sid"],
    "sms_retention_twilio_auth_token": params["auth_token"],
    "sms_retention_twilio_from_number": params["from_number"],
    "sms_retention_twilio_api_url": params["api_url"],
    "sms_retention_twilio_public_url": params["public_url"],
    "sms_retention_twilio_rate": 0,
    "sms_retention_twilio_batch_size": 500,
    "sms_retention_twilio_timeout": 5,
})
numbers = h.unused_numbers(env, params["count"])
us = env.ref("base.us")
partners = env["res.partner"].with_context(tracking_disable=True).create([
    {"name": f"Harness Twilio Customer {i:02d}", "mobile": number,
     "country_id": us.id, "sms_retention_consent": "opted_in"}
    for i, number in enumerate(numbers[: params["customers"]])
])
result["customers"] = partners.mapped("phone_sanitized")
result["numbers"] = numbers
result["company_id"] = company.id
"""

QUEUE = """
company = env["res.company"].browse(params["company_id"])
sms = env["sms.sms"].create([
    {"number": number, "body": f"Harness Twilio SMS {i}",
     "sms_retention_company_id": company.id}
    for i, number in enumerate(params["numbers"])
])
result["uuids"] = sms.mapped("uuid")
"""

SEND_QUEUE = """
result["pid"] = __import__("os").getpid()
emit()
env["sms.sms"]._process_queue()
result["done"] = True
"""


def _load_fake():
    spec = importlib.util.spec_from_file_location("smsr_fake_twilio", FAKE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def twilio(harness, odoo_http):
    """The fake Twilio, the company set up on it, and the Odoo HTTP server."""
    fake_twilio = _load_fake()
    fake = fake_twilio.FakeTwilio(numbers=("+15005550006",)).start()
    public = odoo_http
    setup = harness.run(
        "twilio-setup",
        SETUP,
        {
            "account_sid": fake.account_sid,
            "auth_token": fake.auth_token,
            "from_number": "+15005550006",
            "api_url": fake.url,
            "public_url": public,
            "count": 300,
            "customers": 40,
        },
    )
    try:
        yield {
            "fake": fake,
            "public": public,
            "inbound": f"{public}/sms_retention_twilio/inbound",
            **setup,
        }
    finally:
        fake.stop()


def _wait_for_no_transactions(harness, timeout=30):
    """The killed process's transaction is gone (the HTTP server stays)."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
    )
    deadline = time.time() + timeout
    while harness.sql_value(query):
        if time.time() > deadline:
            raise HarnessError("a transaction of the killed process is still open")
        time.sleep(0.05)


def _inbound_rows(harness):
    return harness.sql_value(
        "SELECT count(*) FROM sms_retention_inbound "
        "WHERE provider = 'sms_retention_twilio'"
    )


def _writes(harness):
    return harness.sql(
        "SELECT (SELECT count(*) FROM sms_retention_inbound), "
        "(SELECT count(*) FROM phone_blacklist), "
        "(SELECT count(*) FROM mail_message), "
        "(SELECT count(*) FROM sms_sms), "
        "(SELECT count(*) FROM sms_retention_consent_log)"
    )[0]


def test_inbound_load(harness, twilio):
    fake, senders = twilio["fake"], twilio["numbers"]
    total = LOAD_RATE * LOAD_SECONDS
    before = _inbound_rows(harness)
    latencies, statuses, lock = [], [], threading.Lock()

    def one(index):
        sender = senders[index % len(senders)]
        body = ["Thanks!", "When does the shop open?", "8", "Great service"][index % 4]
        start = time.perf_counter()
        status, _text, _sid = fake.post_inbound(twilio["inbound"], sender, body)
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            statuses.append(status)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for index in range(total):
            delay = t0 + index / LOAD_RATE - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, index)
    wall = time.perf_counter() - t0
    rows = _inbound_rows(harness) - before
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    errors = sum(1 for status in statuses if status >= 500)
    FIGURES.append(
        f"twilio inbound load: {total} signed requests at {LOAD_RATE}/s in "
        f"{wall:.1f}s: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max "
        f"{max(latencies) * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} "
        f"ms; non-200 {sum(1 for s in statuses if s != 200)}, 5xx {errors}; rows {rows}"
    )
    assert statuses.count(200) == total, sorted(set(statuses))
    assert rows == total
    assert p95 < 0.3, f"p95 {p95:.3f}s"


def test_duplicate_deliveries_at_once(harness, twilio):
    fake = twilio["fake"]
    statuses, rows = [], []
    for round_no in range(DUPLICATE_ROUNDS):
        sid = "SM" + uuid.uuid4().hex
        sender = twilio["customers"][round_no]
        barrier = threading.Barrier(2)

        def deliver(sid=sid, sender=sender, barrier=barrier):
            barrier.wait()
            return fake.post_inbound(twilio["inbound"], sender, "Thank you", sid=sid)

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda _i, d=deliver: d(), range(2)))
        statuses += [status for status, _text, _sid in results]
        rows.append(
            harness.sql_value(
                "SELECT count(*) FROM sms_retention_inbound "
                f"WHERE provider_message_id = '{sid}'"
            )
        )
    FIGURES.append(
        f"twilio duplicate deliveries: {DUPLICATE_ROUNDS} rounds of 2 identical "
        f"deliveries at once: rows per MessageSid {sorted(set(rows))}, statuses "
        f"{sorted(set(statuses))}"
    )
    assert set(rows) == {1}
    assert set(statuses) == {200}


def test_unsigned_requests_write_nothing(harness, twilio):
    fake = twilio["fake"]
    before = _writes(harness)
    statuses = []

    def forged(index):
        params = {
            "AccountSid": fake.account_sid,
            "MessageSid": "SM" + uuid.uuid4().hex,
            "From": twilio["customers"][index % 20],
            "To": "+15005550006",
            "Body": "STOP" if index % 2 else "8",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if index % 3 == 1:
            headers["X-Twilio-Signature"] = fake_sig(index)
        elif index % 3 == 2:
            headers["X-Twilio-Signature"] = _load_fake().sign(
                "not-the-token", twilio["inbound"], sorted(params.items())
            )
        request = urllib.request.Request(
            twilio["inbound"],
            data=urllib.parse.urlencode(params).encode(),
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def fake_sig(index):
        return f"{index:028d}="

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(forged, range(UNSIGNED)))
    wall = time.perf_counter() - t0
    after = _writes(harness)
    FIGURES.append(
        f"twilio unsigned/forged: {UNSIGNED} requests in {wall:.1f}s: statuses "
        f"{ {s: statuses.count(s) for s in set(statuses)} }; writes (inbound, "
        f"blacklist, messages, sms, consent) {before} -> {after}"
    )
    assert set(statuses) == {403}
    assert after == before


def test_crash_mid_batch_no_duplicates(harness, twilio):
    fake = twilio["fake"]
    numbers = twilio["numbers"][-CRASH_BATCH:]
    queued = harness.run(
        "twilio-queue", QUEUE, {"company_id": twilio["company_id"], "numbers": numbers}
    )
    uuids = set(queued["uuids"])
    accepted = []
    process = harness.start("twilio-send-crash", SEND_QUEUE)

    def kill_after(message):
        if message["_uuid"] in uuids:
            accepted.append(message["sid"])
            if len(accepted) == CRASH_AFTER:
                # Twilio has it; Odoo dies before reading the answer.
                process.popen.kill()

    fake.on_create = kill_after
    try:
        outcome = process.wait(120)
    finally:
        fake.on_create = None
    assert outcome.returncode != 0 and not outcome.result.get(
        "done"
    ), outcome.describe()
    accepted_at_kill = len(accepted)
    _wait_for_no_transactions(harness)
    outgoing = harness.sql_value(
        "SELECT count(*) FROM sms_sms WHERE state = 'outgoing' AND uuid IN ("
        + ",".join(f"'{u}'" for u in uuids)
        + ")"
    )
    resumed = harness.run("twilio-send-resume", SEND_QUEUE, timeout=180)
    assert resumed.get("done")
    posts = fake.posts_per_uuid()
    messages = fake.messages_per_uuid()
    duplicates = sum(messages[u] - 1 for u in uuids if messages[u] > 1)
    missing = sum(1 for u in uuids if not messages[u])
    reconciled = harness.sql_value(
        "SELECT count(*) FROM sms_retention_twilio_attempt WHERE state = 'accepted' "
        "AND post_count = 1 AND sms_uuid IN (" + ",".join(f"'{u}'" for u in uuids) + ")"
    )
    FIGURES.append(
        f"twilio crash mid-batch: batch of {CRASH_BATCH}, process killed after "
        f"Twilio accepted {accepted_at_kill} (uncommitted: {outgoing} SMS still "
        f"outgoing, so Odoo core would resend {accepted_at_kill}); after restart: "
        f"{duplicates} duplicates, {missing} missing, "
        f"{sum(posts[u] for u in uuids)} create requests for {len(uuids)} SMS, "
        f"{reconciled} accepted with one request"
    )
    assert outgoing == CRASH_BATCH
    assert duplicates == 0 and missing == 0


def test_status_callbacks_at_once(harness, twilio):
    fake = twilio["fake"]
    fake.odoo_url = twilio["public"]
    numbers = twilio["numbers"][-CRASH_BATCH - STATUS_MESSAGES : -CRASH_BATCH]
    queued = harness.run(
        "twilio-status-queue",
        QUEUE,
        {"company_id": twilio["company_id"], "numbers": numbers},
    )
    harness.run("twilio-status-send", SEND_QUEUE)
    uuids = set(queued["uuids"])
    sids = [m["sid"] for m in list(fake.messages.values()) if m["_uuid"] in uuids]
    assert len(sids) == STATUS_MESSAGES
    storm = ["delivered", "sent", "queued", "delivered", "sent"]
    statuses, latencies = [], []
    t0 = time.perf_counter()
    for sid in sids:
        barrier = threading.Barrier(len(storm))

        def post(status, sid=sid, barrier=barrier):
            barrier.wait()
            start = time.perf_counter()
            code = fake.post_status(sid, status)[0]
            latencies.append(time.perf_counter() - start)
            return code

        with ThreadPoolExecutor(max_workers=len(storm)) as pool:
            statuses += list(pool.map(post, storm))
    wall = time.perf_counter() - t0
    finals = dict(
        harness.sql(
            "SELECT status, count(*) FROM sms_retention_twilio_attempt WHERE "
            "sms_uuid IN (" + ",".join(f"'{u}'" for u in uuids) + ") GROUP BY status"
        )
    )
    FIGURES.append(
        f"twilio status storm: {STATUS_MESSAGES} messages x {len(storm)} callbacks "
        f"(2 duplicates, out of order) at once, in {wall:.1f}s: final statuses "
        f"{finals}; HTTP {sorted(set(statuses))}; latency p50 "
        f"{percentile(latencies, 0.5) * 1000:.0f} ms, p95 "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms, max "
        f"{max(latencies) * 1000:.0f} ms (concurrent updates of one message "
        "are retried by Odoo)"
    )
    assert set(statuses) == {200}
    assert finals == {"delivered": str(STATUS_MESSAGES)}
