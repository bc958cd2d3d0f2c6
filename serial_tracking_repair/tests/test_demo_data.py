from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.demo_common import DemoDataCase


@tagged("post_install", "-at_install")
class TestRepairDemoData(DemoDataCase):
    """The repair demo: units returned through Odoo's return dialog, a battery swapped
    over two repairs under warranty, and a unit in repair with its clock paused."""

    demo_modules = ("serial_tracking", "serial_tracking_repair")

    def test_a_part_swap_in_the_genealogy(self):
        swap = self.env["repair.order"].search(
            [
                ("product_id", "=", self.laptop.id),
                ("state", "=", "done"),
                ("move_ids.repair_line_type", "=", "remove"),
            ]
        )
        self.assertEqual(len(swap), 1)
        unit = swap.lot_id
        removed = swap.move_ids.filtered(
            lambda move: move.repair_line_type == "remove"
        ).move_line_ids.lot_id
        added = swap.move_ids.filtered(
            lambda move: move.repair_line_type == "add"
        ).move_line_ids.lot_id
        self.assertEqual(unit._serial_ancestors(), added)
        links = self.env["serial.genealogy"].search([("child_lot_id", "=", unit.id)], order="id")
        self.assertEqual(
            links.mapped(lambda link: (link.parent_lot_id, link.link_type)),
            [(removed, "installed"), (removed, "removed"), (added, "installed")],
        )
        self.assertTrue(swap.under_warranty)
        self.assertEqual(swap.serial_verdict, "eligible")

    def test_a_repair_under_warranty_in_progress(self):
        repair = self.env["repair.order"].search(
            [("product_id", "=", self.laptop.id), ("state", "=", "under_repair")]
        )
        self.assertEqual(len(repair), 1)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.lot_id.lifecycle_state, "in_repair")
        paused = repair.lot_id.warranty_ids.filtered("pause_start")
        self.assertTrue(paused, "the coverage's clock stops while the unit is in repair")

    def test_units_came_back_through_the_return_dialog(self):
        units = self.env["repair.order"].search([("product_id", "=", self.laptop.id)]).lot_id
        self.assertEqual(len(units), 2)
        returned = self.env["serial.event"].search(
            [("lot_id", "in", units.ids), ("event_type", "=", "returned")]
        )
        self.assertEqual(returned.lot_id, units)
        self.assertTrue(all(event.picking_id.return_id for event in returned))
        self.assertLinesOnTheirPickings(units | self._lots("BP14"))
