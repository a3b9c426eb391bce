# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, tagged

from odoo.addons.sms_retention.tests.common import SmsRetentionCommon

CONFIRMED = "2026-03-02 10:00:00"
DELIVERED = "2026-03-05 15:30:00"
BACKORDER_DELIVERED = "2026-03-09 09:00:00"


@tagged("post_install", "-at_install")
class TestReviewOnDelivery(SmsRetentionCommon):
    """The review campaign triggered on "Order delivered" instead of "Order
    confirmed", on real pickings validated with ``button_validate``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.storable = cls.env["product.product"].create(
            {"name": "Retention Kettle", "detailed_type": "product", "list_price": 30}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.storable, cls.warehouse.lot_stock_id, 10.0
        )

    def setUp(self):
        super().setUp()
        # Rules patch model methods in memory; the test rollback does not undo it.
        self.addCleanup(self._trigger, self.campaign.trigger)
        self._trigger("order_delivered")

    def _trigger(self, trigger):
        self.campaign.trigger = trigger

    def _order(self, qty=3.0):
        with freeze_time(CONFIRMED):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer_us.id,
                    "company_id": self.company.id,
                    "user_id": self.salesperson.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": self.storable.id, "product_uom_qty": qty},
                        )
                    ],
                }
            )
            order.action_confirm()
        self.assertEqual(len(order.picking_ids), 1)
        return order

    def _deliver(self, picking, qty=None, when=DELIVERED, backorder=True):
        """Validate ``picking`` as a user does: ``qty`` picked (all by default);
        for less, answer the backorder question."""
        with freeze_time(when):
            if qty is not None:
                picking.move_ids.quantity = qty
            res = picking.button_validate()
            if isinstance(res, dict) and res.get("res_model"):
                self.assertEqual(res["res_model"], "stock.backorder.confirmation")
                wizard = Form(
                    picking.env[res["res_model"]].with_context(**res["context"])
                ).save()
                if backorder:
                    wizard.process()
                else:
                    wizard.process_cancel_backorder()
            # The end of the request: recomputations left pending (such as
            # the order's delivery status) run, and their rules with them.
            picking.env.flush_all()
        self.assertEqual(picking.state, "done")

    def _return(self, picking, qty):
        wizard = Form(
            picking.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = qty
        returned = picking.browse(wizard.create_returns()["res_id"])
        returned.move_ids.quantity = qty
        returned.button_validate()
        returned.env.flush_all()  # the end of the request
        self.assertEqual(returned.state, "done")
        return returned

    def test_trigger_order_delivered_watches_the_first_delivery(self):
        rule = self.campaign.automation_id
        self.assertTrue(rule.active)
        self.assertEqual(rule.trigger, "on_create_or_write")
        self.assertEqual(rule.trigger_field_ids.name, "effective_date")
        self.assertEqual(
            rule.action_server_ids.sms_retention_campaign_id, self.campaign
        )
        self.assertEqual(
            self.campaign.trigger_summary, "Order delivered, 2 days later."
        )
        # Back to "order confirmed": the rule follows, one rule per campaign.
        self._trigger("order_confirmed")
        self.assertFalse(rule.exists())
        self.assertEqual(self.campaign.automation_id.trigger, "on_state_set")
        self.assertEqual(
            self.env["base.automation"].search_count(
                [("action_server_ids.sms_retention_campaign_id", "=", self.campaign.id)]
            ),
            1,
        )

    def test_delivery_plans_the_review_once_after_the_delay(self):
        order = self._order()
        self.assertFalse(self._messages_of(order), "nothing at confirmation")
        self._deliver(order.picking_ids)
        message = self._messages_of(order)
        self.assertEqual(len(message), 1)
        self.assertEqual((message.res_model, message.res_id), ("sale.order", order.id))
        self.assertEqual(message.campaign_id, self.campaign)
        self.assertEqual(message.partner_id, self.customer_us)
        self.assertEqual(message.state, "scheduled")
        self.assertEqual(order.effective_date, fields.Datetime.to_datetime(DELIVERED))
        self.assertEqual(
            message.planned_at, fields.Datetime.to_datetime("2026-03-07 15:30:00")
        )

    def test_delay_in_hours(self):
        self.campaign.write({"delay": 5, "delay_unit": "hours"})
        order = self._order()
        self._deliver(order.picking_ids)
        self.assertEqual(
            self._messages_of(order).planned_at,
            fields.Datetime.to_datetime("2026-03-05 20:30:00"),
        )

    def test_partial_delivery_then_backorder_plans_one_review(self):
        order = self._order(qty=3.0)
        first = order.picking_ids
        self._deliver(first, qty=1.0)
        self.assertEqual(order.delivery_status, "partial")
        message = self._messages_of(order)
        self.assertEqual(len(message), 1, "the first delivery plans the review")
        self.assertEqual(
            message.planned_at, fields.Datetime.to_datetime("2026-03-07 15:30:00")
        )
        backorder = order.picking_ids - first
        self.assertEqual(len(backorder), 1)
        self._deliver(backorder, when=BACKORDER_DELIVERED)
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(self._messages_of(order), message, "no second review")
        self.assertEqual(
            message.planned_at,
            fields.Datetime.to_datetime("2026-03-07 15:30:00"),
            "the review keeps its time",
        )

    def test_partial_delivery_without_backorder_plans_one_review(self):
        order = self._order(qty=3.0)
        self._deliver(order.picking_ids, qty=2.0, backorder=False)
        self.assertEqual(len(self._messages_of(order)), 1)

    def test_paused_campaign_plans_nothing_on_delivery(self):
        self.campaign.action_pause()
        order = self._order()
        self._deliver(order.picking_ids)
        self.assertTrue(order.effective_date)
        self.assertFalse(self._messages_of(order))

    def test_confirmation_trigger_plans_once_whatever_the_deliveries(self):
        """Back on "order confirmed": deliveries plan nothing more."""
        self._trigger("order_confirmed")
        order = self._order()
        message = self._messages_of(order)
        self.assertEqual(
            message.planned_at, fields.Datetime.to_datetime("2026-03-04 10:00:00")
        )
        self._deliver(order.picking_ids)
        self.assertEqual(self._messages_of(order), message)

    def test_order_canceled_before_delivery_plans_nothing(self):
        order = self._order()
        order._action_cancel()
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertFalse(order.effective_date)
        self.assertFalse(self._messages_of(order))
        # Confirmed again and delivered: one review, from the new delivery.
        order.action_draft()
        order.action_confirm()
        self._deliver(order.picking_ids.filtered(lambda p: p.state != "cancel"))
        self.assertEqual(len(self._messages_of(order)), 1)

    def test_full_return_cancels_the_review_not_yet_sent(self):
        order = self._order(qty=3.0)
        self._deliver(order.picking_ids)
        message = self._messages_of(order)
        delivery = order.picking_ids
        # A partial return keeps the review: the customer kept some goods.
        self._return(delivery, 1.0)
        self.assertEqual(message.state, "scheduled")
        self._return(delivery, 2.0)
        self.assertEqual(order.order_line.qty_delivered, 0.0)
        self.assertEqual(message.state, "canceled")
        self.assertEqual(self._messages_of(order), message, "nothing new planned")
        self.assertEqual(order.effective_date, fields.Datetime.to_datetime(DELIVERED))

    def test_return_after_sending_changes_nothing(self):
        self.campaign.delay = 0
        order = self._order(qty=1.0)
        self._deliver(order.picking_ids)
        message = self._messages_of(order)
        with self.mock_sms_providers():
            message.action_send_now()
        self.assertEqual(message.state, "sent")
        self._return(order.picking_ids, 1.0)
        self.assertEqual(message.state, "sent")

    def test_warehouse_user_validates_the_delivery(self):
        """The rule runs for a user without rights on retention messages."""
        order = self._order()
        storekeeper = self.env["res.users"].create(
            {
                "name": "Stan Storekeeper",
                "login": "stan.storekeeper",
                "email": "stan@example.com",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
            }
        )
        self._deliver(order.picking_ids.with_user(storekeeper))
        self.assertEqual(len(self._messages_of(order)), 1)
        self._return(order.picking_ids.with_user(storekeeper), 3.0)
        self.assertEqual(self._messages_of(order).state, "canceled")

    def test_variant_fully_delivered(self):
        """The readme's variant: trigger on Delivery Status, fully delivered."""
        self.campaign.automation_id.write(
            {
                "trigger_field_ids": [
                    (6, 0, [self._field_id("sale.order", "delivery_status")])
                ],
                "filter_domain": "[('delivery_status', '=', 'full')]",
            }
        )
        order = self._order(qty=3.0)
        first = order.picking_ids
        self._deliver(first, qty=1.0)
        self.assertFalse(self._messages_of(order), "partially delivered")
        self._deliver(order.picking_ids - first, when=BACKORDER_DELIVERED)
        message = self._messages_of(order)
        self.assertEqual(
            message.planned_at, fields.Datetime.to_datetime("2026-03-11 09:00:00")
        )
        # A return leaves "fully delivered" and comes back to it: still one.
        self._return(first, 1.0)
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(self._messages_of(order), message)

    def _field_id(self, model, name):
        return self.env["ir.model.fields"]._get(model, name).id
