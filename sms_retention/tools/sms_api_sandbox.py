# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sandbox SMS provider: records every SMS as delivered, with no network.

It speaks the contract of Odoo's ``SmsApi._send_sms_batch`` so that Odoo's
``sms.sms`` send path handles it like any provider, on the July-2024 17.0
build (through our ``sms.sms._send`` override) and on builds that route by
``_split_by_api`` / ``res.company._get_sms_api_class``.
"""

try:  # 17.0 builds since Aug 2025 have a provider base class.
    from odoo.addons.sms.tools.sms_api import SmsApiBase as _SmsApiBase
except ImportError:  # pragma: no cover - depends on the Odoo build
    from odoo.addons.sms.tools.sms_api import SmsApi as _SmsApiBase


class SmsRetentionApiMixin:
    """What every SMS Retention provider adds to Odoo's API contract."""

    PROVIDER = None

    def __init__(self, env):
        self.env = env
        self._company = None

    @property
    def company(self):
        """The sending company: the one set, else the current company (read
        only when needed: it may cost a query of the user)."""
        return self._company or self.env.company

    def _set_company(self, company):
        self._company = company
        return self

    def _get_sms_api_error_messages(self):
        return {}


class SmsApiSandbox(SmsRetentionApiMixin, _SmsApiBase):
    PROVIDER = "sandbox"

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        """Store each SMS in the sandbox outbox and report it delivered.

        :param list messages: ``[{'content': str, 'numbers': [{'uuid', 'number'}]}]``
        :return: ``[{'uuid': str, 'state': 'delivered', 'credit': 0}]``
        """
        outbox = self.env["sms.retention.sandbox.message"].sudo()
        return outbox._record_batch(messages, self.company)
