# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..optout_page import OptOutPage


class SmsRetentionOptOut(http.Controller):
    @http.route(
        "/sms/optout/<string:tag>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def sms_retention_optout(self, tag, **kwargs):
        """The web opt-out page of one SMS (see :class:`OptOutPage`).

        Opening it changes nothing (link previews open it too): the customer
        confirms with its button, a POST, which opts the number out as STOP
        does. A forged tag or a deleted message gets a page saying so.
        """
        page = OptOutPage(request.env, tag)
        if not page.message_sudo:
            return request.render(
                "sms_retention.optout_page", {"state": "invalid"}, status=404
            )
        request.update_context(lang=page.lang)
        if request.httprequest.method == "POST":
            state = page.opt_out()
        else:
            state = page.state()
        return request.render(
            "sms_retention.optout_page",
            {
                "state": state,
                "company": page.message_sudo.company_id,
                "text": page.text(state),
                "tag": tag,
            },
        )
