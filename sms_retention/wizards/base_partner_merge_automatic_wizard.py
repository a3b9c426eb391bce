# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MergePartnerAutomatic(models.TransientModel):
    """Partner merge: a message about a merged customer follows it.

    Odoo's merge moves the message's customer itself (a foreign key), but
    re-points sources (``res_model``/``res_id``) only of the models it
    knows. Sudo policy: as Odoo's merge does for those models
    (``update_records``), the messages are moved as superuser.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_reference_fields(self, src_partners, dst_partner):
        messages_sudo = (
            self.env["sms.retention.message"]
            .sudo()
            .search(
                [("res_model", "=", "res.partner"), ("res_id", "in", src_partners.ids)]
            )
        )
        messages_sudo.write({"res_id": dst_partner.id})
        return super()._update_reference_fields(src_partners, dst_partner)
