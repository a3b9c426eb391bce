# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models

from ..tools.inline_template import (
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
)

_logger = logging.getLogger(__name__)


class SmsTemplate(models.Model):
    """Render SMS templates for whole sending batches.

    Sudo policy: none added; the sending job calls this as superuser, and
    other users go through Odoo's own rendering and its access checks.
    """

    _inherit = "sms.template"

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

    def _sms_retention_render_body(self, res_ids):
        """The body rendered in each record's language, for many records.

        The same result as ``_render_field("body", res_ids, compute_lang=True)``
        with one check of each placeholder per language instead of one per
        record and placeholder. Whatever the fast path cannot render is
        handed to Odoo's renderer, which also raises its usual errors.

        :return: ``{res_id: body}``
        """
        self.ensure_one()
        if not res_ids:
            return {}
        if not self.env.is_admin() or self.env.context.get("template_preview_lang"):
            return self._render_field("body", res_ids, compute_lang=True)
        try:
            return self._sms_retention_render_body_fast(res_ids)
        except Exception as exc:  # pylint: disable=broad-except
            _logger.info(
                "SMS template %s: batch rendering fell back to Odoo's (%s)",
                self.id,
                exc.__class__.__name__,
            )
            return self._render_field("body", res_ids, compute_lang=True)

    def _sms_retention_render_body_fast(self, res_ids):
        # The job commits (and so empties the cache) between batches: read
        # just the columns used, not every column of each record (lazy reads
        # of a template, a company, the user), and every language of the
        # translated ones at once (``prefetch_langs``).
        all_langs = self.with_context(prefetch_langs=True)
        all_langs.fetch(["body", "lang", "model"])
        self.env.user.fetch(["company_id"])
        variables = self._render_eval_context()
        check_context(variables)
        lang_code = compile_inline_template(self.lang or "")
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        body_texts = {
            lang: self.with_context(lang=lang).body or ""
            for lang in {*installed, self.env.lang or "en_US"}
        }
        body_codes = {
            lang: compile_inline_template(text) for lang, text in body_texts.items()
        }
        used = names_used(lang_code).union(*map(names_used, body_codes.values()))
        records = self.env[self.render_model].browse(res_ids)
        _prefetch_used_fields(records.with_context(prefetch_langs=True), used)
        _prefetch_used_fields(self.env.company.with_context(prefetch_langs=True), used)
        if is_dynamic(lang_code):
            langs = {}
            lang_plan = bind_shared(record_plan(self.lang), variables)
            memo = {}
            for record, view in _attribute_views(records, plan_roots(lang_plan)):
                lang = render_plan(lang_plan, record, variables, memo, view)
                langs.setdefault(lang, []).append(record.id)
        else:
            langs = {render_compiled(lang_code, variables): list(res_ids)}
        bodies = {}
        for lang, lang_res_ids in langs.items():
            template = self.with_context(lang=lang) if lang else self
            text = body_texts.get(template.env.lang or "en_US")
            if text is None:  # a language that is not installed
                text = template.body or ""
            lang_vars = template._render_eval_context()
            check_context(lang_vars)
            # Placeholders without ``object`` (a link) are rendered once here.
            plan = bind_shared(record_plan(text), lang_vars)
            # ... and those reading ``object`` through a few attributes (the
            # company) once per value of these attributes.
            memo = {}
            lang_records = template.env[self.render_model].browse(lang_res_ids)
            for record, view in _attribute_views(lang_records, plan_roots(plan)):
                bodies[record.id] = render_plan(plan, record, lang_vars, memo, view)
        return bodies


def _attribute_views(records, names):
    """``(record, view)`` for each of ``records``, the view giving the values
    of the fields among ``names`` as read for all records at once (what
    ``record.name`` gives, without a field access per record and name).

    Scalar and many2one fields are read this way; other names are read on
    the record by the view.
    """
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
            values = [field.convert_to_record(value, records) for value in raw]
        else:
            continue
        columns[name] = values
    names = list(columns)
    for index, record in enumerate(records):
        yield (
            record,
            AttributeView(record, {name: columns[name][index] for name in names}),
        )


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
