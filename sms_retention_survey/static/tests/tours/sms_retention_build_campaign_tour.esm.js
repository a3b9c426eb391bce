/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";
import {openApp} from "@sms_retention/../tests/tours/tour_utils.esm";


function addVariant(name, text) {
    return [
        {
            content: "Add a variant",
            trigger: '.o_field_widget[name="variant_ids"] .o_field_x2many_list_row_add a',
        },
        {
            content: "Name the variant",
            trigger: '.modal .o_field_widget[name="name"] input',
            in_modal: false,
            run: `text ${name}`,
        },
        {
            content: "Write the variant's text",
            trigger: '.modal .o_field_widget[name="body"] textarea',
            in_modal: false,
            run: `text_blur ${text}`,
        },
        {
            content: "Save the variant",
            trigger: ".modal .o_form_button_save",
            in_modal: false,
        },
        {
            content: "The variant is listed, the dialog closed",
            extra_trigger: "body:not(:has(.modal))",
            trigger: `.o_field_widget[name="variant_ids"] .o_data_row:contains("${name}")`,
            isCheck: true,
        },
    ];
}

// A back-office user builds a review campaign with two variants and a
// survey, reads its preview, creates its trigger and starts it; a customer's
// order is confirmed, and the planned SMS is sent now, with feedback.
registry.category("web_tour.tours").add("sms_retention_build_campaign_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp("sms_retention.sms_retention_menu_root"),
        {
            content: "Create a campaign",
            trigger: ".o-kanban-button-new",
        },
        {
            content: "Name it",
            trigger: '.o_field_widget[name="name"] input',
            run: "text Tour thank-you",
        },
        {
            content: "A post-purchase review",
            trigger: '.o_field_widget[name="kind"] select',
            run: "text Post-purchase review",
        },
        {
            content: "Write the SMS",
            trigger: '.o_field_widget[name="body"] textarea',
            run: "text_blur Thank you",
        },
        {
            content: "Insert the customer's first name",
            trigger: '.o_field_widget[name="placeholder"] select',
            run: "text Customer's first name",
        },
        {
            content: "The placeholder is in the text",
            trigger:
                '.o_field_widget[name="body"] textarea:propValueContains(sms_retention_first_name)',
            isCheck: true,
        },
        {
            content: "Open the A/B variants",
            trigger: '.o_notebook a:contains("A/B variants")',
        },
        ...addVariant("A", "Thanks for {{ object.name }}!"),
        ...addVariant("B", "Order {{ object.name }} is yours."),
        {
            content: "Open the survey tab",
            trigger: '.o_notebook a:contains("SMS Survey")',
        },
        {
            content: "Ask the review survey",
            trigger: '.o_field_widget[name="survey_id"] input',
            run: "text Post-purchase review",
        },
        {
            content: "Pick it",
            trigger: '.o-autocomplete--dropdown-item a:contains("Post-purchase review")',
        },
        {
            content: "Save the campaign",
            trigger: ".o_form_button_save",
        },
        {
            content: "Open the SMS tab",
            trigger: '.o_notebook a:contains("SMS"):not(:contains("Survey"))',
        },
        {
            content: "The preview shows both variants with the survey question",
            trigger:
                '.o_sms_retention_preview:contains("Variant B"):contains("Variant A"):contains("How many stars")',
            isCheck: true,
        },
        {
            content: "Open the trigger tab",
            trigger: '.o_notebook a:contains("Trigger")',
        },
        {
            content: "Create the trigger",
            trigger: 'button[name="action_create_trigger"]',
        },
        {
            content: "The trigger is confirmed",
            trigger: '.o_notification:contains("Trigger created")',
            isCheck: true,
        },
        {
            content: "Start the campaign",
            trigger: 'button[name="action_start"]',
        },
        {
            content: "It runs",
            trigger: '.o_notification:contains("is running")',
            isCheck: true,
        },
        {
            content: "The status bar says so",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Running")',
            isCheck: true,
        },
        ...openApp("sale.sale_menu_root"),
        {
            content: "Open the customer's quotation",
            trigger: '.o_data_row:contains("Tour Buyer") td.o_data_cell',
        },
        {
            content: "Confirm it",
            trigger: 'button[name="action_confirm"]',
        },
        {
            content: "The order's chatter says the SMS is planned",
            trigger: '.o-mail-Message:contains("planned for")',
            isCheck: true,
        },
        ...openApp("sms_retention.sms_retention_menu_root"),
        {
            content: "Open the campaign",
            trigger: '.o_kanban_record:contains("Tour thank-you")',
        },
        {
            content: "Open its scheduled SMS",
            trigger: 'button.oe_stat_button:contains("Scheduled")',
        },
        {
            content: "Open the planned SMS",
            trigger: '.o_data_row:contains("Tour Buyer") td.o_data_cell',
        },
        {
            content: "Send it now",
            trigger: 'button[name="action_send_now"]',
        },
        {
            content: "The user is told it was sent",
            trigger: '.o_notification:contains("Sent to Tour Buyer")',
            isCheck: true,
        },
    ],
});
