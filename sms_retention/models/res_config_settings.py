# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    """SMS Retention settings of the current company (no sudo)."""

    _inherit = "res.config.settings"

    sms_retention_odoo_provider = fields.Boolean(
        related="company_id.sms_retention_odoo_provider"
    )
    sms_retention_provider = fields.Selection(
        related="company_id.sms_retention_provider", readonly=False
    )
    sms_retention_reply_window_days = fields.Integer(
        related="company_id.sms_retention_reply_window_days", readonly=False
    )
    sms_retention_click_window_days = fields.Integer(
        related="company_id.sms_retention_click_window_days", readonly=False
    )
    sms_retention_delivery_window_days = fields.Integer(
        related="company_id.sms_retention_delivery_window_days", readonly=False
    )
    sms_retention_new_days = fields.Integer(
        related="company_id.sms_retention_new_days", readonly=False
    )
    sms_retention_active_days = fields.Integer(
        related="company_id.sms_retention_active_days", readonly=False
    )
    sms_retention_quiet_start = fields.Float(
        related="company_id.sms_retention_quiet_start", readonly=False
    )
    sms_retention_quiet_end = fields.Float(
        related="company_id.sms_retention_quiet_end", readonly=False
    )
    sms_retention_cap_count = fields.Integer(
        related="company_id.sms_retention_cap_count", readonly=False
    )
    sms_retention_cap_days = fields.Integer(
        related="company_id.sms_retention_cap_days", readonly=False
    )
    sms_retention_allow_unknown_consent = fields.Boolean(
        related="company_id.sms_retention_allow_unknown_consent", readonly=False
    )
    sms_retention_quiet_transactional = fields.Boolean(
        related="company_id.sms_retention_quiet_transactional", readonly=False
    )
    sms_retention_policy_all_sms = fields.Boolean(
        related="company_id.sms_retention_policy_all_sms", readonly=False
    )
    sms_retention_optout_text = fields.Char(
        related="company_id.sms_retention_optout_text", readonly=False
    )
    sms_retention_optout_text_per_lang = fields.Text(
        string="Opt-out Text per Language",
        compute="_compute_sms_retention_optout_text_per_lang",
        help="What customers read at the end of marketing SMS, in each "
        "installed language, as saved.",
    )
    sms_retention_auto_reply = fields.Boolean(
        related="company_id.sms_retention_auto_reply", readonly=False
    )
    sms_retention_stop_text = fields.Char(
        related="company_id.sms_retention_stop_text", readonly=False
    )
    sms_retention_start_text = fields.Char(
        related="company_id.sms_retention_start_text", readonly=False
    )
    sms_retention_help_text = fields.Char(
        related="company_id.sms_retention_help_text", readonly=False
    )
    sms_retention_complaint_user_id = fields.Many2one(
        related="company_id.sms_retention_complaint_user_id", readonly=False
    )
    sms_retention_review_url = fields.Char(
        related="company_id.sms_retention_review_url", readonly=False
    )

    @api.depends("company_id")
    def _compute_sms_retention_optout_text_per_lang(self):
        langs = self.env["res.lang"].get_installed()
        for settings in self:
            texts = settings.company_id._sms_retention_optout_texts(
                [code for code, _name in langs]
            )
            settings.sms_retention_optout_text_per_lang = "\n".join(
                f"{name}: {texts[code]}" for code, name in langs
            )
