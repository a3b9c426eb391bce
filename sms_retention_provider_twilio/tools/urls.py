# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""URLs of the Twilio REST API and of our webhooks, free of the ORM."""

import ipaddress
from urllib.parse import quote, urlencode, urlsplit

DEFAULT_API_URL = "https://api.twilio.com"
INBOUND_PATH = "/sms_retention_twilio/inbound"
STATUS_PATH = "/sms_retention_twilio/status"


def api_url(base, account_sid, resource=""):
    """``{base}/2010-04-01/Accounts/{sid}{resource}.json``."""
    base = (base or DEFAULT_API_URL).rstrip("/")
    return f"{base}/2010-04-01/Accounts/{quote(account_sid, safe='')}{resource}.json"


def messages_url(base, account_sid, message_sid=None):
    resource = "/Messages" + (f"/{quote(message_sid, safe='')}" if message_sid else "")
    return api_url(base, account_sid, resource)


def webhook_url(public_base, path, **query):
    url = (public_base or "").rstrip("/") + path
    if query:
        url += "?" + urlencode(query)
    return url


# Why Twilio, on the internet, cannot call a webhook URL.
UNREACHABLE_INVALID = "invalid"  # empty, or no scheme or host
UNREACHABLE_SCHEME = "scheme"  # neither http nor https
UNREACHABLE_HTTP = "http"  # plain http: reachable, but nothing is encrypted
UNREACHABLE_LOCALHOST = "localhost"  # localhost, *.localhost
UNREACHABLE_LOCAL_NAME = "local_name"  # *.local, *.internal, one-label names
UNREACHABLE_LOOPBACK = "loopback"  # 127.0.0.0/8, ::1
UNREACHABLE_PRIVATE = "private"  # 10/8, 172.16/12, 192.168/16, fc00::/7
UNREACHABLE_LINK_LOCAL = "link_local"  # 169.254/16, fe80::/10
UNREACHABLE_CGNAT = "cgnat"  # 100.64/10, a carrier's shared address space
UNREACHABLE_RESERVED = "reserved"  # any other address that is not global

# Names that only resolve inside a network (RFC 6761, 6762, 8375; ICANN).
LOCAL_SUFFIXES = (
    ".local",
    ".localdomain",
    ".internal",
    ".intranet",
    ".lan",
    ".home",
    ".home.arpa",
    ".corp",
    ".test",
    ".invalid",
    ".example",
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def unreachable_reason(url):
    """Why Twilio cannot call ``url`` (an ``UNREACHABLE_*`` value), or None.

    Judged from the URL alone, without any DNS lookup: a scheme other than
    https, a local host name, or an IP address that is not public.
    """
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").rstrip(".").lower()
        port = parts.port  # ValueError beyond 65535
    except ValueError:  # e.g. an invalid port or IPv6 literal
        return UNREACHABLE_INVALID
    if not parts.scheme or not host or port == 0:
        return UNREACHABLE_INVALID
    if parts.scheme not in ("http", "https"):
        return UNREACHABLE_SCHEME
    host_reason = _host_reason(host)
    if host_reason:
        return host_reason
    if parts.scheme == "http":
        return UNREACHABLE_HTTP
    return None


def _host_reason(host):
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            return UNREACHABLE_LOCALHOST
        if "." not in host or host.endswith(LOCAL_SUFFIXES):
            return UNREACHABLE_LOCAL_NAME
        return None
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if address.is_loopback:
        return UNREACHABLE_LOOPBACK
    if address.is_link_local:
        return UNREACHABLE_LINK_LOCAL
    if address.version == 4 and address in CGNAT:
        return UNREACHABLE_CGNAT
    if any(
        address.version == network.version and address in network
        for network in PRIVATE_NETWORKS
    ):
        return UNREACHABLE_PRIVATE
    if not address.is_global or address.is_multicast:
        return UNREACHABLE_RESERVED
    return None


def host_of(url):
    """The host name of ``url`` (with its port when one is given), or ``url``."""
    try:
        return urlsplit(url or "").netloc.rpartition("@")[2] or url or ""
    except ValueError:
        return url or ""
