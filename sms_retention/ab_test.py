# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A/B tests of a campaign's variants: results and the winner.

Each variant's sent messages are measured on the campaign's metric
(``ab_metric``): the share answered, clicked or converted, or the revenue
per message. The best variant is compared with each other one
(:mod:`.tools.stats`). With ``ab_auto_winner``, once every variant has
been sent ``ab_test_size`` times, or on ``ab_test_until``, the best one
takes all new sends: the others' weights go to 0, and the decision is
logged on the campaign.
"""

from typing import NamedTuple

from odoo import _, fields
from odoo.tools import SQL, format_amount

from .tools import stats

#: metric -> the message column it counts (None: revenue per message)
METRIC_COLUMNS = {
    "replies": "replied_at",
    "clicks": "clicked_at",
    "conversions": "conversion_order_id",
    "revenue": None,
}


class VariantResult(NamedTuple):
    """A variant's sent messages, successes on the metric (rates) or sum and
    sum of squares of their revenue, and its difference to the best."""

    sent: int
    successes: int
    revenue: float
    revenue_squares: float
    #: the metric: a rate in [0, 1], or revenue per message
    value: float
    is_best: bool
    #: :class:`~.tools.stats.Difference` of this variant against the best
    versus_best: stats.Difference | None


def variant_results(campaign):
    """``{variant: VariantResult}`` of the campaign's variants, read with the
    user's access to the messages in one grouped query."""
    variants = campaign.variant_ids
    if not variants:
        return {}
    column = METRIC_COLUMNS[campaign.ab_metric or "conversions"]
    messages = campaign.env["sms.retention.message"]
    messages.flush_model(
        ["replied_at", "clicked_at", "conversion_order_id", "conversion_amount"]
    )
    query = messages._search(
        [("variant_id", "in", variants.ids), ("state", "=", "sent")]
    )
    success = (
        SQL("COUNT(%s)", SQL.identifier("sms_retention_message", column))
        if column
        else SQL("0")
    )
    amount = SQL("COALESCE(sms_retention_message.conversion_amount, 0)")
    campaign.env.cr.execute(
        SQL(
            """SELECT sms_retention_message.variant_id, COUNT(*), %s,
                      COALESCE(SUM(%s), 0), COALESCE(SUM(%s ^ 2), 0)
                 FROM %s WHERE %s
                GROUP BY 1""",
            success,
            amount,
            amount,
            query.from_clause,
            query.where_clause or SQL("TRUE"),
        )
    )
    raw = {row[0]: row[1:] for row in campaign.env.cr.fetchall()}

    def value(sent, successes, revenue):
        if not sent:
            return 0.0
        return (successes if column else float(revenue)) / sent

    values = {
        variant: value(*raw.get(variant.id, (0, 0, 0))[:3]) for variant in variants
    }
    sent_variants = [v for v in variants if raw.get(v.id, (0,))[0]]
    best = max(
        sent_variants, key=lambda v: (values[v], -v.sequence, -v.id), default=None
    )
    results = {}
    for variant in variants:
        sent, successes, revenue, squares = raw.get(variant.id, (0, 0, 0, 0))
        versus = None
        if best and variant != best:
            best_sent, best_successes, best_revenue, best_squares = raw[best.id]
            if column:
                versus = stats.proportion_difference(
                    successes, sent, best_successes, best_sent
                )
            else:
                versus = stats.mean_difference(
                    (sent, float(revenue), float(squares)),
                    (best_sent, float(best_revenue), float(best_squares)),
                )
        results[variant] = VariantResult(
            sent,
            successes,
            float(revenue),
            float(squares),
            values[variant],
            variant == best,
            versus,
        )
    return results


def due_for_decision(campaign, results, today):
    """Whether the campaign's automatic A/B decision is due."""
    if not campaign.ab_auto_winner or campaign.ab_winner_id:
        return False
    if len(campaign.variant_ids.filtered("weight")) < 2:
        return False
    if campaign.ab_test_until and today >= campaign.ab_test_until:
        return any(result.sent for result in results.values())
    size = campaign.ab_test_size
    return bool(size) and all(
        result.sent >= size for variant, result in results.items() if variant.weight
    )


def pick_winner(campaign, results):
    """Make the best variant take all new sends, and log why."""
    winner = next((v for v, result in results.items() if result.is_best), None)
    if not winner:
        return None
    campaign.variant_ids.filtered(lambda v: v != winner).weight = 0
    campaign.write({"ab_winner_id": winner.id, "ab_decided_at": fields.Datetime.now()})
    metric = dict(campaign._fields["ab_metric"]._description_selection(campaign.env))[
        campaign.ab_metric
    ]
    lines = [
        _(
            "%(variant)s: %(value)s over %(sent)s SMS",
            variant=variant.name,
            value=format_value(campaign, result.value),
            sent=result.sent,
        )
        for variant, result in results.items()
    ]
    significant = all(
        result.versus_best and result.versus_best.significant
        for variant, result in results.items()
        if variant != winner and result.sent
    )
    campaign.message_post(
        body=_(
            "A/B test decided by %(metric)s: %(winner)s takes all new sends "
            "(%(results)s). %(confidence)s",
            metric=metric.lower(),
            winner=winner.name,
            results="; ".join(lines),
            confidence=_("The difference is significant.")
            if significant
            else _("The difference is not significant: it may be chance."),
        ),
        subtype_xmlid="mail.mt_note",
    )
    return winner


def format_value(campaign, value):
    """A metric's value as people read it: a rate in %, or an amount."""
    if campaign.ab_metric == "revenue":
        return format_amount(campaign.env, value, campaign.currency_id)
    return f"{100 * value:.1f}%"
