# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What Twilio's answers and statuses mean for Odoo, free of the ORM."""

import random
import socket
import ssl

import requests

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


# Why a request to Twilio got no answer (``connection_failure``).
FAILURE_DNS = "dns"  # the host name does not resolve
FAILURE_REFUSED = "refused"  # nothing listens there, or a firewall rejects
FAILURE_CONNECT_TIMEOUT = "connect_timeout"  # no connection within the timeout
FAILURE_READ_TIMEOUT = "read_timeout"  # connected, no answer within the timeout
FAILURE_TLS = "tls"  # the https handshake or certificate check failed
FAILURE_PROXY = "proxy"  # the HTTP(S) proxy failed
FAILURE_INVALID_URL = "invalid_url"  # the API URL cannot be requested
FAILURE_CONNECTION = "connection"  # reset, closed, or another network error
FAILURE_OTHER = "other"

# What an HTTP error status of Twilio means (``http_failure``).
FAILURE_CREDENTIALS = "credentials"  # 401
FAILURE_FORBIDDEN = "forbidden"  # 403
FAILURE_NOT_FOUND = "not_found"  # 404
FAILURE_BUSY = "busy"  # 429
FAILURE_SERVER = "server"  # 5xx
FAILURE_REQUEST = "request"  # any other 4xx

_DETAIL_MAX = 300


def _exception_chain(exc):
    """``exc`` and the errors it wraps, outermost first.

    requests wraps urllib3's errors, which wrap the socket's: in ``args``,
    ``reason``, ``__cause__`` or ``__context__``.
    """
    seen = set()
    pending = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)
        pending.extend((current.__cause__, current.__context__))


def connection_failure(exc):
    """``(FAILURE_*, detail)`` of a request exception that got no answer.

    ``detail`` is the system's own message of the innermost network error
    (e.g. ``[Errno 111] Connection refused``), for the administrator to
    search; else the message of ``exc``.
    """
    chain = list(_exception_chain(exc))
    system_errors = [
        error
        for error in chain
        if isinstance(error, OSError)
        and not isinstance(error, requests.RequestException)
    ]
    innermost = system_errors[-1] if system_errors else exc
    detail = (str(innermost) or innermost.__class__.__name__)[:_DETAIL_MAX]

    def has(*classes):
        return any(isinstance(error, classes) for error in chain)

    if has(requests.exceptions.SSLError, ssl.SSLError):
        kind = FAILURE_TLS
    elif has(requests.exceptions.ProxyError):
        kind = FAILURE_PROXY
    elif has(requests.exceptions.ConnectTimeout):
        kind = FAILURE_CONNECT_TIMEOUT
    elif has(requests.exceptions.Timeout, TimeoutError):
        kind = FAILURE_READ_TIMEOUT
    elif has(socket.gaierror) or any(
        error.__class__.__name__ == "NameResolutionError" for error in chain
    ):
        kind = FAILURE_DNS
    elif has(ConnectionRefusedError):
        kind = FAILURE_REFUSED
    elif has(
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
    ):
        kind = FAILURE_INVALID_URL
    elif has(requests.exceptions.ConnectionError, ConnectionError):
        kind = FAILURE_CONNECTION
    else:
        kind = FAILURE_OTHER
    return kind, detail


def http_failure(status):
    """``FAILURE_*`` of an HTTP error status (400 and above) of Twilio."""
    status = int(status)
    if status == 401:
        return FAILURE_CREDENTIALS
    if status == 403:
        return FAILURE_FORBIDDEN
    if status == 404:
        return FAILURE_NOT_FOUND
    if status == 429:
        return FAILURE_BUSY
    if status >= 500:
        return FAILURE_SERVER
    return FAILURE_REQUEST
