import { registry } from "@web/core/registry";

// On a receipt waiting for 5 serial-tracked units: generate their serials from the
// product's numbering rule, see them as one range on the move, and validate.
registry.category("web_tour.tours").add("serial_numbering_generate_receive", {
    steps: () => [
        {
            content: "Open the serial generation of the receipt's move",
            trigger:
                ".o_field_widget[name='move_ids'] .o_data_row:contains('Tour Phone') button[name='action_open_serial_generate_wizard']",
            run: "click",
        },
        {
            content: "The wizard proposes the rule's next numbers for the 5 units",
            trigger:
                ".modal .o_field_widget[name='preview']:contains('TOUR-00001'):contains('(5 serials)')",
        },
        {
            content: "Create the serials and their lines",
            trigger: ".modal footer button[name='action_apply']",
            run: "click",
        },
        {
            content: "The move shows its serials as one range",
            trigger:
                "body:not(:has(.modal)) .o_data_row td[name='serial_ranges']:contains('TOUR-00001–TOUR-00005 (5 serials)')",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_form_view .o_statusbar_buttons button[name='button_validate']",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});
