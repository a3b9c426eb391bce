# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The product's screens in Chinese and Thai, in a real browser: no label of
theirs is left in English."""

from odoo.tests import new_test_user, tagged

from .common import SmsRetentionTourCase


@tagged("post_install", "-at_install")
class TestUiTourLanguages(SmsRetentionTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        campaign = cls.env.ref("sms_retention.sms_retention_campaign_review")
        campaign.copy({"name": "Language tour campaign"}).state = "running"
        customer = cls.env["res.partner"].create(
            {
                "name": "Language Tour Customer",
                "mobile": "+1 212 555 0177",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.env["sms.retention.inbound"]._receive(
            "sandbox", customer.mobile, "Not interested", company=cls.company
        )

    def _walk(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        # The languages' terms of every installed module, as Settings >
        # Languages loads them.
        self.env["ir.module.module"].search(
            [("state", "=", "installed")]
        )._update_translations([lang])
        login = f"tour_{lang.lower()}"
        new_test_user(
            self.env,
            login=login,
            lang=lang,
            tz="Asia/Shanghai",
            groups="base.group_user,base.group_system,"
            "sms_retention.group_sms_retention_manager",
        )
        self.start_tour("/web", "sms_retention_language_tour", login=login)

    def test_screens_in_simplified_chinese(self):
        self._walk("zh_CN")

    def test_screens_in_thai(self):
        self._walk("th_TH")
