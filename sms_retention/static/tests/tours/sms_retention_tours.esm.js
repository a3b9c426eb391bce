/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

function openApp() {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
        },
        {
            content: "Open the SMS Retention app",
            trigger: '.o_app[data-menu-xmlid="sms_retention.sms_retention_menu_root"]',
        },
    ];
}

// A back-office user opens the review campaign, reads its variants' cost
// estimate, and sends a planned message now from the outbound list.
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
            content: "Open the A/B variants tab",
            trigger: '.o_notebook a:contains("A/B variants")',
        },
        {
            content: "The variants show their encoding, segments and next-run cost",
            trigger:
                '.o_field_widget[name="variant_ids"] .o_data_row:contains("segment")',
            isCheck: true,
        },
        {
            content: "Open the campaign's outbound messages",
            trigger: 'button.oe_stat_button[name="action_view_messages"]',
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
            content: "The message is sent",
            trigger: '.o_form_view:not(:has(button[name="action_send_now"]))',
            isCheck: true,
        },
    ],
});

// A salesperson opens a customer who replied, reads the conversation and
// answers by SMS from the customer's form.
registry.category("web_tour.tours").add("sms_retention_reply_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            content: "Open the replies menu",
            trigger: '.o_menu_sections button:contains("Replies")',
        },
        {
            content: "Open all replies",
            trigger: '.dropdown-item:contains("All Replies")',
        },
        {
            content: "Open the customer's reply",
            trigger: '.o_data_row:contains("Where is my parcel?") td.o_data_cell',
        },
        {
            content: "Open the customer",
            trigger: '.o_field_widget[name="partner_id"] a.o_form_uri',
        },
        {
            content: "Open the SMS conversation",
            trigger: 'button.oe_stat_button[name="action_open_sms_replies"]',
        },
        {
            content: "The reply is in the conversation",
            trigger: '.o_data_row:contains("Where is my parcel?")',
            isCheck: true,
        },
        {
            content: "Back to the customer",
            trigger: '.breadcrumb-item a:contains("Tour Replier")',
        },
        {
            content: "Open the SMS & Retention tab",
            trigger: '.o_notebook a:contains("SMS & Retention")',
        },
        {
            content: "Answer by SMS",
            trigger: 'button[name="action_sms_retention_reply"]',
        },
        {
            content: "Write the answer",
            trigger: ".modal-body textarea",
            run: "text It left our warehouse today.",
        },
        {
            content: "Send it",
            trigger: '.modal-footer button[name="action_send"]',
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal-footer))",
            isCheck: true,
        },
    ],
});
