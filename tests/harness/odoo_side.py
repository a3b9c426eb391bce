# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers that run inside the harness's Odoo processes (``h`` in snippets).

Nothing here is imported by pytest itself: these functions need Odoo, which
only the processes started through :mod:`odoo_runner` import.
"""

import os
import time
from datetime import timedelta
from pathlib import Path

from odoo import fields

# Both steps of the sending job take batches of the same size in the harness.
BATCH_PARAMS = ("sms_retention.materialise_batch_size", "sms_retention.send_batch_size")
PARTNER_REF = "smsr-harness-%04d"


def prepare_company(env):
    """Make the main company's sending policy let everything go now.

    The harness tests concurrency, not the policy: no quiet hours, no cap,
    no blackout, no holiday.
    """
    company = env.ref("base.main_company")
    vals = {
        "sms_retention_quiet_start": 0.0,
        "sms_retention_quiet_end": 24.0,
        "sms_retention_cap_count": 0,
    }
    if "sms_retention_quiet_transactional" in company._fields:
        vals["sms_retention_quiet_transactional"] = False
    company.write(vals)
    company.sms_retention_blackout_ids.write({"active": False})
    us = env.ref("base.us")
    env["sms.retention.holiday"].search([("country_id", "=", us.id)]).write(
        {"active": False}
    )
    return company


def _free_numbers(env, count):
    """``count`` fictional New York numbers (``+1212555NNNN``) that no other
    customer uses and that are not blacklisted (demo data uses this range)."""
    Partner = env["res.partner"].with_context(active_test=False)
    taken = set(
        Partner.search([("phone_sanitized", "=like", "+1212555%")])
        .filtered(lambda p: not (p.ref or "").startswith("smsr-harness-"))
        .mapped("phone_sanitized")
    )
    taken |= set(
        env["phone.blacklist"]
        .sudo()
        .with_context(active_test=False)
        .search([("number", "=like", "+1212555%")])
        .mapped("number")
    )
    numbers = (f"+1212555{i:04d}" for i in range(10000))
    return [number for number in numbers if number not in taken][:count]


def unused_numbers(env, count):
    """``count`` fictional New York numbers (``+1212555NNNN``) in no use at
    all: no customer (the harness's included), blacklist entry (active or
    not), inbound SMS or sandbox SMS has them."""
    env.flush_all()
    env.cr.execute(
        """
        SELECT phone_sanitized FROM res_partner WHERE phone_sanitized LIKE %(p)s
        UNION SELECT number FROM phone_blacklist WHERE number LIKE %(p)s
        UNION SELECT from_number FROM sms_retention_inbound
              WHERE from_number LIKE %(p)s
        UNION SELECT number FROM sms_retention_sandbox_message
              WHERE number LIKE %(p)s
        """,
        {"p": "+1212555%"},
    )
    taken = {row[0] for row in env.cr.fetchall()}
    numbers = (f"+1212555{i:04d}" for i in range(10000))
    return [number for number in numbers if number not in taken][:count]


def ensure_partners(env, count):
    """``count`` US customers with distinct valid mobiles who opted in."""
    Partner = env["res.partner"].with_context(tracking_disable=True)
    existing = Partner.search([("ref", "=like", "smsr-harness-%")], order="ref")
    if len(existing) < count:
        used = set(existing.mapped("phone_sanitized"))
        numbers = [n for n in _free_numbers(env, count) if n not in used]
        us = env.ref("base.us")
        # The addon's automation rule on customers (exit survey when lost)
        # cannot fire for new customers but costs ~15 ms each to evaluate:
        # off while creating them, back on before this transaction commits.
        rules = env["base.automation"].search(
            [("model_id.model", "=", "res.partner"), ("active", "=", True)]
        )
        rules.active = False
        existing |= Partner.create(
            [
                {
                    "name": f"Harness Customer {i:04d}",
                    "ref": PARTNER_REF % i,
                    "mobile": number,
                    "country_id": us.id,
                    "sms_retention_consent": "opted_in",
                }
                for i, number in zip(range(len(existing), count), numbers, strict=False)
            ]
        )
        env.flush_all()
        rules.active = True
    return existing[:count]


def new_campaign(env, name):
    """A transactional campaign on res.partner, sent without delay."""
    partner_model = env["ir.model"]._get("res.partner")
    template = env["sms.template"].create(
        {"name": name, "model_id": partner_model.id, "body": "Hi {{ object.name }}"}
    )
    return env["sms.retention.campaign"].create(
        {
            "name": name,
            "kind": "custom",
            "model_id": partner_model.id,
            "sms_template_id": template.id,
            "message_class": "transactional",
            "delay": 0,
            "company_id": env.ref("base.main_company").id,
        }
    )


def setup_scenarios(env, scenarios, batch_size):
    """Plan, for each scenario, messages of a campaign of its own.

    ``scenarios`` maps a name to a message count. The messages are planned a
    year ahead: a scenario makes its own due when it starts (one SQL update,
    see ``Harness.make_due``), so that senders only ever see its messages.
    Any other scheduled message is canceled. Returns, per scenario, its
    ``campaign_id`` and ``message_ids``, and the customers that could not
    be texted (there must be none).
    """
    prepare_company(env)
    for param in BATCH_PARAMS:
        env["ir.config_parameter"].set_param(param, str(batch_size))
    env.flush_all()
    env.cr.execute(
        "UPDATE sms_retention_message SET state = 'canceled' WHERE state = 'scheduled'"
    )
    env.invalidate_all()
    t0 = time.time()
    partners = ensure_partners(env, max(scenarios.values()))
    env.flush_all()
    t1 = time.time()
    company = env.ref("base.main_company")
    planned_at = fields.Datetime.now() + timedelta(days=365)
    result = {}
    for name, count in scenarios.items():
        campaign = new_campaign(env, f"Harness: {name}")
        messages = env["sms.retention.message"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "dedupe_key": f"harness,{partner.id}",
                    "planned_at": planned_at,
                }
                for partner in partners[:count]
            ]
        )
        result[name] = {
            "campaign_id": campaign.id,
            "message_ids": messages.ids,
            "states": sorted(set(messages.mapped("state"))),
        }
    not_sendable = partners.filtered(
        lambda p: p.sms_retention_consent != "opted_in" or p.phone_sanitized_blacklisted
    )
    return {
        "scenarios": result,
        "not_sendable": not_sendable.mapped("display_name"),
        "partners": len(partners),
        "partner_seconds": round(t1 - t0, 1),
        "message_seconds": round(time.time() - t1, 1),
    }


def count_send_batch(env, crash_after=None, on_crash=None):
    """Wrap ``SendingRun.send`` (the provider step) to count what this
    process sends.

    Returns a dict updated as batches go: ``batches``, ``messages`` (messages
    of the locked SMS handed to ``send``) and ``uuids`` (SMS UUIDs of the
    messages it marked sent). With ``crash_after``, the process dies with
    ``os._exit(1)`` right after that batch's ``send`` returns, before the job
    commits it; ``on_crash(info)`` is called first.
    """
    from odoo.addons.sms_retention.sending import SendingRun

    original = SendingRun.send
    counter = {"batches": 0, "messages": 0, "uuids": []}

    def send(run, queued):
        res = original(run, queued)
        message_ids = [row.message_id for row in queued if row.message_id]
        counter["batches"] += 1
        counter["messages"] += len(message_ids)
        sent = run.messages.browse(message_ids).filtered(lambda m: m.state == "sent")
        if crash_after and counter["batches"] == crash_after:
            # Everything the batch did reaches the database, uncommitted.
            run.env.flush_all()
            run.env.cr.execute(
                "SELECT count(*) FROM sms_retention_sandbox_message "
                "WHERE sms_uuid = ANY(%s)",
                [sent.mapped("sms_uuid")],
            )
            info = {
                "crashed_ids": message_ids,
                "crashed_uuids": sent.mapped("sms_uuid"),
                "crashed_sandbox_rows_seen": run.env.cr.fetchone()[0],
            }
            if on_crash:
                on_crash(info)
            os._exit(1)
        counter["uuids"].extend(sent.mapped("sms_uuid"))
        return res

    SendingRun.send = send
    return counter


def pause_before_first_lock(env, paused, go, timeout=60):
    """Hold the sender just before its first lock of due messages
    (``SendingRun.lock``).

    Touches the file ``paused``, then waits for the file ``go``: whatever
    another process commits meanwhile happens after this transaction took
    its snapshot (as an Odoo cron job's does when it reads its server
    action), and before it locks the due messages.
    """
    from odoo.addons.sms_retention.sending import SendingRun

    original = SendingRun.lock
    flags = {"paused": False}

    def lock(run, ids=None, limit=None):
        if not flags["paused"]:
            flags["paused"] = True
            Path(paused).touch()
            deadline = time.time() + timeout
            while not Path(go).exists():
                if time.time() > deadline:
                    raise TimeoutError(f"{go} never appeared")
                time.sleep(0.01)
        return original(run, ids=ids, limit=limit)

    SendingRun.lock = lock


def rendezvous(directory, step, name, peers, timeout=60):
    """Wait until every process of ``peers`` reached ``step`` too.

    For snippets that race several times in a loop: each process touches
    ``directory/step-name``, then waits for its peers' files (a barrier per
    step; ``peers`` includes ``name``). Returns the moment of release.
    """
    Path(directory, f"{step}-{name}").touch()
    deadline = time.time() + timeout
    while not all(Path(directory, f"{step}-{peer}").exists() for peer in peers):
        if time.time() > deadline:
            raise TimeoutError(f"step {step}: peers {peers} never all arrived")
        time.sleep(0.001)
    return time.time()
