# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from ..attribution import Attribution
from .common import SmsRetentionCommon

T0 = datetime(2026, 3, 2, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestAttribution(SmsRetentionCommon):
    """Confirmed orders are credited to the last retention SMS that touched
    the customer: a click within the click window (5 days), a delivery or a
    reply within the delivery window (1 day)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.list_price = 100.0
        cls.winback = cls._create_partner_campaign(
            "Come back", "We miss you, {{ object.name }}", company_id=cls.company.id
        )

    def _message(self, sent_at, campaign=None, partner=None, **values):
        return self._create_message(
            campaign or self.winback,
            partner or self.customer_us,
            planned_at=sent_at,
            state="sent",
            sent_at=sent_at,
            **values,
        )

    def _order_at(self, when, partner=None, **values):
        with freeze_time(when):
            order = self._create_order(partner or self.customer_us, confirm=False)
            if values:
                order.write(values)
            order.action_confirm()
        return order

    def _attribute(self):
        self.env["sale.order"]._cron_sms_retention_attribute()

    def test_campaign_windows_come_from_the_company(self):
        self.company.write(
            {
                "sms_retention_click_window_days": 7,
                "sms_retention_delivery_window_days": 2,
            }
        )
        campaign = self._create_custom_campaign(
            "Later", self.winback.sms_template_id, company_id=self.company.id
        )
        self.assertEqual(campaign.attribution_click_days, 7)
        self.assertEqual(campaign.attribution_delivery_days, 2)
        self.assertEqual(self.winback.attribution_click_days, 5)

    def test_order_after_delivery_is_attributed(self):
        message = self._message(T0)
        order = self._order_at(T0 + timedelta(hours=20))
        self.assertTrue(order.sms_retention_attribution_pending)
        self._attribute()
        self.assertEqual(message.conversion_order_id, order)
        self.assertEqual(message.conversion_amount, order.amount_untaxed)
        self.assertFalse(order.sms_retention_attribution_pending)
        self.assertEqual(order.sms_retention_conversion_ids, message)
        self.assertEqual(self.winback.conversion_count, 1)
        self.assertEqual(self.winback.attributed_revenue, 100.0)

    def test_windows(self):
        """Past the delivery window only a click counts, within its window."""
        late = self._message(T0)
        self._order_at(T0 + timedelta(days=2))
        self._attribute()
        self.assertFalse(late.conversion_order_id, "a day after delivery only")
        clicked = self._message(T0, clicked_at=T0 + timedelta(days=1))
        order = self._order_at(T0 + timedelta(days=5, hours=23))
        self._attribute()
        self.assertEqual(clicked.conversion_order_id, order)
        stale = self._message(T0, clicked_at=T0, partner=self.customer_cn)
        self._order_at(T0 + timedelta(days=5, hours=1), partner=self.customer_cn)
        self._attribute()
        self.assertFalse(stale.conversion_order_id, "click window is 5 days")

    def test_campaign_window_overrides_the_company(self):
        self.winback.attribution_delivery_days = 3
        message = self._message(T0)
        order = self._order_at(T0 + timedelta(days=2))
        self._attribute()
        self.assertEqual(message.conversion_order_id, order)

    def test_last_touch_wins_and_a_reply_touches(self):
        clicked = self._message(T0, clicked_at=T0 + timedelta(hours=1))
        answered = self._message(T0 + timedelta(hours=2), campaign=self.campaign)
        self.env["sms.retention.inbound"].create(
            {
                "company_id": self.company.id,
                "provider": "sandbox",
                "from_number_raw": self.customer_us.mobile,
                "from_number": "+12125550101",
                "body": "Thanks!",
                "state": "matched",
                "received_at": T0 + timedelta(days=2),
                "partner_id": self.customer_us.id,
                "outbound_message_id": answered.id,
            }
        )
        # Delivered 2 days before: out of its window, but answered 8 hours
        # before the order, later than the other SMS's click.
        order = self._order_at(T0 + timedelta(days=2, hours=8))
        self._attribute()
        self.assertEqual(answered.conversion_order_id, order)
        self.assertFalse(clicked.conversion_order_id)

    def test_touch_after_the_order_does_not_count(self):
        message = self._message(T0 + timedelta(hours=5))
        self._order_at(T0)
        self._attribute()
        self.assertFalse(message.conversion_order_id)

    def test_one_order_counts_once_and_a_message_converts_once(self):
        message = self._message(T0)
        first = self._order_at(T0 + timedelta(hours=1))
        second = self._order_at(T0 + timedelta(hours=2))
        self._attribute()
        self.assertEqual(message.conversion_order_id, first)
        self.assertFalse(second.sms_retention_conversion_ids)
        Attribution(self.env).attribute(first.ids)  # again: nothing changes
        self.assertEqual(message.conversion_order_id, first)

    def test_cancelled_order_loses_its_attribution(self):
        message = self._message(T0)
        order = self._order_at(T0 + timedelta(hours=1))
        self._attribute()
        self.assertEqual(message.conversion_order_id, order)
        order._action_cancel()
        self.assertFalse(message.conversion_order_id)
        self.assertFalse(message.conversion_amount)
        self.assertEqual(self.winback.conversion_count, 0)

    def test_cancelled_before_the_job_is_not_attributed(self):
        message = self._message(T0)
        order = self._order_at(T0 + timedelta(hours=1))
        order._action_cancel()
        self.assertFalse(order.sms_retention_attribution_pending)
        self._attribute()
        self.assertFalse(message.conversion_order_id)

    def test_order_of_another_company_is_not_attributed(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env.user.company_ids |= other
        message = self._message(T0)
        with freeze_time(T0 + timedelta(hours=1)):
            order = (
                self.env["sale.order"]
                .with_company(other)
                .create(
                    {
                        "partner_id": self.customer_us.id,
                        "company_id": other.id,
                        "order_line": [(0, 0, {"product_id": self.product.id})],
                    }
                )
            )
            order.action_confirm()
        self._attribute()
        self.assertFalse(message.conversion_order_id)

    def test_order_in_another_currency_is_converted(self):
        eur = self.env.ref("base.EUR")
        self._set_rate(eur, 0.5)  # 1 USD = 0.5 EUR
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id, "company_id": self.company.id}
        )
        message = self._message(T0)
        order = self._order_at(T0 + timedelta(hours=1), pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, eur)
        self._attribute()
        self.assertEqual(message.conversion_order_id, order)
        self.assertEqual(message.currency_id, self.company.currency_id)
        self.assertAlmostEqual(message.conversion_amount, order.amount_untaxed * 2)

    def test_contact_of_the_customer_and_merged_customer(self):
        """An order of a contact of the same company counts; a customer
        merged after the SMS keeps its messages (and their attribution)."""
        company_partner = self.env["res.partner"].create(
            {"name": "Walker Inc", "is_company": True}
        )
        self.customer_us.parent_id = company_partner
        buyer = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": company_partner.id}
        )
        message = self._message(T0)
        order = self._order_at(T0 + timedelta(hours=1), partner=buyer)
        self._attribute()
        self.assertEqual(message.conversion_order_id, order)
        duplicate = self._create_customer("Alice W.", "+1 212 555 0199", "us")
        other = self._message(T0, partner=duplicate)
        self.env["base.partner.merge.automatic.wizard"]._merge(
            [self.customer_us.id, duplicate.id], self.customer_us
        )
        self.assertEqual(other.partner_id, self.customer_us)
        self.assertEqual(message.conversion_order_id, order)

    def test_deleted_message_frees_nothing_but_itself(self):
        message = self._message(T0)
        order = self._order_at(T0 + timedelta(hours=1))
        self._attribute()
        message.unlink()
        self.assertFalse(order.sms_retention_conversion_ids)
        self.assertEqual(self.winback.conversion_count, 0)

    def test_no_orders_shows_zero(self):
        self._message(T0)
        self.assertEqual(self.winback.conversion_count, 0)
        self.assertEqual(self.winback.attributed_revenue, 0.0)
        self.assertEqual(self.winback.click_count, 0)

    def test_queries_per_batch_are_constant(self):
        def count(n):
            partners = self._create_us_customers(f"Q{n}-", range(n))
            for partner in partners:
                self._message(T0, partner=partner)
            orders = self.env["sale.order"]
            for partner in partners:
                orders |= self._order_at(T0 + timedelta(hours=1), partner=partner)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Attribution(self.env).attribute(orders.ids)
            queries = self.env.cr.sql_log_count - before
            self.assertEqual(
                len(orders.sms_retention_conversion_ids), n, "all attributed"
            )
            return queries

        self.assertEqual(count(3), count(12))
