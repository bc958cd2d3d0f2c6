/**
 * Smoke crawler of the suite's screens, as a user clicks them.
 *
 * For every menu of the plan (computed by the Python test from the user's own menus), it opens
 * the menu through the navbar, switches to every view the action offers, opens the first
 * record's form and presses every header and smart button that the form shows, closing the
 * dialogs and wizards they open and coming back from the screens they lead to. Any error
 * dialog, failed RPC or console error stops the run with what was being clicked.
 */
import { App } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { rpcBus } from "@web/core/network/rpc";

export const SMOKE_SUCCESS = "serial smoke succeeded";
const MOUSE_EVENTS = ["mouseover", "mouseenter", "mousedown", "mouseup", "click"];
const SETTLE_LIMIT_MS = 60000;
const HEADER_BUTTONS = ".o_form_statusbar .o_statusbar_buttons button:not([disabled])";
const SMART_BUTTONS = ".o_form_view .o-form-buttonbox button.oe_stat_button:not([disabled])";

function visible(el) {
    return Boolean(el && el.isConnected && el.offsetParent !== null);
}

function say(text) {
    browser.console.log(`serial smoke: ${text}`);
}

class SmokeCrawler {
    constructor(plan) {
        this.plan = plan;
        this.pending = new Map();
        this.failedRpc = null;
        this.uiUpdates = 0;
        this.counts = { menus: 0, views: 0, forms: 0, buttons: 0, dialogs: 0 };
        this.onRequest = ({ detail }) => this.pending.set(detail.data.id, detail.url);
        this.onResponse = ({ detail }) => {
            this.pending.delete(detail.data.id);
            if (detail.error) {
                this.failedRpc = detail;
            }
        };
        this.onUiUpdate = () => this.uiUpdates++;
    }

    start() {
        this.env = odoo.__WOWL_DEBUG__.root.env;
        rpcBus.addEventListener("RPC:REQUEST", this.onRequest);
        rpcBus.addEventListener("RPC:RESPONSE", this.onResponse);
        this.env.bus.addEventListener("ACTION_MANAGER:UI-UPDATED", this.onUiUpdate);
    }

    stop() {
        rpcBus.removeEventListener("RPC:REQUEST", this.onRequest);
        rpcBus.removeEventListener("RPC:RESPONSE", this.onResponse);
        this.env.bus.removeEventListener("ACTION_MANAGER:UI-UPDATED", this.onUiUpdate);
    }

    // ------------------------------------------------------------------ waiting and clicking

    busy() {
        if (this.pending.size) {
            return true;
        }
        return App.apps && [...App.apps].some((app) => app.scheduler.tasks.size > 0);
    }

    checkErrors(where) {
        const errorDialog = document.querySelector(".o_error_dialog");
        if (errorDialog) {
            const call = this.failedRpc?.data?.params;
            const rpc = call ? ` (failed call: ${call.model || ""}.${call.method || ""})` : "";
            throw new Error(`error dialog after ${where}${rpc}: ${errorDialog.innerText.trim()}`);
        }
    }

    async settle(where, condition = () => true) {
        const started = Date.now();
        for (;;) {
            await new Promise((resolve) => browser.setTimeout(resolve, 30));
            this.checkErrors(where);
            if (!this.busy() && condition()) {
                await new Promise((resolve) => requestAnimationFrame(resolve));
                this.checkErrors(where);
                if (!this.busy() && condition()) {
                    return;
                }
            }
            if (Date.now() - started > SETTLE_LIMIT_MS) {
                const calls = [...this.pending.values()].join(", ") || "none";
                throw new Error(`timeout after ${where}: pending calls ${calls}`);
            }
        }
    }

    async click(el, what) {
        if (!el) {
            throw new Error(`nothing to click for ${what}`);
        }
        say(`click ${what}`);
        for (const type of MOUSE_EVENTS) {
            el.dispatchEvent(
                new MouseEvent(type, { bubbles: true, cancelable: true, view: window })
            );
        }
        await this.settle(what);
    }

