# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import models

from .sms_retention_inbound import THREAD_CHANNEL

_THREAD_CHANNEL_RE = re.compile(rf"{THREAD_CHANNEL}:(\d+)")


class IrWebsocket(models.AbstractModel):
    """Live updates of a customer's SMS thread.

    The thread's client asks for the channel ``sms_retention_thread:<id>``;
    it is granted to users who may read that customer (no sudo), as Odoo's
    editor grants its collaboration channels. The notifications carry no
    content: the thread reloads with the user's rights.
    """

    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        granted = self._sms_retention_thread_channels(channels)
        if granted:
            channels = list(channels) + granted
        return super()._build_bus_channel_list(channels)

    def _sms_retention_thread_channels(self, channels):
        """The thread channels among ``channels`` the user may listen to."""
        if not self.env.uid or self.env.user._is_public():
            return []
        granted = []
        for channel in channels:
            match = isinstance(channel, str) and _THREAD_CHANNEL_RE.fullmatch(channel)
            if not match:
                continue
            partner = self.env["res.partner"].browse(int(match[1])).exists()
            if (
                partner
                and partner.check_access_rights("read", raise_exception=False)
                and partner._filter_access_rules("read") == partner
            ):
                granted.append((partner, THREAD_CHANNEL))
        return granted
