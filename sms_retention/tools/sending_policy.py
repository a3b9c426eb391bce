# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sending policy: may this retention SMS go now, later, or never?

Pure logic, no ORM: the sending job gathers the facts for a whole batch in a
constant number of queries and asks :func:`decide` for each message.

Rules, in order:

1. **Consent.** An opted-out or blacklisted customer is never texted
   (``skip: consent``). A marketing SMS needs an opt-in, or unknown consent
   when the company allows it. Transactional SMS need only "not opted out".
2. **Number.** A missing, unreadable or landline number is skipped
   (``skip: invalid_number`` / ``skip: landline``).
3. **Expiry.** A message past its ``expires_at`` (a birthday greeting after
   the birthday) expires (``expire: expired``).
4. **Frequency cap.** At most ``cap_count`` retention SMS per customer in a
   rolling ``cap_days``: when reached, the message waits until the oldest of
   those leaves the window (``defer: cap``), or expires if that is too late.
5. **Quiet hours** in the customer's time zone, with blackouts and holidays:
   outside them the message moves to the next allowed slot, spread over the
   slot's first minutes (``defer: quiet_hours``), or expires if that is too
   late. Transactional messages may ignore quiet hours when the company says
   so; opt-out confirmations always do (they are not retention messages).

SMS sent now, outside the job (auto-replies, confirmations, survey
questions, answers, tests, and Odoo's own SMS of companies that apply the
policy to all SMS), are asked of :func:`decide_now` with their mode.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .send_window import SendingPolicy, next_allowed

SEND = "send"
DEFER = "defer"
SKIP = "skip"
EXPIRE = "expire"

# How an SMS sent now is gated (see :func:`decide_now`).
FULL_POLICY = "full"
CONSENT_ONLY = "consent"
OPT_OUT_CONFIRMATION = "opt_out_confirmation"


@dataclass(frozen=True)
class Facts:
    """What the job knows about one message when it falls due."""

    key: int
    consent: str  # opted_in / unknown / opted_out
    blacklisted: bool
    number_ok: bool
    landline: bool
    marketing: bool
    allow_unknown_consent: bool
    tz: str
    expires_at: datetime | None = None
    sent_in_window: tuple[datetime, ...] = ()  # sent_at of recent retention SMS


@dataclass(frozen=True)
class Decision:
    action: str
    reason: str | None = None
    when: datetime | None = None


def decide(
    facts,
    now,
    policy: SendingPolicy,
    cap_count=2,
    cap_days=7,
    quiet=True,
    allowed_at=None,
):
    """Decide the fate of one due message (all datetimes naive UTC).

    ``allowed_at(when, tz, key)``, when given, stands for
    ``next_allowed(policy, when, tz, key=key)`` (a batch memoises it).
    """
    if facts.blacklisted or facts.consent == "opted_out":
        return Decision(SKIP, "consent")
    if facts.marketing and facts.consent != "opted_in":
        if not (facts.consent == "unknown" and facts.allow_unknown_consent):
            return Decision(SKIP, "consent")
    if not facts.number_ok:
        return Decision(SKIP, "invalid_number")
    if facts.landline:
        return Decision(SKIP, "landline")
    if facts.expires_at and now >= facts.expires_at:
        return Decision(EXPIRE, "expired")

    when, reason = now, None
    if cap_count and cap_days:
        window_start = now - timedelta(days=cap_days)
        recent = sorted(sent for sent in facts.sent_in_window if sent > window_start)
        if len(recent) >= cap_count:
            # Free once enough of them have left the rolling window.
            when = recent[len(recent) - cap_count] + timedelta(days=cap_days)
            reason = "cap"
    if quiet:
        allowed = (
            allowed_at(when, facts.tz, facts.key)
            if allowed_at
            else next_allowed(policy, when, facts.tz, key=facts.key)
        )
        if allowed is None:
            return Decision(EXPIRE, "expired")
        if allowed != when:
            reason = reason or "quiet_hours"
            when = allowed
    if facts.expires_at and when >= facts.expires_at:
        return Decision(EXPIRE, "expired")
    if reason:
        return Decision(DEFER, reason, when)
    return Decision(SEND)


def decide_now(facts, mode, now, policy=None, allowed_at=None):
    """Decide an SMS sent now, outside the job, by its ``mode`` (naive UTC).

    Such an SMS is no retention message: no frequency cap, no expiry, and
    a landline is not refused (the customer wrote from it, or a user chose
    it). Consent is that of a transactional SMS.

    - ``full``: consent and number as :func:`decide`, then the sending
      hours: outside them it waits for the next allowed instant
      (``defer: quiet_hours``), or never goes if none comes
      (``expire: expired``);
    - ``consent``: consent and number only; the hour only warns (the
      customer is in a conversation);
    - ``opt_out_confirmation``: the number only: it goes to an opted-out,
      blacklisted number.

    ``policy`` and ``allowed_at`` as for :func:`decide`; only ``full``
    needs them.
    """
    if mode == OPT_OUT_CONFIRMATION:
        facts = replace(facts, consent="unknown", blacklisted=False)
    elif mode not in (FULL_POLICY, CONSENT_ONLY):
        raise ValueError(f"unknown sending mode: {mode}")
    facts = replace(
        facts, marketing=False, landline=False, expires_at=None, sent_in_window=()
    )
    return decide(
        facts,
        now,
        policy,
        cap_count=0,
        quiet=mode == FULL_POLICY,
        allowed_at=allowed_at,
    )
