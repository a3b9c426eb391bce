# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One rule each, for records and for set-based SQL alike: a planned
message's number and skip reason, the customer's time zone, and who
follows up a customer's SMS."""

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.customer_tz import customer_tz, effective_tz, effective_tz_sql
from ..tools.phone import number_or_skip, number_or_skip_sql
from .common import SmsRetentionCommon

# (mobile, phone, sanitized) -> (number, skip reason)
NUMBER_CASES = [
    ((None, None, None), (None, "no_number")),
    (("", "", ""), (None, "no_number")),
    (("12", None, None), (None, "invalid_number")),
    ((None, "12", None), (None, "invalid_number")),
    (("  ", None, None), (None, "invalid_number")),
    (("+1 212 555 0101", None, "+12125550101"), ("+12125550101", None)),
    (("12", "+1 212 555 0101", "+12125550101"), ("+12125550101", None)),
]


@tagged("post_install", "-at_install")
class TestPlannedNumber(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.birthday = cls._running_birthday_campaign()
        cls.partner_campaign = cls._create_custom_campaign(
            "Customer SMS",
            cls.env.ref("sms_retention.sms_template_winback"),
            company_id=cls.company.id,
        )

    def test_rule(self):
        for args, expected in NUMBER_CASES:
            self.assertEqual(number_or_skip(*args), expected, args)

    def test_sql_gives_the_rule(self):
        rows = SQL(", ").join(
            SQL("(%s, %s::varchar, %s::varchar, %s::varchar)", index, *args)
            for index, (args, _expected) in enumerate(NUMBER_CASES)
        )
        number, skip_reason = number_or_skip_sql(
            SQL("c.mobile"), SQL("c.phone"), SQL("c.sanitized")
        )
        self.env.cr.execute(
            SQL(
                "SELECT c.index, %s, %s FROM (VALUES %s) "
                "AS c(index, mobile, phone, sanitized) ORDER BY c.index",
                number,
                skip_reason,
                rows,
            )
        )
        self.assertEqual(
            [(number, reason) for _index, number, reason in self.env.cr.fetchall()],
            [expected for _args, expected in NUMBER_CASES],
        )

    def test_daily_selection_and_planning_agree(self):
        """The daily SQL selection and the messages planned one by one give
        a customer the same number or skip reason. Regression: a customer
        whose mobile could not be read was "no number" in the daily
        selection and "invalid number" (or a possible but invalid number,
        planned) when planned one by one."""
        customers = self.env["res.partner"].create(
            [
                {"name": "None", "country_id": self.env.ref("base.us").id},
                {"name": "Short", "mobile": "12"},
                {"name": "Not a US area", "mobile": "+1 100 555 0101"},
                {"name": "Good", "mobile": "+1 212 555 0133"},
                {"name": "Bad mobile", "mobile": "12", "phone": "+1 212 555 0134"},
            ]
        )
        customers.write(
            {
                "sms_retention_birthday_month": 3,
                "sms_retention_birthday_day": 5,
                "tz": False,
            }
        )
        with freeze_time("2026-03-02 15:00:00"):
            self.env["sms.retention.campaign"]._cron_daily_campaigns()
        daily = self.env["sms.retention.message"].search(
            [
                ("campaign_id", "=", self.birthday.id),
                ("partner_id", "in", customers.ids),
            ]
        )
        planned = self.partner_campaign._enqueue(customers)

        def facts(messages):
            return {
                m.partner_id: (m.state, m.skip_reason or False, m.number or False)
                for m in messages
            }

        self.assertEqual(len(daily), len(customers))
        self.assertEqual(facts(daily), facts(planned))
        self.assertEqual(
            list(facts(planned.sorted(lambda m: m.partner_id.id)).values()),
            [
                ("skipped", "no_number", False),
                ("skipped", "invalid_number", False),
                ("skipped", "invalid_number", False),
                ("scheduled", False, "+12125550133"),
                ("scheduled", False, "+12125550134"),
            ],
        )


@tagged("post_install", "-at_install")
class TestCustomerTimeZone(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "America/New_York"
        cls.company_th = cls.env["res.company"].create(
            {"name": "Retention Bangkok", "country_id": cls.env.ref("base.th").id}
        )
        cls.company_th.partner_id.tz = "Asia/Bangkok"
        cls.env.user.company_ids |= cls.company_th
        cls.birthday = cls.env.ref("sms_retention.sms_retention_campaign_birthday")
        cls.birthday.write(
            {
                "active": True,
                "state": "running",
                "segment_ids": [(5, 0, 0)],
                "company_id": False,
            }
        )

    def test_rule(self):
        self.assertEqual(
            customer_tz("Europe/Paris", "+66812345678", "TH"), "Europe/Paris"
        )
        self.assertEqual(customer_tz(None, "+66812345678", "US"), "Asia/Bangkok")
        self.assertEqual(customer_tz(None, None, "TH"), "Asia/Bangkok")
        self.assertIsNone(customer_tz(None, None, "US"), "several zones")
        self.assertIsNone(customer_tz())
        self.assertEqual(effective_tz("Asia/Bangkok", "UTC"), "Asia/Bangkok")
        self.assertEqual(effective_tz(None, "UTC"), "UTC")
        self.assertEqual(effective_tz("", "UTC"), "UTC")

    def test_sql_gives_the_rule(self):
        cases = [("Asia/Bangkok", "UTC"), (None, "UTC"), ("", "Europe/Paris")]
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM (VALUES %s) AS c(index, tz, company_tz) ORDER BY index",
                effective_tz_sql(SQL("c.tz"), SQL("c.company_tz")),
                SQL(", ").join(
                    SQL("(%s, %s::varchar, %s::varchar)", index, *case)
                    for index, case in enumerate(cases)
                ),
            )
        )
        self.assertEqual(
            [row[0] for row in self.env.cr.fetchall()],
            [effective_tz(*case) for case in cases],
        )

    def test_customer_record_and_bare_number(self):
        partners = self.env["res.partner"]
        nowhere = partners.create({"name": "Nowhere", "tz": False})
        self.assertEqual(
            nowhere._sms_retention_effective_tz(self.company), "America/New_York"
        )
        self.assertEqual(
            nowhere._sms_retention_effective_tz(self.company_th), "Asia/Bangkok"
        )
        self.assertEqual(
            partners._sms_retention_effective_tz(self.company, number="+66812345678"),
            "Asia/Bangkok",
            "an SMS to no customer: the number's time zone",
        )
        self.assertEqual(
            partners._sms_retention_effective_tz(self.company), "America/New_York"
        )

    def test_daily_selection_uses_the_message_company_time_zone(self):
        """Regression: a campaign of no company read the local date of a
        customer without a time zone in the current company's zone, and the
        sending job in the zone of the message's company (the customer's)."""
        customers = self.env["res.partner"].create(
            [
                {"name": "Of Bangkok", "company_id": self.company_th.id},
                {"name": "Shared", "company_id": False},
                {"name": "Own zone", "tz": "Asia/Tokyo", "company_id": False},
                {"name": "Number", "mobile": "+66 81 999 0002", "company_id": False},
            ]
        )
        customers.filtered(lambda p: p.name != "Own zone").tz = False
        # 20:00 UTC on Mar 2 is Mar 2 in New York, Mar 3 in Bangkok and Tokyo:
        # a birthday on Mar 6 is due three days ahead in Asia only.
        customers.write(
            {"sms_retention_birthday_month": 3, "sms_retention_birthday_day": 6}
        )
        with freeze_time("2026-03-02 20:00:00"):
            self.env["sms.retention.campaign"]._cron_daily_campaigns()
        messages = self.env["sms.retention.message"].search(
            [
                ("campaign_id", "=", self.birthday.id),
                ("partner_id", "in", customers.ids),
            ]
        )
        self.assertEqual(
            set(messages.partner_id.mapped("name")),
            {"Of Bangkok", "Own zone", "Number"},
        )
        by_name = {m.partner_id.name: m for m in messages}
        self.assertEqual(by_name["Of Bangkok"].company_id, self.company_th)
        # Expires when Mar 6 ends in the customer's zone.
        self.assertEqual(
            by_name["Of Bangkok"].expires_at,
            fields.Datetime.to_datetime("2026-03-06 17:00:00"),
        )
        self.assertEqual(
            by_name["Own zone"].expires_at,
            fields.Datetime.to_datetime("2026-03-06 15:00:00"),
        )
        self.birthday.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT p.id, %s, %s FROM res_partner p WHERE p.id = ANY(%s)",
                self.birthday._daily_company_sql(),
                self.birthday._daily_tz_sql(),
                customers.ids,
            )
        )
        for partner_id, company_id, tz in self.env.cr.fetchall():
            partner = self.env["res.partner"].browse(partner_id)
            company = self.env["res.company"].browse(company_id)
            self.assertEqual(
                tz, partner._sms_retention_effective_tz(company), partner.name
            )


