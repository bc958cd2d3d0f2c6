{
    "name": "Serial Tracking - Manufacturing",
    "summary": "Per-unit genealogy from manufacturing orders: which component is in which unit",
    "version": "19.0.1.2.0",
    "category": "Supply Chain/Serial Tracking",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "Serial Tracking Authors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["serial-tracking"],
    "depends": ["serial_tracking", "mrp"],
    "data": [
        "security/ir.model.access.csv",
        "security/serial_tracking_mrp_rules.xml",
        "views/mrp_production_views.xml",
        "wizards/serial_generate_wizard_views.xml",
        "views/serial_label_actions.xml",
    ],
    "demo": [
        "demo/serial_tracking_mrp_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "serial_tracking_mrp/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "auto_install": True,
    "application": False,
}
