import { registry } from "@web/core/registry";

// A quality manager creates a recall for a range of serials, simulates it, reads where
// the units are, activates it and sees the in-stock units quarantined.
registry.category("web_tour.tours").add("serial_tracking_recall_campaign", {
    url: "/odoo/action-serial_tracking.action_serial_recall",
    steps: () => [
        {
            content: "Create a recall",
            trigger: ".o_control_panel button.o_list_button_add",
            run: "click",
        },
        {
            content: "An unsaved recall is called New, not '/'",
            trigger: ".o_form_view .oe_title .o_field_widget[name='name']:contains('New')",
        },
        {
            content: "The next step is said",
            trigger: ".o_form_view div[name='next_step']:contains('press Simulate')",
        },
        {
            content: "Say why",
            trigger: ".o_form_view .o_field_widget[name='reason'] textarea",
            run: "edit Supplier reports a faulty capacitor",
        },
        {
            content: "Name the affected serials by range",
            trigger: ".o_form_view .o_field_widget[name='serial_ranges'] textarea",
            run: "edit TRC0001-TRC0005",
        },
        {
            content: "Simulate",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_simulate']",
            run: "click",
        },
        {
            content: "The simulation found the units in stock",
            trigger: ".o_form_view .o_field_widget[name='in_stock_count']:contains('3')",
        },
        {
            content: "... and the units at the customer",
            trigger: ".o_form_view .o_field_widget[name='customer_unit_count']:contains('2')",
        },
        {
            content: "The affected units are listed",
            trigger: ".o_form_view .o_notebook a:contains('Affected Units')",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name='unit_ids'] .o_data_row:contains('TRC0004'):contains('Tour Customer')",
        },
        {
            content: "Activate",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_activate']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The recall is active",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Active')",
        },
        {
            content: "Nothing is left in stock outside quarantine",
            trigger: ".o_form_view .o_field_widget[name='outside_quarantine_count']:contains('0')",
        },
        {
            content: "Three units are quarantined",
            trigger: ".o_form_view .oe_stat_button[name='action_open_transfers']:contains('3')",
        },
        {
            content: "The dashboard follows them: none in stock any more ...",
            trigger: ".o_form_view .o_field_widget[name='in_stock_count']:contains('0')",
        },
        {
            content: "... three in quarantine",
            trigger: ".o_form_view .o_field_widget[name='in_quarantine_count']:contains('3')",
        },
        {
            content: "... and the two units at the e-mailed customer are notified",
            trigger: ".o_form_view .o_field_widget[name='notified_count']:contains('2')",
        },
        {
            content: "... and says what comes next",
            trigger: ".o_form_view div[name='next_step']:contains('3 unit(s) wait in quarantine')",
        },
    ],
});