    // ----------------------------------------------------------------------------- menus

    async openMenu(menu) {
        const [app, ...path] = menu.path;
        const current = this.env.services.menu.getCurrentApp();
        if (!current || current.xmlid !== app) {
            await this.click(document.querySelector(".o_navbar_apps_menu button"), "apps menu");
            await this.click(
                document.querySelector(`.o-dropdown--menu [data-menu-xmlid="${app}"]`),
                `app ${app}`
            );
        }
        // the navbar shows the section, its dropdown the leaf (sub-sections are headers)
        const steps = path.length > 1 ? [path[0], path[path.length - 1]] : path;
        for (const [index, xmlid] of steps.entries()) {
            const selector =
                index === 0
                    ? `.o_menu_sections [data-menu-xmlid="${xmlid}"]`
                    : `.o-dropdown--menu [data-menu-xmlid="${xmlid}"]`;
            const el = document.querySelector(selector);
            if (!visible(el)) {
                throw new Error(`menu ${menu.name} (${xmlid}) is not shown to this user`);
            }
            const updates = this.uiUpdates;
            await this.click(el, `menu ${el.innerText.trim() || xmlid}`);
            if (index === steps.length - 1) {
                await this.settle(
                    `menu ${menu.name}`,
                    () => this.uiUpdates !== updates || document.querySelector(".o_dialog")
                );
            }
        }
        this.counts.menus++;
    }

    // ------------------------------------------------------------------ views and records

    async closeDialogs(where) {
        for (let guard = 0; guard < 5; guard++) {
            const dialogs = document.querySelectorAll(".o_dialog");
            if (!dialogs.length) {
                return;
            }
            const dialog = dialogs[dialogs.length - 1];
            this.counts.dialogs++;
            const close =
                dialog.querySelector(".modal-header .btn-close") ||
                dialog.querySelector(".modal-footer .btn-secondary");
            await this.click(
                close,
                `close the dialog "${dialog.querySelector(".modal-title")?.innerText.trim() || ""}" opened by ${where}`
            );
        }
        throw new Error(`dialogs keep opening after ${where}`);
    }

    async visitViews(menu) {
        this.counts.views++; // the view the menu opened
        const switches = [
            ...document.querySelectorAll("nav.o_cp_switch_buttons button.o_switch_view"),
        ];
        const types = switches.map((button) =>
            [...button.classList]
                .find((cls) => cls.startsWith("o_") && cls !== "o_switch_view")
                .slice(2)
        );
        for (const type of types) {
            const button = document.querySelector(
                `nav.o_cp_switch_buttons button.o_switch_view.o_${type}`
            );
            if (!button.classList.contains("active")) {
                await this.click(button, `${type} view of ${menu.name}`);
                await this.settle(`${type} view of ${menu.name}`, () =>
                    document.querySelector(`button.o_switch_view.o_${type}.active`)
                );
                this.counts.views++;
            }
        }
        return types;
    }

    currentViewType() {
        const view = document.querySelector(".o_action_manager .o_view_controller");
        const match =
            view && [...view.classList].find((cls) => /^o_(list|kanban|form)_view$/.test(cls));
        return match ? match.slice(2, -5) : null;
    }

