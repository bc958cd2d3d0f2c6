from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestLifecycleFlows(SerialTrackingCase):
    """Every row of the DESIGN.md table, through a real stock operation."""

    def test_new_serial_is_planned_without_event(self):
        lot = self.env["stock.lot"].create({"name": "PLAN-1", "product_id": self.product.id})
        self.assertEqual(lot.lifecycle_state, "planned")
        self.assertFalse(self._events(lot))

    def test_receipt_puts_serials_in_stock(self):
        picking, lots = self._receive(["RC-1", "RC-2"])
        self.assertEqual(len(lots), 2)
        for lot in lots:
            event = self.assertLastEvent(lot, "received", "in_stock")
            self.assertEqual(event.from_state, "planned")
            self.assertEqual(event.partner_id, self.vendor)
            self.assertEqual(event.document_ref, picking.name)
            self.assertEqual(event.location_dest_id, self.stock)
        self.assertEqual(len(self._events(lots)), 2, "exactly one event per done line")

    def test_reservation_allocates_and_unreservation_frees(self):
        _picking, lots = self._receive(["AL-1"])
        delivery = self._delivery(lots)
        event = self.assertLastEvent(lots, "allocated", "allocated")
        self.assertEqual(event.document_ref, delivery.name)
        delivery.do_unreserve()
        event = self.assertLastEvent(lots, "deallocated", "in_stock")
        self.assertEqual(event.document_ref, delivery.name)
        delivery.action_assign()
        self.assertLastEvent(lots, "allocated", "allocated")
        delivery.action_cancel()
        self.assertLastEvent(lots, "deallocated", "in_stock")

    def test_swapping_the_serial_on_a_delivery_line_frees_the_old_one(self):
        _picking, lots = self._receive(["SW-1", "SW-2"])
        first, second = lots.sorted("name")
        delivery = self._delivery(first)
        self.assertEqual(first.lifecycle_state, "allocated")
        delivery.move_line_ids.lot_id = second
        self.assertLastEvent(first, "deallocated", "in_stock")
        self.assertLastEvent(second, "allocated", "allocated")

    def test_delivery_ships_to_the_customer(self):
        _picking, lots = self._receive(["SH-1"])
        delivery = self._deliver(lots)
        event = self.assertLastEvent(lots, "shipped", "shipped")
        self.assertEqual(event.from_state, "allocated")
        self.assertEqual(event.partner_id, self.customer)
        self.assertEqual(event.document_ref, delivery.name)
        self.assertEqual(lots.current_partner_id, self.customer)

    def test_customer_return_through_the_return_wizard(self):
        _picking, lots = self._receive(["RT-1"])
        delivery = self._deliver(lots)
        return_picking = self._return(delivery, lots)
        event = self.assertLastEvent(lots, "returned", "returned")
        self.assertEqual(event.document_ref, return_picking.name)
        self.assertFalse(lots.current_partner_id)

    def test_internal_transfer_records_the_move_without_state_change(self):
        _picking, lots = self._receive(["IT-1"])
        shelf = self.env["stock.location"].create(
            {
                "name": "Shelf A",
                "usage": "internal",
                "location_id": self.stock.id,
            }
        )
        transfer = self._picking(self.warehouse.int_type_id, self.stock, shelf)
        self._add_move(transfer, self.product, [{"lot_id": lots.id}])
        self._validate(transfer)
        event = self.assertLastEvent(lots, "moved", "in_stock")
        self.assertEqual(event.location_dest_id, shelf)

    def test_quarantine_and_release_move_through_the_quarantine_location(self):
        self.assertTrue(self.quarantine.serial_quarantine)
        _picking, lots = self._receive(["QR-1", "QR-2"])
        self._transition(
            lots, "quarantine", self.stock_manager, self.reason_quarantine, note="Battery swelling"
        )
        for lot in lots:
            event = self.assertLastEvent(lot, "quarantined", "quarantined")
            self.assertEqual(event.reason_id, self.reason_quarantine)
            self.assertEqual(event.note, "Battery swelling")
            self.assertEqual(lot.location_id, self.quarantine)
        self._transition(lots, "release", self.stock_manager, self.reason_release)
        for lot in lots:
            self.assertLastEvent(lot, "released", "in_stock")
            self.assertEqual(lot.location_id, self.stock)

    def test_quarantined_units_are_never_reserved(self):
        _picking, lots = self._receive(["QN-1", "QN-2"])
        quarantined = lots.filtered(lambda lot: lot.name == "QN-1")
        self._transition(quarantined, "quarantine", self.stock_manager, self.reason_quarantine)
        delivery = self._order(2)
        delivery.action_confirm()
        delivery.action_assign()
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id.mapped("name"), ["QN-2"])
        self.assertEqual(quarantined.lifecycle_state, "quarantined")

    def test_scrap_order_scraps(self):
        _picking, lots = self._receive(["SC-1"])
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product.id,
                "lot_id": lots.id,
                "scrap_qty": 1,
                "location_id": self.stock.id,
            }
        )
        scrap.do_scrap()
        event = self.assertLastEvent(lots, "scrapped", "scrapped")
        self.assertEqual(event.document_ref, scrap.name)

    def test_inventory_adjustment_loses_and_finds_a_unit(self):
        _picking, lots = self._receive(["IA-1"])
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", lots.id), ("location_id", "=", self.stock.id)]
        )
        quant.inventory_quantity = 0
        quant.action_apply_inventory()
        self.assertLastEvent(lots, "scrapped", "scrapped")
        self.env["stock.quant"].create(
            {
                "product_id": self.product.id,
                "lot_id": lots.id,
                "location_id": self.stock.id,
                "inventory_quantity": 1,
            }
        ).action_apply_inventory()
        self.assertLastEvent(lots, "found", "in_stock")

    def test_return_to_vendor(self):
        receipt, lots = self._receive(["RV-1"])
        return_picking = self._return(receipt, lots)
        event = self.assertLastEvent(lots, "returned_to_vendor", "returned_to_vendor")
        self.assertEqual(event.document_ref, return_picking.name)
        self.assertEqual(lots.current_partner_id, self.vendor)

    def test_consumption_and_production_through_the_production_location(self):
        _picking, lots = self._receive(["PC-1"])
        self._loose_move(lots, self.stock, self.production_location)._action_done()
        self.assertLastEvent(lots, "consumed", "consumed")
        produced = self.env["stock.lot"].create({"name": "PC-FG-1", "product_id": self.product.id})
        self._loose_move(produced, self.production_location, self.stock)._action_done()
        self.assertLastEvent(produced, "produced", "in_stock")

    def test_new_warehouse_gets_a_quarantine_location(self):
        warehouse = self.env["stock.warehouse"].create({"name": "East", "code": "EST"})
        self.assertTrue(warehouse.quarantine_location_id.serial_quarantine)
        self.assertEqual(warehouse.quarantine_location_id.location_id, warehouse.view_location_id)
        # Outside the stock location, so deliveries from stock never reserve in it.
        self.assertFalse(
            warehouse.quarantine_location_id.parent_path.startswith(
                warehouse.lot_stock_id.parent_path
            )
        )

    def test_lots_of_lot_tracked_products_have_no_lifecycle(self):
        product = self._tracked_product("Screws", tracking="lot")
        lot = self.env["stock.lot"].create({"name": "BATCH-1", "product_id": product.id})
        self.assertFalse(lot.lifecycle_state)

    def test_a_batch_with_several_events_of_one_serial_keeps_its_last_state(self):
        lot = self.env["stock.lot"].create({"name": "BATCH-SN-1", "product_id": self.product.id})
        self.env["stock.lot"]._serial_apply_events(
            [
                {"lot": lot, "event_type": "received", "document_ref": "IN/1"},
                {"lot": lot, "event_type": "moved", "document_ref": "INT/1"},
            ]
        )
        self.assertEqual(lot.lifecycle_state, "in_stock")
        self.assertEqual(self._events(lot).mapped("event_type"), ["received", "moved"])
        self.assertEqual(self.env["serial.event"]._find_broken_chains(lot.ids), {})
