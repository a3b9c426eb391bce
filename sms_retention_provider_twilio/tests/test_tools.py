# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure helpers: Twilio's published signature vectors, mappings, backoff."""

import socket
import ssl

import requests
from urllib3.exceptions import (
    MaxRetryError,
    NewConnectionError,
    ProxyError,
    ReadTimeoutError,
)

from odoo.tests import BaseCase, tagged

from ..tools import errors, signature, urls
from ..tools.pacing import Pacer

URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}


@tagged("post_install", "-at_install")
class TestSignature(BaseCase):
    def test_twilio_vectors(self):
        self.assertEqual(
            signature.compute_signature("12345", URL, PARAMS),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        )
        self.assertEqual(
            signature.compute_signature(
                "12345", URL.replace(".com/", ".com:443/"), PARAMS
            ),
            "kvajT1Ptam85bY51eRf/AJRuM3w=",
        )
        repeated = [
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
        ]
        self.assertEqual(
            signature.compute_signature("12345", URL, repeated),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
        )
        # The same, given as a dict of lists.
        self.assertEqual(
            signature.compute_signature(
                "12345",
                URL,
                {"Digits": ["5678", "1234"], "Sid": "CA123", "SidAccount": "AC123"},
            ),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
        )

    def test_validate_with_and_without_default_port(self):
        sig = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        self.assertTrue(signature.validate_signature("12345", URL, PARAMS, sig))
        with_port = URL.replace(".com/", ".com:443/")
        self.assertTrue(signature.validate_signature("12345", with_port, PARAMS, sig))
        sig_port = "kvajT1Ptam85bY51eRf/AJRuM3w="
        self.assertTrue(signature.validate_signature("12345", URL, PARAMS, sig_port))
        # Another port is another URL.
        other = URL.replace(".com/", ".com:8443/")
        self.assertFalse(signature.validate_signature("12345", other, PARAMS, sig))

    def test_validate_rejects(self):
        sig = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        self.assertFalse(signature.validate_signature("", URL, PARAMS, sig))
        self.assertFalse(signature.validate_signature(None, URL, PARAMS, sig))
        self.assertFalse(signature.validate_signature("12345", URL, PARAMS, ""))
        self.assertFalse(signature.validate_signature("54321", URL, PARAMS, sig))
        changed = dict(PARAMS, Digits="1235")
        self.assertFalse(signature.validate_signature("12345", URL, changed, sig))
        extra = dict(PARAMS, Extra="1")
        self.assertFalse(signature.validate_signature("12345", URL, extra, sig))
        self.assertFalse(
            signature.validate_signature("12345", URL + "&x=1", PARAMS, sig)
        )
        self.assertFalse(
            signature.validate_signature(
                "12345", URL.replace("https", "http"), PARAMS, sig
            )
        )
        self.assertFalse(signature.validate_signature("12345", URL, PARAMS, "é"))

    def test_url_variants(self):
        self.assertEqual(
            signature.url_variants("https://a.example/x?y=1"),
            ["https://a.example/x?y=1", "https://a.example:443/x?y=1"],
        )
        self.assertEqual(
            signature.url_variants("http://a.example:80/x"),
            ["http://a.example:80/x", "http://a.example/x"],
        )
        self.assertEqual(
            signature.url_variants("http://127.0.0.1:8069/x"),
            ["http://127.0.0.1:8069/x"],
        )

    def test_public_url_keeps_raw_query(self):
        self.assertEqual(
            signature.public_url(
                "https://odoo.example/", "/p", b"uuid=a%27b+c&x=%C3%A9"
            ),
            "https://odoo.example/p?uuid=a%27b+c&x=%C3%A9",
        )
        self.assertEqual(
            signature.public_url("https://o.example", "/p"), "https://o.example/p"
        )


