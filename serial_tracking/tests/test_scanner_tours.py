from odoo.tests import HttpCase, tagged

from .common import SerialTrackingCase

TOUR_URL = "/odoo/action-serial_tracking.action_serial_scanner"


@tagged("post_install", "-at_install")
class TestScannerTours(HttpCase, SerialTrackingCase):
    """The scanner screen in headless Chromium, driven by typed scans."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.name = "Scanner Tour Laptop"

    def _tour(self, name):
        self.env.flush_all()  # the browser reads through its own requests
        self.start_tour(TOUR_URL, name, login="admin")

    def _lot(self, name):
        return self.env["stock.lot"].search([("name", "=", name)])

    def test_lookup(self):
        _receipt, lots = self._receive(["TOUR-SC-L1", "TOUR-SC-L2"])
        self.env["serial.genealogy"].create(
            {
                "parent_lot_id": self._lot("TOUR-SC-L1").id,
                "child_lot_id": self._lot("TOUR-SC-L2").id,
            }
        )
        self.assertEqual(len(lots), 2)
        self._tour("serial_scanner_lookup")

    def test_receive_five_with_a_duplicate_and_a_bad_check_character(self):
        rule = self.env["serial.format.rule"].create({"name": "Tour IMEI", "preset": "imei"})
        phone = self.env["product.product"].create(
            {
                "name": "Tour Phone",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "serial_format_rule_id": rule.id,
            }
        )
        receipt = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        receipt.name = "TOUR/IN/SCAN"
        self.env["stock.move"].create(
            {
                "picking_id": receipt.id,
                "product_id": phone.id,
                "product_uom_qty": 5,
                "product_uom": phone.uom_id.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.stock.id,
            }
        )
        receipt.action_confirm()
        self._tour("serial_scanner_receive")
        self.assertEqual(receipt.state, "done")
        lots = receipt.move_line_ids.lot_id
        self.assertEqual(
            sorted(lots.mapped("name")),
            [
                "356938030000013",
                "356938030000021",
                "356938030000039",
                "356938030000047",
                "356938030000054",
            ],
        )
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})
        self.assertFalse(self._lot("356938030000038"), "the bad number was not created")

    def test_pick_and_validate_a_delivery(self):
        _receipt, lots = self._receive(["TOUR-SC-P1", "TOUR-SC-P2", "TOUR-SC-P3", "TOUR-SC-P9"])
        self._transition(
            self._lot("TOUR-SC-P9"), "quarantine", self.stock_manager, self.reason_quarantine
        )
        delivery = self._delivery(self._lot("TOUR-SC-P1") | self._lot("TOUR-SC-P2"))
        delivery.name = "TOUR/OUT/SCAN"
        self._tour("serial_scanner_pick")
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.move_line_ids.lot_id.mapped("name"), ["TOUR-SC-P1", "TOUR-SC-P2"])
        self.assertEqual(self._lot("TOUR-SC-P1").lifecycle_state, "shipped")
        self.assertEqual(self._lot("TOUR-SC-P2").lifecycle_state, "shipped")
        self.assertEqual(self._lot("TOUR-SC-P3").lifecycle_state, "in_stock")
        self.assertEqual(self._lot("TOUR-SC-P9").lifecycle_state, "quarantined")
        self.assertEqual(len(lots), 4)

    def test_count_with_one_missing_and_one_unexpected(self):
        shelf = self.env["stock.location"].create(
            {
                "name": "Tour Shelf",
                "usage": "internal",
                "barcode": "TOUR-SC-LOC",
                "location_id": self.warehouse.view_location_id.id,
            }
        )
        receipt = self._picking(
            self.warehouse.in_type_id, self.supplier_location, shelf, self.vendor
        )
        self._add_move(
            receipt,
            self.product,
            [{"lot_name": name} for name in ("TOUR-SC-C1", "TOUR-SC-C2", "TOUR-SC-C3")],
        )
        self._validate(receipt)
        self._receive(["TOUR-SC-C4"])
        self._tour("serial_scanner_count")
        quant_location = {
            name: self.env["stock.quant"]
            .search(
                [
                    ("lot_id", "=", self._lot(name).id),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ]
            )
            .location_id
            for name in ("TOUR-SC-C1", "TOUR-SC-C3", "TOUR-SC-C4")
        }
        self.assertEqual(quant_location["TOUR-SC-C1"], shelf)
        self.assertFalse(quant_location["TOUR-SC-C3"], "the missing unit is written off")
        self.assertEqual(self._lot("TOUR-SC-C3").lifecycle_state, "scrapped")
        self.assertEqual(quant_location["TOUR-SC-C4"], shelf, "the unexpected unit is here")
