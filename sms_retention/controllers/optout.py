# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request


class SmsRetentionOptOut(http.Controller):
    @http.route(
        "/sms/optout/<string:tag>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def sms_retention_optout(self, tag, **kwargs):
        """The web opt-out page of one SMS, for customers who cannot reply.

        Opening it changes nothing (link previews open it too): the customer
        confirms with its button, a POST, which opts the number out as STOP
        does. A forged tag or a deleted message gets a page saying so.
        """
        message_sudo = request.env[
            "sms.retention.message"
        ]._sms_retention_from_optout_tag(tag)
        if not message_sudo:
            return request.render(
                "sms_retention.optout_page", {"state": "invalid"}, status=404
            )
        lang = message_sudo._sms_retention_page_lang()
        request.update_context(lang=lang)
        message_sudo = message_sudo.with_context(lang=lang)
        if request.httprequest.method == "POST":
            message_sudo._sms_retention_web_opt_out()
            state = "done"
        elif message_sudo._sms_retention_number_opted_out():
            state = "already"
        else:
            state = "ask"
        return request.render(
            "sms_retention.optout_page",
            {
                "state": state,
                "company": message_sudo.company_id,
                "text": message_sudo._sms_retention_optout_page_text(state),
                "tag": tag,
            },
        )