@tagged("post_install", "-at_install")
class TestErrorsAndBackoff(BaseCase):
    def test_rest_errors(self):
        self.assertEqual(errors.rest_error_state(21211), "wrong_number_format")
        self.assertEqual(errors.rest_error_state("21614"), "twilio_not_mobile")
        self.assertEqual(errors.rest_error_state(21610), "twilio_opted_out")
        self.assertEqual(errors.rest_error_state(20003), "unregistered")
        self.assertEqual(errors.rest_error_state(21999), "server_error")
        self.assertEqual(errors.rest_error_state(None), "server_error")

    def test_delivery_errors(self):
        self.assertEqual(
            [errors.delivery_error(code) for code in range(30003, 30009)],
            [
                "not_delivered",
                "not_allowed",
                "invalid_destination",
                "invalid_destination",
                "rejected",
                "not_delivered",
            ],
        )
        self.assertEqual(errors.delivery_error("x"), "not_delivered")
        self.assertEqual(errors.RETRYABLE_DELIVERY_ERRORS, {30003})

    def test_forward_only(self):
        self.assertTrue(errors.is_forward(False, "queued"))
        self.assertTrue(errors.is_forward("queued", "sent"))
        self.assertTrue(errors.is_forward("sent", "delivered"))
        self.assertFalse(errors.is_forward("delivered", "sent"))
        self.assertFalse(errors.is_forward("delivered", "delivered"))
        self.assertFalse(errors.is_forward("delivered", "undelivered"))
        self.assertFalse(errors.is_forward("undelivered", "delivered"))
        self.assertFalse(errors.is_forward("sent", "bogus"))
        self.assertTrue(errors.is_forward("delivered", "read"))

    def test_backoff(self):
        self.assertEqual(errors.backoff_delay(1, base=1, rand=lambda: 0), 0.5)
        self.assertEqual(errors.backoff_delay(1, base=1, rand=lambda: 1), 1.0)
        self.assertEqual(errors.backoff_delay(3, base=1, rand=lambda: 1), 4.0)
        self.assertEqual(errors.backoff_delay(10, base=1, cap=5, rand=lambda: 1), 5.0)
        self.assertEqual(
            errors.backoff_delay(1, base=1, retry_after=2, rand=lambda: 1), 2.0
        )
        self.assertEqual(
            errors.backoff_delay(1, base=1, cap=5, retry_after=999, rand=lambda: 1),
            10.0,
        )
        self.assertEqual(errors.parse_retry_after("2"), 2.0)
        self.assertIsNone(errors.parse_retry_after("Wed, 21 Oct 2015"))
        self.assertIsNone(errors.parse_retry_after(None))

    def test_pacer(self):
        now = [0.0]
        slept = []

        def sleep(seconds):
            slept.append(seconds)
            now[0] += seconds

        pacer = Pacer(clock=lambda: now[0], sleep=sleep)
        waits = [pacer.wait("AC1", 4) for _i in range(5)]
        self.assertEqual(waits, [0.0, 0.25, 0.25, 0.25, 0.25])
        self.assertEqual(pacer.wait("AC2", 4), 0.0)
        self.assertEqual(pacer.wait("AC3", 0), 0.0)

    def test_urls(self):
        self.assertEqual(
            urls.messages_url("https://api.twilio.com/", "AC1"),
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
        )
        self.assertEqual(
            urls.messages_url(None, "AC1", "SM2"),
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/SM2.json",
        )
        self.assertEqual(
            urls.webhook_url("https://o.example/", urls.STATUS_PATH, uuid="ab"),
            "https://o.example/sms_retention_twilio/status?uuid=ab",
        )


def _wrapped(outer, inner, context=None):
    """``outer`` raised by requests for urllib3's ``inner`` (itself raised
    while handling ``context``), as requests and urllib3 chain them."""
    try:
        try:
            raise context or inner
        except BaseException as caught:
            if context:
                raise inner from caught
            raise
    except BaseException as caught:
        pool_error = MaxRetryError(None, "/2010-04-01/Accounts/AC1.json", caught)
        return outer(pool_error)


