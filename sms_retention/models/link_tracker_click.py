# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class LinkTrackerClick(models.Model):
    """Tie a click on a retention SMS's link to its message.

    Clicks are recorded as superuser by the short-link route (see
    ``attribution.record_click``); no user access is added.
    """

    _inherit = "link.tracker.click"

    sms_retention_message_id = fields.Many2one(
        "sms.retention.message",
        string="Retention SMS",
        index="btree_not_null",
        ondelete="set null",
    )
