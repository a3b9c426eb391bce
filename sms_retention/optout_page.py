# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The web opt-out page of one SMS, for customers who cannot reply.

Marketing SMS to a country where replies cannot reach us end with a link to
``/sms/optout/<tag>``: the tag is the message id signed with the database
secret for this purpose (see :mod:`.tools.links`), so a click tag does not
open it. :class:`OptOutPage` reads the message behind a tag, says in the
customer's language what the page does, and opts the number out as STOP
does. It works as superuser on that one message: its visitor has no login.
"""

from odoo import _

from .tools import links

# What the page shows: asks, has just opted out, was opted out before.
ASK, DONE, ALREADY = "ask", "done", "already"


class OptOutPage:
    """The page of one tag: ``message_sudo`` is empty for a forged tag or a
    deleted message; ``env`` is in the customer's language once found."""

    def __init__(self, env, tag):
        secret = env["ir.config_parameter"].sudo().get_param("database.secret")
        message_id = links.read_tag(secret, tag, links.OPTOUT)
        messages_sudo = env["sms.retention.message"].sudo()
        self.message_sudo = (
            messages_sudo.browse(message_id).exists() if message_id else messages_sudo
        )
        self.env = env
        self.lang = None
        if self.message_sudo:
            self.lang = (
                self.message_sudo.partner_id.lang
                or self.message_sudo.company_id.partner_id.lang
                or "en_US"
            )
            self.message_sudo = self.message_sudo.with_context(lang=self.lang)
            self.env = self.message_sudo.env

    def state(self):
        """:data:`ASK`, or :data:`ALREADY` when the number is on Odoo's
        phone blacklist."""
        blacklisted = (
            self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", self.message_sudo.number)], limit=1)
        )
        return ALREADY if blacklisted else ASK

    def opt_out(self):
        """Opt the number out as STOP does: every customer with the number,
        Odoo's phone blacklist, the consent log (source: web)."""
        message_sudo = self.message_sudo
        if message_sudo.number:
            self.env["res.partner"]._sms_retention_opt_out_number(
                message_sudo.number,
                "web",
                note=_("Web opt-out page"),
                record=message_sudo._get_source_record(),
            )
        return DONE

    def text(self, state):
        """What the page says in ``state``; the number shows its last four
        digits only."""
        number = self.message_sudo.number or ""
        values = {
            "company": self.message_sudo.company_id.name,
            "number": "•" * max(len(number) - 4, 0) + number[-4:],
        }
        if state == DONE:
            return _(
                "You are unsubscribed: %(number)s will get no more SMS from "
                "%(company)s.",
                **values,
            )
        if state == ALREADY:
            return _("%(number)s already gets no SMS from %(company)s.", **values)
        return _("Stop receiving SMS from %(company)s on %(number)s?", **values)
