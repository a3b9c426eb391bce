# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connection wizard, against the fake Twilio server."""

import socket
from unittest.mock import patch

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..providers.sms_api_twilio import SmsApiTwilio
from .common import FROM_NUMBER, TwilioCommon
from .fake_twilio import AUTH_TOKEN


@tagged("post_install", "-at_install")
class TestWizard(TwilioCommon):
    def _wizard(self):
        return self.env["sms.retention.twilio.wizard"].create(
            {"company_id": self.company.id}
        )

    def test_check_lists_numbers_and_sets_webhooks(self):
        wizard = self._wizard()
        self.assertEqual(
            wizard.inbound_url, "https://odoo.example.com/sms_retention_twilio/inbound"
        )
        self.assertEqual(
            wizard.status_url, "https://odoo.example.com/sms_retention_twilio/status"
        )
        wizard.action_check()
        self.assertEqual(wizard.account_status, "active")
        self.assertEqual(wizard.number_ids.mapped("phone_number"), [FROM_NUMBER])
        wizard.number_ids.action_set_webhooks()
        incoming = next(iter(self.fake.incoming.values()))
        self.assertEqual(incoming["sms_url"], wizard.inbound_url)
        self.assertEqual(incoming["status_callback"], wizard.status_url)

    def test_bad_credentials_and_test_sms(self):
        wizard = self._wizard()
        self.company.sms_retention_twilio_auth_token = "wrong"
        with self.assertRaisesRegex(UserError, "20003"):
            wizard.action_check()
        self.company.sms_retention_twilio_auth_token = False
        with self.assertRaises(UserError):
            wizard.action_check()
        self.company.sms_retention_twilio_auth_token = self.fake.auth_token
        wizard.test_number = "+12125550199"
        wizard.action_send_test()
        self.assertIn("Sent", wizard.result)
        self.assertCreates(1, "+12125550199")

    def test_token_is_for_administrators_only(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesperson).read(
                ["sms_retention_twilio_auth_token"]
            )
        self.assertNotIn(
            "sms_retention_twilio_auth_token",
            self.company.with_user(self.salesperson).fields_get(),
        )

    # ------------------------------------------------------------
    # WEBHOOK ADDRESS
    # ------------------------------------------------------------

    def test_unreachable_webhook_address_is_flagged(self):
        self.assertFalse(self._wizard().webhook_warning)
        for url, expected in (
            ("http://127.0.0.1:8069", "this server's own address"),
            ("https://localhost", "this server's own address"),
            ("https://odoo.local", "local network"),
            ("https://192.168.1.20", "private network"),
            ("https://100.64.3.4", "carrier-grade NAT"),
            ("https://169.254.0.9", "link-local"),
            ("http://odoo.example.com", "plain http"),
        ):
            with self.subTest(url=url):
                self.company.sms_retention_twilio_public_url = url
                wizard = self._wizard()
                self.assertIn(url, wizard.inbound_url)
                self.assertIn(expected, wizard.webhook_warning)
                self.assertIn("Public URL", wizard.webhook_warning)

    def test_webhook_address_defaults_to_the_base_url(self):
        self.company.sms_retention_twilio_public_url = False
        self.env["ir.config_parameter"].set_param(
            "web.base.url", "http://127.0.0.1:8069"
        )
        wizard = self._wizard()
        self.assertEqual(
            wizard.inbound_url, "http://127.0.0.1:8069/sms_retention_twilio/inbound"
        )
        self.assertIn("127.0.0.1", wizard.webhook_warning)

    # ------------------------------------------------------------
    # CONNECTION ERRORS
    # ------------------------------------------------------------

    def _check_fails(self):
        """The UserError of Check credentials; the token never in it."""
        with self.assertRaises(UserError) as caught:
            self._wizard().action_check()
        message = str(caught.exception)
        self.assertNotIn(AUTH_TOKEN, message)
        self.assertNotRegex(
            message,
            r"\b(ConnectionError|SSLError|Timeout|ReadTimeout|ConnectTimeout|"
            r"RequestException|MaxRetryError)\b",
        )
        return message

    @staticmethod
    def _free_port():
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def test_connection_refused(self):
        port = self._free_port()
        self.company.sms_retention_twilio_api_url = f"http://127.0.0.1:{port}"
        message = self._check_fails()
        self.assertIn(f"127.0.0.1:{port} refused the connection", message)
        self.assertIn("firewall", message)
        self.assertIn("Connection refused", message)

    def test_name_does_not_resolve(self):
        # Tests may only request localhost: its name lookup fails here.
        self.company.sms_retention_twilio_api_url = "https://localhost"
        gaierror = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        with patch("socket.getaddrinfo", side_effect=gaierror):
            message = self._check_fails()
        self.assertIn("the name localhost does not resolve", message)
        self.assertIn("DNS", message)
        self.assertIn("Name or service not known", message)

    def test_no_answer_in_time(self):
        with socket.socket() as silent:  # accepts connections, never answers
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            port = silent.getsockname()[1]
            self.company.write(
                {
                    "sms_retention_twilio_api_url": f"http://127.0.0.1:{port}",
                    "sms_retention_twilio_timeout": 0.3,
                }
            )
            message = self._check_fails()
        self.assertIn("did not answer within 0.3 seconds", message)
        self.assertIn("status.twilio.com", message)

    def test_secure_connection_fails(self):
        # The fake server speaks plain http: the TLS handshake fails.
        self.company.sms_retention_twilio_api_url = self.fake.url.replace(
            "http:", "https:"
        )
        message = self._check_fails()
        self.assertIn("secure (https) connection", message)
        self.assertIn("date and time", message)

    def test_connect_timeout(self):
        exc = requests.ConnectTimeout("Connection to api.twilio.com timed out")
        with patch.object(SmsApiTwilio, "_twilio_request", side_effect=exc):
            message = self._check_fails()
        self.assertIn("timed out", message)
        self.assertIn("port 443", message)

    def test_twilio_error_answers(self):
        self.company.sms_retention_twilio_auth_token = "wrong-token-0002"
        message = self._check_fails()
        self.assertIn("refused the credentials", message)
        self.assertIn("Account SID and the Auth Token", message)
        self.assertIn("HTTP 401, error 20003", message)
        self.assertNotIn("wrong-token-0002", message)
        self.company.sms_retention_twilio_auth_token = AUTH_TOKEN
        self.company.sms_retention_twilio_api_url = self.fake.url + "/elsewhere"
        message = self._check_fails()
        self.assertIn("does not know account", message)
        self.assertIn("HTTP 404, error 20404", message)
        for status, expected in (
            (403, "suspended"),
            (429, "slow down"),
            (500, "status.twilio.com"),
            (503, "status.twilio.com"),
        ):
            with self.subTest(status=status):
                response = requests.Response()
                response.status_code = status
                response._content = b'{"code": 20500, "message": "Oops"}'
                with patch.object(
                    SmsApiTwilio, "_twilio_request", return_value=response
                ):
                    message = self._check_fails()
                self.assertIn(expected, message)
                self.assertIn(f"HTTP {status}, error 20500: Oops", message)
