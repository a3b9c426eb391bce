# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SmsTracker(models.Model):
    """Forward delivery reports of retention SMS to their outbound message.

    Delivery reports (Odoo's ``/sms/status``, provider webhooks) update
    trackers; for retention SMS this moves the outbound message to sent or
    failed, and the SMS notification of its log on the source record
    follows the one of its log on the customer. The tracker and the message
    share the SMS's uuid, which is the link: no column, no foreign key to
    check per SMS. Written by the sending job and webhooks as superuser,
    like Odoo's trackers; no user access is added.
    """

    _inherit = "sms.tracker"

    sms_retention_message_id = fields.Many2one(
        "sms.retention.message",
        string="Retention Message",
        compute="_compute_sms_retention_message_id",
        help="The retention message whose SMS this tracker follows (same uuid).",
    )

    def _compute_sms_retention_message_id(self):
        messages_sudo = self._sms_retention_messages()
        by_uuid = {message.sms_uuid: message.id for message in messages_sudo}
        for tracker in self:
            tracker.sms_retention_message_id = by_uuid.get(tracker.sms_uuid, False)

    def _sms_retention_messages(self):
        """The retention messages these trackers follow, as superuser."""
        return self.env["sms.retention.message"]._sudo_by_sms_uuid(
            self.mapped("sms_uuid")
        )

    def _action_update_from_sms_state(
        self, sms_state, failure_type=False, failure_reason=False
    ):
        res = super()._action_update_from_sms_state(
            sms_state, failure_type=failure_type, failure_reason=failure_reason
        )
        self.mail_notification_id._sms_retention_sync_siblings()
        self._sms_retention_messages()._update_from_sms_state(sms_state, failure_type)
        return res

    def _action_update_from_provider_error(self, provider_error):
        error_status, failure_type, failure_reason = (
            super()._action_update_from_provider_error(provider_error)
        )
        self.mail_notification_id._sms_retention_sync_siblings()
        self._sms_retention_messages()._update_from_sms_state(
            "error", failure_type or f"sms_{provider_error}"
        )
        return error_status, failure_type, failure_reason
