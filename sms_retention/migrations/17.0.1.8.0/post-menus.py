# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Menus are shown by the SMS Retention groups, no longer by the Sales ones.

A ``menuitem`` only adds the groups it names: the Sales groups it named
before are taken off here.
"""

from odoo import SUPERUSER_ID, api

OLD_GROUPS = {
    "sms_retention.sms_retention_menu_root": "sales_team.group_sale_salesman",
    "sms_retention.sms_retention_sandbox_menu": "sales_team.group_sale_manager",
    "sms_retention.sms_retention_config_menu": "sales_team.group_sale_manager",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for menu_xmlid, group_xmlid in OLD_GROUPS.items():
        menu = env.ref(menu_xmlid, raise_if_not_found=False)
        group = env.ref(group_xmlid, raise_if_not_found=False)
        if menu and group:
            menu.groups_id -= group