    async openFirstRecord(menu, types) {
        // an action with a single view type shows no switcher: take the one on screen
        const offered = types.length ? types : [this.currentViewType()];
        for (const type of ["list", "kanban"]) {
            if (!offered.includes(type)) {
                continue;
            }
            const button = document.querySelector(
                `nav.o_cp_switch_buttons button.o_switch_view.o_${type}`
            );
            if (button && !button.classList.contains("active")) {
                await this.click(button, `${type} view of ${menu.name}`);
            }
            const record =
                type === "list"
                    ? document.querySelector(".o_list_view .o_data_row .o_data_cell")
                    : document.querySelector(
                          ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)"
                      );
            if (record) {
                await this.click(record, `first record of ${menu.name}`);
                const inline = () => document.querySelector(".o_list_view .o_selected_row");
                await this.settle(
                    `form of ${menu.name}`,
                    () => document.querySelector(".o_form_view") || inline()
                );
                if (inline()) {
                    // an editable list edits in place: nothing to press, leave the row as it was
                    const discard = document.querySelector(".o_list_button_discard");
                    if (visible(discard)) {
                        await this.click(discard, `discard the row of ${menu.name}`);
                    }
                    return false;
                }
                return true;
            }
        }
        return Boolean(document.querySelector(".o_form_view"));
    }

    formButtons() {
        const skip = new Set(this.plan.skip_buttons || []);
        return [...document.querySelectorAll(`${HEADER_BUTTONS}, ${SMART_BUTTONS}`)].filter(
            (el) => visible(el) && !skip.has(el.getAttribute("name"))
        );
    }

    buttonLabel(el) {
        return (el.innerText || el.getAttribute("name") || "?").replace(/\s+/g, " ").trim();
    }

    async pressButtons(menu) {
        const form = this.env.services.action.currentController;
        const depth = this.breadcrumbDepth();
        const done = new Set();
        for (let guard = 0; guard < 40; guard++) {
            const next = this.formButtons().find((el) => !done.has(this.buttonKey(el)));
            if (!next) {
                return;
            }
            const key = this.buttonKey(next);
            done.add(key);
            await this.click(next, `button "${this.buttonLabel(next)}" on ${menu.name}`);
            this.counts.buttons++;
            await this.closeDialogs(`button "${key}" on ${menu.name}`);
            await this.comeBack(menu, depth, form);
        }
    }

    buttonKey(el) {
        return `${el.getAttribute("name") || ""}|${this.buttonLabel(el)}`;
    }

    breadcrumbDepth() {
        return document.querySelectorAll(".o_breadcrumb .breadcrumb-item").length;
    }

    async comeBack(menu, depth, form) {
        if (
            this.env.services.action.currentController === form &&
            document.querySelector(".o_form_view")
        ) {
            return;
        }
        // the record's own screen is the breadcrumb at the depth the form had (the current
        // screen is not a breadcrumb item)
        const crumbs = [...document.querySelectorAll(".o_breadcrumb .breadcrumb-item")];
        if (crumbs.length > depth) {
            await this.click(crumbs[depth], `back to ${menu.name}`);
            await this.settle(
                `back to ${menu.name}`,
                () => document.querySelector(".o_form_view") && this.breadcrumbDepth() === depth
            );
            return;
        }
        // a screen without the way back (client action, cleared breadcrumbs): reopen the menu
        await this.openMenu(menu);
        if (!(await this.openFirstRecord(menu, ["list", "kanban"]))) {
            throw new Error(`cannot come back to the record of ${menu.name}`);
        }
    }

    async visitMenu(menu) {
        say(`menu ${menu.name}`);
        await this.openMenu(menu);
        if (document.querySelector(".o_dialog")) {
            // a wizard opened from the menu: its buttons are the user's next step
            await this.closeDialogs(`menu ${menu.name}`);
            return;
        }
        const types = await this.visitViews(menu);
        if (await this.openFirstRecord(menu, types)) {
            this.counts.forms++;
            await this.pressButtons(menu);
        }
    }

    async run() {
        this.start();
        try {
            for (const menu of this.plan.menus) {
                await this.visitMenu(menu);
            }
        } finally {
            this.stop();
        }
        say(`done: ${JSON.stringify(this.counts)}`);
        browser.console.log(SMOKE_SUCCESS);
    }
}

export async function runSerialSmoke(plan) {
    try {
        await new SmokeCrawler(plan).run();
    } catch (error) {
        // browser_js fails the test on console.error, with this message
        browser.console.error(`serial smoke failed: ${error.message}`);
    }
}

window.serialTrackingSmoke = runSerialSmoke;
