# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .res_partner import SEGMENTS


class SmsRetentionSegmentHistory(models.Model):
    """A change of a customer's lifecycle segment, and when: the history
    that churn is measured on (see ``sms.retention.churn.report``).

    Written by the segment update itself, in the statement that changes the
    segments (``res.partner._sms_retention_update_segments``), as the job's
    rows: no author. Never edited; salespeople read them.
    """

    _name = "sms.retention.segment.history"
    _description = "SMS Retention Segment Change"
    _order = "changed_at desc, id desc"
    _rec_name = "partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    changed_at = fields.Datetime(required=True, index=True)
    from_segment = fields.Selection(SEGMENTS, string="From")
    to_segment = fields.Selection(SEGMENTS, string="To", required=True)
