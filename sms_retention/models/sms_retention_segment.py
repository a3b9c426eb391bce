# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .res_partner import SEGMENTS


class SmsRetentionSegment(models.Model):
    """A lifecycle segment, as a record so campaigns can target several.

    The five records are data; everyone reads them, nobody edits them.
    """

    _name = "sms.retention.segment"
    _description = "Customer Lifecycle Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(SEGMENTS, required=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [("code_unique", "UNIQUE(code)", "One record per segment.")]
