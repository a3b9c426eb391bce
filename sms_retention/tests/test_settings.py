# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The settings page: every setting labelled and explained; opt-out texts."""

from lxml import etree

from odoo.tests import tagged

from .common import SmsRetentionCommon


@tagged("post_install", "-at_install")
class TestSettings(SmsRetentionCommon):
    def _settings_arch(self):
        view = self.env.ref("base.res_config_settings_view_form")
        return etree.fromstring(
            self.env["res.config.settings"].get_view(view.id)["arch"]
        )

    def test_every_setting_has_a_label_and_a_help(self):
        settings_fields = self.env["res.config.settings"]._fields
        [app] = self._settings_arch().xpath("//app[@name='sms_retention']")
        settings = app.xpath(".//setting")
        self.assertGreater(len(settings), 10)
        for setting in settings:
            with self.subTest(setting=setting.get("id")):
                self.assertTrue(setting.get("help"), "a help text")
                fields = setting.xpath(".//field")
                first = settings_fields[fields[0].get("name")]
                self.assertTrue(
                    setting.get("string") or first.type == "boolean",
                    "a title, or the label of its checkbox",
                )
                labels = {label.get("for") for label in setting.xpath(".//label")}
                for field in fields[1:]:
                    name = field.get("name")
                    if field.xpath(
                        "ancestor::div[contains(@class, 'o_row') or "
                        "contains(@class, 'alert')]"
                    ):
                        continue  # read with the text around it
                    self.assertIn(name, labels, f"{name} has a label")

    def test_answers_to_stop_start_help_are_labelled(self):
        labels = {
            label.get("for"): label.get("string")
            for label in self._settings_arch().xpath("//label[@for]")
        }
        self.assertEqual(labels["sms_retention_stop_text"], "Answer to STOP")
        self.assertEqual(labels["sms_retention_start_text"], "Answer to START")
        self.assertEqual(labels["sms_retention_help_text"], "Answer to HELP")

    def test_optout_text_per_language(self):
        self._lang("zh_CN")
        self._lang("fr_FR")
        langs = dict(self.env["res.lang"].get_installed())
        self.company.sms_retention_optout_text = "Reply STOP to opt out"
        company_fr = self.company.with_context(lang="fr_FR")
        company_fr.sms_retention_optout_text = "Répondez STOP pour arrêter"
        settings = self.env["res.config.settings"].create({})
        lines = settings.sms_retention_optout_text_per_lang.split("\n")
        self.assertIn(f"{langs['en_US']}: Reply STOP to opt out", lines)
        self.assertIn(f"{langs['fr_FR']}: Répondez STOP pour arrêter", lines)
        # Not translated: the usual local wording.
        self.assertIn(f"{langs['zh_CN']}: 回复TD退订", lines)
        self.assertEqual(len(lines), len(langs))
