from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .demo_common import DemoDataCase


@tagged("post_install", "-at_install")
class TestDemoData(DemoDataCase):
    """What a new user meets on first login: every feature with data, made by Odoo's own
    operations (validated receipts and deliveries whose lines are on their picking)."""

    def test_receipts_and_deliveries_went_through_odoo(self):
        lots = self._lots("LT14", "PHX2", "RT5")
        lines = self.assertLinesOnTheirPickings(lots)
        done = lines.filtered(lambda line: line.state == "done").picking_id
        self.assertEqual(
            set(done.mapped("picking_type_code")), {"incoming", "outgoing", "internal"}
        )
        self.assertEqual(set(done.mapped("state")), {"done"})
        # each state and ledger event comes from those validations
        received = self.env["serial.event"].search(
            [("lot_id", "in", lots.ids), ("event_type", "=", "received")]
        )
        self.assertEqual(
            received.lot_id, lots.filtered(lambda lot: lot.lifecycle_state != "planned")
        )
        self.assertTrue(all(event.picking_id.state == "done" for event in received))
        states = set(lots.mapped("lifecycle_state"))
        self.assertLessEqual({"in_stock", "allocated", "shipped", "quarantined"}, states)

    def test_warranty_coverages_active_expiring_and_expired(self):
        products = self.laptop | self.phone | self.router
        self.assertTrue(all(product.serial_warranty_policy_id for product in products))
        lots = self._lots("LT14", "PHX2", "RT5")
        self.assertLessEqual(
            {"active", "expiring", "expired", "pending"}, set(lots.mapped("warranty_state"))
        )
        today = fields.Date.context_today(self.env["serial.warranty"])
        soon = today + timedelta(days=self.env["serial.warranty"]._expiring_days())
        for lot in lots.filtered(lambda lot: lot.warranty_state == "expiring"):
            self.assertTrue(today <= lot.warranty_end_date <= soon, lot.name)
        for lot in lots.filtered(lambda lot: lot.warranty_state == "expired"):
            self.assertLess(lot.warranty_end_date, today, lot.name)
        # started by the suite's triggers: the shipment, and a registration recorded late
        shipped = lots.warranty_ids.filtered(
            lambda cov: cov.trigger == "shipment" and cov.state == "active"
        )
        refs = set(shipped.mapped("document_ref"))
        deliveries = self.env["stock.picking"].search([("name", "in", list(refs))])
        self.assertEqual(len(deliveries), len(refs))
        self.assertEqual(set(deliveries.mapped("picking_type_code")), {"outgoing"})
        registered = lots.warranty_ids.filtered(
            lambda cov: cov.trigger == "registration" and cov.start_date
        )
        self.assertEqual(set(registered.mapped("state")), {"active", "expired"})
        events = self.env["serial.event"].search(
            [("lot_id", "in", registered.lot_id.ids), ("event_type", "=", "registered")]
        )
        self.assertTrue(all(event.date < event.create_date for event in events))

    def test_a_delivery_and_a_receipt_wait_for_the_scanner(self):
        scanner = self.env["serial.scanner"]
        delivery = self.env["stock.picking"].search(
            [
                ("partner_id", "in", self.customers.ids),
                ("picking_type_code", "=", "outgoing"),
                ("state", "=", "assigned"),
            ]
        )
        self.assertEqual(len(delivery), 1)
        reserved = delivery.move_line_ids.lot_id
        self.assertEqual(len(reserved), len(delivery.move_line_ids))
        self.assertEqual(set(reserved.mapped("lifecycle_state")), {"allocated"})
        self.assertIn(delivery.name, [doc["name"] for doc in scanner.load("pick")["documents"]])

        receipt = self.env["stock.picking"].search(
            [
                ("partner_id", "=", self.supplier.id),
                ("picking_type_code", "=", "incoming"),
                ("state", "=", "assigned"),
            ]
        )
        self.assertEqual(len(receipt), 1)
        lines = receipt.move_line_ids
        self.assertTrue(lines)
        self.assertTrue(
            all(line.lot_name and not line.lot_id for line in lines),
            "the vendor's serials are typed on the lines, not received yet",
        )
        self.assertIn(receipt.name, [doc["name"] for doc in scanner.load("receive")["documents"]])

    def test_a_count_to_do(self):
        shelf = self.env["stock.location"].search([("barcode", "=", "WH-STOCK-SHELF-A")])
        self.assertEqual(len(shelf), 1)
        quants = self.env["stock.quant"].search(
            [("location_id", "=", shelf.id), ("quantity", ">", 0)]
        )
        self.assertTrue(quants)
        self.assertTrue(
            all(quant.lot_id and quant.inventory_date and quant.user_id for quant in quants),
            "Odoo's count request is on each unit",
        )
        scanner = self.env["serial.scanner"]
        self.assertIn(shelf.id, [loc["id"] for loc in scanner.load("count")["locations"]])
        location = scanner.load("count", {"location_id": shelf.id})["location"]
        self.assertEqual(location["expected"], len(quants))

    def test_a_simulated_recall_and_an_active_one_with_units_quarantined(self):
        recalls = self.env["serial.recall"].search([])
        simulated = recalls.filtered(lambda recall: recall.state == "simulated")
        active = recalls.filtered(lambda recall: recall.state == "active")
        self.assertTrue(simulated.unit_ids)
        self.assertTrue(active)
        quarantined = active.unit_ids.filtered(lambda unit: unit.status == "quarantined")
        self.assertTrue(quarantined)
        for unit in quarantined:
            self.assertEqual(unit.lot_id.lifecycle_state, "quarantined")
            self.assertTrue(unit.lot_id.location_id.serial_quarantine)
            self.assertEqual(unit.quarantine_picking_id.state, "done")
        self.assertTrue(
            active.unit_ids.filtered(
                lambda unit: unit.bucket == "at_customer" and unit.notified_date
            )
        )
