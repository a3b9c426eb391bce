/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {registry} from "@web/core/registry";
import {openApp, openMenu} from "@sms_retention/../tests/tours/tour_utils.esm";

/**
 * The current view shows a record of company A and none of company B.
 *
 * @param {String} what: the records, for the step's description
 * @param {String} shownText: text of company A's record
 * @param {String} hiddenText: text of company B's record
 * @returns {Object} a check step
 */
function onlyCompanyA(what, shownText, hiddenText) {
    return {
        content: `${what}: company A's are listed, company B's are not`,
        trigger:
            `.o_action_manager .o_content:contains("${shownText}")` +
            `:not(:contains("${hiddenText}"))`,
        isCheck: true,
    };
}

// A user whose only company is A goes through campaigns, replies and the
// configuration: each list shows company A's records and none of company B.
registry.category("web_tour.tours").add("sms_retention_company_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...openApp(),
        ...openMenu("sms_retention_campaign_menu"),
        onlyCompanyA("Campaigns", "Campaign of Company A", "Campaign of Company B"),
        ...openMenu("sms_retention_replies_menu", "sms_retention_inbound_menu"),
        onlyCompanyA("Replies", "Reply to Company A", "Reply to Company B"),
        ...openMenu("sms_retention_config_menu", "sms_retention_blackout_menu"),
        onlyCompanyA("Blackout windows", "Siesta of Company A", "Siesta of Company B"),
        ...openMenu("sms_retention_config_menu", "sms_retention_price_menu"),
        onlyCompanyA("SMS prices", "0.0111", "0.0222"),
        ...openMenu("sms_retention_config_menu", "sms_retention_keyword_menu"),
        onlyCompanyA("Reply keywords", "KEYWORDA", "KEYWORDB"),
    ],
});
