# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What "Send now" tells the user about the messages it was asked to send.

:class:`SendNowReport` reads the messages after the sending run has had
them (``sms.retention.message.action_send_now``) and says, in a toast, what
became of each: sent, deferred (to when, in the customer's time, and why),
skipped or failed (why). It reads with the user's rights and writes nothing.
"""

from collections import Counter

from odoo import _

# Toast types, the most serious first: one toast takes the worst outcome's.
TOAST_TYPES = ("danger", "warning", "success")


class SendNowReport:
    def __init__(self, messages):
        self.messages = messages
        self.env = messages.env

    def toast(self):
        """The client action of the toast; the view reloads after it."""
        outcomes = [self.outcome(message) for message in self.messages]
        kinds = {kind for kind, _text in outcomes}
        if len(outcomes) == 1:
            text = outcomes[0][1]
        else:
            labels = self._labels("state")
            counts = Counter(labels[message.state] for message in self.messages)
            text = ", ".join(f"{label}: {count}" for label, count in counts.items())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": next(kind for kind in TOAST_TYPES if kind in kinds),
                "message": text,
                "sticky": "danger" in kinds,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _labels(self, field_name):
        field = self.messages._fields[field_name]
        return dict(field._description_selection(self.env))

    def outcome(self, message):
        """``(toast type, sentence)`` saying what became of ``message``."""
        customer = message.partner_id.display_name or message.number or "-"
        if message.state in ("sent", "queued"):
            return "success", _(
                "Sent to %(customer)s (%(number)s).",
                customer=customer,
                number=message.number,
            )
        if message.state == "scheduled" and message.defer_reason:
            tz = message.partner_id._sms_retention_effective_tz(message.company_id)
            reason = {
                "quiet_hours": _("outside the customer's sending hours"),
                "cap": _("the frequency cap is reached"),
            }[message.defer_reason]
            return "warning", _(
                "Deferred to %(when)s (%(reason)s): it goes then.",
                when=message._local_time(message.planned_at, tz),
                reason=reason,
            )
        if message.state == "scheduled":
            return "warning", _("The sending job is sending it already.")
        if message.state == "skipped" and message.skip_reason == "consent":
            partner = message.partner_id
            if (
                partner.sms_retention_consent == "opted_out"
                or partner.phone_sanitized_blacklisted
            ):
                return "danger", _(
                    "Not sent: %(customer)s opted out of SMS.", customer=customer
                )
            return "danger", _(
                "Not sent: %(customer)s gave no consent to marketing SMS.",
                customer=customer,
            )
        if message.state in ("skipped", "expired"):
            reasons = self._labels("skip_reason")
            return "danger", _(
                "Not sent: %(reason)s.",
                reason=reasons.get(message.skip_reason, message.skip_reason or "-"),
            )
        if message.state == "failed":
            return "danger", _(
                "Failed: %(reason)s.",
                reason=message.failure_type or _("unknown error"),
            )
        return "warning", self._labels("state")[message.state]
