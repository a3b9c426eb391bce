# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every way consent changes writes one consent-log row per changed customer
(no intermediate state), keeps Odoo's phone blacklist in step, and does
nothing when the consent is already the one asked for."""

from odoo.tests import Form, tagged

from .common import SmsRetentionCommon

NUMBER = "+12125550101"


@tagged("post_install", "-at_install")
class TestConsentPaths(SmsRetentionCommon):
    def _rows(self, partner):
        """``(previous_state, state, source)`` of each consent-log row, oldest first."""
        logs = self.env["sms.retention.consent.log"].search(
            [("partner_id", "=", partner.id)], order="id"
        )
        return [(log.previous_state, log.state, log.source) for log in logs]

    def _blacklist(self, number=NUMBER):
        return (
            self.env["phone.blacklist"]
            .with_context(active_test=False)
            .search([("number", "=", number)])
        )

    def _receive(self, body, number=NUMBER):
        with self.mock_sms_providers():
            return self.env["sms.retention.inbound"]._receive(
                provider="sandbox", from_number=number, body=body, company=self.company
            )

    def _opted_in(self, partner):
        partner._sms_retention_opt_in("form")
        self.env["sms.retention.consent.log"].search(
            [("partner_id", "=", partner.id)]
        ).unlink()
        return partner

    # KEYWORDS -----------------------------------------------------------

    def test_stop_keyword_one_row_and_stop_twice_is_one_row(self):
        partner = self._opted_in(self.customer_us)
        self._receive("STOP")
        self._receive("Stop!!!")
        self.assertEqual(self._rows(partner), [("opted_in", "opted_out", "keyword")])
        self.assertEqual(partner.sms_retention_consent_log_ids.note, "STOP")
        self.assertTrue(self._blacklist().active)
        self.assertEqual(len(self._blacklist()), 1)

    def test_start_after_stop_one_row_without_unknown(self):
        partner = self._opted_in(self.customer_us)
        self._receive("STOP")
        self._receive("START")
        self._receive("START")
        self.assertEqual(
            self._rows(partner),
            [
                ("opted_in", "opted_out", "keyword"),
                ("opted_out", "opted_in", "keyword"),
            ],
            "START writes one row: opted out to opted in, no 'unknown' between",
        )
        self.assertFalse(self._blacklist().active)

    def test_start_opts_in_every_customer_of_the_number(self):
        spouse = self._create_customer("Bob Walker", "+1 212 555 0101", "us")
        self._receive("STOP")
        self._receive("START")
        for partner in (self.customer_us, spouse):
            self.assertEqual(partner.sms_retention_consent, "opted_in")
            self.assertEqual(
                self._rows(partner)[-1], ("opted_out", "opted_in", "keyword")
            )
            self.assertEqual(len(self._rows(partner)), 2)

    def test_stop_without_customer_blacklists_the_number(self):
        self._receive("STOP", number="+12125559876")
        self.assertTrue(self._blacklist("+12125559876").active)
        self._receive("START", number="+12125559876")
        self.assertFalse(self._blacklist("+12125559876").active)

    # PARTNER FORM -------------------------------------------------------

    def test_form_opt_out_then_opt_in_one_row_each(self):
        partner = self.customer_us
        with Form(partner) as form:
            form.sms_retention_consent = "opted_out"
        self.assertTrue(self._blacklist().active)
        with Form(partner) as form:
            form.sms_retention_consent = "opted_in"
        self.assertFalse(self._blacklist().active)
        self.assertEqual(
            self._rows(partner),
            [("unknown", "opted_out", "form"), ("opted_out", "opted_in", "form")],
        )
        self.assertEqual(partner.sms_retention_consent, "opted_in")
        # Saving the form again changes nothing.
        with Form(partner) as form:
            form.name = "Alice W."
        partner.sms_retention_consent = "opted_in"
        self.assertEqual(len(self._rows(partner)), 2)

    def test_form_to_unknown_leaves_the_blacklist_alone(self):
        partner = self.customer_us
        partner.sms_retention_consent = "opted_out"
        partner.sms_retention_consent = "unknown"
        self.assertEqual(
            self._rows(partner)[-1], ("opted_out", "unknown", "form"), "one row"
        )
        self.assertTrue(self._blacklist().active)

    def test_entry_points_are_idempotent(self):
        partner = self.customer_us
        partner._sms_retention_opt_out("api", note="first")
        partner._sms_retention_opt_out("api", note="second")
        partner._sms_retention_opt_in("web")
        partner._sms_retention_opt_in("web")
        self.assertEqual(
            self._rows(partner),
            [("unknown", "opted_out", "api"), ("opted_out", "opted_in", "web")],
        )
        self.assertEqual(
            partner.sms_retention_consent_log_ids.mapped("note"), [False, "first"]
        )
        self.assertFalse(self._blacklist().active)

    def test_creation_logs_the_initial_consent(self):
        partner = self._create_customer(
            "Opted Out", "+1 212 555 0133", "us", sms_retention_consent="opted_out"
        )
        self.assertEqual(self._rows(partner), [("unknown", "opted_out", "form")])
        self.assertTrue(self._blacklist("+12125550133").active)
        neutral = self._create_customer("Neutral", "+1 212 555 0134", "us")
        self.assertEqual(self._rows(neutral), [])

    def test_created_on_a_blacklisted_number_one_row(self):
        self.env["phone.blacklist"]._add(["+12125550135"])
        partner = self._create_customer(
            "Late", "+1 212 555 0135", "us", sms_retention_consent="opted_in"
        )
        self.assertEqual(
            partner.sms_retention_consent, "opted_out", "the blacklist wins"
        )
        self.assertEqual(
            self._rows(partner),
            [("unknown", "opted_out", "blacklist")],
            "one row: never opted in, even for a moment",
        )

    # ODOO'S PHONE BLACKLIST ---------------------------------------------

    def test_blacklist_add_and_remove_one_row_each(self):
        partner = self._opted_in(self.customer_us)
        self.env["phone.blacklist"]._add([NUMBER])
        self.env["phone.blacklist"]._add([NUMBER])
        self.env["phone.blacklist"]._remove([NUMBER])
        self.assertEqual(
            self._rows(partner),
            [
                ("opted_in", "opted_out", "blacklist"),
                ("opted_out", "unknown", "blacklist"),
            ],
        )
        self.assertFalse(self._blacklist().active, "not blacklisted back")

    def test_blacklist_by_hand_and_unarchive(self):
        partner = self.customer_us
        entry = self.env["phone.blacklist"].create({"number": "+1 212-555-0101"})
        self.assertEqual(self._rows(partner), [("unknown", "opted_out", "blacklist")])
        entry.action_archive()
        entry.action_unarchive()
        self.assertEqual(
            self._rows(partner),
            [
                ("unknown", "opted_out", "blacklist"),
                ("opted_out", "unknown", "blacklist"),
                ("unknown", "opted_out", "blacklist"),
            ],
        )
        self.assertEqual(len(self._blacklist()), 1)

    def test_form_opt_in_of_one_customer_of_a_shared_number(self):
        spouse = self._create_customer(
            "Bob Walker", "+1 212 555 0101", "us", sms_retention_consent="opted_out"
        )
        self.assertEqual(
            self.customer_us.sms_retention_consent, "opted_out", "same number"
        )
        self.customer_us.sms_retention_consent = "opted_in"
        self.assertFalse(self._blacklist().active)
        self.assertEqual(
            self._rows(self.customer_us)[-1], ("opted_out", "opted_in", "form")
        )
        # The number left the blacklist: the other customer is no longer opted
        # out, nor opted in (the blacklist's rule).
        self.assertEqual(self._rows(spouse)[-1], ("opted_out", "unknown", "blacklist"))
