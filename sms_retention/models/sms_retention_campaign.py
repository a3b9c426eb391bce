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

from ..tools.cron import can_commit
from ..tools.variants import variant_bucket

# What planning a message needs of a campaign (see ``_enqueue_config``).
EnqueueConfig = collections.namedtuple(
    "EnqueueConfig",
    "active model kind delay company_id segments_only segment_codes variants",
)


class SmsRetentionCampaign(models.Model):
    """A retention campaign: who gets which SMS, and when.

    Campaigns are enqueued by automation rules (server action "Send retention
    campaign"). Enqueueing runs with the rule's rights, then writes outbound
    messages with ``sudo()`` because a salesperson confirming an order may not
    create them directly.
    """

    _name = "sms.retention.campaign"
    _description = "SMS Retention Campaign"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
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
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        required=True,
        domain="[('model_id', '=', model_id)]",
        help="Its text is translated: each customer gets it in their language.",
    )
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
        help="A/B test: each customer gets one variant, chosen by weight and "
        "always the same for a given customer. Without variants, the "
        "campaign's template is used.",
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

    _sql_constraints = [
        ("delay_positive", "CHECK(delay >= 0)", "The delay cannot be negative."),
    ]

    @api.depends("kind")
    def _compute_model_id(self):
        for campaign in self:
            if campaign.kind == "custom" and campaign.model_id:
                continue
            model = "sale.order" if campaign.kind == "post_purchase" else "res.partner"
            campaign.model_id = self.env["ir.model"]._get(model)

    @api.depends("kind")
    def _compute_message_class(self):
        for campaign in self:
            campaign.message_class = (
                "transactional" if campaign.kind == "post_purchase" else "marketing"
            )

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
            campaign.deferred_count = deferred.get(campaign, 0)
            campaign.reply_count = replies.get(campaign, 0)
            campaign.skip_summary = ", ".join(
                f"{labels.get(reason, reason)}: {count}"
                for record, reason, count in reasons
                if record == campaign
            )

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
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_retention.sms_retention_message_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_view_replies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms_retention.sms_retention_inbound_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

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

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _enqueue_config
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()  # _enqueue_config
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _enqueue_config
        # Messages have no foreign key to their campaign (see their model):
        # they go with it, as a cascade would.
        self.env["sms.retention.message"]._sms_retention_delete_for(
            "campaign_id", self.ids
        )
        return super().unlink()

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
            active=campaign.active,
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
                        "user_id": (
                            record.user_id.id
                            if "user_id" in record._fields
                            and record._name != "res.partner"
                            else partner.user_id.id
                        ),
                    }
                )
            if vals_list:
                messages_sudo |= messages_sudo._insert_unique(vals_list)
        return messages_sudo

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
        campaigns = self.search(
            [("kind", "in", ["birthday", "seasonal", "winback", "onboarding"])]
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
        company = self.company_id or self.env.company
        local_today = SQL(
            "(timezone(COALESCE(NULLIF(p.sms_retention_tz, ''), %s), "
            "%s::timestamp AT TIME ZONE 'UTC'))::date",
            company._sms_retention_tz(),
            now,
        )
        tz = SQL(
            "COALESCE(NULLIF(p.sms_retention_tz, ''), %s)",
            company._sms_retention_tz(),
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

    def _enqueue_daily(self, now):
        """Insert this campaign's messages for today; return how many.

        The daily job's messages carry no author (see ``_job_author``).
        """
        self.ensure_one()
        self.env.flush_all()
        from_sql = self._daily_from_sql(now)
        if from_sql is None:
            return 0
        query = SQL(
            """
            INSERT INTO sms_retention_message (
                campaign_id, partner_id, company_id, res_model, res_id, dedupe_key,
                number, planned_at, expires_at, variant_id, segment, user_id,
                state, skip_reason,
                defer_count, create_uid, write_uid, create_date, write_date)
            SELECT %(campaign)s, p.id, COALESCE(%(company)s, p.company_id, %(default)s),
                   'res.partner', p.id, 'res.partner,' || p.id || ':' || sel.dedupe_key,
                   p.phone_sanitized,
                   sel.planned_at, sel.expires_at, %(variant)s, p.sms_retention_segment,
                   p.user_id,
                   CASE WHEN p.phone_sanitized IS NULL THEN 'skipped'
                        ELSE 'scheduled' END,
                   CASE WHEN p.phone_sanitized IS NULL THEN 'no_number' END,
                   0, %(author)s, %(author)s, %(now)s, %(now)s
              FROM %(from_sql)s
            ON CONFLICT (campaign_id, dedupe_key) DO NOTHING
            """,
            campaign=self.id,
            company=self.company_id.id or None,
            default=self.env.company.id,
            variant=self._variant_sql(SQL("p.id")),
            author=self.env["sms.retention.message"]._job_author(),
            now=now,
            from_sql=from_sql,
        )
        self.env.cr.execute(query)
        self.env["sms.retention.message"].invalidate_model()
        return self.env.cr.rowcount

    def _next_run_audience(self):
        """``{(country_id, lang): customers}`` the next daily run would text.

        Only for daily kinds (birthday, seasonal, win-back, onboarding);
        already planned customers are not counted again.
        """
        self.ensure_one()
        now = fields.Datetime.now() + timedelta(days=1)
        self.env.flush_all()
        from_sql = self._daily_from_sql(now)
        if from_sql is None or not self.id:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT p.country_id, p.lang, COUNT(*) FROM %s
                      AND p.phone_sanitized IS NOT NULL
                      AND NOT EXISTS (
                          SELECT 1 FROM sms_retention_message m
                           WHERE m.campaign_id = %s
                             AND m.dedupe_key = 'res.partner,' || p.id || ':'
                                                || sel.dedupe_key)
                    GROUP BY p.country_id, p.lang""",
                from_sql,
                self.id,
            )
        )
        return {
            (country, lang): count for country, lang, count in self.env.cr.fetchall()
        }

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
             WHERE (p.birthday_month, p.birthday_day) IN %(pairs)s
               AND (
                    (p.birthday_month = extract(month FROM %(target)s)
                     AND p.birthday_day = extract(day FROM %(target)s))
                 OR (p.birthday_month = 2 AND p.birthday_day = 29
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
