# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The figures of *SMS Retention > Overview*, for a period.

Everything is read from stored columns with the user's access: the
campaigns' earnings and lift (``sms.retention.earnings.mixin``,
:mod:`.lift`) for the messages sent in the period, the consent log for
opt-outs, and the segment history for churn in the period and the one
before. Amounts are in the user's company currency, each campaign's
converted at today's rate. Each figure comes with the action that opens its
records.
"""

from datetime import timedelta

from odoo import _, fields

#: the periods the overview offers, in days
PERIODS = (30, 90, 365)


def overview(env, days):
    """The overview's figures for the last ``days`` days (one of
    :data:`PERIODS`): ``{"totals", "campaigns", "actions", "currency_id"}``."""
    days = days if days in PERIODS else PERIODS[0]
    since = fields.Datetime.now() - timedelta(days=days)
    company = env.company
    currency = company.currency_id
    today = fields.Date.context_today(env.user)
    campaigns = (
        env["sms.retention.campaign"]
        .with_context(sms_retention_since=since, active_test=False)
        .search([])
    )
    rows, totals = (
        [],
        dict.fromkeys(
            (
                "texted",
                "delivered",
                "replied",
                "clicks",
                "conversions",
                "revenue",
                "cost",
                "incremental_revenue",
            ),
            0,
        ),
    )
    for campaign in campaigns:
        if not campaign.texted_count and not campaign.holdout_count:
            continue

        def money(amount, campaign=campaign):
            return campaign.currency_id._convert(amount, currency, company, today)

        row = {
            "id": campaign.id,
            "name": campaign.name,
            "texted": campaign.texted_count,
            "delivered": campaign.delivered_count,
            "replied": campaign.replied_count,
            "clicks": campaign.click_count,
            "conversions": campaign.conversion_count,
            "revenue": money(campaign.attributed_revenue),
            "cost": money(campaign.cost_amount),
            "incremental_revenue": money(campaign.incremental_revenue),
            "roi": campaign.roi,
            "lift": campaign.lift_verdict if campaign.holdout_count else "",
            "lift_significant": campaign.lift_significant,
        }
        rows.append(row)
        for key in totals:
            totals[key] += row[key]
    cost = totals["cost"]
    totals["roi"] = 100 * (totals["revenue"] - cost) / cost if cost else 0.0
    totals["incremental_roi"] = (
        100 * (totals["incremental_revenue"] - cost) / cost if cost else 0.0
    )
    opt_outs = [
        ("state", "=", "opted_out"),
        ("previous_state", "!=", "opted_out"),
        ("create_date", ">=", since),
    ]
    totals["opt_outs"] = env["sms.retention.consent.log"].search_count(opt_outs)
    periods = [(since - timedelta(days=days), since), (since, None)]
    for key, (active, churned) in zip(
        ("churn_previous", "churn"),
        env["sms.retention.segment.history"]._churn_in_periods(periods),
        strict=True,
    ):
        totals[key] = 100.0 * churned / active if active else 0.0
    rows.sort(key=lambda row: (-row["revenue"], -row["texted"], row["name"]))
    return {
        "days": days,
        "currency_id": currency.id,
        "totals": totals,
        "campaigns": rows,
        "actions": _actions(env, since, opt_outs),
    }


def _actions(env, since, opt_outs):
    """The action behind each figure: the messages (or opt-outs) it counts."""
    sent = [("state", "=", "sent"), ("sent_at", ">=", since)]
    messages = env["ir.actions.act_window"]._for_xml_id(
        "sms_retention.sms_retention_message_action"
    )

    def of_messages(name, domain):
        return dict(messages, name=name, domain=sent + domain, context={})

    return {
        "texted": of_messages(_("Texted"), []),
        "delivered": of_messages(_("Delivered"), [("delivered_at", "!=", False)]),
        "replied": of_messages(_("Answered"), [("replied_at", "!=", False)]),
        "clicks": of_messages(_("Clicked"), [("clicked_at", "!=", False)]),
        "conversions": of_messages(
            _("Converted"), [("conversion_order_id", "!=", False)]
        ),
        "revenue": of_messages(_("Revenue"), [("conversion_order_id", "!=", False)]),
        "cost": of_messages(_("Cost"), []),
        "churn": env["ir.actions.act_window"]._for_xml_id(
            "sms_retention.sms_retention_churn_report_action"
        ),
        "opt_outs": {
            "type": "ir.actions.act_window",
            "name": _("Opt-outs"),
            "res_model": "sms.retention.consent.log",
            "views": [[False, "list"]],
            "domain": opt_outs,
        },
    }
