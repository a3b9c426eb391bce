/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

/**
 * Tour steps that open an app from the apps menu (SMS Retention by default).
 *
 * @param {String} xmlid the app's root menu
 * @returns {Array} tour steps
 */
export function openApp(xmlid = "sms_retention.sms_retention_menu_root") {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
        },
        {
            content: `Open the app ${xmlid}`,
            trigger: `.o_app[data-menu-xmlid="${xmlid}"]`,
        },
    ];
}
