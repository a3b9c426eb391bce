/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";
import {openApp} from "@sms_retention/../tests/tours/tour_utils.esm";


// A back-office user opens the review campaign, reads its preview (each
// variant's SMS, segments and cost), and sends a planned message now from
// the outbound list, with feedback.
registry.category("web_tour.tours").add("sms_retention_campaign_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            content: "Open the review campaign",
            trigger: '.o_kanban_record:contains("Tour review campaign")',
        },
        {
            content: "The preview shows both variants, their segments and cost",
            trigger:
                '.o_sms_retention_preview:contains("Variant A"):contains("Variant B"):contains("segment"):contains("per SMS")',
            isCheck: true,
        },
        {
            content: "Open the campaign's scheduled messages",
            trigger: 'button.oe_stat_button:contains("Scheduled")',
        },
        {
            content: "Open the planned message",
            trigger: '.o_data_row:contains("Tour Customer") td.o_data_cell',
        },
        {
            content: "Send it now",
            trigger: 'button[name="action_send_now"]',
        },
        {
            content: "The user is told it was sent",
            trigger: '.o_notification:contains("Sent to Tour Customer")',
            isCheck: true,
        },
        {
            content: "The message is sent",
            trigger: '.o_form_view:not(:has(button[name="action_send_now"]))',
            isCheck: true,
        },
    ],
});
