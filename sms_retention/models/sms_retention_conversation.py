# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools

from .sms_retention_inbound import CLASSIFICATIONS


class SmsRetentionConversation(models.Model):
    """A customer's SMS conversation: campaign SMS, replies and direct SMS.

    A read-only SQL view over retention messages, inbound replies and SMS
    posted on the customer's chatter, in time order. Access follows the
    same record rules as the messages it shows; no sudo.
    """

    _name = "sms.retention.conversation"
    _description = "SMS Conversation"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "body"

    direction = fields.Selection([("out", "Sent"), ("in", "Received")], readonly=True)
    source = fields.Selection(
        [("campaign", "Campaign"), ("reply", "Reply"), ("direct", "Direct SMS")],
        readonly=True,
    )
    date = fields.Datetime(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    body = fields.Text(readonly=True)
    state = fields.Char(readonly=True)
    campaign_id = fields.Many2one("sms.retention.campaign", readonly=True)
    classification = fields.Selection(CLASSIFICATIONS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT m.id * 3 AS id, 'out' AS direction, 'campaign' AS source,
                       COALESCE(m.sent_at, m.planned_at) AS date, m.partner_id,
                       m.body, m.state, m.campaign_id, NULL AS classification,
                       m.company_id, m.user_id
                  FROM sms_retention_message m
                 WHERE m.partner_id IS NOT NULL
                UNION ALL
                SELECT i.id * 3 + 1, 'in', 'reply', i.received_at, i.partner_id,
                       i.body, i.state, i.campaign_id, i.classification,
                       i.company_id, i.user_id
                  FROM sms_retention_inbound i
                 WHERE i.partner_id IS NOT NULL
                UNION ALL
                SELECT mm.id * 3 + 2, 'out', 'direct', mm.date, mm.res_id,
                       trim(regexp_replace(mm.body, '<[^>]*>', '', 'g')),
                       'sent', NULL, NULL, mm.record_company_id, p.user_id
                  FROM mail_message mm
                  JOIN res_partner p ON p.id = mm.res_id
                 WHERE mm.model = 'res.partner' AND mm.message_type = 'sms'
            )
            """  # pylint: disable=sql-injection
        )
