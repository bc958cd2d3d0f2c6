import { registry } from "@web/core/registry";

// From a shipped serial: check whether it may come back, then return it through Odoo's
// return wizard and validate the return.
registry.category("web_tour.tours").add("serial_tracking_warranty_check_and_return", {
    url: "/odoo/action-serial_tracking.action_serial_lot",
    steps: () => [
        {
            content: "The serial shows its warranty in the list",
            trigger:
                ".o_data_row:contains('TOUR-WAR-001') td[name='warranty_state']:contains('Active')",
        },
        {
            content: "Open the serial",
            trigger: ".o_data_row td[name='name']:contains('TOUR-WAR-001')",
            run: "click",
        },
        {
            content: "Ask whether it may come back",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Check Eligibility')",
            run: "click",
        },
        {
            content: "The customer who holds it is proposed",
            trigger: ".modal .o_field_widget[name='partner_id'] input:value(Customer Inc)",
        },
        {
            content: "Check it for a return",
            trigger: ".modal footer button[name='action_check']",
            run: "click",
        },
        {
            content: "The verdict is eligible, with its reason",
            trigger: ".o_form_view .o_field_widget[name='verdict']:contains('Eligible')",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name='reasons_html']:contains('can be returned until')",
        },
        {
            content: "Return it",
            trigger: ".o_form_view button[name='action_open_return']",
            run: "click",
        },
        {
            content: "The return wizard has the serial chosen",
            trigger: ".modal .o_field_widget[name='serial_lot_ids']:contains('TOUR-WAR-001')",
        },
        {
            trigger: ".modal footer button[name='action_create_returns']",
            run: "click",
        },
        {
            content: "Validate the return",
            trigger: ".o_form_view .o_statusbar_buttons button[name='button_validate']",
            run: "click",
        },
        {
            content: "The return is done",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
