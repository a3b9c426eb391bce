# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio webhook signatures (``X-Twilio-Signature``), free of the ORM.

The signature is base64(HMAC-SHA1(auth token, URL + each key and value of
the POST form, sorted by key, every value of a repeated key included)). The
URL is the full public URL Twilio called, with its raw query string. Like
Twilio's own validator, the URL is accepted with and without the default
port of its scheme.
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"https": 443, "http": 80}


def _items(params):
    """``(key, value)`` pairs of a dict, a list of pairs or a MultiDict."""
    if params is None:
        return []
    if hasattr(params, "items") and hasattr(params, "getlist"):
        return [(key, value) for key in params for value in params.getlist(key)]
    if hasattr(params, "items"):
        pairs = []
        for key, value in params.items():
            if isinstance(value, list | tuple):
                pairs.extend((key, item) for item in value)
            else:
                pairs.append((key, value))
        return pairs
    return list(params)


def signed_payload(url, params=None):
    """The text Twilio signs: the URL, then each key and value sorted."""
    pairs = sorted((str(k), str(v)) for k, v in _items(params))
    return url + "".join(key + value for key, value in pairs)


def compute_signature(auth_token, url, params=None):
    """Base64 HMAC-SHA1 signature of ``url`` and form ``params``."""
    digest = hmac.new(
        auth_token.encode("utf-8"),
        signed_payload(url, params).encode("utf-8"),
        hashlib.sha1,
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def url_variants(url):
    """``url`` as given, without its default port, and with it."""
    parts = urlsplit(url)
    default = DEFAULT_PORTS.get(parts.scheme)
    variants = [url]
    if not default or not parts.hostname:
        return variants
    netloc = parts.netloc.rsplit("@", 1)[-1]
    userinfo = parts.netloc[: -len(netloc)] if netloc != parts.netloc else ""
    host = netloc.rsplit(":", 1)[0] if parts.port else netloc
    if parts.port == default:
        variants.append(urlunsplit(parts._replace(netloc=userinfo + host)))
    elif parts.port is None:
        variants.append(
            urlunsplit(parts._replace(netloc=f"{userinfo}{host}:{default}"))
        )
    return variants


def validate_signature(auth_token, urls, params, signature):
    """Whether ``signature`` signs ``params`` for one of ``urls`` with the token.

    Fails closed: no token or no signature is never valid. Compares in
    constant time.
    """
    if not auth_token or not signature:
        return False
    if isinstance(urls, str):
        urls = [urls]
    expected_signature = signature.encode("utf-8", errors="replace")
    valid = False
    for url in urls:
        for variant in url_variants(url):
            candidate = compute_signature(auth_token, variant, params).encode("ascii")
            # No early exit: every variant is compared, in constant time.
            valid |= hmac.compare_digest(candidate, expected_signature)
    return valid


def public_url(base_url, path, query_string=""):
    """The URL Twilio calls: configured public base, request path, raw query."""
    url = (base_url or "").rstrip("/") + path
    if query_string:
        if isinstance(query_string, bytes):
            query_string = query_string.decode("latin-1")
        url += "?" + query_string
    return url
