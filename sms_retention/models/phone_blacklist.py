# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import errors as pg_errors

from odoo import api, models
from odoo.tools import mute_logger

from ..tools.db import raise_if_invisible_conflict


class PhoneBlacklist(models.Model):
    """A number blacklisted anywhere in Odoo opts its customers out of SMS.

    Unblacklisting does not opt anyone in: their consent becomes unknown.
    These changes come from the blacklist: the partners' consent methods do
    not write it back. Partners are updated as superuser, since the
    blacklist may be edited by someone who cannot write partners (an
    unsubscribe page, say).
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

    def _sms_retention_block(self, numbers, message=None):
        """Blacklist the ``numbers`` that are not blacklisted yet."""
        blocked = set(self.search([("number", "in", numbers)]).mapped("number"))
        todo = [number for number in dict.fromkeys(numbers) if number not in blocked]
        if todo:
            self._sms_retention_add(todo, message=message)

    def _sms_retention_unblock(self, numbers, message=None):
        """Take the blacklisted ``numbers`` out of the blacklist."""
        blocked = self.search([("number", "in", numbers)]).mapped("number")
        if blocked:
            self._remove(blocked, message=message)

    def _sms_retention_sync_partners(self, blacklisted):
        if not self:
            return
        partners_sudo = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("phone_sanitized", "in", self.mapped("number"))])
        )
        if blacklisted:
            partners_sudo._sms_retention_opt_out("blacklist")
        else:
            partners_sudo.filtered(
                lambda p: p.sms_retention_consent == "opted_out"
            )._sms_retention_set_consent("unknown", "blacklist")
