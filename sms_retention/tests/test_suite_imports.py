# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's test runner (``odoo --test-enable``, as OCA CI and integrators run
the tests) runs only the test modules that ``tests/__init__.py`` imports;
pytest-odoo collects every ``test_*.py`` file. Each test module of each SMS
Retention addon must be imported, so that both run the same tests."""

import ast
import os

from odoo.modules.module import get_module_path
from odoo.tests import BaseCase, tagged


def imported_modules(init_path):
    """The names ``from . import x, y`` imports in ``init_path``."""
    with open(init_path, encoding="utf-8") as init_file:
        tree = ast.parse(init_file.read(), init_path)
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
        for alias in node.names
    }


def modules_on_disk(tests_dir):
    """The ``test_*.py`` modules of a tests folder."""
    return {
        name[: -len(".py")]
        for name in os.listdir(tests_dir)
        if name.startswith("test_") and name.endswith(".py")
    }


@tagged("post_install", "-at_install")
class TestSuiteImports(BaseCase):
    def test_every_test_module_is_imported(self):
        root = os.path.dirname(get_module_path("sms_retention"))
        addons = sorted(
            name
            for name in os.listdir(root)
            if name.startswith("sms_retention")
            and os.path.isfile(os.path.join(root, name, "__manifest__.py"))
        )
        self.assertIn("sms_retention", addons)
        checked = 0
        for addon in addons:
            tests_dir = os.path.join(root, addon, "tests")
            if not os.path.isdir(tests_dir):
                continue
            with self.subTest(addon=addon):
                on_disk = modules_on_disk(tests_dir)
                checked += len(on_disk)
                imported = imported_modules(os.path.join(tests_dir, "__init__.py"))
                self.assertEqual(
                    sorted(on_disk - imported),
                    [],
                    f"{addon}/tests/__init__.py must import these test modules, "
                    "or Odoo's test runner never runs them",
                )
        self.assertGreater(checked, 0)
