import { registry } from "@web/core/registry";

// Opens Inventory > Serial Tracking > Serials and checks that serials show with their
// lifecycle state badge.
registry.category("web_tour.tours").add("serial_tracking_list_serials", {
    url: "/odoo/action-serial_tracking.action_serial_lot",
    steps: () => [
        {
            content: "The serial list shows the serial created by the test",
            trigger: ".o_data_row td[name='name']:contains('TOUR-SN-0001')",
        },
        {
            content: "Its lifecycle state badge says it is in stock",
            trigger:
                ".o_data_row:contains('TOUR-SN-0001') td[name='lifecycle_state']:contains('In Stock')",
        },
        {
            content: "Open the serial",
            trigger: ".o_data_row td[name='name']:contains('TOUR-SN-0001')",
            run: "click",
        },
        {
            content: "The form shows its history with the receipt event",
            trigger:
                ".o_form_view .o_field_widget[name='event_ids'] .o_data_row:contains('Received')",
        },
    ],
});
