# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError


class SmsRetentionCountryRule(models.Model):
    """The SMS rules of one destination country: whether replies reach us,
    what links may carry, the opt-out wording required per message class,
    the content its carriers or providers refuse, its sending hours.

    Shipped as data for the first markets, with their sources in the data
    file, and editable by administrators. The sending run, the preview and
    the web opt-out page read them as superuser (``*_sudo``): a rule is no
    secret, and the public opt-out page has no user.
    """

    _name = "sms.retention.country.rule"
    _description = "SMS Rules of a Country"
    _order = "country_id"
    _rec_name = "country_id"

    country_id = fields.Many2one(
        "res.country", required=True, ondelete="cascade", index=True
    )
    active = fields.Boolean(default=True)
    replies_reach_us = fields.Boolean(
        default=True,
        help="Customers of this country can answer an SMS. Where they cannot "
        "(no two-way A2P SMS), the opt-out text is a link to a web opt-out "
        "page and SMS surveys send the survey's web link.",
    )
    links_allowed = fields.Boolean(
        default=True,
        help="SMS to this country may carry links.",
    )
    short_links_allowed = fields.Boolean(
        default=True,
        help="Links may be shortened and tracked (/r/...). Where shorteners "
        "are banned, write the full, registered address in the text.",
    )
    form_links_allowed = fields.Boolean(
        string="Links to Forms Allowed",
        default=True,
        help="Links may open a form (a survey). Where they may not, SMS "
        "surveys to this country cannot send their web link.",
    )
    marketing_optout_text = fields.Char(
        string="Marketing Opt-out Text",
        translate=True,
        help="Required at the end of every marketing SMS to this country, in "
        "the customer's language. Empty: the company's opt-out text.",
    )
    transactional_optout_text = fields.Char(
        string="Transactional Opt-out Text",
        translate=True,
        help="Required at the end of every transactional SMS to this country. "
        "Empty: none.",
    )
    refuses_review = fields.Boolean(
        string="Refuses Review Requests",
        help="Carriers or providers of this country refuse SMS that invite a "
        "review.",
    )
    refuses_survey = fields.Boolean(
        string="Refuses Questionnaires",
        help="Carriers or providers of this country refuse SMS that carry a "
        "questionnaire.",
    )
    refuses_winback = fields.Boolean(
        string="Refuses Win-back",
        help="Carriers or providers of this country refuse SMS that win "
        "customers back.",
    )
    refused_by = fields.Char(
        translate=True,
        help="Who refuses that content, for the campaign's warning (e.g. "
        "Alibaba Cloud and Tencent Cloud).",
    )
    quiet_start = fields.Float(
        string="Sending From",
        help="Local time from which SMS may be sent to this country; with "
        "Sending Until, it narrows the company's and the campaign's hours. "
        "Both empty: no hours of the country's own.",
    )
    quiet_end = fields.Float(string="Sending Until")

    _sql_constraints = [
        (
            "country_unique",
            "UNIQUE(country_id)",
            "A country has one set of SMS rules.",
        ),
    ]

    @api.constrains("quiet_start", "quiet_end")
    def _check_hours(self):
        for rule in self:
            if not (0 <= rule.quiet_start < 24 and 0 <= rule.quiet_end <= 24):
                raise ValidationError(
                    _(
                        "The sending hours of %(country)s must lie between "
                        "00:00 and 24:00.",
                        country=rule.country_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _rule_id_of_country
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _of_country(self, country):
        """The rules (sudo) of ``country``, or None. Read for every SMS
        composed: cached."""
        rule_id = self._rule_id_of_country(country.id) if country else None
        return self.sudo().browse(rule_id) if rule_id else None

    @api.model
    @tools.ormcache("country_id")
    def _rule_id_of_country(self, country_id):
        return self.sudo().search([("country_id", "=", country_id)], limit=1).id

    def _hours(self):
        """``(start, end)`` of the country's own sending hours, or None."""
        self.ensure_one()
        if not (self.quiet_start or self.quiet_end):
            return None
        return self.quiet_start, self.quiet_end

    def _refused(self, classes):
        """What this country refuses among the content ``classes`` (see
        ``sms.retention.campaign._sms_retention_content_classes``), in words
        that end "SMS that ...", sorted."""
        self.ensure_one()
        words = {
            "review": _("invite a review"),
            "survey": _("carry a questionnaire"),
            "winback": _("win customers back"),
        }
        return [words[name] for name in sorted(classes) if self[f"refuses_{name}"]]

    def _optout_text(self, message_class, lang):
        """The opt-out text this country requires on a ``message_class`` SMS
        in ``lang``; "" when it requires none of its own."""
        self.ensure_one()
        rule = self.with_context(lang=lang)
        if message_class == "marketing":
            return rule.marketing_optout_text or ""
        return rule.transactional_optout_text or ""
