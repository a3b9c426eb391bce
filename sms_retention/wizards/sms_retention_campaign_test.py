# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..campaign_preview import CampaignPreview
from ..tools import sending_policy
from ..tools.phone import PhoneNumberError, to_e164


class SmsRetentionCampaignTest(models.TransientModel):
    """Send a campaign's SMS, as a customer would get it, to a test number.

    The text is rendered on a sample record in the chosen language and sent
    through the campaign company's provider (the sandbox, or the real one).
    A test is no retention message: it counts in no statistics, and it is
    logged on the campaign. Sudo policy: whoever may edit the campaign may
    send a test; the SMS itself is created as superuser, as the sending job
    creates its SMS.
    """

    _name = "sms.retention.campaign.test"
    _description = "Send a Test of a Retention Campaign"

    campaign_id = fields.Many2one("sms.retention.campaign", required=True)
    variant_id = fields.Many2one(
        "sms.retention.variant",
        compute="_compute_variant_id",
        store=True,
        readonly=False,
        domain="[('campaign_id', '=', campaign_id)]",
        help="The variant whose text is sent; empty: the campaign's text.",
    )
    lang = fields.Selection(
        "_selection_lang",
        string="Language",
        required=True,
        default=lambda self: self.env.lang or "en_US",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Render as Customer",
        help="The placeholders are filled with this customer's data (and "
        "their latest order). Empty: a sample customer of the audience.",
    )
    number = fields.Char(
        "Test Number",
        required=True,
        help="With its country code, e.g. +86 138 0013 8000.",
    )
    body = fields.Text("SMS", compute="_compute_body")
    error = fields.Char(compute="_compute_body")

    @api.model
    def _selection_lang(self):
        return self.env["res.lang"].get_installed()

    @api.depends("campaign_id")
    def _compute_variant_id(self):
        for wizard in self:
            wizard.variant_id = wizard.campaign_id.variant_ids.filtered("weight")[:1]

    @api.depends("campaign_id", "variant_id", "lang", "partner_id")
    def _compute_body(self):
        for wizard in self:
            wizard.body, wizard.error = wizard._final_sms()

    def _final_sms(self):
        self.ensure_one()
        campaign = self.campaign_id
        if not campaign:
            return False, False
        preview = CampaignPreview(campaign)
        partner = self.partner_id
        if not partner:
            samples = {
                lang: sample for lang, _n, sample in preview.audience().languages()
            }
            partner = self.env["res.partner"].browse(samples.get(self.lang))
        record = preview.sample_record(partner)
        return preview.final_sms(
            self.variant_id or campaign, self.lang, record, partner.country_id
        )

    def action_send(self):
        """Send the test now, whatever the hour; the sending policy refuses
        an invalid or blacklisted number."""
        self.ensure_one()
        campaign = self.campaign_id
        company = campaign.company_id or self.env.company
        body, error = self._final_sms()
        if error or not body:
            raise UserError(
                _("The SMS cannot be sent: %(error)s", error=error or _("no text."))
            )
        try:
            number = to_e164(self.number, company.country_id.code)
        except PhoneNumberError:
            number = False
        sent = self.env["res.partner"]._sms_retention_send_now(
            body, sending_policy.CONSENT_ONLY, company, number=number
        )
        if sent.decision.reason == "consent":
            raise UserError(
                _(
                    "%(number)s opted out of SMS (it is in the blacklist): no "
                    "test can be sent to it.",
                    number=number,
                )
            )
        if not sent.sms:
            raise UserError(
                _(
                    "%(number)s is not a valid phone number. Write it with its "
                    "country code, e.g. +86 138 0013 8000.",
                    number=self.number,
                )
            )
        sms_sudo = sent.sms.exists()
        failed = sms_sudo.state == "error"
        failure = sms_sudo.failure_type and dict(
            sms_sudo._fields["failure_type"]._description_selection(self.env)
        ).get(sms_sudo.failure_type)
        sms_sudo.unlink()
        lang_name = dict(self._selection_lang()).get(self.lang, self.lang)
        # A log, not a post: a user without an e-mail address may send tests.
        campaign._message_log(
            body=Markup("<p>%s</p><p style='white-space: pre-wrap'>%s</p>")
            % (
                _(
                    "Test SMS (%(lang)s) to %(number)s: %(outcome)s",
                    lang=lang_name,
                    number=number,
                    outcome=_("failed, %(reason)s", reason=failure or "-")
                    if failed
                    else _("sent"),
                ),
                body,
            ),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "danger" if failed else "success",
                "title": _("Test SMS not sent") if failed else _("Test SMS sent"),
                "message": _(
                    "%(number)s could not be reached: %(reason)s",
                    number=number,
                    reason=failure or "-",
                )
                if failed
                else _(
                    "Sent to %(number)s, in %(lang)s. It counts in no statistics.",
                    number=number,
                    lang=lang_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
