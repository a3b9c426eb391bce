# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_with_its_dependencies(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "sms_retention_survey")]
        )
        self.assertEqual(module.state, "installed")
        depends = set(module.dependencies_id.mapped("name"))
        self.assertEqual(depends, {"sms_retention", "survey"})
        self.assertEqual(
            set(module.dependencies_id.depend_id.mapped("state")), {"installed"}
        )