@tagged("post_install", "-at_install")
class TestWebhookReachability(BaseCase):
    def test_public_https_addresses_are_fine(self):
        for url in (
            "https://odoo.example.com",
            "https://odoo.example.com:8443/odoo",
            "HTTPS://Odoo.Example.COM.",
            "https://8.8.8.8",
            "https://[2606:4700::1111]",
        ):
            with self.subTest(url=url):
                self.assertIsNone(urls.unreachable_reason(url))

    def test_unreachable_addresses(self):
        for url, reason in (
            ("", urls.UNREACHABLE_INVALID),
            ("odoo.example.com", urls.UNREACHABLE_INVALID),
            ("https://", urls.UNREACHABLE_INVALID),
            ("https://[::1", urls.UNREACHABLE_INVALID),
            ("https://odoo.example.com:99999", urls.UNREACHABLE_INVALID),
            ("ftp://odoo.example.com", urls.UNREACHABLE_SCHEME),
            ("http://odoo.example.com", urls.UNREACHABLE_HTTP),
            ("https://localhost:8069", urls.UNREACHABLE_LOCALHOST),
            ("https://odoo.localhost", urls.UNREACHABLE_LOCALHOST),
            ("https://odoo.local", urls.UNREACHABLE_LOCAL_NAME),
            ("https://erp.home.arpa", urls.UNREACHABLE_LOCAL_NAME),
            ("https://odoo.internal", urls.UNREACHABLE_LOCAL_NAME),
            ("https://odoo", urls.UNREACHABLE_LOCAL_NAME),
            ("http://127.0.0.1:8069", urls.UNREACHABLE_LOOPBACK),
            ("https://127.1.2.3", urls.UNREACHABLE_LOOPBACK),
            ("https://[::1]:8069", urls.UNREACHABLE_LOOPBACK),
            ("https://10.0.0.5", urls.UNREACHABLE_PRIVATE),
            ("https://172.16.8.1", urls.UNREACHABLE_PRIVATE),
            ("https://192.168.1.20", urls.UNREACHABLE_PRIVATE),
            ("https://[fd12::1]", urls.UNREACHABLE_PRIVATE),
            ("https://[::ffff:192.168.1.20]", urls.UNREACHABLE_PRIVATE),
            ("https://169.254.169.254", urls.UNREACHABLE_LINK_LOCAL),
            ("https://[fe80::1]", urls.UNREACHABLE_LINK_LOCAL),
            ("https://100.64.0.1", urls.UNREACHABLE_CGNAT),
            ("https://100.127.255.254", urls.UNREACHABLE_CGNAT),
            ("https://0.0.0.0", urls.UNREACHABLE_RESERVED),
            ("https://192.0.2.10", urls.UNREACHABLE_RESERVED),
            ("https://198.18.0.1", urls.UNREACHABLE_RESERVED),
            ("https://240.0.0.1", urls.UNREACHABLE_RESERVED),
            ("https://224.0.0.1", urls.UNREACHABLE_RESERVED),
            ("https://[2001:db8::1]", urls.UNREACHABLE_RESERVED),
        ):
            with self.subTest(url=url):
                self.assertEqual(urls.unreachable_reason(url), reason)

    def test_host_of(self):
        self.assertEqual(urls.host_of("https://u:p@api.twilio.com/x"), "api.twilio.com")
        self.assertEqual(urls.host_of("http://127.0.0.1:8069"), "127.0.0.1:8069")
        self.assertEqual(urls.host_of("nonsense"), "nonsense")


@tagged("post_install", "-at_install")
class TestConnectionFailures(BaseCase):
    def test_no_answer(self):
        refused = ConnectionRefusedError(111, "Connection refused")
        cases = (
            (
                _wrapped(
                    requests.ConnectionError,
                    NewConnectionError(None, "Failed to establish a new connection"),
                    socket.gaierror(-2, "Name or service not known"),
                ),
                errors.FAILURE_DNS,
                "Name or service not known",
            ),
            (
                _wrapped(
                    requests.ConnectionError,
                    NewConnectionError(None, "Failed to establish a new connection"),
                    refused,
                ),
                errors.FAILURE_REFUSED,
                "[Errno 111] Connection refused",
            ),
            (
                requests.ConnectTimeout("Connection to api.twilio.com timed out"),
                errors.FAILURE_CONNECT_TIMEOUT,
                "Connection to api.twilio.com timed out",
            ),
            (
                _wrapped(
                    requests.ReadTimeout,
                    ReadTimeoutError(None, "/", "Read timed out."),
                    TimeoutError("timed out"),
                ),
                errors.FAILURE_READ_TIMEOUT,
                "timed out",
            ),
            (
                _wrapped(
                    requests.exceptions.SSLError,
                    ssl.SSLCertVerificationError(1, "certificate verify failed"),
                ),
                errors.FAILURE_TLS,
                "certificate verify failed",
            ),
            (
                _wrapped(
                    requests.exceptions.ProxyError,
                    ProxyError("Cannot connect to proxy.", refused),
                ),
                errors.FAILURE_PROXY,
                "Connection refused",
            ),
            (
                requests.exceptions.MissingSchema("Invalid URL 'api': No scheme"),
                errors.FAILURE_INVALID_URL,
                "Invalid URL 'api': No scheme",
            ),
            (
                requests.ConnectionError(
                    ConnectionResetError(104, "Connection reset by peer")
                ),
                errors.FAILURE_CONNECTION,
                "Connection reset by peer",
            ),
            (requests.RequestException(), errors.FAILURE_OTHER, "RequestException"),
        )
        for exc, kind, detail in cases:
            with self.subTest(kind=kind):
                found_kind, found_detail = errors.connection_failure(exc)
                self.assertEqual(found_kind, kind)
                self.assertIn(detail, found_detail)

    def test_http_errors(self):
        self.assertEqual(
            [errors.http_failure(status) for status in (400, 401, 403, 404, 429)],
            [
                errors.FAILURE_REQUEST,
                errors.FAILURE_CREDENTIALS,
                errors.FAILURE_FORBIDDEN,
                errors.FAILURE_NOT_FOUND,
                errors.FAILURE_BUSY,
            ],
        )
        self.assertEqual(errors.http_failure("503"), errors.FAILURE_SERVER)
        self.assertEqual(errors.http_failure(500), errors.FAILURE_SERVER)
