# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import unicodedata

from odoo import api, fields, models

_SPACES = re.compile(r"[\s\W_]+", re.UNICODE)


def _keyword_form(text):
    """Casefolded NFKC text without punctuation, for whole-message matching."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _SPACES.sub(" ", text).strip()


class SmsRetentionKeyword(models.Model):
    """An extra whole-message keyword, added by admins without code.

    Matched before the built-in reply parser, for the replies of its
    company (or of every company, without one). Read as superuser by the
    inbound pipeline, which filters by company itself; managers edit them.
    """

    _name = "sms.retention.keyword"
    _description = "SMS Reply Keyword"
    _order = "classification, name"

    name = fields.Char("Keyword", required=True, help="The whole reply, e.g. 不要.")
    classification = fields.Selection(
        [
            ("stop", "Opt-out (STOP)"),
            ("start", "Opt-in (START)"),
            ("help", "Help"),
            ("complaint", "Complaint"),
        ],
        required=True,
    )
    lang = fields.Selection(
        "_get_languages",
        string="Language",
        help="Only for customers in this language; empty: every language.",
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        ondelete="cascade",
        help="Empty: the replies of every company.",
    )
    active = fields.Boolean(default=True)

    @api.model
    def _get_languages(self):
        return self.env["res.lang"].get_installed()

    @api.model
    def _match(self, body, lang=None, company=None):
        """The classification of a custom keyword equal to the whole body.

        Only the keywords of ``company`` (default: the current one) and those
        of every company apply; the company's own win.
        """
        form = _keyword_form(body)
        if not form:
            return None
        company = company or self.env.company
        keywords_sudo = (
            self.sudo()
            .search([("company_id", "in", [False, company.id])])
            .sorted(lambda keyword: not keyword.company_id)
        )
        for keyword in keywords_sudo:
            if keyword.lang and lang and keyword.lang != lang:
                continue
            if _keyword_form(keyword.name) == form:
                return keyword.classification
        return None
