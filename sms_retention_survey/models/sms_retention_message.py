# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsRetentionMessage(models.Model):
    """A retention SMS that may open an SMS survey.

    The sending job runs as superuser (``*_sudo``); the survey responses it
    creates are written the same way.
    """

    _inherit = "sms.retention.message"

    survey_user_input_ids = fields.One2many(
        "survey.user_input", "sms_message_id", string="Survey Response"
    )

    def _sms_retention_prepare_sending(self):
        """Open the survey response of each message of a survey campaign, in
        one batch, before its question is composed into the SMS."""
        res = super()._sms_retention_prepare_sending()
        # Just these columns: a lazy read would fetch every message column.
        self.fetch(["campaign_id"])
        campaigns = self.campaign_id
        campaigns.fetch(["survey_id"])
        survey_campaigns = campaigns.filtered("survey_id")
        if survey_campaigns:
            todo = self.filtered(
                lambda m: m.campaign_id in survey_campaigns
                and not m.survey_user_input_ids
            )
            self.env["survey.user_input"]._sms_create_for_messages(todo)
        return res
