# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure helpers: Twilio's published signature vectors, mappings, backoff."""

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
