# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import fields, models

from ..tools.inline_template import (
    CHAIN,
    AttributeView,
    bind_shared,
    check_context,
    compile_inline_template,
    is_dynamic,
    names_used,
    plan_roots,
    record_plan,
    render_compiled,
    render_plan,
    text_of,
)

_logger = logging.getLogger(__name__)


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
        trackers = {}

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

        render_context["short_url"] = short_url
        return render_context

    def _sms_retention_render_body(self, res_ids, run_cache=None):
        """The body rendered in each record's language, for many records.

        The same result as ``_render_field("body", res_ids, compute_lang=True)``
        with one check of each placeholder per language instead of one per
        record and placeholder. Whatever the fast path cannot render is
        handed to Odoo's renderer, which also raises its usual errors.

        :param dict run_cache: kept by the sending job across the batches of
          a run: the template's texts, checked placeholders and shared values
          (a tracked link) are then prepared once per run, as its settings
          are; a change made meanwhile applies from the next run
        :return: ``{res_id: body}``
        """
        self.ensure_one()
        if not res_ids:
            return {}
        if not self.env.is_admin() or self.env.context.get("template_preview_lang"):
            return self._render_field("body", res_ids, compute_lang=True)
        try:
            return self._sms_retention_render_body_fast(res_ids, run_cache)
        except Exception as exc:  # pylint: disable=broad-except
            _logger.info(
                "SMS template %s: batch rendering fell back to Odoo's (%s)",
                self.id,
                exc.__class__.__name__,
            )
            return self._render_field("body", res_ids, compute_lang=True)

    def _sms_retention_render_body_fast(self, res_ids, run_cache=None):
        prepared = self._sms_retention_render_prepared(run_cache)
        # The job commits (and so empties the cache) between batches: read
        # just the columns used, not every column of each record (lazy reads
        # of a template, a company, the user), and every language of the
        # translated ones at once (``prefetch_langs``).
        used = prepared["used"]
        model = prepared["model"]
        records = self.env[model].browse(res_ids)
        _prefetch_used_fields(records.with_context(prefetch_langs=True), used)
        _prefetch_used_fields(self.env.company.with_context(prefetch_langs=True), used)
        lang_plan = prepared["lang_plan"]
        lang_field = _single_field(records, lang_plan)
        if lang_plan is None:
            langs = {prepared["lang"]: list(res_ids)}
        elif lang_field:  # ``{{ object.lang }}``: the column is the language
            langs = {}
            for res_id, value in zip(
                res_ids, _read_columns(records, [lang_field])[lang_field], strict=True
            ):
                langs.setdefault(text_of(value), []).append(res_id)
        else:
            langs = {}
            memo = {}
            for record, view in _attribute_views(records, plan_roots(lang_plan)):
                lang = render_plan(lang_plan, record, memo, view)
                langs.setdefault(lang, []).append(record.id)
        bodies = {}
        for lang, lang_res_ids in langs.items():
            template, plan = self._sms_retention_lang_plan(prepared, lang)
            # Placeholders reading ``object`` through a few attributes (the
            # company) are evaluated once per value of these attributes.
            memo = {}
            lang_records = template.env[model].browse(lang_res_ids)
            for record, view in _attribute_views(lang_records, plan_roots(plan)):
                bodies[record.id] = render_plan(plan, record, memo, view)
        return bodies

    def _sms_retention_render_prepared(self, run_cache=None):
        """What rendering this template needs whatever the records: its body
        in each language, checked, and its language expression. Kept in
        ``run_cache`` when given."""
        key = ("sms_template_render", self.id)
        if run_cache is not None and key in run_cache:
            return run_cache[key]
        self.with_context(prefetch_langs=True).fetch(["body", "lang", "model"])
        self.env.user.fetch(["company_id"])
        variables = self._render_eval_context()
        check_context(variables)
        lang_code = compile_inline_template(self.lang or "")
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        texts = {
            lang: self.with_context(lang=lang).body or ""
            for lang in {*installed, self.env.lang or "en_US"}
        }
        codes = [compile_inline_template(text) for text in texts.values()]
        prepared = {
            "model": self.render_model,
            "texts": texts,
            "used": names_used(lang_code).union(*map(names_used, codes)),
            "lang_plan": None,
            "lang": None,
            # {lang: (template, plan)}: see _sms_retention_lang_plan
            "plans": {},
        }
        if is_dynamic(lang_code):
            prepared["lang_plan"] = bind_shared(record_plan(self.lang), variables)
        else:
            prepared["lang"] = render_compiled(lang_code, variables)
        if run_cache is not None:
            run_cache[key] = prepared
        return prepared

    def _sms_retention_lang_plan(self, prepared, lang):
        """``(template, plan)`` of the body in ``lang``, its
        placeholders without ``object`` (a link) evaluated once."""
        if lang not in prepared["plans"]:
            template = self.with_context(lang=lang) if lang else self
            text = prepared["texts"].get(template.env.lang or "en_US")
            if text is None:  # a language that is not installed
                text = template.body or ""
            lang_vars = template._render_eval_context()
            check_context(lang_vars)
            plan = bind_shared(record_plan(text), lang_vars)
            prepared["plans"][lang] = (template, plan)
        return prepared["plans"][lang]


def _single_field(records, plan):
    """The field name if ``plan`` is just ``{{ object.<field> }}`` with a
    scalar field of ``records``, else None."""
    if not plan or len(plan) != 1:
        return None
    literal, kind, payload = plan[0]
    if literal or kind != CHAIN or len(payload) != 1:
        return None
    field = records._fields.get(payload[0])
    return payload[0] if field is not None and not field.relational else None


def _attribute_views(records, names):
    """``(record, view)`` for each of ``records``, the view giving the values
    of the fields among ``names`` as read for all records at once (what
    ``record.name`` gives, without a field access per record and name).

    Scalar and many2one fields are read this way; other names are read on
    the record by the view.
    """
    columns = _read_columns(records, names)
    names = list(columns)
    for index, record in enumerate(records):
        yield (
            record,
            AttributeView(record, {name: columns[name][index] for name in names}),
        )


def _read_columns(records, names):
    """``{name: [value per record]}`` of the scalar and many2one fields among
    ``names``, as ``record.name`` gives them, read for all records at once."""
    columns = {}
    for name in names:
        field = records._fields.get(name)
        if field is None:
            continue
        if not field.relational:
            values = field.mapped(records)
        elif field.type == "many2one":
            field.mapped(records)  # computes and fetches what is missing
            raw = records.env.cache.get_until_miss(records, field)
            if len(raw) != len(records):
                continue
            # One record per distinct value (a batch has a few companies).
            linked = {
                value: field.convert_to_record(value, records) for value in set(raw)
            }
            values = [linked[value] for value in raw]
        else:
            continue
        columns[name] = values
    return columns


def _prefetch_used_fields(records, names):
    """Read the fields the placeholders use, on the records and on the records
    they link to, one query per model.

    Without this, the first placeholder reading ``object.name`` fetches every
    column of every record of the batch (the ORM's prefetch).
    """
    own = [name for name in names if name in records._fields]
    if not own:
        return
    records.fetch(own)
    for name in own:
        field = records._fields[name]
        if not field.relational:
            continue
        linked = records[name]
        linked_names = [n for n in names if n in linked._fields]
        if linked and linked_names:
            linked.fetch(linked_names)
