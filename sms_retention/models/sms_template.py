# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.placeholders import chain_plan, plan_chains, render_rows


class SmsTemplate(models.Model):
    """Render SMS templates for whole sending batches; mark the templates of
    retention campaigns.

    The templates of campaigns and variants (``sms_retention_owned``) are
    the ones SMS Retention users may edit (see the record rules); Odoo's
    rule that only template editors write placeholders still applies.
    Sudo policy: none added; the sending job calls this as superuser, and
    other users go through Odoo's own rendering and its access checks.
    """

    _inherit = "sms.template"

    sms_retention_owned = fields.Boolean(
        "Retention Template",
        index=True,
        help="The text of a retention campaign or variant: SMS Retention "
        "users may edit it.",
    )

    def _render_eval_context(self):
        """Add ``short_url(url)``: a tracked short link (``link.tracker``).

        One tracker per URL, reused by every SMS of a batch and counted in
        *Link Tracker*; an empty URL gives an empty text.
        """
        render_context = super()._render_eval_context()
        render_context["short_url"] = self._sms_retention_short_url({})
        return render_context

    def _sms_retention_short_url(self, trackers):
        """The ``short_url`` function of the templates, which looks each URL
        up once and keeps its short link in ``trackers`` (``{url: link}``)."""

        def short_url(url):
            url = (url or "").strip()
            if not url:
                return ""
            if url not in trackers:
                trackers[url] = (
                    self.env["link.tracker"]
                    .sudo()
                    .search_or_create({"url": url, "title": url})
                    .short_url
                )
            return trackers[url]

        return short_url

    def _sms_retention_render_body(self, res_ids, renderings=None):
        """The body rendered in each record's language, for many records:
        the result of ``_render_field("body", res_ids, compute_lang=True)``.

        A text (the language expression, the body in a language) whose
        placeholders are all plain chains of fields on the record
        (``{{ object.partner_id.sms_retention_first_name }}``) is rendered
        without evaluating anything: each field is read for the whole batch,
        one query per model, and written as Odoo writes it. Any other text
        (a tracked link, an expression) is rendered by Odoo's renderer, with
        its errors; a deleted record raises ``MissingError`` either way.
        Only as superuser (the sending job); other users get Odoo's renderer.

        :param dict renderings: ``{template id: prepared rendering}``, kept by
          the sending run across its batches (``RunSettings.renderings``): the
          template's texts, their plans and tracked links are then prepared
          once per run, as its settings are; a change made meanwhile applies
          from the next run
        :return: ``{res_id: body}``
        """
        self.ensure_one()
        if not res_ids:
            return {}
        if not self.env.su or self.env.context.get("template_preview_lang"):
            # Odoo's rendering, with its access checks (record rules, field
            # groups) that the batch reads would apply differently.
            return self._render_field("body", res_ids, compute_lang=True)
        prepared = self._sms_retention_render_prepared(renderings)
        # Read just the fields the placeholders use, not every column of each
        # record (the ORM's prefetch), and every language of the translated
        # ones at once: the job commits (and so empties the cache) between
        # batches.
        records = self.env[prepared["model"]].browse(res_ids)
        _fetch_chains(records.with_context(prefetch_langs=True), prepared["chains"])
        langs = {}
        rendered_langs = self._sms_retention_render_text(
            prepared, prepared["lang"], res_ids
        )
        for res_id, lang in zip(res_ids, rendered_langs, strict=True):
            langs.setdefault(lang, []).append(res_id)
        bodies = {}
        for lang, lang_res_ids in langs.items():
            template = self.with_context(lang=lang) if lang else self
            text = prepared["texts"].get(template.env.lang or "en_US")
            if text is None:  # a language that is not installed
                text = template.body or ""
            rendered = template._sms_retention_render_text(prepared, text, lang_res_ids)
            bodies.update(zip(lang_res_ids, rendered, strict=True))
        return bodies

    def _sms_retention_render_prepared(self, renderings=None):
        """What rendering this template needs whatever the records: its
        language expression and body in each language, and the chains of
        fields their placeholders read. Kept in ``renderings`` when given."""
        if renderings is not None and self.id in renderings:
            return renderings[self.id]
        self.with_context(prefetch_langs=True).fetch(["body", "lang", "model"])
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        texts = {
            lang: self.with_context(lang=lang).body or ""
            for lang in {*installed, self.env.lang or "en_US"}
        }
        prepared = {
            "model": self.render_model,
            "lang": self.lang or "",
            "texts": texts,
            "plans": {},  # {text: plan or None}: see _sms_retention_chain_plan
            "trackers": {},  # the run's tracked links: see _sms_retention_short_url
        }
        chains = {}
        for text in (prepared["lang"], *texts.values()):
            plan = self._sms_retention_chain_plan(prepared, text)
            chains.update(dict.fromkeys(plan_chains(plan or ())))
        prepared["chains"] = list(chains)
        if renderings is not None:
            renderings[self.id] = prepared
        return prepared

    def _sms_retention_chain_plan(self, prepared, text):
        """The :func:`chain_plan` of ``text`` if each of its chains is a chain
        of fields of the template's model, many2one fields but the last, and
        the last not a one2many or many2many; else None (Odoo renders it)."""
        plans = prepared["plans"]
        if text not in plans:
            plan = chain_plan(text)
            if plan is not None and not all(
                _is_field_chain(self.env[prepared["model"]], chain)
                for chain in plan_chains(plan)
            ):
                plan = None
            plans[text] = plan
        return plans[text]

    def _sms_retention_render_text(self, prepared, text, res_ids):
        """``text`` rendered on each of ``res_ids``, in this template's
        language: a list in the order of ``res_ids``."""
        plan = self._sms_retention_chain_plan(prepared, text)
        short_url = self._sms_retention_short_url(prepared["trackers"])
        if plan is None:
            rendered = self._render_template(
                text,
                prepared["model"],
                list(res_ids),
                add_context={"short_url": short_url},
            )
            return [rendered[res_id] for res_id in res_ids]
        records = self.env[prepared["model"]].browse(res_ids)
        return render_rows(
            plan,
            _chain_columns(records, plan_chains(plan)),
            len(records),
            short_url,
        )


