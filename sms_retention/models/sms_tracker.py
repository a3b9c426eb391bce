# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsTracker(models.Model):
    """Link a retention SMS's uuid to its outbound message.

    Delivery reports (Odoo's ``/sms/status``, provider webhooks) update
    trackers; for retention SMS this moves the outbound message to sent or
    failed. Written by the sending job and webhooks as superuser, like
    Odoo's trackers; no user access is added.
    """

    _inherit = "sms.tracker"

    sms_retention_message_id = fields.Many2one(
        "sms.retention.message",
        string="Retention Message",
        ondelete="cascade",
        index="btree_not_null",
    )

    def _action_update_from_sms_state(
        self, sms_state, failure_type=False, failure_reason=False
    ):
        res = super()._action_update_from_sms_state(
            sms_state, failure_type=failure_type, failure_reason=failure_reason
        )
        self.sms_retention_message_id._update_from_sms_state(sms_state, failure_type)
        return res

    def _action_update_from_provider_error(self, provider_error):
        error_status, failure_type, failure_reason = (
            super()._action_update_from_provider_error(provider_error)
        )
        self.sms_retention_message_id._update_from_sms_state(
            "error", failure_type or f"sms_{provider_error}"
        )
        return error_status, failure_type, failure_reason
