/** @odoo-module **/
/* Copyright 2026 SMS Retention developers
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import {
    Component,
    onMounted,
    onPatched,
    onWillStart,
    onWillUnmount,
    useRef,
    useState,
} from "@odoo/owl";
import { deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { sprintf } from "@web/core/utils/strings";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { countSegments } from "./segments";

const THREAD_CHANNEL = "sms_retention_thread";
const THREAD_UPDATE = "sms_retention/thread_update";

const STATE_BADGES = {
    scheduled: "text-bg-info",
    sending: "text-bg-secondary",
    sent: "text-bg-primary",
    delivered: "text-bg-success",
    failed: "text-bg-danger",
    skipped: "text-bg-light border",
    expired: "text-bg-light border",
    canceled: "text-bg-light border",
};

/**
 * A customer's SMS conversation, read like a chat: every SMS in and out in
 * time order with its state in words, the replies to handle, and an answer
 * box that knows the customer's consent, the segments of the text and the
 * customer's sending hours. Reloads when a reply arrives (bus).
 */
export class SmsRetentionThread extends Component {
    static template = "sms_retention.Thread";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        // Not useService: its methods are async (a boolean in its metadata).
        this.busService = this.env.services.bus_service;
        const { context = {}, params = {} } = this.props.action;
        this.partnerId = context.active_id || params.partner_id;
        this.focusId = params.inbound_id || false;
        this.listRef = useRef("list");
        this.state = useState({ data: null, body: "", sending: false });
        this.scrollPending = true;
        onWillStart(() => this.load());
        onMounted(() => this.scroll());
        onPatched(() => this.scroll());
        const channel = `${THREAD_CHANNEL}:${this.partnerId}`;
        this.busService.addChannel(channel);
        onWillUnmount(() => this.busService.deleteChannel(channel));
        useBus(this.busService, "notification", ({ detail: notifications }) => {
            const mine = notifications.some(
                ({ type, payload }) =>
                    type === THREAD_UPDATE && payload.partner_id === this.partnerId
            );
            if (mine) {
                this.load();
            }
        });
    }

    async load() {
        const data = await this.orm.call("res.partner", "sms_retention_thread_data", [
            [this.partnerId],
        ]);
        const known = this.state.data ? this.state.data.items.length : -1;
        this.scrollPending = this.scrollPending || known !== data.items.length;
        this.state.data = data;
        // Opened from a link, the action has no name for the breadcrumbs.
        this.env.config.setDisplayName?.(sprintf(_t("SMS with %s"), data.partner.name));
    }

    scroll() {
        const list = this.listRef.el;
        if (!list || !this.scrollPending) {
            return;
        }
        this.scrollPending = false;
        const focused = this.focusId && list.querySelector(`[data-inbound-id="${this.focusId}"]`);
        if (focused) {
            focused.scrollIntoView({ block: "center" });
            this.focusId = false;
        } else {
            list.scrollTop = list.scrollHeight;
        }
    }

    // ------------------------------------------------------------------
    // Display
    // ------------------------------------------------------------------

    get groups() {
        const groups = [];
        for (const item of this.state.data.items) {
            const date = deserializeDateTime(item.date);
            const day = formatDate(date);
            if (!groups.length || groups.at(-1).day !== day) {
                groups.push({ day, items: [] });
            }
            groups.at(-1).items.push({ ...item, time: formatDateTime(date) });
        }
        return groups;
    }

    stateBadge(item) {
        return STATE_BADGES[item.state] || "text-bg-light border";
    }

    kindLine(item) {
        if (item.kind === "campaign" && item.campaign) {
            return sprintf(_t("Campaign: %s"), item.campaign);
        }
        if (item.author && item.kind === "direct") {
            return sprintf(_t("%(kind)s by %(author)s"), {
                kind: item.kind_label,
                author: item.author,
            });
        }
        return item.kind_label;
    }

    get counter() {
        const info = countSegments(this.state.body, this.state.data.segments);
        return sprintf(_t("%(characters)s characters · %(segments)s segment(s) · %(encoding)s"), {
            characters: info.characters,
            segments: info.segments,
            encoding: info.encoding,
        });
    }

    get todoCount() {
        return this.state.data.items.filter(
            (item) => item.inbound && item.inbound.handle_state === "todo"
        ).length;
    }

    // ------------------------------------------------------------------
    // Actions
    // ------------------------------------------------------------------

    async send() {
        const body = this.state.body.trim();
        if (!body || this.state.sending) {
            return;
        }
        this.state.sending = true;
        try {
            const data = await this.orm.call("res.partner", "sms_retention_thread_send", [
                [this.partnerId],
                body,
            ]);
            this.state.body = "";
            this.scrollPending = true;
            this.state.data = data;
            this.notification.add(
                sprintf(_t("SMS sent to %s."), data.partner.name),
                { type: "success" }
            );
        } finally {
            this.state.sending = false;
        }
    }

    onKeydown(ev) {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
            ev.preventDefault();
            this.send();
        }
    }

    async markHandled(item, handled) {
        await this.orm.call(
            "sms.retention.inbound",
            handled ? "action_mark_handled" : "action_mark_todo",
            [[item.inbound.id]]
        );
        await this.load();
        this.notification.add(
            handled ? _t("Reply marked as handled.") : _t("Reply put back to do."),
            { type: "info" }
        );
    }

    openRecord(model, id) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openCustomer() {
        return this.openRecord("res.partner", this.partnerId);
    }
}

registry.category("actions").add("sms_retention.thread", SmsRetentionThread);
