# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailNotification(models.Model):
    """SMS notifications of the chatter logs of retention SMS (no sudo).

    Chatter SMS canceled by the sending policy say why. A direct SMS logged
    on its customer and on its source record (the order) has one
    notification on each, sharing the SMS id (``sms_id_int``); the
    customer's is the one its tracker follows, and the other is kept in step
    with it. Campaign SMS logs have none: their status is their message's.
    """

    _inherit = "mail.notification"

    failure_type = fields.Selection(
        selection_add=[
            ("sms_blacklist", "Blacklisted"),
            ("sms_optout", "Opted Out"),
        ]
    )

    def _sms_retention_sync_siblings(self):
        """Copy the status of these SMS notifications to the other
        notifications of the same SMS (its log on the source record)."""
        notifications = self.filtered("sms_id_int")
        if not notifications:
            return
        self.flush_model(
            ["notification_status", "failure_type", "failure_reason", "sms_id_int"]
        )
        self.env.cr.execute(
            """UPDATE mail_notification sibling
                  SET notification_status = n.notification_status,
                      failure_type = n.failure_type,
                      failure_reason = n.failure_reason
                 FROM mail_notification n
                WHERE n.id = ANY(%s)
                  AND sibling.sms_id_int = n.sms_id_int
                  AND sibling.id <> n.id
                  AND sibling.notification_type = 'sms'
                  AND sibling.notification_status IS DISTINCT FROM
                      n.notification_status""",
            [notifications.ids],
        )
        self.invalidate_model(["notification_status", "failure_type", "failure_reason"])
