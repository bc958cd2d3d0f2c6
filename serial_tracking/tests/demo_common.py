from odoo.modules.module import Manifest
from odoo.tests import TransactionCase
from odoo.tools import convert_file


class DemoDataCase(TransactionCase):
    """The demo data a new user meets, checked where it is.

    On a database installed with demo data the checks read it as it is; elsewhere (the
    test database) the demo files of ``demo_modules`` are loaded in the test
    transaction exactly as Odoo loads them when it installs with demo data, so the
    builder runs in the normal suite and nothing stays behind.
    """

    demo_modules = ("serial_tracking",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("serial_tracking.product_demo_laptop", raise_if_not_found=False):
            for module in cls.demo_modules:
                for filename in Manifest.for_addon(module)["demo"]:
                    convert_file(cls.env, module, filename, {}, mode="init", noupdate=True)
        cls.env.flush_all()
        cls.laptop = cls.env.ref("serial_tracking.product_demo_laptop")
        cls.phone = cls.env.ref("serial_tracking.product_demo_phone")
        cls.router = cls.env.ref("serial_tracking.product_demo_router")
        cls.supplier = cls.env.ref("serial_tracking.partner_demo_supplier")
        cls.customers = cls.env.ref("serial_tracking.partner_demo_customer_a") | cls.env.ref(
            "serial_tracking.partner_demo_customer_b"
        )

    def _lots(self, *codes):
        return self.env["stock.lot"].search(
            [("product_id.default_code", "in", codes)], order="name"
        )

    def assertLinesOnTheirPickings(self, lots):  # noqa: N802 - unittest style
        """Every line of a receipt, delivery or transfer of ``lots`` is on its picking,
        as the lines Odoo makes are (the demo once made lines without one)."""
        lines = self.env["stock.move.line"].search([("lot_id", "in", lots.ids)])
        transfers = lines.filtered(
            lambda line: line.move_id.picking_type_id.code in ("incoming", "outgoing", "internal")
        )
        self.assertTrue(transfers)
        loose = transfers.filtered(
            lambda line: not line.picking_id or line.picking_id != line.move_id.picking_id
        )
        self.assertFalse(
            loose,
            "lines without their picking: %s"
            % ", ".join(f"{line.reference} {line.lot_id.name or line.lot_name}" for line in loose),
        )
        return lines
