{
    "name": "Serial Tracking - Repair",
    "summary": "Warranty-aware repair orders: verdict, repair state, clock pause, part swaps",
    "version": "19.0.1.1.0",
    "category": "Supply Chain/Serial Tracking",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "Serial Tracking Authors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["serial-tracking"],
    "depends": ["serial_tracking", "repair"],
    "data": [
        "security/ir.model.access.csv",
        "wizards/serial_repair_warranty_wizard_views.xml",
        "views/repair_order_views.xml",
    ],
    "demo": [
        "demo/serial_tracking_repair_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
