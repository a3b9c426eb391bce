# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from psycopg2 import OperationalError
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..attribution import record_click

_logger = logging.getLogger(__name__)


class SmsRetentionLinks(http.Controller):
    @http.route(
        "/r/<string:code>/m/<string:tag>",
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
    )
    def sms_retention_short_link(self, code, tag, **kwargs):
        """A tracked link of a retention SMS: redirect at once; record the
        click on the message unless it is a preview. Recording never stops
        the redirect.

        Two clicks of one message at once (a double tap) both write its
        first click: the one that loses is replayed by Odoo's request retry
        rather than losing its click."""
        redirect_url = request.env["link.tracker"].get_url_from_code(code)
        if not redirect_url:
            raise NotFound()
        httprequest = request.httprequest
        try:
            with request.env.cr.savepoint():
                record_click(
                    request.env,
                    code,
                    tag,
                    method=httprequest.method,
                    user_agent=httprequest.user_agent.string,
                    ip=httprequest.remote_addr,
                    country_code=request.geoip.country_code,
                )
        except Exception as exc:  # pylint: disable=broad-except
            if (
                isinstance(exc, OperationalError)
                and exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY
            ):
                raise  # Odoo replays the request
            _logger.warning(
                "Click on a retention SMS link not recorded: %s",
                exc.__class__.__name__,
            )
        return request.redirect(redirect_url, code=302, local=False)
