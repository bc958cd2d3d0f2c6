{
    "name": "Serial Tracking - Invoicing",
    "summary": "Warranty coverages that start on the invoice date of the sale that "
    "delivered the serial",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Serial Tracking",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "Serial Tracking Authors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["serial-tracking"],
    # the invoice reaches the serials through the sale order lines it bills and their
    # deliveries: sale_stock (which brings sale and account)
    "depends": ["serial_tracking", "sale_stock", "account"],
    "data": [],
    "demo": [
        "demo/serial_tracking_account_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
    "application": False,
}
