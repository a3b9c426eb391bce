# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

SMS_KINDS = [
    ("campaign", "Campaign SMS"),
    ("survey", "Survey SMS"),
    ("auto_reply", "Automatic answer"),
    ("direct", "Direct answer"),
]


class MailMessage(models.Model):
    """What an SMS logged on a chatter was: a campaign's, a survey's, an
    automatic answer or a user's direct answer.

    Set when the SMS is logged (by the sending job's set-based insert for
    campaign SMS, as superuser after ``_message_sms`` for the others); the
    customer's conversation reads it to label each SMS and to show campaign
    SMS once (from their retention message). No access is added.
    """

    _inherit = "mail.message"

    sms_retention_kind = fields.Selection(
        SMS_KINDS, string="SMS Retention Kind", readonly=True, copy=False
    )

    def _sms_retention_log_on(self, record):
        """Log this SMS message on ``record`` too (the order it is about),
        with a notification of the same SMS, kept in step with this one's
        (see ``mail.notification``).

        :return: the new message (sudo)
        """
        self.ensure_one()
        log_sudo = record.sudo()._message_log_batch(
            bodies={record.id: self.body},
            author_id=self.author_id.id,
            message_type="sms",
            partner_ids=self.partner_ids.ids,
        )
        log_sudo.sms_retention_kind = self.sms_retention_kind
        notifications = self.sudo().notification_ids.filtered(
            lambda n: n.notification_type == "sms"
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": notification.author_id.id,
                    "mail_message_id": log_sudo.id,
                    "res_partner_id": notification.res_partner_id.id,
                    "notification_type": "sms",
                    "notification_status": notification.notification_status,
                    "failure_type": notification.failure_type,
                    "failure_reason": notification.failure_reason,
                    "is_read": True,
                    "sms_id_int": notification.sms_id_int,
                    "sms_number": notification.sms_number,
                }
                for notification in notifications
            ]
        )
        return log_sudo