def _is_field_chain(records, chain):
    """Whether ``chain`` (``("partner_id", "lang")``) reads fields of
    ``records``' model, through many2one fields, and ends on a field whose
    value is a scalar or a single record."""
    for position, name in enumerate(chain):
        field = records._fields.get(name)
        if field is None:
            return False
        if position == len(chain) - 1:
            return field.type not in ("one2many", "many2many")
        if field.type != "many2one":
            return False
        records = records.env[field.comodel_name]
    return False


def _fetch_chains(records, chains):
    """Read the fields of ``chains`` on ``records`` and on the records they
    link to: one query per model and field set. Without this, the first
    ``record.name`` would read every column of every record of the batch."""
    heads = {}
    for chain in chains:
        heads.setdefault(chain[0], []).append(chain[1:])
    records.fetch(list(heads))
    for name, tails in heads.items():
        tails = [tail for tail in tails if tail]
        if tails:
            _fetch_chains(records.mapped(name), tails)


def _chain_columns(records, chains):
    """``{chain: [value per record]}``: what ``object.a.b`` gives on each of
    ``records``, reading a linked record's field once whatever the number of
    records linking to it (once per company for ``object.company_id.name``);
    an empty link gives False, which renders as nothing, as Odoo's empty
    record does."""
    heads = {}
    for chain in chains:
        heads.setdefault(chain[0], []).append(chain[1:])
    columns = {}
    for name, tails in heads.items():
        field = records._fields[name]
        if field.type == "many2one":
            column = [record[name] for record in records]
        else:
            column = records.mapped(name)
        if () in tails:
            columns[(name,)] = column
        tails = [tail for tail in tails if tail]
        if not tails:
            continue
        linked_ids = list(dict.fromkeys(value.id for value in column if value))
        linked = records.env[field.comodel_name].browse(linked_ids)
        linked_columns = _chain_columns(linked, tails)
        row_of = {linked_id: row for row, linked_id in enumerate(linked_ids)}
        for tail in tails:
            values = linked_columns[tail]
            columns[(name, *tail)] = [
                values[row_of[value.id]] if value else False for value in column
            ]
    return columns
