/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";

// An administrator changes the public URL in the settings and tests the
// connection at once: the settings are saved and the wizard opens, which
// warns that Twilio cannot reach a loopback address. (Once a dialog is open,
// the tour looks for triggers inside it.)
registry.category("web_tour.tours").add("sms_retention_twilio_settings_tour", {
    test: true,
    url: "/web#action=sms_retention.res_config_settings_action",
    steps: () => [
        {
            content: "Change the public URL",
            trigger: 'div[name="sms_retention_twilio_public_url"] input',
            run: "text http://127.0.0.1:8069",
        },
        {
            content: "The settings warn that Twilio cannot reach it",
            trigger:
                '.alert-warning div[name="sms_retention_twilio_webhook_warning"]:contains("own address")',
            isCheck: true,
        },
        {
            content: "Test the connection",
            trigger: 'button[name="action_sms_retention_twilio_test_connection"]',
        },
        {
            content: "The wizard opens on the saved URL",
            trigger:
                'div[name="inbound_url"]:contains("http://127.0.0.1:8069/sms_retention_twilio/inbound")',
            isCheck: true,
        },
        {
            content: "It warns that Twilio cannot reach this address, and what to do",
            trigger: '.alert-warning:contains("Public URL")',
            isCheck: true,
        },
        {
            content: "Check the credentials",
            trigger: 'button[name="action_check"]',
        },
        {
            content: "The fake Twilio accepts them",
            trigger: 'div[name="result"]:contains("Credentials accepted")',
            isCheck: true,
        },
        {
            content: "Close the wizard",
            trigger: '.modal-footer button:contains("Close")',
        },
        {
            content: "Back on the settings",
            trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});
