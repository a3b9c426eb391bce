# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a campaign would send, before it sends anything.

:class:`CampaignPreview` reads a campaign's audience (the next daily run,
or the customers its event fired for in the last 30 days) with who would be
skipped and why, and renders, for a sample customer of each language the
audience speaks, the exact final SMS of the campaign and of each A/B
variant: the text rendered on the customer's record, what addons add (a
survey question, see ``sms.retention.campaign._sms_retention_add_parts``),
then the opt-out text. With each SMS: encoding, characters, segments and
the cost at the price of the customer's country, converted to the
campaign company's currency; and the warnings a sender needs.

It spans the campaign, its variants and templates, customers, prices and
currencies, reading them with the user's rights; it writes nothing.
"""

import collections
import dataclasses
import logging
from datetime import timedelta
from decimal import Decimal

from odoo import _, fields
from odoo.tools import SQL, format_amount

from .tools import links, sending_policy
from .tools.segments import count_segments, estimate_cost

_logger = logging.getLogger(__name__)

# Event campaigns show who their event fired for over this period.
EVENT_PERIOD_DAYS = 30
# Beyond this, an SMS costs more than most senders expect.
MAX_SEGMENTS = 2
OUTCOMES = ("send", "opted_out", "no_consent", "no_mobile")


@dataclasses.dataclass
class Audience:
    """Who a campaign would text, grouped by country, language and outcome."""

    period: str
    # (country id, lang, outcome) -> (customers, a sample customer id)
    groups: dict = dataclasses.field(default_factory=dict)

    @property
    def total(self):
        return sum(count for count, _sample in self.groups.values())

    def count(self, outcome):
        return sum(
            count
            for (_c, _l, group_outcome), (count, _s) in self.groups.items()
            if group_outcome == outcome
        )

    def languages(self):
        """``[(lang, customers who would be texted, sample id)]``, largest first."""
        by_lang = collections.defaultdict(lambda: [0, None])
        for (_country, lang, outcome), (count, sample) in self.groups.items():
            if outcome == "send":
                by_lang[lang][0] += count
                by_lang[lang][1] = by_lang[lang][1] or sample
        return sorted(
            ((lang, count, sample) for lang, (count, sample) in by_lang.items()),
            key=lambda row: -row[1],
        )

    def sendable(self):
        """``{(country id, lang): customers who would be texted}``."""
        return {
            (country, lang): count
            for (country, lang, outcome), (count, _s) in self.groups.items()
            if outcome == "send"
        }


class CampaignPreview:
    """The audience and final SMS of one campaign (see the module)."""

    def __init__(self, campaign):
        self.campaign = campaign
        self.env = campaign.env
        self.company = campaign.company_id or self.env.company
        self._audience = None

    # ------------------------------------------------------------
    # AUDIENCE
    # ------------------------------------------------------------

    def audience(self):
        if self._audience is None:
            population, period = self._population()
            self._audience = Audience(period)
            if population is not None:
                self._audience.groups = self._groups(population)
        return self._audience

    def _population(self):
        """``(SQL selecting customer ids, period in words)``; the SQL is
        None when nothing can be selected yet."""
        campaign = self.campaign
        now = fields.Datetime.now()
        if campaign.kind in ("birthday", "seasonal", "winback", "onboarding"):
            from_sql = campaign._daily_from_sql(now + timedelta(days=1))
            if from_sql is None:
                return None, _("Next daily run")
            planned = SQL("FALSE")
            if campaign._origin.id:
                planned = SQL(
                    """EXISTS(SELECT 1 FROM sms_retention_message m
                               WHERE m.campaign_id = %s
                                 AND m.dedupe_key = 'res.partner,' || p.id
                                                    || ':' || sel.dedupe_key)""",
                    campaign._origin.id,
                )
            return (
                SQL("SELECT p.id FROM %s AND NOT %s", from_sql, planned),
                _("Next daily run"),
            )
        since = now - timedelta(days=EVENT_PERIOD_DAYS)
        period = _("Last %(days)s days", days=EVENT_PERIOD_DAYS)
        partners = self.env["res.partner"].with_context(
            active_test=campaign.kind != "exit"
        )
        audience = partners._where_calc(campaign._audience_domain())
        if campaign.kind == "exit":
            fired = partners._search([("sms_retention_lost_date", ">=", since)])
            column = "id"
        else:
            model = campaign.model_id.model
            records = self._readable(model)
            if records is None:
                return None, period
            if model != "res.partner" and "partner_id" not in records._fields:
                return None, period
            domain = [("create_date", ">=", since)]
            if model == "sale.order":
                domain = [("state", "=", "sale"), ("date_order", ">=", since)]
            if "company_id" in records._fields and campaign.company_id:
                domain.append(("company_id", "=", campaign.company_id.id))
            fired = records._search(domain)
            column = "id" if model == "res.partner" else "partner_id"
        return (
            SQL(
                "SELECT DISTINCT fired.id FROM (%s) AS fired(id) WHERE fired.id IN %s",
                fired.select(SQL.identifier(fired.table, column)),
                audience.subselect(),
            ),
            period,
        )

    def _groups(self, population):
        """Customers of ``population`` per country, language and outcome."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT p.country_id, COALESCE(p.lang, %(lang)s),
                          p.sms_retention_consent,
                          b.blacklisted IS NOT NULL,
                          p.phone_sanitized IS NOT NULL,
                          p.sms_retention_number_kind,
                          COUNT(*), MIN(p.id)
                     FROM res_partner p
                LEFT JOIN LATERAL (
                          SELECT TRUE AS blacklisted FROM phone_blacklist
                           WHERE active AND number = p.phone_sanitized LIMIT 1
                      ) b ON TRUE
                    WHERE p.id IN (%(population)s)
                 GROUP BY 1, 2, 3, 4, 5, 6""",
                lang=self.company.partner_id.lang or "en_US",
                population=population,
            )
        )
        marketing = self.campaign.message_class == "marketing"
        groups = {}
        for (
            country,
            lang,
            consent,
            blacklisted,
            has_number,
            kind,
            count,
            sample,
        ) in self.env.cr.fetchall():
            outcome = self._outcome(consent, blacklisted, has_number, kind, marketing)
            key = (country or False, lang, outcome)
            previous = groups.get(key, (0, sample))
            groups[key] = (previous[0] + count, min(previous[1], sample))
        return groups

    def _outcome(self, consent, blacklisted, has_number, kind, marketing):
        """What the sending policy would do with such a customer."""
        if not has_number:
            return "no_mobile"
        decision = sending_policy.decide(
            sending_policy.Facts(
                key=0,
                consent=consent or "unknown",
                blacklisted=blacklisted,
                number_ok=kind != "invalid",
                landline=kind == "landline",
                marketing=marketing,
                allow_unknown_consent=self.company.sms_retention_allow_unknown_consent,
                tz="UTC",
            ),
            fields.Datetime.now(),
            None,
            cap_count=0,
            quiet=False,
        )
        if decision.action == sending_policy.SEND:
            return "send"
        if decision.reason == "consent":
            opted_out = blacklisted or consent == "opted_out"
            return "opted_out" if opted_out else "no_consent"
        return "no_mobile"

    # ------------------------------------------------------------
    # SMS
    # ------------------------------------------------------------

    def texts(self):
        """The records holding the texts sent: the variants, else the campaign."""
        variants = self.campaign.variant_ids.filtered(lambda v: v.weight > 0)
        return list(variants) or [self.campaign]

    def _readable(self, model):
        """``model``, empty, when the user may read it; else None (a campaign
        administrator without access to sales orders sees the preview
        without its audience and sample)."""
        if not model or model not in self.env:
            return None
        records = self.env[model]
        if not records.check_access_rights("read", raise_exception=False):
            return None
        return records

    def sample_record(self, partner):
        """A record of the campaign's model to render on, for ``partner``."""
        model = self.campaign.model_id.model or "res.partner"
        records = self._readable(model)
        if records is None:
            return self.env["res.partner"]
        if model == "res.partner":
            return partner or records.search([], limit=1)
        if partner and "partner_id" in records._fields:
            record = records.search(
                [("partner_id", "=", partner.id)], limit=1, order="id desc"
            )
            if record:
                return record
        return records.search([], limit=1, order="id desc")

    def final_sms(self, holder, lang, record, country=None):
        """``(text, error)``: the SMS ``holder`` (the campaign or a variant)
        would send in ``lang`` for ``record`` to a customer of ``country``
        (default: the company's), as the customer gets it."""
        # A language without a text of its own gets the text as written.
        source = holder.with_context(lang=lang).body or holder.body or ""
        if not source.strip():
            return "", _("No text yet.")
        if not record:
            return source, _(
                "No record to render on yet: the placeholders are shown as written."
            )
        try:
            rendered = (
                self.env["sms.template"]
                .with_context(lang=lang)
                ._render_template(source, record._name, record.ids)[record.id]
            )
        except Exception as error:  # pylint: disable=broad-except
            # Whatever the placeholder does wrong, the preview says so.
            _logger.info("SMS preview of %s: %s", holder, error.__class__.__name__)
            return source, _(
                "A placeholder cannot be rendered: %(error)s",
                error=str(error.args[0] if error.args else error),
            )
        return self.campaign._sms_retention_final_sms(
            rendered, lang, self.company, country or self.company.country_id
        ), None

    def _country_warnings(self, audience, texts):
        """What the rules of the audience's countries say of these SMS: the
        content refused, links where they are banned, replies that cannot
        arrive (see ``sms.retention.country.rule``)."""
        customers = collections.Counter()
        for (country_id, _lang), count in audience.sendable().items():
            customers[country_id] += count
        # The web opt-out link, where it ends an SMS, is the rules' own.
        has_link = any(
            "://" in line
            for text in texts
            for line in text.splitlines()
            if links.OPTOUT_PATH not in line
        )
        has_short_link = any("/r/" in text for text in texts)
        classes = self.campaign._sms_retention_content_classes()
        rules = self.env["sms.retention.country.rule"]
        warnings = []
        countries = self.env["res.country"].browse([cid for cid in customers if cid])
        for country in countries.sorted("name"):
            rule = rules._of_country(country)
            if not rule:
                continue
            where = _(
                "%(country)s (customers: %(count)s)",
                country=country.name,
                count=customers[country.id],
            )
            refused = rule._refused(classes)
            if refused:
                warnings.append(
                    _(
                        "%(where)s: %(refused_by)s refuse SMS that %(content)s.",
                        where=where,
                        refused_by=rule.refused_by or _("carriers"),
                        content=_(" or ").join(refused),
                    )
                )
            if has_link and not rule.links_allowed:
                warnings.append(
                    _("%(where)s: SMS may carry no link there.", where=where)
                )
            elif has_short_link and not rule.short_links_allowed:
                warnings.append(
                    _(
                        "%(where)s: link shorteners are banned there: these "
                        "customers get each link's full address, untracked "
                        "(their clicks are not counted).",
                        where=where,
                    )
                )
            warnings += self.campaign._sms_retention_country_warnings(
                rule, where, self.company._sms_retention_replies_reach_us(country)
            )
        return warnings

    def _cost(self, segments, country_id, prices):
        """``(amount, currency)`` of one SMS in the price's currency, and
        ``amount`` converted to the company's currency."""
        price = prices.get(country_id) or prices.get(False)
        if not price:
            return None
        amount = estimate_cost(segments, 1, price.price_per_segment)
        converted = price.currency_id._convert(
            float(amount),
            self.company.currency_id,
            self.company,
            fields.Date.context_today(self.campaign),
        )
        return amount, price.currency_id, converted

    # ------------------------------------------------------------
    # HTML
    # ------------------------------------------------------------

    def values(self):
        """What the preview shows (the QWeb template's values)."""
        audience = self.audience()
        lang_names = dict(self.env["res.lang"].get_installed())
        prices = self.env["sms.retention.price"]._prices_for(self.company)
        currency = self.company.currency_id
        holders = self.texts()
        languages = audience.languages() or [(self.env.lang or "en_US", 0, False)]
        source_lang = self.env.lang or "en_US"
        warnings, untranslated = [], []
        cards, segments_by = [], {}
        for lang, customers, sample_id in languages:
            partner = self.env["res.partner"].browse(sample_id).exists()
            record = self.sample_record(partner)
            sms = []
            for holder in holders:
                text, error = self.final_sms(holder, lang, record, partner.country_id)
                info = count_segments(text)
                segments_by[holder, lang] = info.segments
                cost = self._cost(info.segments, partner.country_id.id, prices)
                sms.append(
                    {
                        "name": holder.name if holder != self.campaign else False,
                        "text": text,
                        "error": error,
                        "encoding": info.encoding,
                        "characters": info.characters,
                        "segments": info.segments,
                        "cost": cost,
                        "too_long": info.segments > MAX_SEGMENTS,
                    }
                )
                translated = holder.with_context(lang=lang).body
                if (
                    lang != source_lang
                    and holder.body
                    and translated in (False, "", holder.body)
                ):
                    untranslated.append((lang, customers))
            cards.append(
                {
                    "lang": lang_names.get(lang, lang),
                    "customers": customers,
                    "sample": partner,
                    "record": record,
                    "sms": sms,
                }
            )
        if untranslated:
            missing = {}
            for lang, customers in untranslated:
                missing[lang] = customers
            warnings.append(
                _(
                    "No translation in %(languages)s: these customers get the "
                    "text as written in %(written_in)s.",
                    languages=", ".join(
                        _(
                            "%(lang)s (customers: %(count)s)",
                            lang=lang_names.get(lang, lang),
                            count=count,
                        )
                        for lang, count in missing.items()
                    ),
                    written_in=lang_names.get(source_lang, source_lang),
                )
            )
        if any(row["too_long"] for card in cards for row in card["sms"]):
            warnings.append(
                _(
                    "An SMS takes more than %(max)s segments: each segment is "
                    "billed, shorten the text.",
                    max=MAX_SEGMENTS,
                )
            )
        warnings += self.campaign._sms_retention_preview_warnings()
        warnings += self._country_warnings(
            audience, [row["text"] for card in cards for row in card["sms"]]
        )
        total_segments, total_cost = 0, Decimal(0)
        weights = {holder: getattr(holder, "weight", 1) for holder in holders}
        weight_sum = sum(weights.values()) or 1
        for (country_id, lang), count in audience.sendable().items():
            for holder in holders:
                share = count * weights[holder] / weight_sum
                segments = segments_by.get((holder, lang))
                if segments is None:  # a language without a sample
                    segments = max(segments_by.values(), default=0)
                total_segments += share * segments
                cost = self._cost(segments, country_id, prices)
                if cost:
                    total_cost += Decimal(str(cost[2])) * Decimal(str(share))
        customers = audience.count("send")
        if customers:
            summary = _(
                "%(period)s: %(customers)s customers would be texted, about "
                "%(segments)s segments, for about %(cost)s.",
                period=audience.period,
                customers=customers,
                segments=round(total_segments),
                cost=format_amount(self.env, float(total_cost), currency),
            )
        else:
            summary = _(
                "%(period)s: no customer of the audience would be texted; the "
                "preview renders on any record.",
                period=audience.period,
            )
        return {
            "audience": audience,
            "summary": summary,
            "cards": cards,
            "warnings": warnings,
            "currency": currency,
        }

    def html(self):
        return self.env["ir.qweb"]._render(
            "sms_retention.campaign_preview", self.values()
        )
