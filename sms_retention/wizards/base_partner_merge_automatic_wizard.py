# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MergePartnerAutomatic(models.TransientModel):
    """Partner merge: retention messages follow the merged customers.

    Odoo's merge re-points the columns that have a foreign key to
    ``res_partner``; a message's customer has none (see its model). Sudo
    policy: none added; the merge runs with its user's rights, and the
    messages are moved in SQL like the other re-pointed columns.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        self.env["sms.retention.message"]._sms_retention_repoint_partners(
            src_partners.ids, dst_partner.id
        )
        return super()._update_foreign_keys(src_partners, dst_partner)
