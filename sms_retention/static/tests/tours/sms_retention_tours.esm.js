/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";
import {openApp, openMenu} from "@sms_retention/../tests/tours/tour_utils.esm";


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

// A manager sees what a campaign earned: its clicks, and the orders
// credited to its SMS with their revenue, each opening the messages.
registry.category("web_tour.tours").add("sms_retention_earnings_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        {
            content: "Open the campaign",
            trigger: '.o_kanban_record:contains("Earnings campaign")',
        },
        {
            content: "Open the results",
            trigger: 'a.nav-link:contains("Results")',
        },
        {
            content: "Half of the answers came within 2 hours",
            trigger: '.o_field_widget[name="reply_median_hours"]:contains("02:00")',
            isCheck: true,
        },
        {
            content: "The lift over the holdout group is judged in words",
            trigger:
                '.o_field_widget[name="lift_verdict"]:contains("Not significant yet")',
            isCheck: true,
        },
        {
            content: "Open the A/B variants",
            trigger: 'a.nav-link:contains("A/B variants")',
        },
        {
            content: "Each variant shows its conversion rate and revenue",
            trigger:
                '.o_field_widget[name="variant_ids"] .o_data_row:contains("Friendly"):contains("100.0")',
            isCheck: true,
        },
        {
            content: "The campaign shows one click",
            trigger: 'button.oe_stat_button:contains("Clicks"):contains("1")',
            isCheck: true,
        },
        {
            content: "Open the orders credited to its SMS",
            trigger: 'button.oe_stat_button:contains("Orders"):contains("1")',
        },
        {
            content: "The list is filtered on converted messages",
            trigger: '.o_searchview_facet:contains("Converted")',
            isCheck: true,
        },
        {
            content: "Open it",
            trigger: '.o_data_row:contains("Earnings Customer") td.o_data_cell',
        },
        {
            content: "The message shows its first click, order and revenue",
            trigger:
                '.o_form_view:has(.o_field_widget[name="clicked_at"]):has(.o_field_widget[name="conversion_order_id"]:contains("S")):has(.o_field_widget[name="conversion_amount"]:contains("40"))',
            isCheck: true,
        },
    ],
});

// A manager reads what SMS earned over the period and opens the orders.
registry.category("web_tour.tours").add("sms_retention_overview_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        ...openMenu("sms_retention_overview_menu"),
        {
            content: "The campaign is listed with its revenue",
            trigger:
                '.o_sms_retention_overview_campaigns tr:contains("Earnings campaign"):contains("40")',
            isCheck: true,
        },
        {
            content: "Show the last 12 months",
            trigger: '.o_sms_retention_overview button[data-days="365"]',
        },
        {
            content: "The period is the selected one",
            trigger: '.o_sms_retention_overview button[data-days="365"].btn-primary',
            isCheck: true,
        },
        {
            content: "Open the orders credited to SMS",
            trigger: '.o_sms_retention_overview_card[data-figure="conversions"]',
        },
        {
            content: "The converted message is listed",
            trigger: '.o_data_row:contains("Earnings Customer")',
            isCheck: true,
        },
        ...openMenu("sms_retention_overview_menu"),
        {
            content: "Churn shows its change from the period before",
            trigger:
                '.o_sms_retention_overview_card[data-figure="churn"] .o_sms_retention_overview_trend',
            isCheck: true,
        },
        {
            content: "Open churn per month",
            trigger: '.o_sms_retention_overview_card[data-figure="churn"]',
        },
        {
            content: "The churn report is drawn",
            trigger: ".o_graph_renderer canvas",
            isCheck: true,
        },
    ],
});

// A manager reads the retention triangle of customer cohorts, churn and
// repeat purchases, then the rates of the SMS per campaign.
registry.category("web_tour.tours").add("sms_retention_cohort_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        ...openMenu("sms_retention_reporting_menu", "sms_retention_cohort_report_menu"),
        {
            content: "The triangle shows the first month's 100% retention",
            trigger: '.o_pivot table:contains("100.00")',
            isCheck: true,
        },
        ...openMenu("sms_retention_reporting_menu", "sms_retention_churn_report_menu"),
        {
            content: "The churn per month is drawn",
            trigger: ".o_graph_renderer canvas",
            isCheck: true,
        },
        {
            content: "Open the measures",
            trigger: '.o_graph_view button:contains("Measures")',
        },
        {
            content: "Draw the repeat purchase rate",
            trigger: '.dropdown-item:contains("Repeat Purchase Rate (%)")',
        },
        {
            content: "The repeat purchase rate is drawn",
            trigger: '.dropdown-item.selected:contains("Repeat Purchase Rate (%)")',
            isCheck: true,
        },
        ...openMenu("sms_retention_reporting_menu", "sms_retention_message_report_menu"),
        {
            content: "The campaign's SMS: 1 texted, all clicked",
            trigger:
                '.o_pivot tr:contains("Earnings campaign"):contains("100.00")',
            isCheck: true,
        },
    ],
});
