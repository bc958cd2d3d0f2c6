from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestQuarantineReservation(SerialTrackingCase):
    """A location ticked "Quarantine Location" inside the stock location: Odoo's own
    reservation (``action_assign`` of a delivery) does not take its units."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {
                "name": "Inspection",
                "location_id": cls.stock.id,
                "usage": "internal",
            }
        )

    def _move_to(self, lots, destination, source=None):
        picking = self._picking(self.warehouse.int_type_id, source or self.stock, destination)
        self._add_move(picking, lots.product_id, [{"lot_id": lot.id} for lot in lots])
        return self._validate(picking)

    def _order(self, quantity, product=None):
        """A delivery of ``quantity`` units with no serial named, confirmed as a sale
        makes it."""
        picking = super()._order(quantity, product)
        picking.action_confirm()
        return picking

    def test_units_in_a_quarantine_location_inside_stock_are_not_reserved(self):
        _receipt, lots = self._receive(["QR-1", "QR-2", "QR-3"])
        good, suspect, _other = lots.sorted("name")
        self._move_to(suspect, self.shelf)
        # the location is ticked afterwards, as a user does in the form
        self.shelf.with_user(self.stock_manager).serial_quarantine = True
        delivery = self._order(3)
        delivery.with_user(self.stock_user).action_assign()
        reserved = delivery.move_ids.move_line_ids.lot_id
        self.assertEqual(len(reserved), 2)
        self.assertNotIn(suspect, reserved)
        self.assertIn(good, reserved)
        self.assertEqual(delivery.move_ids.quantity, 2)
        self.assertEqual(delivery.move_ids.state, "partially_available")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.product, self.stock),
            0,
            "the quarantined unit is not available either",
        )

    def test_the_quarantined_unit_is_reserved_once_released(self):
        _receipt, lots = self._receive(["QR-4"])
        self.shelf.serial_quarantine = True
        self._move_to(lots, self.shelf)
        self.assertEqual(lots.lifecycle_state, "quarantined")
        delivery = self._order(1)
        delivery.action_assign()
        self.assertFalse(delivery.move_ids.move_line_ids)
        self.assertEqual(delivery.state, "confirmed")
        # asking the quarantine location itself still finds it (moving it out)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(self.product, self.shelf), 1
        )
        # released: moved back out of quarantine, it is reserved as any unit (Odoo
        # retries the waiting delivery when the transfer is done)
        self._move_to(lots, self.stock, source=self.shelf)
        delivery.action_assign()
        self.assertEqual(lots.lifecycle_state, "allocated")
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, lots)
        self.assertEqual(delivery.state, "assigned")

    def test_warehouse_quarantine_location_is_not_reserved(self):
        _receipt, lots = self._receive(["QR-5"])
        self._move_to(lots, self.quarantine)
        delivery = self._order(1)
        delivery.action_assign()
        self.assertFalse(delivery.move_ids.move_line_ids)
        # a delivery from the whole warehouse does not take it either
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.product, self.warehouse.view_location_id
            ),
            0,
        )
