{
    "name": "Serial Tracking - Manufacturing",
    "summary": "Serial lifecycle through manufacturing orders: produced and consumed units",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Manufacturing",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "Serial Tracking Authors",
    "license": "LGPL-3",
    "depends": ["serial_tracking", "mrp"],
    "data": [],
    "installable": True,
    "auto_install": True,
    "application": False,
}
