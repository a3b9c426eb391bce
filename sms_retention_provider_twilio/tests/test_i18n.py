# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.sms_retention.tests.common import TranslationCase


@tagged("post_install", "-at_install")
class TestI18n(TranslationCase):
    def test_every_term_is_translated_with_its_placeholders(self):
        self.assertTranslated("sms_retention_provider_twilio")
