from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.demo_common import DemoDataCase


@tagged("post_install", "-at_install")
class TestMrpDemoData(DemoDataCase):
    """The manufacturing demo: a real order built two units, each with its own
    components, and the next order waits with its components reserved."""

    demo_modules = ("serial_tracking", "serial_tracking_mrp")

    def test_a_manufactured_unit_and_its_components(self):
        units = self._lots("T8")
        self.assertEqual(len(units), 2)
        production = self.env["mrp.production"].search([("lot_producing_ids", "in", units.ids)])
        self.assertEqual(production.state, "done")
        self.assertEqual(production.lot_producing_ids, units)
        for unit in units:
            inside = unit._serial_ancestors()
            self.assertEqual(sorted(inside.mapped("product_id.default_code")), ["DM8", "MB7"])
            self.assertEqual(set(inside.mapped("lifecycle_state")), {"consumed"})
            links = self.env["serial.genealogy"].search([("child_lot_id", "=", unit.id)])
            self.assertEqual(set(links.mapped("document_ref")), {production.name})
        self.assertEqual(set(units.mapped("lifecycle_state")), {"shipped", "in_stock"})

    def test_moves_belong_to_their_picking_or_order(self):
        lots = self._lots("T8", "MB7", "DM8")
        lines = self.assertLinesOnTheirPickings(lots)
        others = lines.filtered(lambda line: not line.picking_id)
        self.assertTrue(others)
        self.assertFalse(
            others.filtered(
                lambda line: (
                    not (line.move_id.production_id or line.move_id.raw_material_production_id)
                )
            )
        )

    def test_the_next_order_waits_for_the_operator(self):
        planned = self.env["mrp.production"].search(
            [("product_id.default_code", "=", "T8"), ("state", "=", "confirmed")]
        )
        self.assertEqual(len(planned), 1)
        self.assertEqual(set(planned.move_raw_ids.mapped("state")), {"assigned"})
