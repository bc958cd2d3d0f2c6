import { registry } from "@web/core/registry";

const URL = "/odoo/action-serial_tracking.action_serial_scanner";

/** Type a code into the scanner's input, send it, and wait for the answer. */
function scan(code, status, expected) {
    return [
        {
            content: `Type ${code}`,
            trigger: ".o_serial_scanner_input",
            run: `edit ${code}`,
        },
        {
            content: `Send ${code}`,
            trigger: ".o_serial_scanner_submit:not([disabled])",
            run: "click",
        },
        {
            content: `The answer to ${code} is ${status}: ${expected}`,
            trigger: `.o_serial_scanner_status[data-status='${status}'] .o_serial_scanner_message:contains("${expected}")`,
        },
    ];
}

function chooseMode(mode) {
    return [
        {
            content: `Switch to ${mode}`,
            trigger: `.o_serial_scanner_mode[data-mode='${mode}']`,
            run: "click",
        },
        {
            content: `${mode} is the current mode`,
            trigger: `.o_serial_scanner_mode_current[data-mode='${mode}']`,
        },
    ];
}

registry.category("web_tour.tours").add("serial_scanner_lookup", {
    url: URL,
    steps: () => [
        {
            content: "The scanner opens in look-up mode",
            trigger: ".o_serial_scanner_mode_current[data-mode='lookup']",
        },
        ...scan("TOUR-SC-L1", "ok", "TOUR-SC-L1: In Stock"),
        {
            content: "The card shows the product and state",
            trigger: ".o_serial_scanner_card .o_card_product:contains('Scanner Tour Laptop')",
        },
        {
            content: "The card shows the location",
            trigger: ".o_serial_scanner_card .o_card_location:contains('WH/Stock')",
        },
        {
            content: "The card lists the receipt event",
            trigger: ".o_serial_scanner_card .o_card_events:contains('Received')",
        },
        {
            content: "The card shows what the unit is built into",
            trigger: ".o_serial_scanner_card .o_card_parent:contains('TOUR-SC-L2')",
        },
        {
            content: "A keyboard-wedge scanner sends TOUR-SC-L2 then Enter, outside any field",
            trigger: ".o_serial_scanner_card",
            run() {
                document.activeElement?.blur();
                for (const key of [..."TOUR-SC-L2", "Enter"]) {
                    document.body.dispatchEvent(
                        new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true })
                    );
                }
            },
        },
        {
            content: "The wedge scan is answered like a typed one",
            trigger:
                ".o_serial_scanner_status[data-status='ok'] .o_serial_scanner_message:contains('TOUR-SC-L2: In Stock')",
        },
        ...scan("TOUR-SC-L1", "ok", "TOUR-SC-L1: In Stock"),
        {
            content: "A unit looked up again is listed once, latest first",
            trigger:
                ".o_serial_scanner_list:not(:has(tr:nth-child(3))) tr:first-child .o_entry_serial:contains('TOUR-SC-L1')",
        },
        {
            content: "Look up counts nothing and offers nothing to take back",
            trigger:
                ".o_serial_scanner_counts:not(:has(.o_serial_scanner_undo)):not(:has(.o_serial_scanner_scanned))",
        },
        ...scan("TOUR-SC-NONE", "error", "TOUR-SC-NONE is not a known serial"),
        {
            content: "The refused scan is counted",
            trigger: ".o_serial_scanner_refused:contains('1')",
        },
    ],
});

registry.category("web_tour.tours").add("serial_scanner_receive", {
    url: URL,
    steps: () => [
        ...chooseMode("receive"),
        ...scan("TOUR/IN/SCAN", "info", "TOUR/IN/SCAN: scan the units"),
        ...scan("356938030000013", "ok", "356938030000013 received"),
        ...scan("356938030000021", "ok", "356938030000021 received"),
        // the same unit scanned twice: calm, counted once, not refused
        ...scan("356938030000021", "info", "356938030000021 was already scanned"),
        ...scan("356938030000038", "error", "check character should be 9"),
        ...scan("356938030000039", "ok", "356938030000039 received"),
        ...scan("356938030000047", "ok", "356938030000047 received"),
        ...scan("356938030000054", "ok", "356938030000054 received"),
        {
            content: "Five of five are received",
            trigger: ".o_serial_scanner_progress:contains('5 / 5')",
        },
        {
            content: "One scan was refused, five are listed",
            trigger:
                ".o_serial_scanner_counts:has(.o_serial_scanner_refused:contains('1')):has(.o_serial_scanner_scanned:contains('5'))",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_serial_scanner_validate",
            run: "click",
        },
        {
            content: "The receipt is validated",
            trigger:
                ".o_serial_scanner_status[data-status='ok']:contains('TOUR/IN/SCAN validated')",
        },
    ],
});

registry.category("web_tour.tours").add("serial_scanner_pick", {
    url: URL,
    steps: () => [
        ...chooseMode("pick"),
        ...scan("TOUR/OUT/SCAN", "info", "TOUR/OUT/SCAN: scan the units"),
        ...scan("TOUR-SC-P9", "error", "is quarantined"),
        ...scan("TOUR-SC-P2", "ok", "TOUR-SC-P2 picked"),
        ...scan("TOUR-SC-P3", "ok", "TOUR-SC-P3 picked"),
        {
            content: "Two of two are picked",
            trigger: ".o_serial_scanner_progress:contains('2 / 2')",
        },
        {
            content: "Undo the last scan",
            trigger: ".o_serial_scanner_undo",
            run: "click",
        },
        {
            content: "One of two is picked again",
            trigger: ".o_serial_scanner_progress:contains('1 / 2')",
        },
        ...scan("TOUR-SC-P1", "ok", "TOUR-SC-P1 picked"),
        {
            content: "Validate the delivery",
            trigger: ".o_serial_scanner_validate",
            run: "click",
        },
        {
            content: "The delivery is validated",
            trigger:
                ".o_serial_scanner_status[data-status='ok']:contains('TOUR/OUT/SCAN validated')",
        },
    ],
});

registry.category("web_tour.tours").add("serial_scanner_count", {
    url: URL,
    steps: () => [
        ...chooseMode("count"),
        ...scan("TOUR-SC-LOC", "info", "scan every unit there"),
        {
            content: "Three units are expected",
            trigger: ".o_count_expected:contains('3')",
        },
        ...scan("TOUR-SC-C1", "ok", "TOUR-SC-C1 found"),
        ...scan("TOUR-SC-C2", "ok", "TOUR-SC-C2 found"),
        ...scan("TOUR-SC-C4", "warning", "TOUR-SC-C4 is not expected here"),
        {
            content: "Found 2, missing 1, unexpected 1",
            trigger:
                ".o_serial_scanner_count_figures:has(.o_count_found:contains('2')):has(.o_count_missing:contains('1')):has(.o_count_unexpected:contains('1'))",
        },
        {
            content: "Review the count",
            trigger: ".o_serial_scanner_review",
            run: "click",
        },
        {
            content: "The missing unit is listed",
            trigger: ".o_review_missing:contains('TOUR-SC-C3')",
        },
        {
            content: "The unexpected unit is listed",
            trigger: ".o_review_unexpected:contains('TOUR-SC-C4')",
        },
        {
            content: "Apply the count",
            trigger: ".o_serial_scanner_apply",
            run: "click",
        },
        {
            content: "The count is applied",
            trigger: ".o_serial_scanner_status[data-status='ok']:contains('1 missing written off')",
        },
    ],
});
