# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.cron import can_commit

# Clicks turned into link tracker clicks per transaction of the job.
CLICK_BATCH_SIZE = 1000


class SmsRetentionClick(models.Model):
    """A person's click on a tracked link of a retention SMS, waiting to be
    counted by Odoo's link tracker.

    The short-link route inserts one row per click (``attribution.
    record_click``), a row that no other click touches. A ``link.tracker.
    click`` would update its link's click count, one row shared by every SMS
    of a campaign: under load, concurrent clicks would fail on it. The job
    (:meth:`_cron_count_clicks`) turns these rows into link tracker clicks in
    batches (dated when counted, a minute later at most; the message keeps
    the time of its first click), then deletes them. Written and read as
    superuser only.
    """

    _name = "sms.retention.click"
    _description = "SMS Retention Click to Count"
    _order = "id"
    _log_access = False

    link_id = fields.Many2one("link.tracker", required=True, ondelete="cascade")
    message_id = fields.Many2one(
        "sms.retention.message", required=True, ondelete="cascade"
    )
    ip = fields.Char("IP")
    country_id = fields.Many2one("res.country", ondelete="set null")

    @api.model
    def _queue(self, link, message, ip=None, country_code=None):
        """Keep a click of ``message``'s customer on ``link``, to be counted
        within a minute."""
        country = (
            self.env["res.country"].search([("code", "=", country_code)], limit=1)
            if country_code
            else self.env["res.country"]
        )
        self.create(
            {
                "link_id": link.id,
                "message_id": message.id,
                "ip": ip,
                "country_id": country.id,
            }
        )
        self.env.ref("sms_retention.ir_cron_sms_retention_clicks")._trigger(
            at=fields.Datetime.now() + timedelta(minutes=1)
        )

    @api.model
    def _cron_count_clicks(self, batch_size=CLICK_BATCH_SIZE):
        """Count the waiting clicks in Odoo's link tracker, one committed
        batch at a time."""
        auto_commit = can_commit()
        while True:
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM sms_retention_click ORDER BY id LIMIT %s
                          FOR UPDATE SKIP LOCKED""",
                    batch_size,
                )
            )
            clicks = self.browse([row[0] for row in self.env.cr.fetchall()])
            if not clicks:
                return
            clicks._count()
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _count(self):
        """``link.tracker.click`` rows of these clicks, then delete them."""
        self.fetch(["link_id", "message_id", "ip", "country_id"])
        trackers = self.env["link.tracker.click"]
        trackers.create(
            [
                trackers._prepare_click_values_from_route(
                    link_id=click.link_id.id,
                    ip=click.ip,
                    country_id=click.country_id.id,
                    sms_retention_message_id=click.message_id.id,
                )
                for click in self
            ]
        )
        self.unlink()
