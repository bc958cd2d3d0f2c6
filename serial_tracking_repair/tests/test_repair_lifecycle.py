from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCase

from .common import RepairMixin


@tagged("post_install", "-at_install")
class TestRepairLifecycle(RepairMixin, SerialTrackingCase):
    """A repair consumes the serial-tracked parts it adds and puts the repaired unit in
    repair from confirmation to the end."""

    def _repair(self, unit):
        repair = self.env["repair.order"].create(
            {
                "product_id": unit.product_id.id,
                "lot_id": unit.id,
                "partner_id": self.customer.id,
                "picking_type_id": self.repair_type.id,
                "move_ids": [
                    Command.create(
                        {
                            "repair_line_type": "add",
                            "product_id": self.part.id,
                            "product_uom_qty": 1.0,
                        }
                    )
                ],
            }
        )
        self.assertEqual(repair.lot_id, unit)
        self.assertIs(repair.action_validate(), True, "the unit is in stock: no warning")
        repair.action_repair_start()
        self.assertEqual(repair.state, "under_repair")
        return repair

    def test_repair_consumes_the_added_part(self):
        unit = self._returned_unit("LT-R1")
        unit_events = self._events(unit)
        _receipt, parts = self._receive(["BAT-1", "BAT-2"], product=self.part)
        used, spare = parts.sorted("name")
        repair = self._repair(unit)
        self._use_part(repair, used)

        repair.action_repair_end()

        self.assertEqual(repair.state, "done")
        event = self.assertLastEvent(used, "consumed", "consumed")
        self.assertEqual(event.from_state, "in_stock")
        self.assertEqual(event.document_ref, repair.name)
        self.assertEqual(event.location_id, repair.location_id)
        self.assertEqual(event.location_dest_id.usage, "production")
        self.assertLastEvent(spare, "received", "in_stock")
        # The repaired unit goes through Odoo's own stock -> stock move; its lifecycle
        # goes in_repair at confirmation and back in stock at the end.
        self.assertEqual(repair.move_id.move_line_ids.lot_id, unit)
        self.assertEqual(repair.move_id.state, "done")
        new_events = self._events(unit) - unit_events
        self.assertEqual(
            new_events.filtered(lambda e: e.from_state != e.to_state).mapped(
                lambda e: (e.event_type, e.from_state, e.to_state)
            ),
            [("in_repair", "returned", "in_repair"), ("repaired", "in_repair", "in_stock")],
        )
        self.assertEqual(set(new_events.mapped("document_ref")), {repair.name})
        self.assertEqual(unit.lifecycle_state, "in_stock")
        self.assertFalse(unit.current_partner_id)

    def test_repair_with_a_shipped_part_is_refused(self):
        unit = self._returned_unit("LT-R2")
        _receipt, part = self._receive(["BAT-S1"], product=self.part)
        self._deliver(part)
        part_events = len(self._events(part))
        repair = self._repair(unit)
        unit_events = len(self._events(unit))
        self._use_part(repair, part)

        with self.assertRaises(UserError) as caught:
            repair.action_repair_end()

        message = str(caught.exception)
        self.assertIn("BAT-S1", message)
        self.assertIn("shipped", message)
        self.assertIn(repair.name, message)
        self.env.invalidate_all()
        self.assertEqual(repair.state, "under_repair")
        self.assertEqual(part.lifecycle_state, "shipped")
        self.assertEqual(len(self._events(part)), part_events)
        self.assertEqual(unit.lifecycle_state, "in_repair")
        self.assertEqual(len(self._events(unit)), unit_events)
