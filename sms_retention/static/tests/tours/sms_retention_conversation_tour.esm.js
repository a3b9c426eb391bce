/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";
import {openApp} from "@sms_retention/../tests/tours/tour_utils.esm";

// A salesperson opens a customer's reply, reads the customer's SMS thread
// (the campaign SMS and the reply), marks the reply handled and answers in
// the thread, watching the character and segment counter.
registry.category("web_tour.tours").add("sms_retention_conversation_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            content: "Open the replies menu",
            trigger: '.o_menu_sections button:contains("Replies")',
        },
        {
            content: "Open all replies (those to do)",
            trigger: '.dropdown-item:contains("All Replies")',
        },
        {
            content: "Open the customer's reply",
            trigger: '.o_data_row:contains("Where is my parcel?") td.o_data_cell',
        },
        {
            content: "Open the SMS conversation",
            trigger: 'button[name="action_open_thread"]',
        },
        {
            content: "The campaign SMS is in the thread, delivered",
            trigger: '.o_sms_thread_item[data-state="delivered"]:contains("Campaign:")',
            isCheck: true,
        },
        {
            content: "It links to its order",
            trigger: '.o_sms_thread_item:contains("Campaign:") .o_sms_thread_source',
            isCheck: true,
        },
        {
            content: "The reply is in the thread, to do",
            trigger: '.o_sms_thread_todo_item:contains("Where is my parcel?")',
            isCheck: true,
        },
        {
            content: "Mark the reply handled",
            trigger:
                '.o_sms_thread_item:contains("Where is my parcel?") .o_sms_thread_mark_handled',
        },
        {
            content: "The reply is handled, by the salesperson",
            trigger:
                '.o_sms_thread_item:contains("Where is my parcel?") .o_sms_thread_handling:contains("Tour Seller")',
            isCheck: true,
        },
        {
            content: "Write the answer",
            trigger: ".o_sms_thread_input",
            run: "text It left our warehouse today.",
        },
        {
            content: "The counter shows characters, segments and encoding",
            trigger: '.o_sms_thread_counter:contains("28 characters · 1 segment(s) · GSM-7")',
            isCheck: true,
        },
        {
            content: "Send it",
            trigger: ".o_sms_thread_send:not([disabled])",
        },
        {
            content: "A notification confirms the SMS",
            trigger: '.o_notification:contains("SMS sent to Tour Replier")',
            isCheck: true,
        },
        {
            content: "The answer is in the thread, delivered, and the box is empty",
            trigger:
                '.o_sms_thread_item[data-state="delivered"]:contains("It left our warehouse today."):has(.o_sms_thread_state)',
            extra_trigger: ".o_sms_thread_counter:contains('0 characters')",
            isCheck: true,
        },
    ],
});
