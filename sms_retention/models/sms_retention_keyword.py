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

    Matched before the built-in reply parser. Read as superuser by the
    inbound pipeline; managers edit them.
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
    active = fields.Boolean(default=True)

    @api.model
    def _get_languages(self):
        return self.env["res.lang"].get_installed()

    @api.model
    def _match(self, body, lang=None):
        """The classification of a custom keyword equal to the whole body."""
        form = _keyword_form(body)
        if not form:
            return None
        for keyword in self.sudo().search([]):
            if keyword.lang and lang and keyword.lang != lang:
                continue
            if _keyword_form(keyword.name) == form:
                return keyword.classification
        return None
