{
    "name": "Serial Tracking - Helpdesk",
    "summary": "Serial-aware helpdesk tickets: warranty verdicts, returns, repairs and "
    "recall tickets",
    "version": "19.0.1.1.0",
    "category": "Supply Chain/Serial Tracking",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "Serial Tracking Authors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["serial-tracking"],
    "depends": ["serial_tracking", "helpdesk_mgmt"],
    "data": [
        "security/ir.model.access.csv",
        "wizards/serial_ticket_override_wizard_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_portal_templates.xml",
        "views/stock_lot_views.xml",
        "views/stock_picking_views.xml",
        "views/serial_recall_views.xml",
        "views/serial_eligibility_check_views.xml",
    ],
    "demo": [
        "demo/serial_tracking_helpdesk_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "serial_tracking_helpdesk/static/src/fields/*.js",
        ],
        "web.assets_tests": [
            "serial_tracking_helpdesk/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "auto_install": True,
    "application": False,
}
