# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What Twilio's answers and statuses mean for Odoo, free of the ORM."""

import random

# REST errors of Messages create.
INVALID_TO = 21211  # "To" is not a valid phone number
OPTED_OUT = 21610  # the recipient replied STOP to this sender
NOT_MOBILE = 21614  # "To" is not a mobile number (landline, invalid)
TOO_MANY_REQUESTS = 20429
AUTHENTICATION = 20003

# Result states of ``_send_sms_batch``, as ``sms.sms`` understands them (see
# ``SmsSms.IAP_TO_SMS_STATE_SUCCESS`` / ``IAP_TO_SMS_FAILURE_TYPE``; the
# ``twilio_*`` ones are added by this addon's ``sms.sms``).
STATE_ACCEPTED = "success"
STATE_UNKNOWN = "processing"  # sent, outcome unknown: settled later
STATE_WRONG_NUMBER = "wrong_number_format"
STATE_NOT_MOBILE = "twilio_not_mobile"
STATE_OPTED_OUT = "twilio_opted_out"
STATE_SERVER_ERROR = "server_error"
STATE_ACCOUNT = "unregistered"

REST_ERROR_STATES = {
    INVALID_TO: STATE_WRONG_NUMBER,
    NOT_MOBILE: STATE_NOT_MOBILE,
    OPTED_OUT: STATE_OPTED_OUT,
    AUTHENTICATION: STATE_ACCOUNT,
    20404: STATE_ACCOUNT,
}

# Delivery errors of status callbacks -> Odoo provider error, as understood by
# ``sms.tracker._action_update_from_provider_error`` ("sms_" + value).
DELIVERY_ERRORS = {
    30001: "not_delivered",  # queue overflow
    30002: "not_allowed",  # account suspended
    30003: "not_delivered",  # unreachable handset (may be transient)
    30004: "not_allowed",  # message blocked
    30005: "invalid_destination",  # unknown destination handset
    30006: "invalid_destination",  # landline or unreachable carrier
    30007: "rejected",  # carrier violation (filtered)
    30008: "not_delivered",  # unknown error
    30036: "expired",  # validity period expired
}
RETRYABLE_DELIVERY_ERRORS = {30003}

# Message statuses, ranked: a callback never moves a message backwards.
STATUS_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "canceled": 5,
    "read": 6,
}
FINAL_STATUSES = {"delivered", "undelivered", "failed", "canceled", "read"}
# Status -> state of ``sms.sms`` / ``sms.tracker`` for successful statuses.
SUCCESS_SMS_STATES = {
    "accepted": "process",
    "scheduled": "process",
    "queued": "process",
    "sending": "process",
    "sent": "pending",
    "delivered": "sent",
    "read": "sent",
}


def rest_error_state(code):
    """``_send_sms_batch`` state of a Twilio REST error code."""
    return REST_ERROR_STATES.get(int(code or 0), STATE_SERVER_ERROR)


def delivery_error(code):
    """Odoo provider error of a delivery ErrorCode ("not_delivered" if new)."""
    try:
        return DELIVERY_ERRORS.get(int(code), "not_delivered")
    except (TypeError, ValueError):
        return "not_delivered"


def is_forward(current, new):
    """Whether status ``new`` moves a message at status ``current`` forward.

    Unknown statuses never move; the first final status wins.
    """
    if new not in STATUS_RANK:
        return False
    if not current:
        return True
    if current in FINAL_STATUSES and new != "read":
        return False
    return STATUS_RANK[new] > STATUS_RANK.get(current, 0)


def backoff_delay(attempt, base=0.5, cap=30.0, retry_after=None, rand=random.random):
    """Seconds to wait before retry ``attempt`` (1 for the first retry).

    Exponential with full jitter on the upper half (base * 2**(n-1), halved
    to doubled), never less than ``Retry-After`` and never more than ``cap``
    (unless Retry-After asks for more, within twice the cap).
    """
    delay = min(cap, base * (2 ** max(attempt - 1, 0)))
    delay = delay / 2 + rand() * delay / 2
    if retry_after is not None:
        delay = max(delay, min(float(retry_after), cap * 2))
    return delay


def parse_retry_after(value):
    """Seconds of a ``Retry-After`` header (delta-seconds form), or None."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None
