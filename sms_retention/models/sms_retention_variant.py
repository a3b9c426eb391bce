# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.segments import count_segments, estimate_cost


class SmsRetentionVariant(models.Model):
    """One message variant of a campaign, for A/B tests.

    Shows, per language, the encoding, segment count and estimated cost of
    the next run. No sudo: managers edit variants.
    """

    _name = "sms.retention.variant"
    _description = "SMS Retention Campaign Variant"
    _order = "campaign_id, sequence, id"

    name = fields.Char(required=True, default="A")
    sequence = fields.Integer(default=10)
    campaign_id = fields.Many2one(
        "sms.retention.campaign", required=True, ondelete="cascade", index=True
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        required=True,
        domain="[('model_id', '=', parent.model_id)]",
    )
    weight = fields.Integer(default=1, help="Relative share of customers.")
    message_count = fields.Integer(compute="_compute_message_count")
    segment_summary = fields.Text(
        "Encoding and Segments", compute="_compute_segment_summary"
    )

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

    def _compute_message_count(self):
        counts = dict(
            self.env["sms.retention.message"]._read_group(
                [("variant_id", "in", self.ids)], ["variant_id"], ["__count"]
            )
        )
        for variant in self:
            variant.message_count = counts.get(variant, 0)

    @api.depends("sms_template_id.body", "weight", "campaign_id.message_class")
    def _compute_segment_summary(self):
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        prices = self.env["sms.retention.price"]._price_map()
        for campaign, variants in self.grouped("campaign_id").items():
            company = campaign.company_id or self.env.company
            optout = (
                company._sms_retention_optout_texts(langs)
                if campaign.message_class == "marketing"
                else {}
            )
            audience = campaign._next_run_audience()
            total_weight = sum(campaign.variant_ids.mapped("weight")) or 1
            # Texts are measured rendered on a sample record, as sent.
            sample = self.env[campaign.model].search([], limit=1, order="id desc")
            for variant in variants:
                lines, segments_by_lang = [], {}
                for lang in langs:
                    body = variant._sample_body(sample, lang)
                    info = count_segments(body, optout.get(lang, ""))
                    segments_by_lang[lang] = info.segments
                    lines.append(
                        _(
                            "%(lang)s: %(encoding)s, %(segments)s segment(s), "
                            "%(chars)s characters",
                            lang=lang,
                            encoding=info.encoding,
                            segments=info.segments,
                            chars=info.characters,
                        )
                    )
                if audience:
                    worst = max(segments_by_lang.values())
                    full_cost = sum(
                        (
                            estimate_cost(
                                segments_by_lang.get(lang, worst),
                                count,
                                prices.get(country, prices.get(False, 0.0)),
                            )
                            for (country, lang), count in audience.items()
                        ),
                        Decimal(0),
                    )
                    share = Decimal(variant.weight) / Decimal(total_weight)
                    customers = sum(audience.values()) * share
                    cost = full_cost * share
                    lines.append(
                        _(
                            "Next run: about %(customers)s customer(s), estimated "
                            "cost %(cost)s USD",
                            customers=round(customers),
                            cost=f"{cost:.2f}",
                        )
                    )
                variant.segment_summary = "\n".join(lines)

    def _sample_body(self, sample, lang):
        """The template's text in ``lang``, rendered on ``sample`` if any."""
        self.ensure_one()
        template = self.sms_template_id.with_context(lang=lang)
        if not sample:
            return template.body or ""
        return template._render_field("body", sample.ids, set_lang=lang)[sample.id]
