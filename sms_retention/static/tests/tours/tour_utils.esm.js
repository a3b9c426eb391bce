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

/**
 * Open a top menu of the app, then one of its items. On a narrow screen the
 * menus that do not fit move under "More" (+), which lists their items too.
 *
 * @param {String} sectionXmlid: the top menu
 * @param {String} [itemXmlid]: its item
 * @param {String} [module]: the module of both
 * @returns {Array} the steps
 */
export function openMenu(sectionXmlid, itemXmlid, module = "sms_retention") {
    const section = `.o_menu_sections [data-menu-xmlid="${module}.${sectionXmlid}"]`;
    const steps = [
        {
            content: `Open the menu ${sectionXmlid}`,
            trigger: itemXmlid
                ? `${section}, .o_menu_sections_more > .dropdown-toggle`
                : section,
        },
    ];
    if (itemXmlid) {
        steps.push({
            content: `Open the menu item ${itemXmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid="${module}.${itemXmlid}"]`,
        });
    }
    return steps;
}
