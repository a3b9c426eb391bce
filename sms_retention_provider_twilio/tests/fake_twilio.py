# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A fake Twilio REST API on 127.0.0.1, for tests, the harness and the demo.

Standard library only (no Odoo import): the repository's
``tests/fake_twilio.py`` runs it from the command line. It implements
Messages create/fetch/list, Account fetch and IncomingPhoneNumbers
list/update with Basic auth and Twilio-like JSON; it can be told to fail
(429 with Retry-After, 500, 503, slow answers, REST errors 21211/21610/21614)
and it posts signed status callbacks and inbound SMS to Odoo, as Twilio does.
"""

import base64
import collections
import contextlib
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-0001"
API = "/2010-04-01/Accounts/"
ERROR_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    21211: "Invalid 'To' Phone Number",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
}


def sign(auth_token, url, params):
    """Twilio's signature of a form POST (independent of the addon's tools)."""
    payload = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _sid(prefix):
    return prefix + uuid.uuid4().hex


def _now():
    return datetime.now(timezone.utc)


class FakeTwilio:
    """The server and its state; ``start()`` it, ``stop()`` it.

    :param odoo_url: where callbacks go (``http://127.0.0.1:8069``); the
      signed URL stays the one given to Twilio (StatusCallback, SmsUrl)
    """

    def __init__(
        self,
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        numbers=("+15005550006",),
        port=0,
        odoo_url=None,
        auto_status=False,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.odoo_url = odoo_url
        self.auto_status = auto_status
        self.lock = threading.RLock()
        self.messages = collections.OrderedDict()
        self.requests = []  # (method, path, form)
        self.faults = []  # applied to the next Messages create, in order
        self.number_errors = {}  # To -> REST error code
        self.on_create = None  # called with the message, before the answer
        self.incoming = {
            _sid("PN"): {"phone_number": n, "sms_url": "", "status_callback": ""}
            for n in numbers
        }
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.fake = self
        self.server.daemon_threads = True
        self.thread = None

    # -- lifecycle ----------------------------------------------------------

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # -- test controls ------------------------------------------------------

    def inject(self, *faults):
        """Queue faults for the next creates, one per request.

        A fault is a dict: ``{"status": 429, "code": 20429, "retry_after": 2}``,
        ``{"status": 503}``, ``{"status": 500, "accept": True}`` (the message
        is created, then 500), ``{"hold": True, "accept": True}`` (created,
        answered only once the client gave up: a read timeout),
        ``{"code": 21211}`` (a 400 error).
        """
        with self.lock:
            self.faults.extend(faults)

    def creates(self, to=None):
        """Create requests received (form dicts), optionally for one number."""
        with self.lock:
            return [
                form
                for method, path, form in self.requests
                if method == "POST"
                and path.endswith("/Messages.json")
                and (to is None or form.get("To") == to)
            ]

    def posts_per_uuid(self):
        """How many create requests each StatusCallback uuid got."""
        counter = collections.Counter()
        for form in self.creates():
            query = urllib.parse.urlsplit(form.get("StatusCallback", "")).query
            counter[urllib.parse.parse_qs(query).get("uuid", ["?"])[0]] += 1
        return counter

    def messages_per_uuid(self):
        """How many messages were created (accepted) per uuid."""
        counter = collections.Counter()
        with self.lock:
            for message in self.messages.values():
                counter[message["_uuid"]] += 1
        return counter

    # -- posting to Odoo ----------------------------------------------------

    def _post_signed(self, signed_url, params, token=None):
        """POST ``params`` signed for ``signed_url``; returns (status, body)."""
        target = signed_url
        if self.odoo_url:
            parts = urllib.parse.urlsplit(signed_url)
            target = self.odoo_url.rstrip("/") + parts.path
            if parts.query:
                target += "?" + parts.query
        data = urllib.parse.urlencode(params).encode()
        request = urllib.request.Request(
            target,
            data=data,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sign(
                    token or self.auth_token, signed_url, params
                ),
                "User-Agent": "TwilioProxy/1.1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def post_status(self, sid, status, error_code=None, url=None, token=None):
        """Post one signed status callback of message ``sid``."""
        message = self.messages[sid]
        with self.lock:
            message["status"] = status
            if error_code:
                message["error_code"] = int(error_code)
        params = [
            ("AccountSid", self.account_sid),
            ("ApiVersion", "2010-04-01"),
            ("From", message["from"] or ""),
            ("MessageSid", sid),
            ("MessageStatus", status),
            ("SmsSid", sid),
            ("SmsStatus", status),
            ("To", message["to"]),
        ]
        if message["messaging_service_sid"]:
            params.append(("MessagingServiceSid", message["messaging_service_sid"]))
        if error_code:
            params.append(("ErrorCode", str(error_code)))
        return self._post_signed(url or message["_callback"], params, token)

    def post_statuses(self, sid, statuses, error_code=None):
        """Post several callbacks in the given order (duplicates allowed)."""
        return [
            self.post_status(
                sid, status, error_code if status in ("undelivered", "failed") else None
            )
            for status in statuses
        ]

    def post_inbound(
        self, url, from_number, body, to=None, sid=None, token=None, **extra
    ):
        """Post a signed incoming SMS to ``url`` (the number's SmsUrl)."""
        sid = sid or _sid("SM")
        to = to or next(iter(self.incoming.values()))["phone_number"]
        params = [
            ("AccountSid", self.account_sid),
            ("ApiVersion", "2010-04-01"),
            ("Body", body),
            ("From", from_number),
            ("MessageSid", sid),
            ("NumMedia", "0"),
            ("NumSegments", "1"),
            ("SmsMessageSid", sid),
            ("SmsSid", sid),
            ("SmsStatus", "received"),
            ("To", to),
            *extra.items(),
        ]
        status, text = self._post_signed(url, params, token)
        return status, text, sid

    # -- the API ------------------------------------------------------------

    def _resource(self, message):
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _create_message(self, form):
        sid = _sid("SM")
        now = _now()
        body = form.get("Body", "")
        segments = max(1, -(-len(body) // 153)) if len(body) > 160 else 1
        callback = form.get("StatusCallback", "")
        query = urllib.parse.urlsplit(callback).query
        message = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form.get("To"),
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": body,
            "status": "queued",
            "num_segments": str(segments),
            "num_media": "0",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "error_message": None,
            "date_created": format_datetime(now),
            "date_updated": format_datetime(now),
            "date_sent": format_datetime(now),
            "uri": f"{API}{self.account_sid}/Messages/{sid}.json",
            "_callback": callback,
            "_uuid": urllib.parse.parse_qs(query).get("uuid", ["?"])[0],
            "_created": now,
        }
        if message["from"] is None and message["messaging_service_sid"]:
            message["from"] = next(iter(self.incoming.values()))["phone_number"]
        with self.lock:
            self.messages[sid] = message
        if self.on_create:
            self.on_create(message)
        if self.auto_status and callback:
            threading.Thread(target=self._auto_status, args=(sid,), daemon=True).start()
        return message

    def _auto_status(self, sid):
        for status in ("sent", "delivered"):
            time.sleep(0.2)
            try:
                self.post_status(sid, status)
            except OSError:
                return


class _Handler(BaseHTTPRequestHandler):
    """Twilio's REST API, as far as the addon uses it."""

    protocol_version = "HTTP/1.1"

    @property
    def fake(self):
        return self.server.fake

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (read timeout): as for Twilio, it is sent.
            self.close_connection = True

    def _error(self, status, code, headers=None):
        self._send(
            status,
            {
                "code": code,
                "message": ERROR_MESSAGES.get(code, "Error"),
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            headers,
        )

    def _authorized(self):
        expected = base64.b64encode(
            f"{self.fake.account_sid}:{self.fake.auth_token}".encode()
        ).decode()
        return self.headers.get("Authorization") == f"Basic {expected}"

    def _route(self, method):
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        query = dict(urllib.parse.parse_qsl(parts.query))
        with self.fake.lock:
            self.fake.requests.append((method, parts.path, form))
        prefix = API + self.fake.account_sid
        if not parts.path.startswith(API):
            return self._error(404, 20404)
        if not self._authorized() or not parts.path.startswith(prefix):
            return self._error(401, 20003)
        rest = parts.path[len(prefix) :]
        if rest == ".json" and method == "GET":
            return self._send(
                200,
                {
                    "sid": self.fake.account_sid,
                    "friendly_name": "Fake Twilio account",
                    "status": "active",
                    "type": "Full",
                },
            )
        if rest == "/Messages.json" and method == "POST":
            return self._create(form)
        if rest == "/Messages.json" and method == "GET":
            return self._list(query)
        match = re.fullmatch(r"/Messages/(SM\w+)\.json", rest)
        if match and method == "GET":
            message = self.fake.messages.get(match.group(1))
            if not message:
                return self._error(404, 20404)
            return self._send(200, self.fake._resource(message))
        if rest == "/IncomingPhoneNumbers.json" and method == "GET":
            return self._send(
                200,
                {
                    "incoming_phone_numbers": [
                        {"sid": sid, "friendly_name": n["phone_number"], **n}
                        for sid, n in self.fake.incoming.items()
                    ]
                },
            )
        match = re.fullmatch(r"/IncomingPhoneNumbers/(PN\w+)\.json", rest)
        if match and method == "POST" and match.group(1) in self.fake.incoming:
            number = self.fake.incoming[match.group(1)]
            number["sms_url"] = form.get("SmsUrl", number["sms_url"])
            number["status_callback"] = form.get(
                "StatusCallback", number["status_callback"]
            )
            return self._send(200, {"sid": match.group(1), **number})
        return self._error(404, 20404)

    def _create(self, form):
        if not form.get("To") or not (
            form.get("From") or form.get("MessagingServiceSid")
        ):
            return self._error(400, 21604)
        with self.fake.lock:
            fault = self.fake.faults.pop(0) if self.fake.faults else None
            code = self.fake.number_errors.get(form.get("To"))
        if fault:
            if fault.get("accept"):
                message = self.fake._create_message(form)
                if fault.get("hold"):
                    self._hold()
                    return self._send(201, self.fake._resource(message))
                return self._error(fault.get("status", 500), 20500)
            if fault.get("hold"):
                self._hold()
            if fault.get("close"):
                self.close_connection = True
                return None
            status = fault.get("status", 400)
            headers = {}
            if fault.get("retry_after") is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            return self._error(status, fault.get("code", status), headers)
        if code:
            return self._error(400, code)
        message = self.fake._create_message(form)
        return self._send(201, self.fake._resource(message))

    def _hold(self, limit=60):
        """Answer nothing until the client closes the connection (its read
        timeout), at most ``limit`` seconds: a Twilio too slow to answer."""
        self.connection.settimeout(limit)
        with contextlib.suppress(OSError):  # reset, or still open at the limit
            while self.connection.recv(1024):
                continue
        self.connection.settimeout(None)

    def _list(self, query):
        since = query.get("DateSent>")
        with self.fake.lock:
            found = [
                self.fake._resource(m)
                for m in reversed(self.fake.messages.values())
                if (not query.get("To") or m["to"] == query["To"])
                and (not query.get("From") or m["from"] == query["From"])
                and (not since or m["_created"].date().isoformat() >= since)
            ]
        size = int(query.get("PageSize") or 50)
        return self._send(
            200,
            {"messages": found[:size], "page": 0, "page_size": size},
        )

    def do_GET(self):  # noqa: N802
        self._route("GET")

    def do_POST(self):  # noqa: N802
        self._route("POST")
