# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tracked links per message, free of the ORM.

A retention SMS shares Odoo's short link of each URL (``<base>/r/<code>``,
one ``link.tracker`` per URL) and appends its message's signed tag:
``<base>/r/<code>/m/<tag>``. The tag is the message id and a short HMAC of
it, so a click tells which message, customer, campaign and variant it
belongs to, and nobody can count clicks for another message by guessing
ids.

A click is a person's only if it is not a link preview: preview fetchers
(iMessage, WhatsApp, Facebook, Slack, Telegram, Twitter, Google and other
robots), ``HEAD`` requests, and any click within a few seconds of the
message's send or delivery (a phone that fetches the page to draw a
preview does so as the SMS arrives).
"""

import hashlib
import hmac
import re
from datetime import timedelta

# The path segment between a short link and its message's tag.
TAG_SEGMENT = "/m/"
# Characters of the HMAC in a tag, in base 36 (about 36 bits): letters and
# digits only, which every phone keeps in the link it underlines.
SIGNATURE_LENGTH = 7
# A tag as long as that of a message id of 10 digits, for previews and
# segment counts of SMS that belong to no message yet.
SAMPLE_TAG = "z" * 7 + "0" * SIGNATURE_LENGTH
# What a tag opens: a tracked link, or the message's web opt-out page.
LINK = "link"
OPTOUT = "optout"
# The web opt-out page of a message: ``<base>/sms/optout/<tag>``.
OPTOUT_PATH = "/sms/optout/"

# A click this close to the send or the delivery is a link preview.
PREVIEW_SECONDS = 5
# User agents of link-preview fetchers and robots (lower case). iMessage
# announces itself as ``facebookexternalhit ... Twitterbot``.
PREVIEW_AGENTS = (
    "facebookexternalhit",
    "facebot",
    "twitterbot",
    "whatsapp",
    "slackbot",
    "slack-imgproxy",
    "telegrambot",
    "googlebot",
    "google-pagerenderer",
    "googleimageproxy",
    "google-read-aloud",
    "apis-google",
    "discordbot",
    "linkedinbot",
    "skypeuripreview",
    "viber",
    "line-poker",
    "bingbot",
    "bingpreview",
    "yandexbot",
    "baiduspider",
    "applebot",
    "bot/",
    "bot;",
    "crawler",
    "spider",
    "preview",
    "curl/",
    "wget/",
    "python-requests",
)


def _signature(secret, message_id, purpose):
    digest = hmac.new(
        secret.encode(),
        f"sms_retention.{purpose}:{message_id}".encode(),
        hashlib.sha256,
    ).digest()
    number = int.from_bytes(digest[:8], "big") % 36**SIGNATURE_LENGTH
    return _base36(number).rjust(SIGNATURE_LENGTH, "0")


def _base36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def message_tag(secret, message_id, purpose=LINK):
    """The tag of ``message_id``: its id in base 36, then its signature for
    ``purpose`` (:data:`LINK` or :data:`OPTOUT`): a link's tag does not open
    the opt-out page."""
    return _base36(message_id) + _signature(secret, message_id, purpose)


def read_tag(secret, tag, purpose=LINK):
    """The message id of ``tag``, or None if it is not a tag signed with
    ``secret`` for ``purpose``."""
    tag = tag or ""
    if len(tag) <= SIGNATURE_LENGTH or len(tag) > len(SAMPLE_TAG):
        return None
    head, signature = tag[:-SIGNATURE_LENGTH], tag[-SIGNATURE_LENGTH:]
    try:
        message_id = int(head, 36)
    except ValueError:
        return None
    if head != _base36(message_id):  # one spelling per id
        return None
    if not hmac.compare_digest(_signature(secret, message_id, purpose), signature):
        return None
    return message_id


def optout_url(base_url, tag=SAMPLE_TAG):
    """The address of the web opt-out page of the message of ``tag`` (an
    :data:`OPTOUT` tag). The sample tag, as long as any, stands for the
    message's in an opt-out text, until :meth:`LinkRewriter.tag` sets it."""
    return f"{base_url.rstrip('/')}{OPTOUT_PATH}{tag}"


class LinkRewriter:
    """The links of the SMS of the server at ``base_url``, for a database
    whose secret is ``secret``: built once, used for every SMS of a run.

    ``full_urls`` is its memo of ``{short link code: address}``, so each
    code's address is read once (see :meth:`expand`).
    """

    def __init__(self, secret, base_url):
        self.secret = secret
        self.base_url = base_url.rstrip("/")
        # The server's short links, not already tagged.
        self._untagged = re.compile(
            re.escape(self.base_url) + r"/r/[A-Za-z0-9]+(?![A-Za-z0-9/])"
        )
        # The server's short links, tagged or not; the code is group 1.
        self._any = re.compile(
            re.escape(self.base_url) + r"/r/([A-Za-z0-9]+)(?:/m/[0-9a-z]+)?"
        )
        self._sample_optout = OPTOUT_PATH + SAMPLE_TAG
        self.full_urls = {}

    def tag(self, text, message_id=None):
        """``text`` with the tag of message ``message_id`` appended to each
        short link of this server, and the message's own web opt-out page
        in its opt-out text; without a message (the preview, the test SMS),
        the sample tag of the same length on the links."""
        if message_id and self._sample_optout in text:
            text = text.replace(
                self._sample_optout,
                OPTOUT_PATH + message_tag(self.secret, message_id, OPTOUT),
            )
        if "/r/" not in text:
            return text
        link_tag = message_tag(self.secret, message_id) if message_id else SAMPLE_TAG
        return self._untagged.sub(
            lambda match: f"{match.group(0)}{TAG_SEGMENT}{link_tag}", text
        )

    def expand(self, text, url_of_code):
        """``text`` with each short link of this server (tagged or not)
        replaced by the address it redirects to, for countries that ban
        link shorteners; ``url_of_code(code)`` gives it (None: kept short),
        once per code."""
        if "/r/" not in text:
            return text

        def full(match):
            code = match.group(1)
            if code not in self.full_urls:
                self.full_urls[code] = url_of_code(code)
            return self.full_urls[code] or match.group(0)

        return self._any.sub(full, text)


def is_preview_request(method, user_agent):
    """Whether a request is a link preview or a robot, not a person."""
    if (method or "GET").upper() == "HEAD":
        return True
    agent = (user_agent or "").lower()
    return any(marker in agent for marker in PREVIEW_AGENTS)


def is_preview_timing(clicked_at, *reference_times, seconds=PREVIEW_SECONDS):
    """Whether ``clicked_at`` lies within ``seconds`` of one of the message's
    ``reference_times`` (its send, its delivery), either way: two clocks
    that disagree by a second must not turn a preview into a click."""
    window = timedelta(seconds=seconds)
    return any(
        reference and abs(clicked_at - reference) < window
        for reference in reference_times
    )
