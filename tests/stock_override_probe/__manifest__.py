{
    "name": "Stock Override Probe (tests only)",
    "summary": "A stand-in for a third-party stock module: it counts the serials and "
    "move lines that reach its overrides of Odoo's methods.",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "Serial Tracking Authors",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "maintainers": ["serial-tracking"],
    "development_status": "Beta",
    "depends": ["stock"],
    "installable": True,
}
