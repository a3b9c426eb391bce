# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
import collections
import dataclasses
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .. import ab_test
from ..campaign_preview import CampaignPreview
from ..lift import campaign_lifts
from ..overview import overview
from ..planning import insert_planned
from ..tools import links
from ..tools.cron import can_commit
from ..tools.customer_tz import effective_tz_sql
from ..tools.phone import number_or_skip_sql
from ..tools.segments import with_opt_out
from ..tools.variants import variant_bucket

DAILY_KINDS = ("birthday", "seasonal", "winback", "onboarding")
# What the audience of a campaign (and so its preview) depends on.
AUDIENCE_DEPENDS = (
    "kind",
    "model_id",
    "segment_ids",
    "audience_domain",
    "message_class",
    "company_id",
    "birthday_days_before",
    "winback_days",
    "occasion_ids",
    "delay",
    "delay_unit",
)
# What fires an event campaign: the trigger, and the kinds it suits.
TRIGGERS = [
    ("order_confirmed", "Order confirmed"),
    ("customer_lost", "Customer marked lost or archived"),
    ("rule", "An automation rule of your own"),
]

# What planning a message needs of a campaign (see ``_enqueue_config``).
EnqueueConfig = collections.namedtuple(
    "EnqueueConfig",
    "running model kind delay company_id segments_only segment_codes variants",
)

# What a campaign of each kind asks of its customers, as countries and
# providers class the content they refuse (see sms.retention.country.rule).
CONTENT_OF_KIND = {
    "post_purchase": "review",
    "winback": "winback",
    "exit": "survey",
}


