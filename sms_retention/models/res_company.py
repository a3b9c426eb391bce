# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.sms_api_sandbox import SmsApiSandbox


class ResCompany(models.Model):
    """Which provider sends the company's SMS, and reply matching settings.

    No sudo here: the fields are read by the send path, which already runs
    as superuser on ``sms.sms``.
    """

    _inherit = "res.company"

    sms_retention_provider = fields.Selection(
        [("iap", "Odoo IAP"), ("sandbox", "Sandbox (no network)")],
        string="SMS Provider",
        default="sandbox",
        required=True,
        help="Sends every SMS of this company: chatter, mass mailing, automation "
        "rules and retention campaigns. The sandbox sends nothing: it stores "
        "each SMS in the Sandbox outbox, where replies can be simulated.",
    )
    sms_retention_reply_window_days = fields.Integer(
        string="Reply Window (days)",
        default=7,
        help="A reply is attached to the latest SMS sent to its number within "
        "this many days.",
    )

    sms_retention_new_days = fields.Integer(
        string="New Customer Period (days)",
        default=30,
        help="A customer whose first order is this recent is New.",
    )
    sms_retention_active_days = fields.Integer(
        string="Active Customer Period (days)",
        default=180,
        help="A customer whose last order is older than this is Dormant.",
    )

    _sql_constraints = [
        (
            "sms_retention_periods_positive",
            "CHECK(sms_retention_new_days > 0 AND sms_retention_active_days > 0)",
            "Lifecycle periods must be positive.",
        ),
    ]

    def _sms_retention_api_class(self):
        """The SMS Retention API class for this company, or None for Odoo's own.

        Provider addons extend this for their key.
        """
        self.ensure_one()
        if self.sms_retention_provider == "sandbox":
            return SmsApiSandbox
        return None

    def _get_sms_api_class(self):
        # Only called by 17.0 builds since Aug 2025, which define it in core.
        api_class = self._sms_retention_api_class()
        return api_class or super()._get_sms_api_class()
