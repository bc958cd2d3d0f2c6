import { registry } from "@web/core/registry";

// On a delivered car's form: the genealogy tree shows its components at every depth and
// where the car is; the Traceability button opens the report on screen.
const TREE = ".o_field_widget[name='serial_genealogy_html']";

registry.category("web_tour.tours").add("serial_tracking_traceability", {
    steps: () => [
        {
            content: "The tree nests cells in modules in the pack of the car",
            trigger: `${TREE} li[data-serial='PACK-1'] li[data-serial='MODULE-2'] li[data-serial='CELL-3']`,
        },
        {
            content: "The car is with its customer",
            trigger: `${TREE} .o_serial_genealogy_root:contains('Customer Inc')`,
        },
        {
            content: "Open the traceability report",
            trigger: "button[name='action_serial_traceability']",
            run: "click",
        },
        {
            content: "The report lists the delivery to the customer",
            trigger: ":iframe .o_serial_traceability_deliveries:contains('Customer Inc')",
        },
        {
            content: "and the receipts from the vendor",
            trigger: ":iframe .o_serial_traceability_receipts:contains('Vendor Ltd')",
        },
    ],
});
