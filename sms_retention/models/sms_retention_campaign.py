# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import send_window


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
        [("post_purchase", "Post-purchase review"), ("custom", "Custom")],
        required=True,
        default="custom",
        tracking=True,
        help="Post-purchase review: sent once per order, a delay after the "
        "order is confirmed. Custom: sent whenever an automation rule fires it.",
    )
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
        default=lambda self: self.env["ir.model"]._get_id("sale.order"),
        help="Model of the records that trigger the campaign (the SMS template "
        "is rendered on them).",
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
    retention_message_ids = fields.One2many("sms.retention.message", "campaign_id")
    scheduled_count = fields.Integer(compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts")
    skipped_count = fields.Integer(compute="_compute_counts")
    reply_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("delay_positive", "CHECK(delay >= 0)", "The delay cannot be negative."),
    ]

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
        for campaign in self:
            campaign.scheduled_count = counts.get((campaign.id, "scheduled"), 0)
            campaign.sent_count = counts.get((campaign.id, "sent"), 0)
            campaign.skipped_count = counts.get((campaign.id, "skipped"), 0)
            campaign.reply_count = replies.get(campaign, 0)

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
        start = self.quiet_start or company.sms_retention_quiet_start
        end = self.quiet_end or company.sms_retention_quiet_end
        blackouts = tuple(
            (
                frozenset([int(b.weekday)]) if b.weekday else None,
                send_window.window_from_hours(b.start_hour, b.end_hour),
            )
            for b in company.sudo().sms_retention_blackout_ids
            if not b.country_ids or country in b.country_ids
        )
        holidays = frozenset()
        if country:
            today = fields.Date.context_today(self)
            holidays = frozenset(
                self.env["sms.retention.holiday"]
                .sudo()
                .search(
                    [
                        ("country_id", "=", country.id),
                        ("date", ">=", today - timedelta(days=1)),
                        ("date", "<=", today + timedelta(days=400)),
                    ]
                )
                .mapped("date")
            )
        return send_window.SendingPolicy(
            allowed=send_window.window_from_hours(start, end),
            blackouts=blackouts,
            holidays=holidays,
        )

    def _get_delay(self):
        self.ensure_one()
        return timedelta(**{self.delay_unit: self.delay})

    def _enqueue(self, records):
        """Plan one outbound message per record for each campaign in ``self``.

        A record that already has a message of the campaign is skipped
        (post-purchase reviews go out once per order). Records without a
        partner raise: the automation rule is misconfigured.

        :return: the new ``sms.retention.message`` records (sudo)
        """
        messages_sudo = self.env["sms.retention.message"].sudo()
        if not records:
            return messages_sudo
        partners = _partners_of(records)
        now = fields.Datetime.now()
        for campaign in self:
            if campaign.model != records._name:
                raise UserError(
                    _(
                        "The campaign %(campaign)s applies to %(model)s, not to "
                        "%(records_model)s.",
                        campaign=campaign.display_name,
                        model=campaign.model,
                        records_model=records._name,
                    )
                )
            planned_at = now + campaign._get_delay()
            vals_list = []
            for record, partner in zip(records, partners, strict=True):
                company = (
                    record.company_id
                    if "company_id" in record._fields and record.company_id
                    else campaign.company_id or partner.company_id or self.env.company
                )
                vals_list.append(
                    {
                        "campaign_id": campaign.id,
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "res_model": record._name,
                        "res_id": record.id,
                        "dedupe_key": f"{record._name},{record.id}",
                        "planned_at": planned_at,
                    }
                )
            messages_sudo |= messages_sudo._create_unique(vals_list)
        return messages_sudo


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
