# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each addon builds as an ``odoo-addon-<name>`` wheel (OCA 17.0 packaging)."""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ADDONS = [
    "sms_retention",
    "sms_retention_survey",
    "sms_retention_provider_twilio",
    "sms_retention_sale_stock",
]


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_builds_as_wheel(addon, tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(REPO / addon),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    manifest = ast.literal_eval((REPO / addon / "__manifest__.py").read_text())
    assert wheel.name.startswith(f"odoo_addon_{addon}-{manifest['version']}")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = archive.read(metadata).decode()
    assert f"odoo/addons/{addon}/__manifest__.py" in names
    assert f"odoo/addons/{addon}/static/description/icon.png" in names
    assert f"Name: odoo-addon-{addon}" in meta
    assert "Requires-Dist: odoo>=17.0a,<17.1dev" in meta
    for python_dep in manifest.get("external_dependencies", {}).get("python", []):
        assert f"Requires-Dist: {python_dep}" in meta
    for depend in manifest["depends"]:
        if depend.startswith("sms_retention"):
            assert f"Requires-Dist: odoo-addon-{depend}" in meta


def test_metapackage_lists_every_addon():
    text = (REPO / "setup/_metapackage/pyproject.toml").read_text()
    for addon in ADDONS:
        assert f'"odoo-addon-{addon}>=17.0dev,<17.1dev"' in text
