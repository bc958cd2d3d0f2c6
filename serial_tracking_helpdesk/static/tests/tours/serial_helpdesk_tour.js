import { registry } from "@web/core/registry";

/** Type a scan the way a keyboard-wedge scanner does: fast keys on the page, then Enter. */
function scan(barcode) {
    for (const key of [...barcode, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    }
}

// Open a ticket, scan the unit's serial, check its eligibility and create the return.
registry.category("web_tour.tours").add("serial_helpdesk_scan_check_return", {
    steps: () => [
        {
            content: "The ticket is open, without a serial yet",
            trigger: ".o_form_view .o_field_widget[name='lot_id'] input:not(:value(TOUR-HD-0001))",
        },
        {
            content: "Scan the serial on the unit's label",
            trigger: ".o_form_view .o_field_widget[name='lot_id']",
            run() {
                scan("TOUR-HD-0001");
            },
        },
        {
            content: "The scan chose the serial",
            trigger: ".o_form_view .o_field_widget[name='lot_id'] input:value('TOUR-HD-0001')",
        },
        {
            content: "It brought the product",
            trigger:
                ".o_form_view .o_field_widget[name='product_id'] input:value('Tour Helpdesk Laptop')",
        },
        {
            content: "Check the eligibility for a return",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name='action_serial_check_eligibility']",
            run: "click",
        },
        {
            content: "The verdict is eligible",
            trigger: ".o_form_view .o_field_widget[name='serial_verdict']:contains('Eligible')",
        },
        {
            content: "Create the return",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_serial_create_return']",
            run: "click",
        },
        {
            content: "Odoo's return wizard opens with the serial chosen",
            trigger: ".modal .o_field_widget[name='serial_lot_ids']:contains('TOUR-HD-0001')",
        },
        {
            trigger: ".modal footer button[name='action_create_returns']",
            run: "click",
        },
        {
            content: "The return is open, linked to the ticket",
            trigger:
                ".o_form_view .o_field_widget[name='helpdesk_ticket_id']:contains('Tour: screen flickers')",
        },
    ],
});