@tagged("post_install", "-at_install")
class TestFollowUpUser(SmsRetentionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.salesperson.copy(
            {"login": "complaints.manager", "name": "Complaints Manager"}
        )
        cls.seller_2 = cls.salesperson.copy({"login": "seller.two", "name": "Other"})
        cls.complaint = "sms_retention.mail_activity_type_sms_complaint"

    def _order_without_salesperson(self, partner):
        order = self._create_order(partner, confirm=False)
        order.user_id = False
        order.action_confirm()
        return order

    def _follow_up(self, partner, record=None):
        return partner._sms_retention_follow_up(
            self.complaint, "<p>note</p>", self.company, record=record
        )

    def test_fallback_chain(self):
        self.company.sms_retention_complaint_user_id = self.manager
        self.customer_us.user_id = self.seller_2
        order = self._create_order(self.customer_us)
        activity = self._follow_up(self.customer_us, order)
        self.assertEqual(
            (activity.res_model, activity.res_id), ("sale.order", order.id)
        )
        self.assertEqual(activity.user_id, self.salesperson, "the order's salesperson")
        self.assertIn("sms_retention.thread", activity.note)
        orphan = self._order_without_salesperson(self.customer_us)
        self.assertEqual(
            self._follow_up(self.customer_us, orphan).user_id,
            self.seller_2,
            "else the customer's",
        )
        self.customer_us.user_id = False
        activity = self._follow_up(self.customer_us)
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.user_id, self.manager, "else the complaint user")
        self.company.sms_retention_complaint_user_id = False
        self.assertEqual(
            self._follow_up(self.customer_us).user_id,
            self.env.ref("base.user_admin"),
            "else the administrator",
        )
        self.assertFalse(
            self._follow_up(self.env["res.partner"]), "no customer, no record"
        )

    def test_planned_message_has_the_same_salesperson(self):
        """Regression: a message about an order without a salesperson had
        none, instead of the customer's."""
        self.customer_us.user_id = self.seller_2
        self.campaign.delay = 0
        self.assertEqual(
            self._messages_of(self._create_order(self.customer_us)).user_id,
            self.salesperson,
        )
        orphan = self._order_without_salesperson(self.customer_us)
        message = self._messages_of(orphan)
        self.assertEqual(message.user_id, self.seller_2)
        self.assertEqual(
            message.user_id, self.customer_us._sms_retention_salesperson(orphan)
        )
