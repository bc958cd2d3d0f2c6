from odoo.tests import Form, tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCase

from .common import RepairMixin


@tagged("post_install", "-at_install")
class TestRepairRemovedPart(RepairMixin, SerialTrackingCase):
    """A part a repair takes out of the unit goes to Odoo's removed-parts location (an
    inventory-loss location): it is scrapped, no longer consumed."""

    def _repair(self, unit, lines):
        """A repair order made in its form with ``(line type, part serial)`` lines,
        confirmed and started with its buttons, the serials set on the part lines."""
        form = Form(
            self.env["repair.order"].with_context(default_picking_type_id=self.repair_type.id)
        )
        form.product_id = unit.product_id
        form.lot_id = unit
        form.partner_id = self.customer
        for line_type, _lot in lines:
            with form.move_ids.new() as line:
                line.repair_line_type = line_type
                line.product_id = self.part
                line.product_uom_qty = 1.0
        repair = form.save()
        self.assertIs(repair.action_validate(), True)
        repair.action_repair_start()
        for move, (line_type, lot) in zip(repair.move_ids.sorted("id"), lines, strict=True):
            self.assertEqual(move.repair_line_type, line_type)
            self._use_lots(move, lot)
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        return repair

    def test_removed_part_is_scrapped(self):
        _receipt, unit = self._receive(["LT-RM1"])
        _receipt, parts = self._receive(["BAT-OLD", "BAT-NEW"], product=self.part)
        new, old = parts.sorted("name")
        self._repair(unit, [("add", old)])
        self.assertEqual(old.lifecycle_state, "consumed")

        swap = self._repair(unit, [("remove", old), ("add", new)])

        removed_to = swap.parts_location_id
        self.assertEqual(removed_to.usage, "inventory", "Odoo's default for removed parts")
        event = self.assertLastEvent(old, "scrapped", "scrapped")
        self.assertEqual(event.from_state, "consumed")
        self.assertEqual(event.document_ref, swap.name)
        self.assertEqual(event.location_dest_id, removed_to)
        self.assertEqual(new.lifecycle_state, "consumed")
        self.assertEqual(unit.lifecycle_state, "in_stock")
