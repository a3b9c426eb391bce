/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";
import {openApp} from "@sms_retention/../tests/tours/tour_utils.esm";

// A user whose only company is A opens the Twilio numbers per country: company
// A's number is listed, company B's is not.
registry.category("web_tour.tours").add("sms_retention_twilio_company_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            // On a narrow screen, Configuration moves under "More" (+).
            content: "Open the configuration menu",
            trigger:
                '.o_menu_sections [data-menu-xmlid="sms_retention.sms_retention_config_menu"], ' +
                ".o_menu_sections_more > .dropdown-toggle",
        },
        {
            content: "Open the Twilio senders",
            trigger:
                '.dropdown-item[data-menu-xmlid="sms_retention_provider_twilio.sms_retention_twilio_sender_menu"]',
        },
        {
            content: "Twilio senders: company A's number is listed, company B's is not",
            trigger:
                '.o_action_manager .o_content:contains("+15005550106")' +
                ':not(:contains("+15005550107"))',
            isCheck: true,
        },
    ],
});
