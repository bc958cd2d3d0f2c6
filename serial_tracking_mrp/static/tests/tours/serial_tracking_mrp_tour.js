import { registry } from "@web/core/registry";

// On a manufacturing order building SRV-1 and SRV-2 from MB-1..MB-4 (pre-filled matrix:
// MB-1, MB-2 in SRV-1; MB-3, MB-4 in SRV-2), swap MB-1 and MB-3 by typing serials into
// the scan field, check the assignment check along the way, and produce.
const SCAN = ".o_field_widget[name='serial_scan'] input";
const ROWS = ".o_field_widget[name='serial_assignment_ids'] .o_data_row";
const STATUS = ".o_field_widget[name='serial_assignment_status']";

registry.category("web_tour.tours").add("serial_tracking_mrp_assign_components", {
    steps: () => [
        {
            content: "Open the Components per Unit tab",
            trigger: ".o_notebook .nav-link:contains('Components per Unit')",
            run: "click",
        },
        {
            content: "The matrix is pre-filled: MB-1 goes into SRV-1",
            trigger: `${ROWS}:contains('MB-1'):contains('SRV-1')`,
        },
        {
            content: "Scan the second unit",
            trigger: SCAN,
            run: "edit SRV-2 && press Enter",
        },
        {
            content: "It becomes the unit being assigned",
            trigger: ".o_field_widget[name='serial_scan_unit_id'] input:value('SRV-2')",
        },
        {
            content: "Scan MB-1 into it",
            trigger: SCAN,
            run: "edit MB-1 && press Enter",
        },
        {
            content: "MB-1 now goes into SRV-2",
            trigger: `${ROWS}:contains('MB-1'):contains('SRV-2')`,
        },
        {
            content: "The check names the unit that now lacks a mainboard",
            trigger: `${STATUS}:contains('SRV-1 has 1 of the 2 Mainboard it needs')`,
        },
        {
            content: "Scan the first unit",
            trigger: SCAN,
            run: "edit SRV-1 && press Enter",
        },
        {
            content: "It becomes the unit being assigned",
            trigger: ".o_field_widget[name='serial_scan_unit_id'] input:value('SRV-1')",
        },
        {
            content: "Type MB-3 into it",
            trigger: SCAN,
            run: "edit MB-3 && press Enter",
        },
        {
            content: "Every component is assigned",
            trigger: `${STATUS}:contains('Every consumed component is in a finished unit')`,
        },
        {
            content: "Produce",
            trigger: ".o_statusbar_buttons button[name='button_mark_done']:visible",
            run: "click",
        },
        {
            content: "The order is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});
