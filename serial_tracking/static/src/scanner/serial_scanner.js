import { _t } from "@web/core/l10n/translation";
import { BarcodeScanner } from "@barcodes/components/barcode_scanner";
import { Component, onWillStart, useRef, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { url } from "@web/core/utils/urls";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

// Modes whose running list are the units of one document or location: the screen sends
// their ids back (`scanned`) so that the server tells a unit scanned twice in this session.
const SESSION_MODES = ["receive", "pick", "count"];

const MODE_LABELS = {
    lookup: _t("Look up"),
    receive: _t("Receive"),
    pick: _t("Pick & ship"),
    quarantine: _t("Quarantine"),
    release: _t("Release"),
    count: _t("Count"),
};

/**
 * Serial scanner: one screen per mode (look up, receive, pick and ship, quarantine,
 * release, count). Every scan - keyboard wedge (barcode service), camera (barcodes'
 * BarcodeScanner) or typed - is one call to `serial.scanner.scan`; the answer drives a
 * large coloured status, a sound, the card and the running list.
 */
export class SerialScanner extends Component {
    static template = "serial_tracking.SerialScanner";
    static components = { BarcodeScanner };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.inputRef = useRef("input");
        this.modeLabels = MODE_LABELS;
        const context = this.props.action.context || {};
        this.state = useState({
            mode: context.scanner_mode || "lookup",
            modes: [],
            params: {},
            data: {},
            result: null,
            entries: [],
            refused: 0,
            review: null,
            busy: false,
            typed: "",
        });
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onScan(ev.detail.barcode));
        onWillStart(async () => {
            this.loadSounds();
            await this.load();
        });
    }

    // --- sounds ------------------------------------------------------------------------

    loadSounds() {
        const extension = new Audio().canPlayType("audio/ogg") ? "ogg" : "mp3";
        this.sounds = {
            error: new Audio(url(`/barcodes/static/src/audio/error.${extension}`)),
            success: new Audio(url(`/mail/static/src/audio/ting.${extension}`)),
        };
    }

    playSound(kind) {
        const sound = this.sounds[kind];
        if (!sound) {
            return;
        }
        sound.currentTime = 0;
        // Browsers refuse to play before the first user gesture: stay silent then.
        const playing = sound.play();
        if (playing && playing.catch) {
            // eslint-disable-next-line no-empty-function -- the refusal is expected
            playing.catch(() => {});
        }
    }

    // --- server calls ------------------------------------------------------------------

    async load() {
        const data = await this.orm.call("serial.scanner", "load", [
            this.state.mode,
            this.state.params,
        ]);
        this.state.modes = data.modes;
        this.state.data = data;
    }

    async setMode(mode) {
        if (mode === this.state.mode) {
            return;
        }
        Object.assign(this.state, {
            mode,
            params: {},
            result: null,
            entries: [],
            refused: 0,
            review: null,
        });
        await this.load();
    }

    async onScan(code) {
        if (!code || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const result = await this.orm.call("serial.scanner", "scan", [
                this.state.mode,
                code,
                this.state.params,
            ]);
            this.applyResult(result, code);
        } finally {
            this.state.busy = false;
        }
    }

    applyResult(result, code) {
        this.state.result = { ...result, code };
        if (result.params) {
            const picking = result.params.picking_id;
            if (picking !== undefined && picking !== this.state.params.picking_id) {
                this.state.entries = []; // another document: another running list
            }
            Object.assign(this.state.params, result.params);
        }
        if (result.document !== undefined) {
            this.state.data.document = result.document;
        }
        if (result.location !== undefined) {
            this.state.data.location = result.location;
            this.state.entries = [];
            this.state.review = null;
        }
        if (result.entry) {
            if (this.isLookup) {
                // a list of the units looked up, each once, the latest first
                this.state.entries = this.state.entries.filter(
                    (entry) => entry.lot_id !== result.entry.lot_id
                );
            }
            this.state.entries.unshift(result.entry);
            if (SESSION_MODES.includes(this.state.mode)) {
                this.state.params.scanned = [
                    ...(this.state.params.scanned || []),
                    result.entry.lot_id,
                ];
            }
        }
        if (result.status === "error") {
            this.state.refused++;
        }
        this.playSound(result.status === "error" ? "error" : "success");
    }

    async onSubmit(ev) {
        ev.preventDefault();
        const code = this.state.typed;
        this.state.typed = "";
        if (this.inputRef.el) {
            this.inputRef.el.value = "";
        }
        await this.onScan(code);
        this.inputRef.el?.focus();
    }

    async onChooseDocument(ev) {
        const pickingId = parseInt(ev.target.value) || false;
        Object.assign(this.state, { params: { picking_id: pickingId }, entries: [], result: null });
        await this.load();
    }

    async onChooseLocation(ev) {
        const locationId = parseInt(ev.target.value) || false;
        Object.assign(this.state, {
            params: { location_id: locationId, scanned: [] },
            entries: [],
            result: null,
            review: null,
        });
        await this.load();
    }

    onChooseReason(ev) {
        this.state.params.reason_id = parseInt(ev.target.value) || false;
    }

    onNote(ev) {
        this.state.params.note = ev.target.value;
    }

    async undoLast() {
        const entry = this.state.entries[0];
        if (!entry || this.state.busy || this.isLookup) {
            return;
        }
        this.state.busy = true;
        try {
            const result = await this.orm.call("serial.scanner", "undo", [
                this.state.mode,
                entry,
                this.state.params,
            ]);
            if (result.status !== "error") {
                this.state.entries.shift();
                if (SESSION_MODES.includes(this.state.mode)) {
                    this.state.params.scanned = (this.state.params.scanned || []).filter(
                        (id) => id !== entry.lot_id
                    );
                }
            }
            this.state.result = { ...result, code: entry.serial };
            if (result.document) {
                this.state.data.document = result.document;
            }
            this.playSound(result.status === "error" ? "error" : "success");
        } finally {
            this.state.busy = false;
        }
    }

    async validate() {
        const result = await this.orm.call("serial.scanner", "validate", [
            this.state.mode,
            this.state.params,
        ]);
        if (result.action) {
            this.state.result = result;
            await this.actionService.doAction(result.action, {
                onClose: () => this.afterValidation(),
            });
            return;
        }
        this.state.result = result;
        this.playSound(result.status === "error" ? "error" : "success");
        if (result.status !== "error") {
            if (result.params) {
                Object.assign(this.state.params, result.params);
            }
            this.state.entries = [];
            this.state.review = null;
            await this.load();
            if (result.location) {
                this.state.data.location = result.location;
            }
        }
    }

    async afterValidation() {
        this.state.params = {};
        this.state.entries = [];
        await this.load();
    }

    async review() {
        this.state.review = await this.orm.call("serial.scanner", "count_review", [
            this.state.params,
        ]);
    }

    async openSerial(lotId) {
        const action = await this.orm.call("serial.scanner", "action_open_serial", [lotId]);
        await this.actionService.doAction(action);
    }

    async printLabel(lotId) {
        const action = await this.orm.call("serial.scanner", "action_print_label", [lotId]);
        await this.actionService.doAction(action);
    }

    // --- display -------------------------------------------------------------------------

    /** Look up changes nothing: no count of scans, nothing to take back. */
    get isLookup() {
        return this.state.mode === "lookup";
    }

    get card() {
        return this.state.result?.card;
    }

    get counts() {
        const counts = {};
        for (const entry of this.state.entries) {
            counts[entry.label] = (counts[entry.label] || 0) + 1;
        }
        return Object.entries(counts);
    }

    get countFigures() {
        const location = this.state.data.location;
        if (!location) {
            return null;
        }
        const found = this.state.entries.filter((e) => e.outcome === "found").length;
        const unexpected = this.state.entries.filter((e) => e.outcome === "unexpected").length;
        return {
            expected: location.expected,
            found,
            missing: Math.max(location.expected - found, 0),
            unexpected,
        };
    }

    get statusClass() {
        const result = this.state.result;
        return result ? `bg-${result.colour} text-bg-${result.colour}` : "bg-light";
    }

    get placeholder() {
        return {
            lookup: _t("Scan a serial, a GS1 label or a product barcode"),
            receive: _t("Scan the receipt, then each unit"),
            pick: _t("Scan the delivery, then each unit"),
            quarantine: _t("Choose a reason, then scan the units"),
            release: _t("Choose a reason, then scan the units"),
            count: _t("Scan the location, then every unit there"),
        }[this.state.mode];
    }
}

registry.category("actions").add("serial_tracking.scanner", SerialScanner);
