/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {Component, onWillStart, useState} from "@odoo/owl";
import {formatFloat, formatMonetary} from "@web/views/fields/formatters";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {sprintf} from "@web/core/utils/strings";
import {useService} from "@web/core/utils/hooks";

/**
 * SMS Retention > Overview: what the campaigns sent, cost and earned in a
 * period, and whether texting beat the holdout group. Each figure opens the
 * records it counts; each campaign opens its form.
 */
export class SmsRetentionOverview extends Component {
    static template = "sms_retention.Overview";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({days: 30, data: null});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call(
            "sms.retention.campaign",
            "get_overview",
            [this.state.days]
        );
    }

    async setPeriod(days) {
        this.state.days = days;
        await this.load();
    }

    money(value) {
        return formatMonetary(value, {currencyId: this.state.data.currency_id});
    }

    count(value) {
        return formatFloat(value, {digits: [16, 0]});
    }

    percent(value) {
        return `${formatFloat(value, {digits: [16, 1]})}%`;
    }

    /** A change of a rate, in percentage points, without its sign. */
    points(value) {
        return sprintf(_t("%(points)s pts"), {
            points: formatFloat(Math.abs(value), {digits: [16, 1]}),
        });
    }

    previousPeriodTitle() {
        return sprintf(_t("Against the %(days)s days before"), {days: this.state.days});
    }

    open(figure) {
        this.action.doAction(this.state.data.actions[figure]);
    }

    openCampaign(campaignId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sms.retention.campaign",
            res_id: campaignId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("sms_retention_overview", SmsRetentionOverview);
