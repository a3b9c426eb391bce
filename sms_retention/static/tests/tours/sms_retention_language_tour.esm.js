/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {openApp, openMenu} from "@sms_retention/../tests/tours/tour_utils.esm";
import {registry} from "@web/core/registry";

// Labels a user reads: field labels, list headers, tabs, buttons, menus,
// status bars, smart buttons, section titles, filters.
const LABELS = [
    ".o_menu_sections .dropdown-toggle",
    ".o_menu_sections > a",
    ".o_control_panel .breadcrumb-item:not(.active)",
    ".o_control_panel button",
    ".o_form_label",
    ".o_column_title",
    ".o_notebook .nav-link",
    ".o_statusbar_status button",
    ".o_statusbar_buttons button",
    ".o_stat_text",
    ".o_horizontal_separator",
    ".o_kanban_group .o_column_title",
    ".o_sms_retention_overview th",
    ".o_sms_retention_overview .text-muted",
    ".o_searchview_facet .o_facet_value",
    "[data-key='sms_retention'] .o_form_label",
    "[data-key='sms_retention'] h2",
];
// Words every language writes this way: product names, units, acronyms.
const NAMES = /\b(?:SMS|ROI|A\/B|URL|IAP|Twilio|ID|SID|API|CSV|E\.164|Odoo|STOP|HELP|START|p\d+|[A-Z])\b/g;

/**
 * A step that fails when a label of the screen is English: three Latin
 * letters in a row, once product names and acronyms are set aside.
 *
 * @param {String} screen: the screen, for the message
 * @param {String} [scope]: where to look
 * @returns {Object} the check step
 */
function noEnglish(screen, scope = "body") {
    return {
        content: `${screen}: no label is left in English`,
        trigger: `${scope}`,
        isCheck: true,
        run() {
            const root = document.querySelector(scope);
            const english = new Set();
            for (const node of root.querySelectorAll(LABELS.join(","))) {
                if (!node.offsetParent || getComputedStyle(node).visibility === "hidden") {
                    continue; // not shown
                }
                const text = (node.innerText || "").trim();
                if (/[A-Za-z]{3,}/.test(text.replace(NAMES, ""))) {
                    english.add(`${text} (${node.className})`);
                }
            }
            if (english.size) {
                throw new Error(
                    `${screen}: labels left in English: ${[...english].join(" | ")}`
                );
            }
        },
    };
}

// A user whose language is Chinese or Thai goes through the product's main
// screens: overview, campaigns, a campaign's every tab, replies, a
// customer's SMS tab, a country's SMS rules and the settings.
registry.category("web_tour.tours").add("sms_retention_language_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        ...openMenu("sms_retention_overview_menu"),
        {
            content: "The overview is shown",
            trigger: ".o_sms_retention_overview",
            isCheck: true,
        },
        noEnglish("Overview"),
        ...openMenu("sms_retention_campaign_menu"),
        {
            content: "Open the campaign",
            trigger: ".o_kanban_record:contains('Language tour campaign'), .o_data_row:contains('Language tour campaign') td.o_data_cell",
        },
        {
            content: "The campaign's form is shown",
            trigger: ".o_form_view .o_notebook",
            isCheck: true,
        },
        noEnglish("Campaign, first tab"),
        ...["trigger", "audience", "results", "variants"].flatMap((tab) => [
            {
                content: `Open the campaign's tab ${tab}`,
                trigger: `.o_notebook .nav-link[name='${tab}']`,
            },
            {
                // Its fields are drawn (and their data read) before the
                // check, and before the tour leaves the form.
                content: `The campaign's tab ${tab} is shown`,
                trigger: `.o_notebook .nav-link.active[name='${tab}']`,
                isCheck: true,
            },
            noEnglish(`Campaign, tab ${tab}`),
        ]),
        {
            content: "The campaign's variants are listed",
            trigger: ".o_notebook .o_field_widget[name='variant_ids'] .o_list_renderer",
            isCheck: true,
        },
        ...openMenu("sms_retention_replies_menu", "sms_retention_inbound_menu"),
        {
            content: "The replies are listed",
            trigger: ".o_list_view .o_data_row",
            isCheck: true,
        },
        noEnglish("Replies"),
        {
            content: "Open the reply",
            trigger: ".o_data_row:first td.o_data_cell",
        },
        {
            content: "The reply's form is shown",
            trigger: ".o_form_view .o_statusbar_status",
            isCheck: true,
        },
        noEnglish("Reply"),
        {
            content: "Open the customer",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] a, .o_form_view .o_field_widget[name='partner_id'] .o_form_uri",
        },
        {
            content: "Open the customer's SMS tab",
            trigger: ".o_notebook .nav-link[name='sms_retention']",
        },
        noEnglish("Customer, SMS tab"),
        ...openMenu("sms_retention_config_menu", "sms_retention_country_rule_menu"),
        {
            content: "Open Thailand's rules",
            trigger: ".o_data_row:has(td[name='replies_reach_us'] input:not(:checked)) td.o_data_cell",
        },
        {
            content: "The rules' form is shown",
            trigger: ".o_form_view .o_field_widget[name='quiet_start']",
            isCheck: true,
        },
        noEnglish("Country rules"),
        ...openApp("base.menu_administration"),
        {
            content: "Open the SMS Retention settings",
            trigger: ".settings_tab [data-key='sms_retention']",
        },
        noEnglish("Settings", "[data-key='sms_retention']"),
    ],
});
