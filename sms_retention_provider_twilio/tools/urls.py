# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""URLs of the Twilio REST API and of our webhooks, free of the ORM."""

from urllib.parse import quote, urlencode

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
