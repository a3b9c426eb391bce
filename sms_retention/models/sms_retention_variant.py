# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import ab_test


class SmsRetentionVariant(models.Model):
    """One message variant of a campaign, for A/B tests.

    Its text is written here or picked among the templates (see
    ``sms.retention.text.mixin``); the campaign's preview shows each
    variant's final SMS, segments and cost. No sudo: whoever edits the
    campaign edits its variants.
    """

    _name = "sms.retention.variant"
    _description = "SMS Retention Campaign Variant"
    _inherit = ["sms.retention.text.mixin", "sms.retention.earnings.mixin"]
    _sms_retention_message_field = "variant_id"
    _order = "campaign_id, sequence, id"

    name = fields.Char(required=True, default="A", translate=True)
    sequence = fields.Integer(default=10)
    campaign_id = fields.Many2one(
        "sms.retention.campaign", required=True, ondelete="cascade", index=True
    )
    model_id = fields.Many2one(related="campaign_id.model_id")
    weight = fields.Integer(default=1, help="Relative share of customers.")
    message_count = fields.Integer("Messages", compute="_compute_message_count")
    ab_value = fields.Char(
        "Result",
        compute="_compute_ab_result",
        help="The campaign's A/B metric for this variant.",
    )
    ab_versus_best = fields.Char(
        "Against the Best",
        compute="_compute_ab_result",
        help="The difference to the best variant, and whether it can be told "
        "from chance (p below 0.05).",
    )
    ab_is_best = fields.Boolean("Best", compute="_compute_ab_result")

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # the campaigns' _enqueue_config
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()  # the campaigns' _enqueue_config
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # the campaigns' _enqueue_config
        return super().unlink()

    @api.constrains("sms_template_id", "campaign_id")
    def _check_template_model(self):
        for variant in self:
            if variant.sms_template_id.model_id != variant.campaign_id.model_id:
                raise ValidationError(
                    _(
                        "Variant %(variant)s: the template must be for %(model)s.",
                        variant=variant.name,
                        model=variant.campaign_id.model_id.name,
                    )
                )

    @api.depends("campaign_id.currency_id")
    def _compute_currency_id(self):
        for variant in self:
            variant.currency_id = variant.campaign_id.currency_id

    @api.depends("campaign_id.ab_metric")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_ab_result(self):
        for campaign in self.campaign_id:
            results = ab_test.variant_results(campaign)
            for variant in self.filtered(lambda v, c=campaign: v.campaign_id == c):
                result = results.get(variant._origin)
                variant.ab_is_best = bool(result and result.is_best)
                variant.ab_value = (
                    ab_test.format_value(campaign, result.value)
                    if result and result.sent
                    else False
                )
                variant.ab_versus_best = variant._ab_versus_best(campaign, result)
        (self - self.campaign_id.variant_ids).update(
            {"ab_is_best": False, "ab_value": False, "ab_versus_best": False}
        )

    def _ab_versus_best(self, campaign, result):
        if not result or not result.sent:
            return False
        if result.is_best:
            return _("Best")
        versus = result.versus_best
        if versus is None:
            return False
        # Formatted outside the _() calls: the term extractor skips calls
        # with f-strings in them.
        points = format(100 * versus.difference, "+.1f")
        p_value = format(versus.p_value, ".3f")
        difference = (
            ab_test.format_value(campaign, versus.difference)
            if campaign.ab_metric == "revenue"
            else _("%(points)s points", points=points)
        )
        if versus.significant:
            return _(
                "%(difference)s (p = %(p_value)s, significant)",
                difference=difference,
                p_value=p_value,
            )
        return _(
            "%(difference)s (p = %(p_value)s, may be chance)",
            difference=difference,
            p_value=p_value,
        )

    def _compute_message_count(self):
        counts = dict(
            self.env["sms.retention.message"]._read_group(
                [("variant_id", "in", self.ids)], ["variant_id"], ["__count"]
            )
        )
        for variant in self:
            variant.message_count = counts.get(variant, 0)

    # ------------------------------------------------------------
    # TEXT (see sms.retention.text.mixin)
    # ------------------------------------------------------------

    def _sms_retention_text_model(self):
        self.ensure_one()
        return self.campaign_id._sms_retention_text_model()

    @api.model
    def _sms_retention_text_model_from_vals(self, vals):
        campaign = self.env["sms.retention.campaign"].browse(vals.get("campaign_id"))
        if not campaign:
            raise ValidationError(_("A variant belongs to a campaign."))
        return campaign._sms_retention_text_model()
