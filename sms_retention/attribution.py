# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What retention SMS earn: clicks per message, and orders attributed to
the messages that led to them.

**Clicks.** Each tracked link of a retention SMS carries its message's
signed tag (:mod:`.tools.links`). :func:`record_click` sets the message's
first click on a visit of such a link, unless it is a link preview or a
robot, and keeps the click for Odoo's link tracker (``sms.retention.click``,
counted within a minute).

**Conversions.** When an order is confirmed, it is marked pending and the
attribution job wakes (:class:`Attribution`). For each pending order it
finds the customer's last touch before the order (strictly before: times
are stored to the second, and a touch in the order's second may follow
it): a click within the
campaign's click window, or a delivery or a reply within its delivery
window, of an SMS of the order's company to the order's customer (or a
contact of the same company). That message gets the order
(``conversion_order_id``) and its untaxed amount in the message company's
currency (``conversion_amount``). A message converts once, with its first
attributed order; an order counts once. A cancelled order loses its
attribution (:meth:`Attribution.forget`).

Both run as superuser.
"""

import logging
from typing import NamedTuple

from odoo import fields
from odoo.tools import SQL

from .tools import links
from .tools.cron import can_commit

_logger = logging.getLogger(__name__)

# Pending orders attributed per transaction of the attribution job.
ATTRIBUTION_BATCH_SIZE = 1000


def record_click(env, code, tag, method, user_agent, ip=None, country_code=None):
    """Record a person's click on the short link ``code`` of the message of
    ``tag``; return the message, or None if nothing was recorded (a tag that
    is not ours, a deleted message, a link preview, a robot)."""
    env = env(su=True)
    secret = env["ir.config_parameter"].get_param("database.secret")
    message_id = links.read_tag(secret, tag)
    if not message_id or links.is_preview_request(method, user_agent):
        return None
    message = env["sms.retention.message"].browse(message_id).exists()
    if not message or not message.sent_at:
        return None
    now = fields.Datetime.now()
    if links.is_preview_timing(now, message.sent_at, message.delivered_at):
        return None
    link = env["link.tracker.code"].search([("code", "=", code)], limit=1).link_id
    if not link:
        return None
    env["sms.retention.click"]._queue(link, message, ip=ip, country_code=country_code)
    if not message.clicked_at:
        message.clicked_at = now
    return message


class Touch(NamedTuple):
    """A confirmed order and the message of its last touch (None without)."""

    order_id: int
    message_id: int | None
    amount: float  # untaxed, in the order's currency
    currency_id: int
    company_id: int
    date_order: object  # datetime


class Attribution:
    """The attribution job: pending confirmed orders, in batches.

    :param env: an environment; the job works as superuser
    """

    def __init__(self, env):
        self.env = env(su=True)
        self.orders = self.env["sale.order"]
        self.messages = self.env["sms.retention.message"]

    def run_pending(self, batch_size=ATTRIBUTION_BATCH_SIZE):
        """Attribute pending orders, one committed batch at a time."""
        auto_commit = can_commit()
        while True:
            self.orders.flush_model(["sms_retention_attribution_pending"])
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM sale_order
                        WHERE sms_retention_attribution_pending
                        ORDER BY id LIMIT %s
                          FOR UPDATE SKIP LOCKED""",
                    batch_size,
                )
            )
            order_ids = [row[0] for row in self.env.cr.fetchall()]
            if not order_ids:
                return
            self.attribute(order_ids)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(order_ids) < batch_size:
                return

    def attribute(self, order_ids):
        """Attribute these orders (those confirmed) to their last touch,
        count them in the window of every SMS before them (see
        :meth:`_count_in_windows`) and clear their pending mark: a constant
        number of queries, plus one per currency and day that needs a
        conversion."""
        self.env.flush_all()
        self.env.cr.execute(self._last_touch_query(order_ids))
        orders = [Touch(*row) for row in self.env.cr.fetchall()]
        amounts = self._amounts(orders)
        # The earliest order of a message keeps it: a message converts once.
        taken, rows = set(), []
        for touch in sorted(orders, key=lambda t: (t.date_order, t.order_id)):
            if touch.message_id and touch.message_id not in taken:
                taken.add(touch.message_id)
                rows.append(touch)
        if rows:
            self.env.cr.execute(
                SQL(
                    """UPDATE sms_retention_message m
                          SET conversion_order_id = v.order_id,
                              conversion_amount = v.amount
                         FROM unnest(%s::int[], %s::int[], %s::numeric[])
                              AS v(message_id, order_id, amount)
                        WHERE m.id = v.message_id
                          AND m.conversion_order_id IS NULL""",
                    [row.message_id for row in rows],
                    [row.order_id for row in rows],
                    [amounts[row.order_id] for row in rows],
                )
            )
        self._count_in_windows(amounts, 1)
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order SET sms_retention_attribution_pending = FALSE
                    WHERE id = ANY(%s)""",
                list(order_ids),
            )
        )
        self.orders.browse(order_ids).invalidate_recordset(
            ["sms_retention_attribution_pending"]
        )
        _logger.info(
            "Attributed %s of %s confirmed orders to retention SMS",
            len(rows),
            len(order_ids),
        )

    def _count_in_windows(self, amounts, sign):
        """Add (``sign`` 1) or remove (-1) these orders to the window
        figures of each SMS sent, or held out, to their customer by their
        company within the campaign's click window before them: the same
        rule for texted and holdout customers, whatever touched them.

        :param dict amounts: ``{order id: amount in the company's currency}``
        """
        if not amounts:
            return
        self.env.cr.execute(
            SQL(
                """
                WITH amounts AS (
                    SELECT * FROM unnest(%s::int[], %s::numeric[])
                           AS a(order_id, amount)
                ), exposed AS (
                    -- Order, its customer, the contacts of the same
                    -- company, their SMS: index probes from the few orders.
                    SELECT m.id, COUNT(*) AS orders, SUM(a.amount) AS amount
                      FROM amounts a
                      JOIN sale_order o ON o.id = a.order_id
                      JOIN res_partner op ON op.id = o.partner_id
                      JOIN res_partner mp
                           ON mp.commercial_partner_id = op.commercial_partner_id
                      JOIN sms_retention_message m ON m.partner_id = mp.id
                      JOIN sms_retention_campaign c ON c.id = m.campaign_id
                     WHERE m.company_id = o.company_id
                       AND (m.state = 'sent' OR m.is_holdout)
                       AND COALESCE(m.sent_at, m.planned_at) < o.date_order
                       AND COALESCE(m.sent_at, m.planned_at) > o.date_order
                           - make_interval(days => c.attribution_click_days)
                     GROUP BY m.id
                )
                UPDATE sms_retention_message m
                   SET window_order_count = COALESCE(m.window_order_count, 0)
                                            + %s * e.orders,
                       window_revenue = COALESCE(m.window_revenue, 0)
                                        + %s * e.amount
                  FROM exposed e
                 WHERE m.id = e.id
                """,
                list(amounts),
                list(amounts.values()),
                sign,
                sign,
            )
        )
        self.messages.invalidate_model(
            [
                "conversion_order_id",
                "conversion_amount",
                "window_order_count",
                "window_revenue",
            ]
        )

    @staticmethod
    def _last_touch_query(order_ids):
        """Each confirmed order among ``order_ids`` and the message of its
        last touch, if any (the columns of :class:`Touch`)."""
        return SQL(
            """
            SELECT o.id, best.message_id, o.amount_untaxed, o.currency_id,
                   o.company_id, o.date_order
              FROM sale_order o
              JOIN res_partner op ON op.id = o.partner_id
              LEFT JOIN LATERAL (
                   SELECT m.id AS message_id, touch.at
                     FROM res_partner mp
                     JOIN sms_retention_message m ON m.partner_id = mp.id
                     JOIN sms_retention_campaign c ON c.id = m.campaign_id
                    CROSS JOIN LATERAL (
                          SELECT make_interval(days => c.attribution_click_days)
                                     AS click_window,
                                 make_interval(days => c.attribution_delivery_days)
                                     AS delivery_window
                    ) w
                    CROSS JOIN LATERAL (
                          SELECT GREATEST(
                                   CASE WHEN m.clicked_at < o.date_order
                                         AND m.clicked_at
                                             > o.date_order - w.click_window
                                        THEN m.clicked_at END,
                                   CASE WHEN COALESCE(m.delivered_at, m.sent_at)
                                             < o.date_order
                                         AND COALESCE(m.delivered_at, m.sent_at)
                                             > o.date_order - w.delivery_window
                                        THEN COALESCE(m.delivered_at, m.sent_at) END,
                                   (SELECT MAX(i.received_at)
                                      FROM sms_retention_inbound i
                                     WHERE i.outbound_message_id = m.id
                                       AND i.received_at < o.date_order
                                       AND i.received_at
                                           > o.date_order - w.delivery_window)
                                 ) AS at
                    ) touch
                    WHERE mp.commercial_partner_id = op.commercial_partner_id
                      AND m.company_id = o.company_id
                      AND m.sent_at IS NOT NULL
                      AND m.conversion_order_id IS NULL
                      AND touch.at IS NOT NULL
                    ORDER BY touch.at DESC, m.id DESC
                    LIMIT 1
             ) best ON TRUE
             WHERE o.id = ANY(%s) AND o.state = 'sale'
            """,
            list(order_ids),
        )

    def _amounts(self, touches):
        """``{order id: untaxed amount}`` of these orders in their company's
        currency (the messages' company: see the queries), at the order
        date; one rate per currency, company and day."""
        companies = self.env["res.company"].browse({t.company_id for t in touches})
        companies.fetch(["currency_id"])
        rates, amounts = {}, {}
        for touch in touches:
            company = companies.browse(touch.company_id)
            key = (touch.currency_id, touch.company_id, touch.date_order.date())
            if key not in rates:
                rates[key] = (
                    self.env["res.currency"]
                    .browse(touch.currency_id)
                    ._convert(1.0, company.currency_id, company, key[2], round=False)
                )
            amounts[touch.order_id] = company.currency_id.round(
                (touch.amount or 0.0) * rates[key]
            )
        return amounts

    def forget(self, orders):
        """These orders are no longer confirmed: their messages lose them,
        and the window figures they were counted in."""
        messages = self.messages.search([("conversion_order_id", "in", orders.ids)])
        messages.write({"conversion_order_id": False, "conversion_amount": 0.0})
        pending = orders.filtered("sms_retention_attribution_pending")
        pending.write({"sms_retention_attribution_pending": False})
        counted = orders - pending
        if not counted:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id, NULL, amount_untaxed, currency_id, company_id,
                          date_order
                     FROM sale_order WHERE id = ANY(%s)""",
                counted.ids,
            )
        )
        facts = [Touch(*row) for row in self.env.cr.fetchall()]
        self._count_in_windows(self._amounts(facts), -1)
