# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending through the fake Twilio server: request shape and every error."""

from unittest.mock import patch

from odoo.tests import tagged

from ..providers.sms_api_twilio import SmsApiTwilio
from .common import FROM_NUMBER, TwilioCommon
from .fake_twilio import ACCOUNT_SID

SENDER_LOGGER = SmsApiTwilio.__module__


@tagged("post_install", "-at_install")
class TestSend(TwilioCommon):
    def test_request_shape_and_stored_result(self):
        sms = self._send(self._sms(number="+1 212 555 0101"))
        self.assertEqual(sms.state, "pending")
        self.assertCreates(1)
        method, path, form = self.fake.requests[-1]
        self.assertEqual(
            (method, path),
            ("POST", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"),
        )
        self.assertEqual(form["To"], "+12125550101")
        self.assertEqual(form["From"], FROM_NUMBER)
        self.assertEqual(form["Body"], "Hello from the shop")
        self.assertEqual(
            form["StatusCallback"],
            "https://odoo.example.com/sms_retention_twilio/status?uuid=" + sms.uuid,
        )
        attempt = self._attempt(sms)
        message = next(iter(self.fake.messages.values()))
        self.assertRecordValues(
            attempt,
            [
                {
                    "state": "accepted",
                    "message_sid": message["sid"],
                    "num_segments": 1,
                    "post_count": 1,
                    "to_number": "+12125550101",
                    "status": "queued",
                    "company_id": self.company.id,
                }
            ],
        )

    def test_messaging_service_and_country_senders(self):
        self.env["sms.retention.twilio.sender"].create(
            {
                "company_id": self.company.id,
                "country_id": self.env.ref("base.cn").id,
                "number": "+8613800000000",
            }
        )
        self._send(self._sms(number="+8613800138001"))
        self.assertEqual(self.fake.creates()[-1]["From"], "+8613800000000")
        self._send(self._sms(number="+12125550102"))
        self.assertEqual(self.fake.creates()[-1]["From"], FROM_NUMBER)
        self.company.sms_retention_twilio_messaging_service_sid = "MG" + "a" * 32
        self._send(self._sms(number="+12125550103"))
        form = self.fake.creates()[-1]
        self.assertEqual(form["MessagingServiceSid"], "MG" + "a" * 32)
        self.assertNotIn("From", form)

    def test_no_credentials_fails_visibly_without_request(self):
        self.company.sms_retention_twilio_auth_token = False
        sms = self._send(self._sms())
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_acc"))
        self.assertCreates(0)

    def test_wrong_number_no_request(self):
        sms = self._send(self._sms(number="not a number"))
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_number_format"))
        self.assertCreates(0)

    def test_21211_21614_permanent(self):
        self.fake.number_errors["+12125550111"] = 21211
        self.fake.number_errors["+12125550112"] = 21614
        bad = self._send(self._sms(number="+12125550111"))
        landline = self._send(self._sms(number="+12125550112"))
        self.assertEqual((bad.state, bad.failure_type), ("error", "sms_number_format"))
        self.assertEqual(
            (landline.state, landline.failure_type), ("error", "sms_number_format")
        )
        self.assertCreates(1, "+12125550111")
        self.assertCreates(1, "+12125550112")
        self.assertEqual(self._attempt(bad).error_code, 21211)
        self.assertEqual(self._attempt(landline).error_code, 21614)
        self.assertEqual(self._attempt(landline).state, "failed")

    def test_21610_opts_out_and_next_send_makes_no_request(self):
        number = self.customer_us.phone_sanitized
        self.fake.number_errors[number] = 21610
        sms = self._send(self._sms(number=number, partner_id=self.customer_us.id))
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_optout"))
        self.assertCreates(1, number)
        self.assertEqual(self.customer_us.sms_retention_consent, "opted_out")
        log = self.customer_us.sms_retention_consent_log_ids.sorted("id")[-1]
        self.assertEqual((log.state, log.source), ("opted_out", "api"))
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", number)]).active
        )
        again = self._send(self._sms(number=number))
        self.assertEqual((again.state, again.failure_type), ("error", "sms_optout"))
        self.assertCreates(1, number)

    def test_429_retry_after_then_one_message(self):
        self.fake.inject(
            {"status": 429, "code": 20429, "retry_after": 1},
            {"status": 429, "code": 20429},
        )
        sms = self._send(self._sms())
        self.assertEqual(len(self.clock.waits), 2, "a wait before each retry")
        self.assertGreaterEqual(self.clock.waits[0], 1.0, "Retry-After honoured")
        self.assertEqual(sms.state, "pending")
        self.assertCreates(3)
        self.assertEqual(len(self.fake.messages), 1)
        self.assertEqual(self._attempt(sms).post_count, 3)

    def test_503_retries_then_fails_visibly(self):
        self.fake.inject(*[{"status": 503, "code": 20503}] * 4)
        with self.assertLogs(SENDER_LOGGER, "WARNING") as logs:
            sms = self._send(self._sms())
        self.assertIn("busy or unreachable after 4 attempts", logs.output[0])
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertCreates(4)
        self.assertEqual(len(self.fake.messages), 0)
        self.assertEqual(self._attempt(sms).state, "failed")

    def test_503_then_accepted(self):
        self.fake.inject({"status": 503, "code": 20503})
        sms = self._send(self._sms())
        self.assertEqual(sms.state, "pending")
        self.assertCreates(2)
        self.assertEqual(len(self.fake.messages), 1)

    def test_connection_refused_retries_then_fails(self):
        self.company.sms_retention_twilio_api_url = "http://127.0.0.1:9"
        with self.assertLogs(SENDER_LOGGER, "WARNING") as logs:
            sms = self._send(self._sms())
        self.assertIn("busy or unreachable after 4 attempts", logs.output[0])
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        attempt = self._attempt(sms)
        self.assertEqual((attempt.state, attempt.post_count), ("failed", 4))

    def test_500_marks_unknown_and_never_reposts(self):
        self.fake.inject({"status": 500, "accept": True})
        sms = self._send(self._sms())
        self.assertEqual(sms.state, "process")
        self.assertCreates(1)
        attempt = self._attempt(sms)
        self.assertEqual(attempt.state, "unknown")
        # Sent again (restart, resend): reconciled from Twilio's list, no POST.
        sms.write({"state": "outgoing", "to_delete": False})
        sms = self._send(sms)
        self.assertEqual(sms.state, "pending")
        self.assertCreates(1)
        self.assertEqual(len(self.fake.messages), 1)
        self.assertEqual(attempt.state, "accepted")
        self.assertEqual(attempt.message_sid, next(iter(self.fake.messages)))

    def test_500_not_accepted_is_posted_once_more_after_reconcile(self):
        self.fake.inject({"status": 500})
        sms = self._send(self._sms())
        self.assertEqual(self._attempt(sms).state, "unknown")
        sms.write({"state": "outgoing", "to_delete": False})
        sms = self._send(sms)
        self.assertEqual(sms.state, "pending")
        self.assertCreates(2)
        self.assertEqual(len(self.fake.messages), 1)

    def test_read_timeout_unknown_then_cron_reconciles(self):
        self.company.sms_retention_twilio_timeout = 0.5
        # Twilio creates the message but answers only after we gave up.
        self.fake.inject({"hold": True, "accept": True})
        sms = self._send(self._sms())
        self.assertEqual(sms.state, "process")
        attempt = self._attempt(sms)
        self.assertEqual(attempt.state, "unknown")
        self.assertEqual(
            self.env["sms.sms"]._sms_retention_twilio_reconcile_unknown(5), 0
        )
        settled = self.env["sms.sms"]._sms_retention_twilio_reconcile_unknown(-1)
        self.assertEqual(settled, 1)
        self.assertEqual(attempt.state, "accepted")
        self.assertTrue(attempt.message_sid)
        self.assertCreates(1)

    def test_cron_requeues_what_twilio_does_not_have(self):
        self.fake.inject({"status": 500})
        sms = self._send(self._sms())
        self.assertEqual(self._attempt(sms).state, "unknown")
        self.env["sms.sms"]._sms_retention_twilio_reconcile_unknown(-1)
        self.assertEqual((sms.state, sms.to_delete), ("outgoing", False))
        self.env["sms.sms"]._process_queue()
        sms.invalidate_recordset()
        self.assertEqual(sms.state, "pending")
        self.assertCreates(2)
        self.assertEqual(len(self.fake.messages), 1)

    def test_sms_claimed_by_another_sender_is_not_posted(self):
        sms = self._sms()
        self.env["sms.retention.twilio.attempt"].create(
            {"sms_uuid": sms.uuid, "state": "sending"}
        )
        # As if the other sender claimed it between our read and our claim.
        with patch.object(SmsApiTwilio, "_attempt_read", return_value=None):
            sms = self._send(sms)
        self.assertEqual(sms.state, "process")
        self.assertCreates(0)

    def test_accepted_attempt_is_not_posted_again(self):
        sms = self._send(self._sms())
        sms.write({"state": "outgoing", "to_delete": False})
        sms = self._send(sms)
        self.assertEqual(sms.state, "pending")
        self.assertCreates(1)

    def test_batch_size_and_pacing(self):
        self.company.write(
            {"sms_retention_twilio_batch_size": 2, "sms_retention_twilio_rate": 20}
        )
        smss = self.env["sms.sms"].browse()
        for index in range(5):
            smss |= self._sms(number=f"+1212555{index + 120:04d}")
        self.assertEqual([len(batch) for batch in smss._split_batch()], [2, 2, 1])
        start = self.clock.now
        smss.send(unlink_sent=False)
        self.assertGreaterEqual(self.clock.now - start, 0.19)
        self.assertEqual(set(smss.mapped("state")), {"pending"})
        self.assertCreates(5)

    def test_retention_job_sends_twilio_batches(self):
        """The retention sending job hands Twilio at most a Twilio batch per
        transaction, however large its own send batch."""
        self._run_sending_job()  # whatever else is due
        self.env["ir.config_parameter"].sudo().set_param(
            "sms_retention.send_batch_size", "2000"
        )
        self.company.sms_retention_twilio_batch_size = 2
        sms_model = self.env["sms.sms"]
        self.assertEqual(sms_model._sms_retention_send_batch_size(), 2)
        campaign = self._create_custom_campaign(
            "Twilio batches", self.env.ref("sms_retention.sms_template_winback")
        )
        partners = self._create_us_customers("Twilio Batch Customer", range(140, 145))
        messages = campaign._enqueue(partners)
        sizes = []
        send_batch = SmsApiTwilio._send_sms_batch

        def recording_send(api, messages, delivery_reports_url=False):
            sizes.append(sum(len(message["numbers"]) for message in messages))
            return send_batch(api, messages, delivery_reports_url)

        with patch.object(
            SmsApiTwilio, "_send_sms_batch", autospec=True, side_effect=recording_send
        ):
            self._run_sending_job()
        self.assertEqual(sizes, [2, 2, 1])
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertCreates(5)
        self.company.sms_retention_provider = "sandbox"
        self.assertEqual(sms_model._sms_retention_send_batch_size(), 2000)

    def test_twilio_price_replaces_the_estimate(self):
        """The price Twilio reports is the message's cost, in the company's
        currency; a currency Odoo does not know keeps the estimate."""
        campaign = self._create_custom_campaign(
            "Twilio price", self.env.ref("sms_retention.sms_template_winback")
        )
        partners = self._create_us_customers("Twilio Price Customer", range(150, 152))
        first, second = campaign._enqueue(partners)
        self._run_sending_job()
        self.assertEqual((first.state, second.state), ("sent", "sent"))
        estimate = second.cost_amount
        self.assertAlmostEqual(estimate, 0.0083 * second.segment_count, places=5)
        self._set_rate(self.env.ref("base.EUR"), 0.5)  # 1 USD = 0.5 EUR
        self._attempt(first.sms_uuid)._apply_message(
            {"price": "-0.00790", "price_unit": "EUR"}
        )
        self.assertAlmostEqual(first.cost_amount, 0.0158, places=5)
        self._attempt(second.sms_uuid)._apply_message(
            {"price": "-0.00790", "price_unit": "XYZ"}
        )
        self.assertAlmostEqual(second.cost_amount, estimate, places=5)
