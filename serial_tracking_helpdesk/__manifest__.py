{
    "name": "Serial Tracking - Helpdesk",
    "summary": "Link helpdesk tickets to the serial number of the unit they are about",
    "version": "19.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "Serial Tracking Authors",
    "license": "LGPL-3",
    "depends": ["serial_tracking", "helpdesk_mgmt"],
    "data": [
        "views/helpdesk_ticket_views.xml",
        "views/stock_lot_views.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
