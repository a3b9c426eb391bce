# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lift of a campaign over its holdout group.

Texted customers (messages sent) and holdout customers (messages held out
when they would have gone) are measured by the same rule: their orders
within the campaign's click window after the SMS, or after the moment it
would have gone (``window_order_count``, ``window_revenue``, counted by the
attribution job). The lift is the difference of their conversion rates,
and of their revenue per customer, with a 95% confidence interval
(:mod:`.tools.stats`).
"""

from typing import NamedTuple

from odoo.tools import SQL

from .tools import stats


class Group(NamedTuple):
    """Customers of one group: how many, how many ordered, and the sum and
    sum of squares of their revenue in the window."""

    customers: int = 0
    converted: int = 0
    revenue: float = 0.0
    revenue_squares: float = 0.0

    @property
    def conversion_rate(self):
        return self.converted / self.customers if self.customers else 0.0

    @property
    def revenue_per_customer(self):
        return self.revenue / self.customers if self.customers else 0.0


class Lift(NamedTuple):
    """A campaign's texted and holdout groups and their differences."""

    texted: Group
    holdout: Group
    #: :class:`~.tools.stats.Difference` of the conversion rates, or None
    conversion: stats.Difference | None
    #: :class:`~.tools.stats.Difference` of the revenue per customer, or None
    revenue: stats.Difference | None

    @property
    def incremental_revenue(self):
        """What texting added: the revenue per customer over the holdout's,
        for every texted customer."""
        if not self.holdout.customers:
            return 0.0
        return self.texted.customers * (
            self.texted.revenue_per_customer - self.holdout.revenue_per_customer
        )

    def more_customers_needed(self, holdout_share):
        """About how many more customers the campaign must reach (texted and
        held out, at ``holdout_share`` in [0, 1]) before the observed
        difference of conversion rates can be called significant; None if
        there is no difference to detect."""
        per_group = stats.customers_needed(
            self.texted.conversion_rate, self.holdout.conversion_rate
        )
        if per_group is None or not holdout_share:
            return None
        missing_holdout = max(per_group - self.holdout.customers, 0)
        missing_texted = max(per_group - self.texted.customers, 0)
        return max(
            round(missing_holdout / holdout_share),
            round(missing_texted / (1 - holdout_share)) if holdout_share < 1 else 0,
        )


def campaign_lifts(campaigns):
    """``{campaign: Lift}``, read with the user's access to the messages in
    one grouped query; since ``sms_retention_since`` in context if set."""
    messages = campaigns.env["sms.retention.message"]
    messages.flush_model(["window_order_count", "window_revenue", "is_holdout"])
    since = campaigns.env.context.get("sms_retention_since")
    query = messages._search(
        [
            ("campaign_id", "in", campaigns.ids),
            "|",
            ("state", "=", "sent"),
            ("is_holdout", "=", True),
            *(
                [
                    "|",
                    ("sent_at", ">=", since),
                    "&",
                    ("is_holdout", "=", True),
                    ("planned_at", ">=", since),
                ]
                if since
                else []
            ),
        ]
    )
    campaigns.env.cr.execute(
        SQL(
            """SELECT sms_retention_message.campaign_id,
                      COALESCE(sms_retention_message.is_holdout, FALSE),
                      COUNT(*),
                      COUNT(*) FILTER (
                          WHERE sms_retention_message.window_order_count > 0),
                      COALESCE(SUM(sms_retention_message.window_revenue), 0),
                      COALESCE(SUM(sms_retention_message.window_revenue ^ 2), 0)
                 FROM %s WHERE %s
                GROUP BY 1, 2""",
            query.from_clause,
            query.where_clause or SQL("TRUE"),
        )
    )
    groups = {}
    for (
        campaign_id,
        holdout,
        customers,
        converted,
        revenue,
        squares,
    ) in campaigns.env.cr.fetchall():
        groups[campaign_id, holdout] = Group(
            customers, converted, float(revenue), float(squares)
        )
    lifts = {}
    for campaign in campaigns:
        texted = groups.get((campaign.id, False), Group())
        holdout = groups.get((campaign.id, True), Group())
        lifts[campaign] = Lift(
            texted,
            holdout,
            stats.proportion_difference(
                texted.converted, texted.customers, holdout.converted, holdout.customers
            ),
            stats.mean_difference(
                (texted.customers, texted.revenue, texted.revenue_squares),
                (holdout.customers, holdout.revenue, holdout.revenue_squares),
            ),
        )
    return lifts
