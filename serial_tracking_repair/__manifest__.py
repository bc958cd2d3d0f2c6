{
    "name": "Serial Tracking - Repair",
    "summary": "Serial lifecycle through repair orders: parts consumed, repaired units kept",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "Serial Tracking Authors",
    "license": "LGPL-3",
    "depends": ["serial_tracking", "repair"],
    "data": [],
    "installable": True,
    "auto_install": True,
    "application": False,
}
