# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models


class ResPartner(models.Model):
    """A customer's SMS survey history: last score and exit reason.

    Computed as superuser (``compute_sudo``): a salesperson sees the score of
    their customers without access to every survey response.
    """

    _inherit = "res.partner"

    sms_survey_count = fields.Integer(
        "SMS Surveys", compute="_compute_sms_survey_stats", compute_sudo=True
    )
    sms_survey_last_score = fields.Char(
        "Last Survey Score", compute="_compute_sms_survey_stats", compute_sudo=True
    )
    sms_survey_last_exit_reason = fields.Char(
        "Last Exit Reason", compute="_compute_sms_survey_stats", compute_sudo=True
    )

    def _compute_sms_survey_stats(self):
        inputs = self.env["survey.user_input"].search(
            [("partner_id", "in", self.ids), ("channel", "=", "sms")],
            order="create_date desc, id desc",
        )
        by_partner = inputs.grouped("partner_id")
        for partner in self:
            mine = by_partner.get(partner, inputs.browse())
            partner.sms_survey_count = len(mine)
            scored = mine.filtered(lambda i: i.sms_score_max)[:1]
            partner.sms_survey_last_score = (
                _(
                    "%(score)s / %(high)s",
                    score=_fmt(scored.sms_score),
                    high=_fmt(scored.sms_score_max),
                )
                if scored
                else False
            )
            partner.sms_survey_last_exit_reason = (
                mine.filtered("sms_exit_reason")[:1].sms_exit_reason or False
            )

    def action_view_sms_surveys(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "survey.action_survey_user_input"
        )
        action["domain"] = [("partner_id", "=", self.id), ("channel", "=", "sms")]
        action["context"] = {"create": False}
        return action


def _fmt(number):
    return int(number) if float(number).is_integer() else number