class SmsRetentionCampaign(models.Model):
    """A retention campaign: who gets which SMS, and when.

    A campaign is written, previewed, triggered and started from its form:
    Draft, then Running (only running campaigns plan messages), Paused
    (its scheduled messages wait) and Running again. Event campaigns are
    enqueued by their automation rule (server action "Send retention
    campaign"), which the campaign creates and keeps active while it runs;
    daily campaigns by the daily job. Enqueueing runs with the rule's
    rights, then writes outbound messages with ``sudo()`` because a
    salesperson confirming an order may not create them directly.
    """

    _name = "sms.retention.campaign"
    _description = "SMS Retention Campaign"
    _inherit = [
        "mail.thread",
        "sms.retention.text.mixin",
        "sms.retention.earnings.mixin",
    ]
    _sms_retention_message_field = "campaign_id"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("paused", "Paused")],
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        help="Only running campaigns plan SMS. A paused campaign holds its "
        "scheduled SMS until it is resumed.",
    )
    trigger = fields.Selection(
        TRIGGERS,
        compute="_compute_trigger",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        help="The event that plans the SMS. Daily campaigns need none: the "
        "daily job selects their customers.",
    )
    automation_id = fields.Many2one(
        "base.automation",
        string="Automation Rule",
        copy=False,
        ondelete="set null",
        help="The rule that fires this campaign; it is active while the "
        "campaign runs.",
    )
    has_trigger = fields.Boolean(compute="_compute_has_trigger")
    trigger_summary = fields.Char("When", compute="_compute_trigger_summary")
    trigger_warning = fields.Char(compute="_compute_trigger_warning")
    kind = fields.Selection(
        [
            ("post_purchase", "Post-purchase review"),
            ("birthday", "Birthday"),
            ("seasonal", "Seasonal greeting"),
            ("winback", "Win-back"),
            ("exit", "Exit (lost customer)"),
            ("onboarding", "Onboarding"),
            ("custom", "Custom"),
        ],
        required=True,
        default="custom",
        tracking=True,
        help="Post-purchase review: once per order, a delay after it is "
        "confirmed. Birthday: some days before the birthday, once a year. "
        "Seasonal: on each occasion's date, once per occasion. Win-back: once "
        "per dormancy spell, when a customer has not ordered for some days. "
        "Exit: when a customer is marked lost or archived. Onboarding: some "
        "days after the first order. Custom: whenever an automation rule "
        "fires it (at most once per record and day).",
    )
    segment_ids = fields.Many2many(
        "sms.retention.segment",
        string="Segments",
        help="Only customers in these lifecycle segments; empty: all.",
    )
    audience_domain = fields.Char(
        "Audience Filter",
        default="[]",
        help="Only customers matching this filter.",
    )
    birthday_days_before = fields.Integer(
        "Days Before Birthday",
        default=3,
        help="In the customer's time zone. The greeting expires at the end of "
        "the birthday; Feb 29 birthdays are greeted on Feb 28 in other years.",
    )
    winback_days = fields.Integer(
        "Days Without Order",
        default=90,
        help="A dormant customer whose last order is older than this gets the "
        "win-back SMS, once per dormancy spell.",
    )
    occasion_ids = fields.Many2many("sms.retention.occasion", string="Occasions")
    message_class = fields.Selection(
        [("marketing", "Marketing"), ("transactional", "Transactional")],
        compute="_compute_message_class",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Marketing SMS need the customer's opt-in (or unknown consent if the "
        "company allows it). Transactional SMS, such as a follow-up on an "
        "order, go to every customer who has not opted out.",
    )
    reminder_days = fields.Integer(
        "Remind After (days)",
        help="Send one reminder this many days after an SMS of the campaign "
        "that got no reply and no click; 0 sends none. The sending policy "
        "applies to it as to any SMS.",
    )
    reminder_template_id = fields.Many2one(
        "sms.template",
        string="Reminder Text",
        ondelete="restrict",
        domain="[('model_id', '=', model_id)]",
        help="The reminder's text, rendered on the same record as the SMS it "
        "follows, in the customer's language.",
    )
    ab_metric = fields.Selection(
        [
            ("replies", "Replies"),
            ("clicks", "Clicks"),
            ("conversions", "Conversions"),
            ("revenue", "Revenue"),
        ],
        string="A/B Winner By",
        default="conversions",
        required=True,
        help="What makes a variant the best: the share of its SMS answered, "
        "clicked or followed by an order, or its revenue per SMS.",
    )
    ab_auto_winner = fields.Boolean(
        "Pick the Winner Automatically",
        help="Once each variant has been sent the test size, or on the end "
        "date, the best variant takes all new sends.",
    )
    ab_test_size = fields.Integer(
        "Test Size per Variant",
        default=200,
        help="SMS sent per variant before the winner is picked.",
    )
    ab_test_until = fields.Date(
        "Test Ends On", help="Pick the winner on this date at the latest."
    )
    ab_winner_id = fields.Many2one(
        "sms.retention.variant",
        string="A/B Winner",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    ab_decided_at = fields.Datetime("Winner Picked On", readonly=True, copy=False)
    holdout_percent = fields.Integer(
        "Holdout (%)",
        compute="_compute_holdout_percent",
        store=True,
        precompute=True,
        readonly=False,
        help="This share of the customers who would get the SMS get nothing: "
        "the holdout group. Comparing their orders with those of texted "
        "customers shows what the campaign really adds. The same customers "
        "stay in it. 10% by default for marketing SMS, none for "
        "transactional ones.",
    )
    attribution_click_days = fields.Integer(
        "Attribution after a Click (days)",
        compute="_compute_attribution_days",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="An order confirmed within this many days after a click on this "
        "campaign's link is credited to the SMS. From the company's settings.",
    )
    attribution_delivery_days = fields.Integer(
        "Attribution after Delivery (days)",
        compute="_compute_attribution_days",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="An order confirmed within this many days after the SMS was "
        "delivered or answered is credited to it. From the company's settings.",
    )
    quiet_start = fields.Float(
        "Send From",
        help="Overrides the company's earliest local sending time; 0 keeps it.",
    )
    quiet_end = fields.Float(
        "Send Until",
        help="Overrides the company's latest local sending time; 0 keeps it.",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Applies to",
        required=True,
        ondelete="cascade",
        compute="_compute_model_id",
        store=True,
        precompute=True,
        readonly=False,
        help="Model of the records that trigger the campaign (the SMS template "
        "is rendered on them): sale orders for reviews, customers otherwise.",
    )
    model = fields.Char(related="model_id.model", store=True)
    delay = fields.Integer(
        default=2,
        help="How long after the trigger the SMS is sent. 0 sends it at the "
        "next run of the sending job, within a minute.",
    )
    delay_unit = fields.Selection(
        [("hours", "Hours"), ("days", "Days")], default="days", required=True
    )
    variant_ids = fields.One2many(
        "sms.retention.variant",
        "campaign_id",
        string="Variants",
        copy=True,
        help="A/B test: each customer gets one variant, chosen by weight and "
        "always the same for a given customer. Without variants, the "
        "campaign's text is used.",
    )
    retention_message_ids = fields.One2many("sms.retention.message", "campaign_id")
    scheduled_count = fields.Integer(compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts")
    skipped_count = fields.Integer(compute="_compute_counts")
    expired_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")
    deferred_count = fields.Integer(compute="_compute_counts")
    skip_summary = fields.Char("Not Sent", compute="_compute_counts")
    reply_count = fields.Integer(compute="_compute_counts")
    paused_count = fields.Integer(compute="_compute_counts")
    holdout_count = fields.Integer("Held Out", compute="_compute_lift")
    lift_texted_rate = fields.Float(
        "Texted: Ordered (%)",
        compute="_compute_lift",
        digits=(16, 1),
        help="Texted customers who ordered within the click window after the SMS.",
    )
    lift_holdout_rate = fields.Float(
        "Holdout: Ordered (%)",
        compute="_compute_lift",
        digits=(16, 1),
        help="Holdout customers who ordered within the same window after the "
        "moment their SMS would have gone.",
    )
    lift_points = fields.Float(
        "Lift (points)",
        compute="_compute_lift",
        digits=(16, 1),
        help="Difference of the two rates, in percentage points.",
    )
    lift_texted_revenue = fields.Monetary(
        "Texted: Revenue per Customer",
        compute="_compute_lift",
        currency_field="currency_id",
    )
    lift_holdout_revenue = fields.Monetary(
        "Holdout: Revenue per Customer",
        compute="_compute_lift",
        currency_field="currency_id",
    )
    incremental_revenue = fields.Monetary(
        compute="_compute_lift",
        currency_field="currency_id",
        help="What texting added: the texted customers' revenue per customer "
        "over the holdout's, for every texted customer.",
    )
    incremental_roi = fields.Float(
        "Incremental ROI (%)",
        compute="_compute_lift",
        digits=(16, 1),
        help="(Incremental revenue - cost) / cost, in percent.",
    )
    lift_verdict = fields.Char("Verdict", compute="_compute_lift")
    lift_significant = fields.Boolean(compute="_compute_lift")
    audience_period = fields.Char(compute="_compute_audience")
    audience_count = fields.Integer("Customers", compute="_compute_audience")
    audience_send_count = fields.Integer("Would Be Texted", compute="_compute_audience")
    audience_opted_out_count = fields.Integer("Opted Out", compute="_compute_audience")
    audience_no_consent_count = fields.Integer(
        "No Consent", compute="_compute_audience"
    )
    audience_no_mobile_count = fields.Integer("No Mobile", compute="_compute_audience")
    preview_html = fields.Html(
        "Preview", compute="_compute_preview_html", sanitize=False
    )

    _sql_constraints = [
        ("delay_positive", "CHECK(delay >= 0)", "The delay cannot be negative."),
        (
            "reminder_days_positive",
            "CHECK(reminder_days >= 0)",
            "The reminder delay cannot be negative.",
        ),
        (
            "holdout_percent_range",
            "CHECK(holdout_percent BETWEEN 0 AND 100)",
            "The holdout share is a percentage, from 0 to 100.",
        ),
    ]

    @api.depends("message_class")
    def _compute_holdout_percent(self):
        for campaign in self:
            campaign.holdout_percent = (
                10 if campaign.message_class == "marketing" else 0
            )

    @api.depends("company_id")
    def _compute_attribution_days(self):
        for campaign in self:
            company = campaign.company_id or self.env.company
            campaign.attribution_click_days = company.sms_retention_click_window_days
            campaign.attribution_delivery_days = (
                company.sms_retention_delivery_window_days
            )

    @api.depends("kind")
    def _compute_model_id(self):
        for campaign in self:
            if campaign.kind == "custom" and campaign.model_id:
                continue
            campaign.model_id = self.env["ir.model"]._get(_model_of_kind(campaign.kind))

    @api.depends("kind")
    def _compute_message_class(self):
        for campaign in self:
            campaign.message_class = (
                "transactional" if campaign.kind == "post_purchase" else "marketing"
            )

    @api.depends("kind")
    def _compute_trigger(self):
        for campaign in self:
            campaign.trigger = {
                "post_purchase": "order_confirmed",
                "exit": "customer_lost",
                "custom": "rule",
            }.get(campaign.kind, False)

    @api.constrains("trigger", "kind")
    def _check_trigger(self):
        suits = self._sms_retention_trigger_kinds()
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for campaign in self.filtered("trigger"):
            if campaign.kind not in suits.get(campaign.trigger, ()):
                raise ValidationError(
                    _(
                        "%(campaign)s: the trigger %(trigger)s does not suit a "
                        "campaign of kind %(kind)s.",
                        campaign=campaign.display_name,
                        trigger=triggers[campaign.trigger],
                        kind=kinds[campaign.kind],
                    )
                )

    @api.depends("automation_id")
    def _compute_has_trigger(self):
        for campaign in self:
            campaign.has_trigger = bool(campaign.automation_id)

    @api.model
    def _sms_retention_trigger_kinds(self):
        """``{trigger: kinds of campaign it suits}``."""
        return {
            "order_confirmed": ("post_purchase",),
            "customer_lost": ("exit",),
            "rule": ("post_purchase", "exit", "custom"),
        }

    @api.depends(
        "kind",
        "trigger",
        "automation_id",
        "birthday_days_before",
        "winback_days",
        "delay",
        "delay_unit",
    )
    def _compute_trigger_summary(self):
        for campaign in self:
            campaign.trigger_summary = campaign._trigger_summary()

    def _trigger_summary(self):
        """When the campaign texts, in words."""
        self.ensure_one()
        if self.delay_unit == "hours":
            delay = _("%(count)s hours", count=self.delay)
        else:
            delay = _("%(count)s days", count=self.delay)
        if self.kind == "birthday":
            return _(
                "Every day: customers whose birthday is in %(days)s days.",
                days=self.birthday_days_before,
            )
        if self.kind == "seasonal":
            return _("On the date of each occasion, at its sending hour.")
        if self.kind == "winback":
            return _(
                "Every day: dormant customers without an order for %(days)s days.",
                days=self.winback_days,
            )
        if self.kind == "onboarding":
            return _(
                "Every day: customers whose first order was %(delay)s ago.",
                delay=delay,
            )
        if not self.trigger:
            return False
        event = dict(self._fields["trigger"]._description_selection(self.env))[
            self.trigger
        ]
        if self.trigger == "rule" and self.automation_id:
            # Users read the rule's name, not the rule (administrators' data).
            event = self.automation_id.sudo().name
        if not self.delay:
            return _("%(event)s, at once.", event=event)
        return _("%(event)s, %(delay)s later.", event=event, delay=delay)

    @api.depends("trigger", "kind", "model_id", "company_id", "automation_id")
    def _compute_trigger_warning(self):
        for campaign in self:
            others = campaign._same_trigger_campaigns()
            campaign.trigger_warning = (
                _(
                    "%(campaigns)s also runs on this event: a customer may get "
                    "both SMS.",
                    campaigns=", ".join(others.mapped("display_name")),
                )
                if others
                else False
            )

    def _same_trigger_campaigns(self):
        """Other running campaigns that the same event would fire."""
        self.ensure_one()
        if not self.trigger:
            return self.browse()
        domain = [
            ("id", "!=", self._origin.id),
            ("state", "=", "running"),
            ("model_id", "=", self.model_id.id),
            ("trigger", "=", self.trigger),
        ]
        if self.company_id:
            domain += [("company_id", "in", [self.company_id.id, False])]
        others = self.search(domain)
        if self.trigger == "rule":
            rule_sudo = self.automation_id.sudo()
            others = others.filtered(
                lambda c: rule_sudo
                and c.automation_id.sudo().trigger == rule_sudo.trigger
                and c.automation_id.sudo().trigger_field_ids
                == rule_sudo.trigger_field_ids
                and c.automation_id.sudo().filter_domain == rule_sudo.filter_domain
            )
        return others

    @api.depends("retention_message_ids.state")
    def _compute_counts(self):
        data = self.env["sms.retention.message"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"]
        )
        counts = {(campaign.id, state): count for campaign, state, count in data}
        replies = dict(
            self.env["sms.retention.inbound"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
            )
        )
        reasons = self.env["sms.retention.message"]._read_group(
            [("campaign_id", "in", self.ids), ("skip_reason", "!=", False)],
            ["campaign_id", "skip_reason"],
            ["__count"],
        )
        deferred = dict(
            self.env["sms.retention.message"]._read_group(
                [
                    ("campaign_id", "in", self.ids),
                    ("state", "=", "scheduled"),
                    ("defer_count", ">", 0),
                ],
                ["campaign_id"],
                ["__count"],
            )
        )
        labels = dict(
            self.env["sms.retention.message"]
            ._fields["skip_reason"]
            ._description_selection(self.env)
        )
        for campaign in self:
            campaign.scheduled_count = counts.get((campaign.id, "scheduled"), 0)
            campaign.sent_count = counts.get((campaign.id, "sent"), 0)
            campaign.skipped_count = counts.get((campaign.id, "skipped"), 0)
            campaign.expired_count = counts.get((campaign.id, "expired"), 0)
            campaign.failed_count = counts.get((campaign.id, "failed"), 0)
            campaign.paused_count = counts.get((campaign.id, "paused"), 0)
            campaign.deferred_count = deferred.get(campaign, 0)
            campaign.reply_count = replies.get(campaign, 0)
            campaign.skip_summary = ", ".join(
                f"{labels.get(reason, reason)}: {count}"
                for record, reason, count in reasons
                if record == campaign
            )

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_currency_id(self):
        for campaign in self:
            campaign.currency_id = (campaign.company_id or self.env.company).currency_id

    @api.depends("holdout_percent", "cost_amount")
    @api.depends_context("uid", "allowed_company_ids", "sms_retention_since")
    def _compute_lift(self):
        lifts = campaign_lifts(self)
        for campaign in self:
            lift = lifts[campaign]
            campaign.holdout_count = lift.holdout.customers
            campaign.lift_texted_rate = 100 * lift.texted.conversion_rate
            campaign.lift_holdout_rate = 100 * lift.holdout.conversion_rate
            campaign.lift_points = 100 * (
                lift.conversion.difference if lift.conversion else 0.0
            )
            campaign.lift_texted_revenue = lift.texted.revenue_per_customer
            campaign.lift_holdout_revenue = lift.holdout.revenue_per_customer
            campaign.incremental_revenue = lift.incremental_revenue
            cost = campaign.cost_amount
            campaign.incremental_roi = (
                100 * (lift.incremental_revenue - cost) / cost if cost else 0.0
            )
            campaign.lift_significant = bool(
                lift.conversion and lift.conversion.significant
            )
            campaign.lift_verdict = campaign._lift_verdict(lift)

    def _lift_verdict(self, lift):
        """The lift in one sentence, as a manager reads it."""
        self.ensure_one()
        if not lift.holdout.customers or not lift.texted.customers:
            if not self.holdout_percent:
                return _("No holdout group: set a holdout share to measure the lift.")
            return _(
                "Not measured yet: the lift shows once customers have been "
                "texted and held out."
            )
        difference = lift.conversion
        figures = {
            "points": format(abs(100 * difference.difference), ".1f"),
            "low": format(100 * difference.low, ".1f"),
            "high": format(100 * difference.high, ".1f"),
            "p_value": format(difference.p_value, ".3f"),
        }
        if difference.significant and difference.difference > 0:
            return _(
                "Significant: texted customers ordered %(points)s points more "
                "often (95%% confidence: %(low)s to %(high)s; p = %(p_value)s).",
                **figures,
            )
        if difference.significant:
            return _(
                "Significant: texted customers ordered %(points)s points less "
                "often (95%% confidence: %(low)s to %(high)s; p = %(p_value)s).",
                **figures,
            )
        needed = lift.more_customers_needed(self.holdout_percent / 100)
        if needed is None:
            return _(
                "Not significant yet: both groups ordered as often so far "
                "(p = %(p_value)s).",
                **figures,
            )
        return _(
            "Not significant yet (p = %(p_value)s): about %(count)s more "
            "customers are needed.",
            count=needed,
            **figures,
        )

    @api.depends(*AUDIENCE_DEPENDS)
    def _compute_audience(self):
        for campaign in self:
            audience = CampaignPreview(campaign).audience()
            campaign.audience_period = audience.period
            campaign.audience_count = audience.total
            campaign.audience_send_count = audience.count("send")
            campaign.audience_opted_out_count = audience.count("opted_out")
            campaign.audience_no_consent_count = audience.count("no_consent")
            campaign.audience_no_mobile_count = audience.count("no_mobile")

    @api.depends(
        "body",
        "sms_template_id",
        "variant_ids.body",
        "variant_ids.weight",
        *AUDIENCE_DEPENDS,
    )
    @api.depends_context("lang")
    def _compute_preview_html(self):
        for campaign in self:
            campaign.preview_html = CampaignPreview(campaign).html()

    @api.constrains("sms_template_id", "model_id")
    def _check_template_model(self):
        for campaign in self:
            if campaign.sms_template_id.model_id != campaign.model_id:
                raise ValidationError(
                    _(
                        "The SMS template %(template)s is for %(template_model)s, "
                        "but the campaign %(campaign)s applies to %(model)s.",
                        template=campaign.sms_template_id.display_name,
                        template_model=campaign.sms_template_id.model_id.name,
                        campaign=campaign.display_name,
                        model=campaign.model_id.name,
                    )
                )

    # ------------------------------------------------------------
    # TEXT (see sms.retention.text.mixin)
    # ------------------------------------------------------------

    def _sms_retention_text_model(self):
        self.ensure_one()
        return self.model_id.model or _model_of_kind(self.kind)

    @api.model
    def _sms_retention_text_model_from_vals(self, vals):
        if vals.get("model_id"):
            return self.env["ir.model"].browse(vals["model_id"]).model
        return _model_of_kind(vals.get("kind") or self._fields["kind"].default(self))

    def _sms_retention_final_sms(self, text, lang, company, country):
        """The SMS as a customer of ``country`` gets it (see
        :meth:`_sms_retention_compose`), for the preview and the test SMS."""
        self.ensure_one()
        opt_out = company._sms_retention_optout_text(country, self.message_class, lang)
        return self._sms_retention_compose(text, lang, opt_out, country=country)

    def _sms_retention_compose(
        self, text, lang, opt_out, message=None, country=None, rewriter=None
    ):
        """The body's parts, the one rule of the preview, the test SMS and
        the sending run: the rendered ``text``, what addons add (a survey
        question), then ``opt_out`` once, last.

        Its tracked links then carry the message's tag, so that a click
        belongs to it (a sample tag of the same length without a message);
        to a customer of a ``country`` that bans link shorteners (its
        rules), they are the full addresses instead, untracked.

        :param message: the ``sms.retention.message`` being sent, if any
        :param rewriter: the caller's :class:`~..tools.links.LinkRewriter`
          across SMS (the sending run's), else one for this SMS
        """
        body = with_opt_out(
            self._sms_retention_add_parts(text, lang, opt_out, message), opt_out
        )
        rewriter = rewriter or self._sms_retention_link_rewriter()
        body = rewriter.tag(body, message.id if message else None)
        if "/r/" not in body:
            return body
        rule = self.env["sms.retention.country.rule"]._of_country(country)
        if not rule or rule.short_links_allowed:
            return body
        return rewriter.expand(body, self.env["link.tracker"].get_url_from_code)

    @api.model
    def _sms_retention_link_rewriter(self):
        """The links of this database's SMS: tags signed with its secret,
        short links of its web address (see :mod:`..tools.links`)."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return links.LinkRewriter(secret, self.browse().get_base_url())

    def _sms_retention_add_parts(self, text, lang, opt_out, message=None):
        """What addons add after the text, given the opt-out text that ends
        the SMS (counted, not added), for ``message`` when one is being sent
        (else for a sample customer). Nothing here."""
        return text

    def _sms_retention_content_classes(self):
        """What this campaign asks of its customers, as countries and
        providers class the content they refuse (``review``, ``survey``,
        ``winback``); addons add theirs (the survey's questionnaire)."""
        self.ensure_one()
        content = CONTENT_OF_KIND.get(self.kind)
        return {content} if content else set()

    def _sms_retention_unreachable(self, company, country):
        """Whether this campaign's SMS of ``company`` cannot do their job for
        customers of ``country``, by its rules: they are skipped. Nothing
        here; addons add their cases (a survey no one there can answer)."""
        self.ensure_one()
        return False

    def _sms_retention_country_warnings(self, rule, where, replies):
        """Warnings of the preview for the customers ``where`` of the country
        of ``rule``, who can answer an SMS or not (``replies``), beyond
        content and links; addons add theirs."""
        self.ensure_one()
        if not replies and self.message_class == "marketing":
            return [
                _(
                    "%(where)s: customers cannot reply there; the SMS end with "
                    "a link to a web opt-out page.",
                    where=where,
                )
            ]
        return []

    def _sms_retention_preview_warnings(self):
        """Warnings of the preview beyond texts and segments; addons add
        theirs (the survey's)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        texts = [holder.body or "" for holder in self.variant_ids or self]
        if not company.sms_retention_review_url and any(
            "sms_retention_review_url" in text for text in texts
        ):
            return [
                _(
                    "The review link is empty: set your review page in SMS "
                    "Retention > Configuration > Settings."
                )
            ]
        return []

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_messages(self):
        """The campaign's messages, filtered as the smart button says."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_retention.sms_retention_message_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        state = self.env.context.get("sms_retention_state")
        if state:
            action["context"][f"search_default_{state}"] = 1
        return action

    def action_view_replies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_retention.sms_retention_inbound_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    @api.model
    def get_overview(self, days=30):
        """The figures of *SMS Retention > Overview* (see :mod:`..overview`)."""
        return overview(self.env, int(days))

    def _sms_retention_plan_reminders(self):
        """Plan a reminder for each SMS of these campaigns that got no reply
        and no click, due within a day: planned for exactly ``reminder_days``
        after the SMS (the sending job checks again, then, that nobody
        answered). One reminder per SMS, whatever the number of runs."""
        now = fields.Datetime.now()
        messages = self.env["sms.retention.message"]
        messages.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, m.campaign_id, m.partner_id, m.company_id,
                       m.user_id, m.res_model, m.res_id,
                       COALESCE(m.dedupe_key, 'message,' || m.id) || ':reminder',
                       m.sent_at + make_interval(days => c.reminder_days)
                  FROM sms_retention_message m
                  JOIN sms_retention_campaign c ON c.id = m.campaign_id
                 WHERE m.campaign_id = ANY(%(campaigns)s)
                   AND m.state = 'sent' AND m.reminder_of_id IS NULL
                   AND m.replied_at IS NULL AND m.clicked_at IS NULL
                   AND m.sent_at + make_interval(days => c.reminder_days)
                       <= %(now)s + interval '1 day'
                   -- Not for SMS older than a reminder can still make sense.
                   AND m.sent_at + make_interval(days => c.reminder_days)
                       > %(now)s - interval '1 day'
                """,
                campaigns=self.ids,
                now=now,
            )
        )
        vals_list = [
            {
                "reminder_of_id": message_id,
                "campaign_id": campaign_id,
                "partner_id": partner_id,
                "company_id": company_id,
                "user_id": user_id,
                "res_model": res_model,
                "res_id": res_id,
                "dedupe_key": dedupe_key,
                "planned_at": max(planned_at, now),
            }
            for (
                message_id,
                campaign_id,
                partner_id,
                company_id,
                user_id,
                res_model,
                res_id,
                dedupe_key,
                planned_at,
            ) in self.env.cr.fetchall()
        ]
        return insert_planned(messages.sudo(), vals_list)

    def _sms_retention_decide_ab_tests(self):
        """Pick the winner of the A/B tests that are due (see
        :mod:`..ab_test`)."""
        today = fields.Date.context_today(self)
        for campaign in self:
            results = ab_test.variant_results(campaign)
            if ab_test.due_for_decision(campaign, results, today):
                ab_test.pick_winner(campaign, results)

    def action_pick_ab_winner(self):
        """Pick the best variant now: it takes all new sends."""
        self.ensure_one()
        results = ab_test.variant_results(self)
        if not any(result.sent for result in results.values()):
            raise UserError(
                _("No variant of %(campaign)s has been sent yet.", campaign=self.name)
            )
        winner = ab_test.pick_winner(self, results)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(variant)s takes all new sends of %(campaign)s.",
                    variant=winner.name,
                    campaign=self.name,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_start(self):
        """Draft or paused to running, once the campaign can run."""
        for campaign in self:
            campaign._check_can_run()
        warnings = [w for w in self.mapped("trigger_warning") if w]
        self.write({"state": "running"})
        if len(self) != 1:
            return True
        return _notify(
            _("%(campaign)s is running.", campaign=self.display_name),
            " ".join([self.trigger_summary or "", *warnings]).strip(),
            "warning" if warnings else "success",
        )

    def action_resume(self):
        return self.action_start()

    def action_pause(self):
        self.filtered(lambda c: c.state == "running").write({"state": "paused"})
        if len(self) != 1:
            return True
        return _notify(
            _("%(campaign)s is paused.", campaign=self.display_name),
            _(
                "It plans no SMS and its %(count)s scheduled SMS wait until you "
                "resume it.",
                count=self.paused_count,
            ),
            "info",
        )

    def action_send_test(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send a test SMS"),
            "res_model": "sms.retention.campaign.test",
            "view_mode": "form",
            "target": "new",
            "context": {"default_campaign_id": self.id},
        }

    def action_create_trigger(self):
        """Create the campaign's automation rule for its trigger."""
        self.ensure_one()
        if self.kind in DAILY_KINDS:
            raise UserError(
                _(
                    "A daily campaign needs no trigger: the daily job selects "
                    "its customers."
                )
            )
        if self.automation_id:
            return self.action_open_trigger()
        self.automation_id = self._sms_retention_new_rule()
        if self.trigger == "rule":
            # The user says when it fires.
            return self.action_open_trigger()
        return _notify(
            _("Trigger created: %(when)s", when=self.trigger_summary),
            _("It fires while the campaign runs."),
            "success",
        )

    def action_open_trigger(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.automation",
            "res_id": self.automation_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _check_can_run(self):
        """Raise a clear error when the campaign cannot run yet."""
        self.ensure_one()
        self._sms_retention_check_texts()
        self.variant_ids._sms_retention_check_texts()
        if self.kind not in DAILY_KINDS and not self.automation_id:
            raise UserError(
                _(
                    "%(campaign)s has no trigger: create it on the Trigger tab, "
                    "then start the campaign.",
                    campaign=self.display_name,
                )
            )
        if self.kind == "seasonal" and not self.occasion_ids:
            raise UserError(
                _(
                    "%(campaign)s has no occasion: choose the occasions it greets.",
                    campaign=self.display_name,
                )
            )
        partners = self.env["res.partner"].with_context(active_test=False)
        if not partners.search_count(self._audience_domain(), limit=1):
            raise UserError(
                _(
                    "No customer matches the audience of %(campaign)s: widen its "
                    "segments or its filter.",
                    campaign=self.display_name,
                )
            )

    # ------------------------------------------------------------
    # AUTOMATION RULE
    # ------------------------------------------------------------

    def _sms_retention_rule_values(self):
        """What the automation rule of the campaign's trigger watches."""
        self.ensure_one()
        if self.trigger == "order_confirmed":
            state = self.env["ir.model.fields"]._get("sale.order", "state")
            return {
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "trigger": "on_state_set",
                "trigger_field_ids": [(6, 0, state.ids)],
                "trg_selection_field_id": state.selection_ids.filtered(
                    lambda s: s.value == "sale"
                ).id,
                "filter_domain": "[('state', '=', 'sale')]",
            }
        if self.trigger == "customer_lost":
            fields_ = self.env["ir.model.fields"]._get(
                "res.partner", "sms_retention_lost_date"
            ) | self.env["ir.model.fields"]._get("res.partner", "active")
            return {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "trigger": "on_create_or_write",
                "trigger_field_ids": [(6, 0, fields_.ids)],
                "filter_domain": "[('sms_retention_lost_date', '!=', False)]",
            }
        return {"model_id": self.model_id.id, "trigger": "on_create_or_write"}

    def _sms_retention_new_rule(self):
        """A rule firing this campaign, active while the campaign runs.

        As superuser: users who run campaigns need not administer rules.
        Its action is created on its own: Odoo refuses server actions
        created through a superuser's one2many commands.
        """
        self.ensure_one()
        values = self._sms_retention_rule_values()
        rule_sudo = (
            self.env["base.automation"]
            .sudo()
            .create(
                {
                    **values,
                    "name": _("SMS Retention: %(campaign)s", campaign=self.name),
                    "active": self.active and self.state == "running",
                }
            )
        )
        self.env["ir.actions.server"].sudo().create(
            {
                "name": self.env["ir.actions.server"]._sms_retention_name(self),
                "model_id": values["model_id"],
                "base_automation_id": rule_sudo.id,
                "usage": "base_automation",
                "state": "sms_retention",
                "sms_retention_campaign_id": self.id,
            }
        )
        return rule_sudo

    def _sms_retention_sync_rules(self):
        """Rules are active exactly while their campaign runs."""
        for campaign in self.filtered("automation_id"):
            running = campaign.active and campaign.state == "running"
            rule_sudo = campaign.automation_id.sudo()
            if rule_sudo.active != running:
                rule_sudo.active = running

    def _sms_retention_retrigger(self):
        """A changed trigger replaces the rule with one that watches it."""
        for campaign in self.filtered("automation_id"):
            old_sudo = campaign.automation_id.sudo()
            campaign.automation_id = campaign._sms_retention_new_rule()
            old_sudo.unlink()

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _enqueue_config
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()  # _enqueue_config
        before = {c.id: (c.state, c.trigger, c.model_id) for c in self}
        res = super().write(vals)
        if "model_id" in vals:
            self._sms_retention_follow_model()
        if "trigger" in vals:
            self.filtered(
                lambda c: before[c.id][1] != c.trigger and c.trigger
            )._sms_retention_retrigger()
        if {"state", "active", "trigger"} & set(vals):
            self._sms_retention_sync_rules()
        if "state" in vals:
            messages = self.env["sms.retention.message"].sudo()
            paused = self.filtered(lambda c: c.state == "paused")
            messages.search(
                [("campaign_id", "in", paused.ids), ("state", "=", "scheduled")]
            ).write({"state": "paused"})
            running = self.filtered(lambda c: c.state == "running")
            resumed = messages.search(
                [("campaign_id", "in", running.ids), ("state", "=", "paused")]
            )
            resumed.write({"state": "scheduled"})
            messages._schedule_sending(resumed)
        return res

    def _sms_retention_follow_model(self):
        """A template of this campaign alone follows its model; the rule
        watches the new model."""
        for campaign in self:
            template = campaign.sms_template_id
            if template.model_id == campaign.model_id:
                continue
            users = campaign._sms_retention_template_users()
            if all(owner == campaign for _t, owner, _n in users):
                template.model_id = campaign.model_id
        self.filtered(
            lambda c: c.automation_id and c.automation_id.model_id != c.model_id
        )._sms_retention_retrigger()

    def copy_data(self, default=None):
        default = dict(default or {})
        vals_list = super().copy_data(default)
        if "name" not in default:
            for campaign, vals in zip(self, vals_list, strict=True):
                vals["name"] = _("%(name)s (copy)", name=campaign.name)
        return vals_list

    def unlink(self):
        self.env.registry.clear_cache()  # _enqueue_config
        self.automation_id.sudo().unlink()
        return super().unlink()

    # ------------------------------------------------------------
    # ENQUEUE
    # ------------------------------------------------------------

    def _sms_retention_policy(self, company, country):
        """The sending policy for this campaign's customers of ``country``."""
        self.ensure_one()
        policy = company._sms_retention_policy(
            country, start=self.quiet_start, end=self.quiet_end
        )
        if self.kind == "seasonal":
            # The occasion is often a public holiday: greet on the day itself.
            policy = dataclasses.replace(policy, holidays=frozenset())
        return policy

    def _get_delay(self):
        self.ensure_one()
        return timedelta(**{self.delay_unit: self.delay})

    @api.model
    @tools.ormcache("campaign_id")
    def _enqueue_config(self, campaign_id):
        """What planning a message needs of the campaign, cached.

        An order confirmation reads it from memory instead of four queries on
        the campaign, its segments and its variants. Writes to campaigns,
        variants and segments clear the cache.
        """
        campaign = self.sudo().browse(campaign_id)
        variants = campaign.variant_ids.filtered(lambda v: v.weight > 0)
        return EnqueueConfig(
            running=campaign.active and campaign.state == "running",
            model=campaign.model,
            kind=campaign.kind,
            delay=campaign._get_delay(),
            company_id=campaign.company_id.id,
            segments_only=not safe_eval(campaign.audience_domain or "[]"),
            segment_codes=frozenset(campaign.segment_ids.mapped("code")),
            variants=tuple((variant.id, variant.weight) for variant in variants),
        )

    def _enqueue(self, records):
        """Plan one outbound message per record for each campaign in ``self``.

        Customers outside the campaign's audience are left out. A record that
        already has a message with the same deduplication key is skipped (a
        review goes out once per order, an exit message once per departure).

        :return: the new ``sms.retention.message`` records (sudo)
        """
        messages_sudo = self.env["sms.retention.message"].sudo()
        if not records:
            return messages_sudo
        partners = _partners_of(records)
        now = fields.Datetime.now()
        for campaign in self:
            config = campaign._enqueue_config(campaign.id)
            if config.model != records._name:
                raise UserError(
                    _(
                        "The campaign %(campaign)s applies to %(model)s, not to "
                        "%(records_model)s.",
                        campaign=campaign.display_name,
                        model=config.model,
                        records_model=records._name,
                    )
                )
            audience = campaign._audience_filter(
                self.env["res.partner"].union(*partners)
            )
            planned_at = now + config.delay
            default_company = self.env["res.company"].browse(config.company_id)
            vals_list = []
            for record, partner in zip(records, partners, strict=True):
                if partner and partner not in audience:
                    continue
                company = (
                    record.company_id
                    if "company_id" in record._fields and record.company_id
                    else default_company or partner.company_id or self.env.company
                )
                vals_list.append(
                    {
                        "campaign_id": campaign.id,
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "res_model": record._name,
                        "res_id": record.id,
                        "dedupe_key": campaign._dedupe_key(record, partner, now),
                        "planned_at": planned_at,
                        "variant_id": campaign._variant_for(partner).id,
                        "user_id": partner._sms_retention_salesperson(record).id,
                    }
                )
            if vals_list:
                new_sudo = insert_planned(messages_sudo, vals_list)
                campaign._log_planned(new_sudo)
                messages_sudo |= new_sudo
        return messages_sudo

    def _log_planned(self, messages):
        """Say on each source record (an order) which SMS is planned, and
        for when in the customer's time: one batch of notes."""
        self.ensure_one()
        planned = messages.filtered(
            lambda m: m.state == "scheduled" and m.res_model != "res.partner"
        )
        if not planned or not hasattr(
            self.env[planned[0].res_model], "_message_log_batch"
        ):
            return
        bodies = {}
        for message in planned:
            tz = message.partner_id._sms_retention_effective_tz(message.company_id)
            bodies[message.res_id] = _(
                "SMS %(campaign)s planned for %(when)s, to %(customer)s.",
                campaign=self.name,
                when=messages._local_time(message.planned_at, tz),
                customer=message.partner_id.display_name,
            )
        self.env[planned[0].res_model].sudo().browse(list(bodies))._message_log_batch(
            bodies
        )

    def _dedupe_key(self, record, partner, now):
        """Messages with the same key are sent once; keys start with the record."""
        self.ensure_one()
        key = f"{record._name},{record.id}"
        kind = self._enqueue_config(self.id).kind
        if kind == "exit":
            lost = partner.sms_retention_lost_date or now
            return f"{key}:exit:{fields.Datetime.to_string(lost)}"
        if kind == "custom":
            return f"{key}:{now.date().isoformat()}"
        return key

    def _audience_domain(self):
        """The campaign's audience as a domain on res.partner."""
        self.ensure_one()
        domain = safe_eval(self.audience_domain or "[]")
        if self.segment_ids:
            domain = expression.AND(
                [
                    domain,
                    [("sms_retention_segment", "in", self.segment_ids.mapped("code"))],
                ]
            )
        return domain

    def _audience_filter(self, partners):
        """The subset of ``partners`` in the audience (one query)."""
        self.ensure_one()
        if not partners:
            return partners
        config = self._enqueue_config(self.id)
        if config.segments_only:
            # Segments only: read from the customers, often cached already.
            codes = config.segment_codes
            if not codes:
                return partners
            return partners.filtered(lambda p: p.sms_retention_segment in codes)
        domain = self._audience_domain()
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search(expression.AND([[("id", "in", partners.ids)], domain]))
        )

    # ------------------------------------------------------------
    # A/B VARIANTS
    # ------------------------------------------------------------

    def _variant_for(self, partner):
        """The variant a customer gets: deterministic, weighted, stable."""
        self.ensure_one()
        variants = self._enqueue_config(self.id).variants
        if not variants or not partner:
            return self.env["sms.retention.variant"]
        bucket = variant_bucket(
            self.id, partner.id, sum(weight for _id, weight in variants)
        )
        chosen = variants[-1][0]
        for variant_id, weight in variants:
            if bucket < weight:
                chosen = variant_id
                break
            bucket -= weight
        return self.env["sms.retention.variant"].browse(chosen)

    def _variant_sql(self, partner_column):
        """SQL choosing the variant id, as :meth:`_variant_for` does."""
        self.ensure_one()
        variants = self.variant_ids.filtered(lambda v: v.weight > 0)
        if not variants:
            return SQL("NULL::int")
        total = sum(variants.mapped("weight"))
        bucket = SQL(
            "mod(('x' || substr(md5(%s || ':' || %s::text), 1, 8))"
            "::bit(32)::bigint, %s)",
            str(self.id),
            partner_column,
            total,
        )
        cases, upper = [], 0
        for variant in variants[:-1]:
            upper += variant.weight
            cases.append(SQL("WHEN %s < %s THEN %s", bucket, upper, variant.id))
        return SQL("CASE %s ELSE %s END", SQL(" ").join(cases), variants[-1].id)

    # ------------------------------------------------------------
    # DAILY CAMPAIGNS (birthday, seasonal, win-back, onboarding)
    # ------------------------------------------------------------

    @api.model
    def _cron_daily_campaigns(self):
        """Plan the day's birthday, seasonal, win-back and onboarding SMS.

        Each campaign selects its customers with one INSERT ... SELECT in
        SQL; the deduplication key makes reruns harmless.
        """
        self.search(
            [("ab_auto_winner", "=", True), ("ab_winner_id", "=", False)]
        )._sms_retention_decide_ab_tests()
        self.search(
            [
                ("reminder_days", ">", 0),
                ("reminder_template_id", "!=", False),
                ("state", "=", "running"),
            ]
        )._sms_retention_plan_reminders()
        campaigns = self.search(
            [("kind", "in", list(DAILY_KINDS)), ("state", "=", "running")]
        )
        now = fields.Datetime.now()
        planned = 0
        for campaign in campaigns:
            planned += campaign._enqueue_daily(now)
            if can_commit():
                # Each campaign's selection is final; a crash resumes the rest.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if planned:
            # Due now (the policy defers them to each customer's hours), or later.
            self.env.ref("sms_retention.ir_cron_sms_retention_send").sudo()._trigger()
            self.env["sms.retention.message"]._trigger_next()
        return planned

    def _daily_from_sql(self, now):
        """``FROM ... WHERE`` of the customers due today, or None.

        Shared by the daily insert and the cost estimate of the next run.
        """
        self.ensure_one()
        tz = self._daily_tz_sql()
        local_today = SQL(
            "(timezone(%s, %s::timestamp AT TIME ZONE 'UTC'))::date", tz, now
        )
        builder = getattr(self, f"_daily_{self.kind}_sql", None)
        selection = builder(now, local_today, tz) if builder else None
        if selection is None:
            return None
        partner_query = (
            self.env["res.partner"]
            .with_context(active_test=True)
            ._where_calc(self._audience_domain())
        )
        return SQL(
            """res_partner p
              JOIN LATERAL (%s) sel ON TRUE
             WHERE p.id IN (%s)""",
            selection,
            partner_query.subselect(),
        )

    def _daily_company_sql(self):
        """The company of a daily message to customer ``p``, in SQL: the
        campaign's, else the customer's, else the current one."""
        self.ensure_one()
        return SQL(
            "COALESCE(%s, p.company_id, %s)",
            self.company_id.id or None,
            self.env.company.id,
        )

    def _daily_tz_sql(self):
        """The time zone of a daily message to customer ``p``, in SQL: the
        rule of ``res.partner._sms_retention_effective_tz`` with the
        message's company (:meth:`_daily_company_sql`)."""
        self.ensure_one()
        companies = self.company_id or self.env["res.company"].sudo().with_context(
            active_test=False
        ).search([])
        company_tzs = {company.id: company._sms_retention_tz() for company in companies}
        if len(set(company_tzs.values())) == 1:
            company_tz = SQL("%s", next(iter(company_tzs.values())))
        else:
            company_tz = SQL(
                "CASE %s %s END",
                self._daily_company_sql(),
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", company_id, tz)
                    for company_id, tz in company_tzs.items()
                ),
            )
        return effective_tz_sql(SQL("p.sms_retention_tz"), company_tz)

    def _enqueue_daily(self, now):
        """Insert this campaign's messages for today; return how many.

        The daily job's messages carry no author (see ``_job_author``).
        """
        self.ensure_one()
        self.env.flush_all()
        from_sql = self._daily_from_sql(now)
        if from_sql is None:
            return 0
        number, skip_reason = number_or_skip_sql(
            SQL("p.mobile"), SQL("p.phone"), SQL("p.phone_sanitized")
        )
        query = SQL(
            """
            INSERT INTO sms_retention_message (
                campaign_id, partner_id, company_id, res_model, res_id, dedupe_key,
                number, planned_at, expires_at, variant_id, segment, user_id,
                state, skip_reason,
                defer_count, create_uid, write_uid, create_date, write_date)
            SELECT %(campaign)s, p.id, %(company)s,
                   'res.partner', p.id, 'res.partner,' || p.id || ':' || sel.dedupe_key,
                   %(number)s,
                   sel.planned_at, sel.expires_at, %(variant)s, p.sms_retention_segment,
                   p.user_id,
                   CASE WHEN %(number)s IS NULL THEN 'skipped' ELSE 'scheduled' END,
                   %(skip_reason)s,
                   0, %(author)s, %(author)s, %(now)s, %(now)s
              FROM %(from_sql)s
            ON CONFLICT (campaign_id, dedupe_key) DO NOTHING
            """,
            campaign=self.id,
            company=self._daily_company_sql(),
            number=number,
            skip_reason=skip_reason,
            variant=self._variant_sql(SQL("p.id")),
            author=self.env["sms.retention.message"]._job_author(),
            now=now,
            from_sql=from_sql,
        )
        self.env.cr.execute(query)
        self.env["sms.retention.message"].invalidate_model()
        return self.env.cr.rowcount

    def _daily_birthday_sql(self, now, local_today, tz):
        """Customers whose birthday is N days after their local today."""
        days = self.birthday_days_before
        # Candidate (month, day) pairs around the UTC date, for the index.
        pairs = set()
        for shift in (-1, 0, 1):
            target = (now + timedelta(days=days + shift)).date()
            pairs.add((target.month, target.day))
            if (target.month, target.day) == (2, 28) and not calendar.isleap(
                target.year
            ):
                pairs.add((2, 29))
        target = SQL("(%s + %s)", local_today, days)
        return SQL(
            """
            SELECT 'birthday:' || extract(year FROM %(target)s)::int AS dedupe_key,
                   %(now)s::timestamp AS planned_at,
                   ((%(target)s + 1)::timestamp AT TIME ZONE %(tz)s)
                        AT TIME ZONE 'UTC' AS expires_at
             WHERE (p.sms_retention_birthday_month, p.sms_retention_birthday_day)
                   IN %(pairs)s
               AND (
                    (p.sms_retention_birthday_month = extract(month FROM %(target)s)
                     AND p.sms_retention_birthday_day = extract(day FROM %(target)s))
                 OR (p.sms_retention_birthday_month = 2
                     AND p.sms_retention_birthday_day = 29
                     AND extract(month FROM %(target)s) = 2
                     AND extract(day FROM %(target)s) = 28
                     AND extract(day FROM (date_trunc('year', %(target)s)
                         + interval '59 days')) <> 29)
               )
            """,
            target=target,
            now=now,
            tz=tz,
            pairs=tuple(sorted(pairs)),
        )

    def _daily_seasonal_sql(self, now, local_today, tz):
        """Customers for whom an occasion is today or tomorrow, at its hour."""
        today = now.date()
        dates = self.env["sms.retention.occasion.date"].search(
            [
                ("occasion_id", "in", self.occasion_ids.ids),
                ("date", ">=", today - timedelta(days=1)),
                ("date", "<=", today + timedelta(days=2)),
            ]
        )
        if not dates:
            return None
        rows = SQL(", ").join(
            SQL(
                "(%s, %s::date, %s::float)",
                d.occasion_id.id,
                d.date,
                d.occasion_id.send_hour,
            )
            for d in dates
        )
        return SQL(
            """
            SELECT 'occasion:' || o.occasion_id || ':' || extract(year FROM o.day)::int
                       AS dedupe_key,
                   ((o.day + make_interval(secs => o.send_hour * 3600))
                        AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC' AS planned_at,
                   ((o.day + 1)::timestamp AT TIME ZONE %(tz)s)
                        AT TIME ZONE 'UTC' AS expires_at
              FROM (VALUES %(rows)s) AS o(occasion_id, day, send_hour)
             WHERE o.day BETWEEN %(local_today)s AND %(local_today)s + 1
            """,
            tz=tz,
            rows=rows,
            local_today=local_today,
        )

    def _daily_winback_sql(self, now, local_today, tz):
        """Dormant customers without an order for N days, once per spell."""
        return SQL(
            """
            SELECT 'winback:' || to_char(p.sms_retention_last_order_date,
                                         'YYYYMMDDHH24MISS') AS dedupe_key,
                   %(now)s::timestamp AS planned_at,
                   NULL::timestamp AS expires_at
             WHERE p.sms_retention_segment = 'dormant'
               AND p.sms_retention_last_order_date < %(now)s::timestamp
                   - make_interval(days => %(days)s)
            """,
            now=now,
            days=self.winback_days,
        )

    def _daily_onboarding_sql(self, now, local_today, tz):
        """Customers whose first order was N days ago (3 days to catch up)."""
        delay = self._get_delay()
        return SQL(
            """
            SELECT 'onboarding' AS dedupe_key,
                   GREATEST(p.sms_retention_first_order_date + %(delay)s,
                            %(now)s::timestamp) AS planned_at,
                   NULL::timestamp AS expires_at
             WHERE p.sms_retention_first_order_date
                   BETWEEN %(now)s::timestamp - %(delay)s - interval '3 days'
                       AND %(now)s::timestamp - %(delay)s + interval '1 day'
            """,
            now=now,
            delay=delay,
        )


def _model_of_kind(kind):
    """The model a campaign of ``kind`` is rendered on, unless custom."""
    return "sale.order" if kind == "post_purchase" else "res.partner"


def _notify(title, message, kind="success"):
    """A toast; the form (closing nothing) reloads what changed."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title,
            "message": message,
            "type": kind,
            "sticky": kind == "warning",
            "next": {"type": "ir.actions.act_window_close"},
        },
    }


def _partners_of(records):
    """The customer of each record: itself for partners, else ``partner_id``."""
    if records._name == "res.partner":
        return list(records)
    if "partner_id" not in records._fields:
        raise UserError(
            _(
                "Records of %(model)s have no customer (partner_id) to text.",
                model=records._description,
            )
        )
    return [record.partner_id for record in records]
