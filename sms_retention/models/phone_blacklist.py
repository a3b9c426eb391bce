# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.tools import mute_logger

from ..tools.db import raise_if_invisible_conflict


class PhoneBlacklist(models.Model):
    """A number blacklisted anywhere in Odoo opts its customers out of SMS.

    Unblacklisting does not opt anyone in: their consent becomes unknown.
    Partners are updated as superuser, since the blacklist may be edited by
    someone who cannot write partners (an unsubscribe page, say).
    """

    _inherit = "phone.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered("active")._sms_retention_sync_partners(blacklisted=True)
        return records

    def write(self, vals):
        res = super().write(vals)
        if "active" in vals or "number" in vals:
            self.filtered("active")._sms_retention_sync_partners(blacklisted=True)
            self.filtered(lambda r: not r.active)._sms_retention_sync_partners(
                blacklisted=False
            )
        return res

    def _sms_retention_add(self, numbers, message=None):
        """``_add`` that survives a concurrent insert of the same number.

        The unique number constraint stops the second insert; when the first
        one is not visible to this transaction, a serialization failure is
        raised so that the request is retried with a fresh snapshot.
        """
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                return self._add(numbers, message=message)
        except pg_errors.UniqueViolation:
            for number in numbers:
                raise_if_invisible_conflict(
                    self.env.cr,
                    "phone_blacklist",
                    ("number",),
                    {"number": number, "active": True},
                )
            return self.with_context(active_test=False).search(
                [("number", "in", numbers)]
            )

    def _sms_retention_sync_partners(self, blacklisted):
        # Customers already in the right state are left alone, so a change that
        # started on a partner does not come back to it.
        if not self:
            return
        partners_sudo = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("phone_sanitized", "in", self.mapped("number"))])
        )
        if blacklisted:
            partners_sudo._sms_retention_set_consent("opted_out", "blacklist")
        else:
            partners_sudo.filtered(
                lambda p: p.sms_consent == "opted_out"
            )._sms_retention_set_consent("unknown", "blacklist")
