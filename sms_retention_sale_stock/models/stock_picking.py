# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import float_compare


class StockPicking(models.Model):
    """Deliveries plan the review request at once; full returns cancel it.

    The rule "order delivered" watches the order's stored ``effective_date``,
    which Odoo recomputes lazily (at the next flush, at the latest when the
    request ends). Validating a picking reads it for the picking's orders, so
    that the rule plans the review while the validation runs, at the
    validation's time, and callers see it when ``button_validate`` returns.

    When a return from the customer is validated and no quantity of the order
    remains delivered (the return updated the order's quantities, as Odoo's
    return wizard does by default), the order's post-purchase review messages
    that have not left yet are canceled. Retention messages are read and
    canceled with ``sudo()``: the warehouse user validating the return may not
    access them.
    """

    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        done = self.filtered(lambda p: p.state == "done" and p.sale_id)
        done.sale_id.mapped("effective_date")
        returns = done.filtered(lambda p: p.location_id.usage == "customer")
        orders = returns.sale_id.filtered(_nothing_left_delivered)
        if orders:
            self.env["sms.retention.message"].sudo().search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("state", "in", ("scheduled", "queued")),
                    ("campaign_id.kind", "=", "post_purchase"),
                ]
            ).action_cancel()
        return res


def _nothing_left_delivered(order):
    lines = order.order_line.filtered(
        lambda line: line.qty_delivered_method == "stock_move"
    )
    return bool(lines) and all(
        float_compare(
            line.qty_delivered, 0.0, precision_rounding=line.product_uom.rounding
        )
        <= 0
        for line in lines
    )
