# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Signed webhooks over real HTTP: inbound SMS and status callbacks."""

import itertools
from datetime import timedelta

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools import signature, urls
from .common import FROM_NUMBER, TwilioCommon
from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN

INBOUND = urls.INBOUND_PATH
STATUS = urls.STATUS_PATH
PUBLIC = "https://odoo.example.com"


def inbound_params(sid="SM" + "1" * 32, body="Thanks!", sender="+12125550101"):
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": sender,
        "MessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": FROM_NUMBER,
    }


@tagged("post_install", "-at_install")
class TestInboundWebhook(TwilioCommon, HttpCase):
    def _inbound_count(self):
        return self.env["sms.retention.inbound"].search_count(
            [("provider", "=", "sms_retention_twilio")]
        )

    def _writes(self):
        return (
            self._inbound_count(),
            self.env["phone.blacklist"].search_count([]),
            self.env["mail.message"].search_count([]),
            self.env["sms.sms"].search_count([]),
        )

    def test_signed_inbound_is_received_once(self):
        params = inbound_params()
        for _i in range(3):
            response = self._signed_post(INBOUND, params)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.headers["Content-Type"].startswith("text/xml"))
            self.assertIn("<Response/>", response.text)
        inbound = self.env["sms.retention.inbound"].search(
            [("provider_message_id", "=", params["MessageSid"])]
        )
        self.assertEqual(len(inbound), 1)
        self.assertRecordValues(
            inbound,
            [
                {
                    "company_id": self.company.id,
                    "from_number": "+12125550101",
                    "to_number": FROM_NUMBER,
                    "partner_id": self.customer_us.id,
                    "body": "Thanks!",
                }
            ],
        )

    def test_stop_goes_through_the_keyword_pipeline(self):
        response = self._signed_post(INBOUND, inbound_params(body="STOP"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_out")
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", "+12125550101")])
        )

    @mute_logger("odoo.addons.sms_retention_provider_twilio.controllers.main")
    def test_forged_requests_are_rejected_without_writes(self):
        params = inbound_params(body="STOP")
        before = self._writes()
        url = PUBLIC + INBOUND
        good = signature.compute_signature(AUTH_TOKEN, url, params)
        cases = {
            "no header": (params, None),
            "wrong token": (
                params,
                signature.compute_signature("not-the-token", url, params),
            ),
            "one parameter changed": (dict(params, From="+12125550102"), good),
            "body altered": (dict(params, Body="START"), good),
            "extra parameter": (dict(params, Extra="1"), good),
            "another URL": (
                params,
                signature.compute_signature(AUTH_TOKEN, PUBLIC + STATUS, params),
            ),
            "internal http URL": (
                params,
                signature.compute_signature(
                    AUTH_TOKEN, f"http://127.0.0.1:8069{INBOUND}", params
                ),
            ),
            "unknown account": (
                dict(params, AccountSid="AC" + "f" * 32),
                signature.compute_signature(
                    AUTH_TOKEN, url, dict(params, AccountSid="AC" + "f" * 32)
                ),
            ),
            "garbage signature": (params, "é"),
        }
        for name, (data, sig) in cases.items():
            with self.subTest(name):
                headers = {"X-Twilio-Signature": sig} if sig is not None else {}
                response = self.url_open(INBOUND, data=data, headers=headers)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("Traceback", response.text)
                self.assertNotIn("<Response", response.text)
        self.assertEqual(self._writes(), before)
        self.assertEqual(self.customer_us.sms_retention_consent, "unknown")

    @mute_logger("odoo.addons.sms_retention_provider_twilio.controllers.main")
    def test_no_token_fails_closed(self):
        self.company.sms_retention_twilio_auth_token = False
        response = self._signed_post(INBOUND, inbound_params())
        self.assertEqual(response.status_code, 403)
        self.company.sms_retention_twilio_auth_token = ""
        response = self._signed_post(
            INBOUND, inbound_params(), token=""
        )  # an empty key signs nothing
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._inbound_count(), 0)

    def test_public_url_with_default_port_and_query(self):
        response = self._signed_post(
            INBOUND, inbound_params(), url="https://odoo.example.com:443"
        )
        self.assertEqual(response.status_code, 200)
        # A raw query string is signed as sent (quotes, plus, non-ASCII).
        params = inbound_params(sid="SM" + "2" * 32)
        response = self._signed_post(INBOUND, params, query="a=%27x%27+y&b=%C3%A9&a=2")
        self.assertEqual(response.status_code, 200)
        # Twilio adds parameters without notice; repeated keys are all signed.
        params = list(inbound_params(sid="SM" + "3" * 32).items())
        params += [("NewParam", "1"), ("NewParam", "0")]
        public = PUBLIC + INBOUND
        response = self.url_open(
            INBOUND,
            data=params,
            headers={
                "X-Twilio-Signature": signature.compute_signature(
                    AUTH_TOKEN, public, params
                )
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._inbound_count(), 3)

    def test_without_public_url_the_url_odoo_sees(self):
        self.company.sms_retention_twilio_public_url = False
        base = self.base_url()
        response = self._signed_post(INBOUND, inbound_params(), url=base)
        self.assertEqual(response.status_code, 200)

    @mute_logger("odoo.addons.sms_retention_provider_twilio.controllers.main")
    def test_token_chosen_by_account(self):
        other = self.env["res.company"].create(
            {
                "name": "Other Twilio Co",
                "sms_retention_provider": "sms_retention_twilio",
                "sms_retention_twilio_account_sid": "AC" + "b" * 32,
                "sms_retention_twilio_auth_token": "other-token",
                "sms_retention_twilio_public_url": PUBLIC,
            }
        )
        params = dict(inbound_params(), AccountSid="AC" + "b" * 32)
        # Signed with company A's token for company B's account: rejected.
        response = self._signed_post(INBOUND, params)
        self.assertEqual(response.status_code, 403)
        response = self._signed_post(INBOUND, params, token="other-token")
        self.assertEqual(response.status_code, 200)
        inbound = self.env["sms.retention.inbound"].search(
            [("provider_message_id", "=", params["MessageSid"])]
        )
        self.assertEqual(inbound.company_id, other)

    def test_get_is_405_and_oversize_is_413(self):
        response = self.url_open(INBOUND)
        self.assertEqual(response.status_code, 405)
        response = self.url_open(STATUS)
        self.assertEqual(response.status_code, 405)
        big = inbound_params(body="x" * (65 * 1024))
        response = self._signed_post(INBOUND, big)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(self._inbound_count(), 0)

    def test_long_body_is_accepted(self):
        response = self._signed_post(INBOUND, inbound_params(body="y" * 10000))
        self.assertEqual(response.status_code, 200)
        inbound = self.env["sms.retention.inbound"].search(
            [("provider", "=", "sms_retention_twilio")]
        )
        self.assertEqual(inbound.body_length, 10000)


@tagged("post_install", "-at_install")
class TestStatusWebhook(TwilioCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self.fake.odoo_url = self.base_url()
        self.addCleanup(setattr, self.fake, "odoo_url", None)

    def _notified_sms(self):
        """An SMS posted on the customer's chatter: notification + tracker."""
        message = self.customer_us._message_sms(
            "Your order shipped", partner_ids=self.customer_us.ids
        )
        sms = self.env["sms.sms"].search([("mail_message_id", "=", message.id)])
        self.assertTrue(sms.sms_tracker_id)
        self._send(sms)
        self.assertEqual(sms.state, "pending")
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "pending")
        sid = self._attempt(sms).message_sid
        return sms, notification, sid

    def test_status_orders_with_duplicates(self):
        finals = {"delivered": None, "undelivered": 30007}
        checked = 0
        for final, code in finals.items():
            for order in itertools.permutations(["queued", "sent", final]):
                statuses = [*order, order[0]]  # one duplicate
                with self.subTest(order=statuses):
                    sms, notification, sid = self._notified_sms()
                    responses = self.fake.post_statuses(sid, statuses, code)
                    self.assertEqual({status for status, _b in responses}, {200})
                    attempt = self._attempt(sms)
                    self.assertEqual(attempt.status, final)
                    notification.invalidate_recordset()
                    if final == "delivered":
                        self.assertEqual(notification.notification_status, "sent")
                        self.assertEqual(attempt.error_code, 0)
                    else:
                        self.assertEqual(notification.notification_status, "bounce")
                        self.assertEqual(notification.failure_type, "sms_rejected")
                        self.assertEqual(attempt.error_code, 30007)
                    checked += 1
        self.assertEqual(checked, 12)

    def test_retention_message_follows_the_status(self):
        """A campaign SMS sent through Twilio: the status callbacks move the
        retention message (through the SMS tracker), forward only."""
        self.campaign.delay = 0
        results = {}
        for final, code in (("delivered", None), ("undelivered", 30006)):
            order = self._create_order(self.customer_us)
            message = self._messages_of(order)
            self._run_sending_job()
            self.assertEqual(message.state, "sent")
            self.assertFalse(message.delivered_at)
            sid = self._attempt(message.sms_uuid).message_sid
            responses = self.fake.post_statuses(sid, ["sent", final, "sent"], code)
            self.assertEqual({status for status, _b in responses}, {200})
            message.invalidate_recordset()
            results[final] = (
                message.state,
                message.failure_type,
                bool(message.delivered_at),
            )
        self.assertEqual(results["delivered"], ("sent", False, True))
        self.assertEqual(
            results["undelivered"], ("failed", "sms_invalid_destination", False)
        )

    def test_error_code_matrix(self):
        expected = {
            30004: ("bounce", "sms_not_allowed"),
            30005: ("bounce", "sms_invalid_destination"),
            30006: ("bounce", "sms_invalid_destination"),
            30007: ("bounce", "sms_rejected"),
            30008: ("exception", "sms_not_delivered"),
        }
        for code, (status, failure_type) in expected.items():
            with self.subTest(code=code):
                sms, notification, sid = self._notified_sms()
                self.fake.post_status(sid, "undelivered", error_code=code)
                self.env.invalidate_all()
                self.assertEqual(
                    (notification.notification_status, notification.failure_type),
                    (status, failure_type),
                )
                self.assertFalse(
                    self.env["sms.sms"].search(
                        [("sms_retention_twilio_retry_of", "=", sms.uuid)]
                    ),
                    "no resend for 30004-30008",
                )

    def test_30003_retried_once_later(self):
        sms, notification, sid = self._notified_sms()
        self.fake.post_status(sid, "undelivered", error_code=30003)
        self.env.invalidate_all()
        retry = self.env["sms.sms"].search(
            [("sms_retention_twilio_retry_of", "=", sms.uuid)]
        )
        self.assertEqual(len(retry), 1)
        self.assertEqual((retry.state, retry.number), ("outgoing", sms.number))
        self.assertTrue(retry.sms_retention_not_before)
        self.assertEqual(retry.sms_tracker_id.mail_notification_id, notification)
        notification.invalidate_recordset()
        self.assertEqual(notification.notification_status, "pending")
        # Not before its time.
        self.env["sms.sms"]._process_queue()
        self.assertCreates(1)
        retry.sms_retention_not_before = retry.create_date - timedelta(minutes=1)
        self.env["sms.sms"]._process_queue()
        self.assertCreates(2)
        retry_sid = self._attempt(retry).message_sid
        self.fake.post_status(retry_sid, "undelivered", error_code=30003)
        self.env.invalidate_all()
        self.assertEqual(
            (notification.notification_status, notification.failure_type),
            ("exception", "sms_not_delivered"),
        )
        self.assertEqual(
            self.env["sms.sms"].search_count(
                [("sms_retention_twilio_retry_of", "=", retry.uuid)]
            ),
            0,
            "only one retry",
        )

    def test_found_by_sid_without_uuid(self):
        sms, notification, sid = self._notified_sms()
        url = urls.webhook_url(PUBLIC, STATUS)
        status, _body = self.fake.post_status(sid, "delivered", url=url)
        self.assertEqual(status, 200)
        self.assertEqual(self._attempt(sms).status, "delivered")

    @mute_logger("odoo.addons.sms_retention_provider_twilio.controllers.main")
    def test_unknown_or_forged_status_writes_nothing(self):
        sms, notification, sid = self._notified_sms()
        attempt = self._attempt(sms)
        params = {
            "AccountSid": ACCOUNT_SID,
            "MessageSid": "SM" + "9" * 32,
            "MessageStatus": "delivered",
        }
        response = self._signed_post(STATUS, params)
        self.assertEqual(response.status_code, 200)
        forged = dict(params, MessageSid=sid)
        response = self._signed_post(STATUS, forged, token="wrong")
        self.assertEqual(response.status_code, 403)
        response = self.url_open(STATUS + "?uuid=" + sms.uuid, data=forged)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(attempt.status, "queued")
        notification.invalidate_recordset()
        self.assertEqual(notification.notification_status, "pending")

    def test_unknown_outcome_settled_by_callback(self):
        self.fake.inject({"status": 500, "accept": True})
        sms = self._send(self._sms())
        attempt = self._attempt(sms)
        self.assertEqual(attempt.state, "unknown")
        sid = next(iter(self.fake.messages))
        self.fake.post_status(sid, "sent")
        self.env.invalidate_all()
        self.assertEqual((attempt.state, attempt.message_sid), ("accepted", sid))
        self.assertEqual(sms.state, "pending")
