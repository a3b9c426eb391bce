# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.placeholders import object_chain, placeholders, syntax_error

PLACEHOLDERS = [
    ("first_name", "Customer's first name"),
    ("customer", "Customer's name"),
    ("reference", "Order reference / record name"),
    ("company", "Company name"),
    ("salesperson", "Salesperson"),
    ("review_link", "Review link (short link)"),
    ("short_link", "Short link to a web page"),
]


class SmsRetentionTextMixin(models.AbstractModel):
    """The SMS text of a campaign or of an A/B variant.

    The text lives in an ``sms.template``: written here (``body``, in each
    language with the translation button), or picked among the templates.
    A record created with a text and no template gets a template of its
    own; a copy gets a copy of it, so that editing one never changes the
    other. A placeholder helper inserts the usual placeholders, and every
    placeholder is checked when the text is saved. No sudo: whoever edits
    the campaign edits its template.
    """

    _name = "sms.retention.text.mixin"
    _description = "SMS Retention Text"

    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        ondelete="restrict",
        copy=False,
        domain="[('model_id', '=', model_id), ('sms_retention_owned', '=', True)]",
        help="Where the text is kept. Pick a template to reuse its text; "
        "editing the text edits the template.",
    )
    # Kept in the template; computed rather than related, so that the form
    # holds the text of a new record before its template exists.
    body = fields.Text(
        "SMS Text",
        compute="_compute_body",
        inverse="_inverse_body",
        translate=True,
        help="Each customer gets it in their language: translate it with the "
        "language button. Placeholders such as {{ object.name }} are "
        "replaced when the SMS is sent.",
    )
    placeholder = fields.Selection(
        PLACEHOLDERS,
        string="Insert a Placeholder",
        store=False,
        help="Adds the placeholder at the end of the text.",
    )
    template_shared_warning = fields.Char(compute="_compute_template_shared_warning")

    # ------------------------------------------------------------
    # WHAT EACH MODEL SAYS
    # ------------------------------------------------------------

    def _sms_retention_text_model(self):
        """The model name the text is rendered on."""
        raise NotImplementedError

    @api.model
    def _sms_retention_text_model_from_vals(self, vals):
        """The model name of a record about to be created with ``vals``."""
        raise NotImplementedError

    # ------------------------------------------------------------
    # TEMPLATE
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("sms_template_id"):
                continue
            model = self._sms_retention_text_model_from_vals(vals)
            body = vals.pop("body", None)
            if not (body or "").strip():
                raise UserError(_("Write the SMS text, or choose an SMS template."))
            _check_text(self.env, body, model)
            vals["sms_template_id"] = (
                self.env["sms.template"]
                .create(
                    {
                        "name": vals.get("name") or _("SMS Retention"),
                        "model_id": self.env["ir.model"]._get_id(model),
                        "lang": _lang_expression(self.env, model),
                        "body": body,
                        "sms_retention_owned": True,
                    }
                )
                .id
            )
        return super().create(vals_list)

    def write(self, vals):
        if "body" in vals:
            if not (vals["body"] or "").strip():
                raise UserError(_("The SMS text cannot be empty."))
            for record in self:
                _check_text(self.env, vals["body"], record._sms_retention_text_model())
        return super().write(vals)

    @api.depends("sms_template_id.body")
    @api.depends_context("lang")
    def _compute_body(self):
        for record in self:
            record.body = record.sms_template_id.body

    def _inverse_body(self):
        for record in self:
            if record.sms_template_id:
                record.sms_template_id.body = record.body

    def get_field_translations(self, field_name, langs=None):
        # The text is translated where it lives: in the template.
        if field_name == "body" and self.sms_template_id:
            return self.sms_template_id.get_field_translations("body", langs)
        return super().get_field_translations(field_name, langs)

    def update_field_translations(self, field_name, translations):
        if field_name == "body" and self.sms_template_id:
            for text in translations.values():
                if text:
                    _check_text(self.env, text, self._sms_retention_text_model())
            return self.sms_template_id.update_field_translations("body", translations)
        return super().update_field_translations(field_name, translations)

    def copy_data(self, default=None):
        default = dict(default or {})
        vals_list = super().copy_data(default)
        if "sms_template_id" not in default:
            for record, vals in zip(self, vals_list, strict=True):
                vals["sms_template_id"] = record.sms_template_id.copy().id
        return vals_list

    def _compute_template_shared_warning(self):
        users = self._sms_retention_template_users()
        for record in self:
            others = [
                name
                for template, owner, name in users
                if template == record.sms_template_id.id and owner != record
            ]
            record.template_shared_warning = (
                _(
                    "This text is also used by %(others)s: editing it changes "
                    "them too.",
                    others=", ".join(sorted(set(others))),
                )
                if others and record.sms_template_id
                else False
            )

    def _sms_retention_template_users(self):
        """``(template id, record, name)`` of every campaign and variant
        using the templates of ``self``."""
        templates = self.sms_template_id
        users = []
        for model in ("sms.retention.campaign", "sms.retention.variant"):
            records = (
                self.env[model]
                .with_context(active_test=False)
                .search([("sms_template_id", "in", templates.ids)])
            )
            users += [
                (record.sms_template_id.id, record, record.display_name)
                for record in records
            ]
        return users

    # ------------------------------------------------------------
    # PLACEHOLDERS
    # ------------------------------------------------------------

    @api.onchange("placeholder")
    def _onchange_placeholder(self):
        for record in self.filtered("placeholder"):
            expression = record._sms_retention_placeholder_expression(
                record.placeholder
            )
            text = (record.body or "").rstrip()
            record.body = f"{text} {{{{ {expression} }}}}".strip()
            record.placeholder = False

    def _sms_retention_placeholder_expression(self, key):
        """The expression of the helper's placeholder ``key`` for this text."""
        self.ensure_one()
        model = self._sms_retention_text_model()
        fields_ = self.env[model]._fields
        if model == "res.partner":
            partner = "object"
        elif "partner_id" in fields_:
            partner = "object.partner_id"
        else:
            partner = None
        if model != "res.partner" and "company_id" in fields_:
            company = "object.company_id"
        elif model == "res.partner":  # the customer's company, or the current one
            company = "object.sms_retention_company_id"
        else:
            company = "object.env.company"
        expressions = {
            "reference": "object.name" if "name" in fields_ else "object.display_name",
            "company": f"{company}.name",
            "review_link": f"short_url({company}.sms_retention_review_url)",
            "short_link": "short_url('https://')",
        }
        if "user_id" in fields_:
            expressions["salesperson"] = "object.user_id.name"
        if partner:
            expressions.update(
                first_name=f"{partner}.sms_retention_first_name",
                customer=f"{partner}.name",
            )
            expressions.setdefault("salesperson", f"{partner}.user_id.name")
        if key not in expressions:
            raise UserError(
                _(
                    "The placeholder %(placeholder)s does not apply to %(model)s.",
                    placeholder=dict(
                        self._fields["placeholder"]._description_selection(self.env)
                    )[key],
                    model=self.env["ir.model"]._get(model).name,
                )
            )
        return expressions[key]

    def _sms_retention_check_texts(self):
        """Check the text in every installed language (before a start)."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for record in self:
            model = record._sms_retention_text_model()
            for lang in langs:
                body = record.sms_template_id.with_context(lang=lang).body
                if not (body or "").strip():
                    raise UserError(
                        _(
                            "%(record)s has no SMS text: write it first.",
                            record=record.display_name,
                        )
                    )
                _check_text(self.env, body, model)


def _lang_expression(env, model):
    """The template language: the customer's."""
    if model == "res.partner":
        return "{{ object.lang }}"
    if "partner_id" in env[model]._fields:
        return "{{ object.partner_id.lang }}"
    return False


def _check_text(env, text, model):
    """Raise a clear error for a placeholder that cannot be rendered on
    ``model``: bad syntax, or a field that does not exist."""
    try:
        expressions = placeholders(text)
    except ValueError:
        raise ValidationError(
            _("A placeholder is not closed: add its missing }}.")
        ) from None
    for expression in expressions:
        error = syntax_error(expression)
        if error:
            raise ValidationError(
                _(
                    "The placeholder {{ %(placeholder)s }} is not valid: %(error)s.",
                    placeholder=expression,
                    error=error,
                )
            )
        chain = object_chain(expression)
        if not chain:
            continue
        records = env[model]
        for name in chain:
            field = records._fields.get(name)
            if field is None:
                raise ValidationError(
                    _(
                        "The placeholder {{ %(placeholder)s }} does not exist: "
                        "%(model)s has no field %(field)s.",
                        placeholder=expression,
                        model=env["ir.model"]._get(records._name).name,
                        field=name,
                    )
                )
            records = env[field.comodel_name] if field.relational else None
            if records is None:
                break
