from odoo.exceptions import AccessError
from odoo.service.model import call_kw
from odoo.tests import new_test_user, tagged

from ..tools import gs1
from .common import SerialTrackingCase

GS = gs1.GS


def gtin13(body12):
    return body12 + gs1.gs1_check_digit(body12)


def luhn_complete(body):
    digits = [int(char) for char in reversed(body)]
    total = sum(d if i % 2 else sum(divmod(d * 2, 10)) for i, d in enumerate(digits))
    return body + str((10 - total % 10) % 10)


class ScannerCase(SerialTrackingCase):
    """Products with barcodes, a numbering rule with a check character, users by group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.laptop_ean = gtin13("952123454321")
        cls.laptop_gtin = cls.laptop_ean.zfill(14)
        cls.product.barcode = cls.laptop_ean
        cls.rule = cls.env["serial.format.rule"].create({"name": "Phone IMEI", "preset": "imei"})
        cls.phone_ean = gtin13("400638133393")
        cls.phone = cls.env["product.product"].create(
            {
                "name": "Field Phone",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "barcode": cls.phone_ean,
                "serial_format_rule_id": cls.rule.id,
            }
        )
        cls.imei = [luhn_complete(f"35693803000{n:03d}") for n in range(1, 8)]
        cls.internal_user = new_test_user(cls.env, login="sc_internal", groups="base.group_user")
        cls.scanner = cls.env["serial.scanner"]

    def scan(self, mode, code, params=None, user=None):
        return self.scanner.with_user(user or self.stock_user).scan(mode, code, params or {})

    def gs1(self, serial, gtin=None, batch=None, expiry=None):
        data = "]d2" + "01" + (gtin or self.laptop_gtin)
        if expiry:
            data += "17" + expiry
        if batch:
            data += "10" + batch + GS
        return data + "21" + serial

    def incoming(self, product, quantity, destination=None):
        picking = self._picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            destination or self.stock,
            self.vendor,
        )
        self.env["stock.move"].create(
            {
                "picking_id": picking.id,
                "product_id": product.id,
                "product_uom_qty": quantity,
                "product_uom": product.uom_id.id,
                "location_id": picking.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
            }
        )
        picking.action_confirm()
        return picking

    def footprint(self):
        """What a wrong scan must not change."""
        self.env.flush_all()
        return (
            self.env["stock.lot"].search_count([]),
            self.env["stock.move.line"].search_count([]),
            self.env["serial.event"].search_count([]),
            self.env["stock.picking"].search_count([]),
        )

    def assertRefused(self, result, *fragments):  # noqa: N802 - unittest style
        self.assertEqual(result["status"], "error", result["message"])
        self.assertEqual(result["colour"], "danger")
        for fragment in fragments:
            self.assertIn(fragment, result["message"])


@tagged("post_install", "-at_install")
class TestScannerReceive(ScannerCase):
    def test_gs1_label_creates_the_serial_with_batch_on_the_right_move(self):
        receipt = self.incoming(self.product, 3)
        params = {"picking_id": receipt.id}
        result = self.scan("receive", self.gs1("LAP-1", batch="B7", expiry="271231"), params)
        self.assertEqual(result["status"], "ok", result["message"])
        lot = self.env["stock.lot"].search([("name", "=", "LAP-1")])
        self.assertEqual(lot.product_id, self.product)
        self.assertEqual(lot.batch_code, "B7")
        line = receipt.move_line_ids.filtered(lambda ml: ml.lot_id == lot)
        self.assertTrue(line.picked)
        self.assertEqual(line.move_id.product_id, self.product)
        self.assertEqual(result["document"]["done"], 1)
        self.assertEqual(result["entry"]["serial"], "LAP-1")

    def test_product_barcode_then_serials_and_validate(self):
        receipt = self.incoming(self.product, 3)
        params = {"picking_id": receipt.id}
        result = self.scan("receive", self.laptop_ean, params)
        self.assertEqual(result["status"], "info")
        params.update(result["params"])
        self.assertEqual(params["product_id"], self.product.id)
        for name in ("LAP-11", "LAP-12", "LAP-13"):
            result = self.scan("receive", name + "\r\n", params)
            self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(result["document"]["done"], 3)
        result = self.scanner.with_user(self.stock_user).validate("receive", params)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(receipt.state, "done")
        lots = receipt.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("name")), ["LAP-11", "LAP-12", "LAP-13"])
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})
        self.assertLastEvent(lots[0], "received", "in_stock")

    def test_duplicate_is_refused_and_writes_nothing(self):
        receipt = self.incoming(self.product, 3)
        params = {"picking_id": receipt.id}
        self.assertEqual(self.scan("receive", self.gs1("LAP-D"), params)["status"], "ok")
        before = self.footprint()
        # not scanned in this session: the same unit again, or another with its label
        self.assertRefused(
            self.scan("receive", self.gs1("LAP-D"), params),
            "LAP-D",
            "already received on " + receipt.name,
            "put it aside",
        )
        self.assertEqual(self.footprint(), before)

    def test_serial_typed_on_a_line_of_the_receipt_is_confirmed_by_its_scan(self):
        receipt = self.incoming(self.product, 4)
        params = {"picking_id": receipt.id}
        self.assertEqual(self.scan("receive", self.gs1("LAP-T1"), params)["status"], "ok")
        # typed in the receipt form on a line of its own: no serial record yet
        placeholders = receipt.move_line_ids.filtered(lambda ml: not ml.lot_id)
        self.assertEqual(len(placeholders), 3)
        placeholders[-1].lot_name = "LAP-T2"
        placeholders[0].lot_name = ""  # an emptied name is still a line to fill
        before = self.footprint()
        self.assertRefused(
            self.scan("receive", self.gs1("LAP-T1"), params), "LAP-T1", "already received"
        )
        self.assertEqual(self.footprint(), before)
        result = self.scan("receive", self.gs1("LAP-T2"), params)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(
            result["entry"]["undo"]["line_id"],
            placeholders[-1].id,
            "the scan confirms the line that names the serial",
        )
        self.assertEqual(placeholders[-1].lot_id.name, "LAP-T2")
        result = self.scan("receive", self.gs1("LAP-T3"), params)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertIn(
            result["entry"]["undo"]["line_id"],
            placeholders[:2].ids,
            "the scan fills a line Odoo made for the unit",
        )
        self.assertEqual(len(receipt.move_line_ids), 4)

    def test_scanned_serial_is_planned_from_its_creation(self):
        receipt = self.incoming(self.product, 1)
        result = self.scan("receive", self.gs1("LAP-P"), {"picking_id": receipt.id})
        self.assertEqual(result["status"], "ok", result["message"])
        lot = self.env["stock.lot"].browse(result["entry"]["lot_id"])
        self.assertEqual(lot.lifecycle_state, "planned")
        self.assertTrue(lot.lifecycle_date)
        self.assertFalse(lot.event_ids)
        self.assertFalse(lot.message_ids, "nothing is posted in the chatter of the serial")
        # the same start on the other ways a serial is made; a lot has no lifecycle
        by_default = (
            self.env["stock.lot"]
            .with_context(default_product_id=self.product.id)
            .create({"name": "LAP-P2"})
        )
        self.assertEqual(by_default.lifecycle_state, "planned")
        batch = self.env["product.product"].create(
            {"name": "Bulk Cable", "is_storable": True, "tracking": "lot"}
        )
        lot_of_batch = self.env["stock.lot"].create({"name": "CABLE-1", "product_id": batch.id})
        self.assertFalse(lot_of_batch.lifecycle_state)
        self.assertFalse(lot_of_batch.lifecycle_date)

    def test_bad_check_character_names_the_rule_and_writes_nothing(self):
        receipt = self.incoming(self.phone, 2)
        params = {"picking_id": receipt.id}
        self.assertEqual(self.scan("receive", self.imei[0], params)["status"], "ok")
        bad = self.imei[1][:-1] + str((int(self.imei[1][-1]) + 1) % 10)
        before = self.footprint()
        result = self.scan("receive", bad, params)
        self.assertRefused(
            result,
            bad,
            "check character should be " + self.imei[1][-1],
            'numbering rule "Phone IMEI"',
            "scan again",
        )
        self.assertEqual(self.footprint(), before)
        self.assertFalse(self.env["stock.lot"].search([("name", "=", bad)]))

    def test_wrong_product_is_refused(self):
        receipt = self.incoming(self.product, 2)
        before = self.footprint()
        result = self.scan(
            "receive",
            self.gs1(self.imei[0], gtin=self.phone_ean.zfill(14)),
            {"picking_id": receipt.id},
        )
        self.assertRefused(result, "Field Phone", "is not on " + receipt.name, "aside")
        self.assertEqual(self.footprint(), before)

    def test_malformed_gs1_and_unknown_gtin_are_refused(self):
        receipt = self.incoming(self.product, 2)
        params = {"picking_id": receipt.id}
        before = self.footprint()
        broken = "]d2" + "01" + self.laptop_gtin[:-1] + "0" + "21LAP-X"
        if self.laptop_gtin[-1] == "0":
            broken = "]d2" + "01" + self.laptop_gtin[:-1] + "1" + "21LAP-X"
        self.assertRefused(self.scan("receive", broken, params), "not valid GS1 data", "AI 01")
        self.assertRefused(
            self.scan("receive", f"(01){self.laptop_gtin}(17)271399(21)X", params), "AI 17"
        )
        other = gtin13("123456789012").zfill(14)
        self.assertRefused(
            self.scan("receive", self.gs1("LAP-Y", gtin=other), params),
            "No product has the GTIN " + other,
        )
        self.assertEqual(self.footprint(), before)

    def test_serial_already_in_stock_cannot_be_received_again(self):
        self._receive(["LAP-OLD"])
        receipt = self.incoming(self.product, 1)
        before = self.footprint()
        self.assertRefused(
            self.scan("receive", "LAP-OLD", {"picking_id": receipt.id}),
            "LAP-OLD already exists",
            "In Stock",
            "cannot be received twice",
        )
        self.assertEqual(self.footprint(), before)

    def test_scanning_the_receipt_reference_selects_it(self):
        receipt = self.incoming(self.product, 1)
        result = self.scan("receive", receipt.name, {})
        self.assertEqual(result["status"], "info")
        self.assertEqual(result["params"]["picking_id"], receipt.id)
        self.assertRefused(self.scan("receive", "LAP-9", {}), "Choose a receipt")

    def test_undo_takes_the_serial_off_the_receipt(self):
        receipt = self.incoming(self.product, 2)
        params = {"picking_id": receipt.id}
        result = self.scan("receive", self.gs1("LAP-U"), params)
        undone = self.scanner.with_user(self.stock_user).undo("receive", result["entry"], params)
        self.assertEqual(undone["status"], "ok", undone["message"])
        self.assertFalse(receipt.move_line_ids.filtered("lot_id"))
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "LAP-U")]))
        self.assertEqual(self.scan("receive", self.gs1("LAP-U"), params)["status"], "ok")

    def assertMoveTotalsRecount(self, moves):  # noqa: N802 - unittest style
        """The stored picked flag and quantity of ``moves`` are what Odoo's own computes
        find from the lines in the database."""
        self.env.flush_all()
        stored = [(move.picked, move.quantity) for move in moves]
        self.env.invalidate_all()
        # as the ORM runs computes: the values go to the cache only
        with self.env.protecting([moves._fields["picked"], moves._fields["quantity"]], moves):
            moves._compute_picked()
            moves._compute_quantity()
            recount = [(move.picked, move.quantity) for move in moves]
        self.assertEqual(stored, recount)

    def test_long_receipt_scans_keep_move_totals_and_cost_the_same(self):
        receipt = self.incoming(self.product, 12)
        params = {"picking_id": receipt.id}
        queries = []
        for index in range(1, 13):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = self.scan("receive", self.gs1(f"LAP-L{index}"), params)
            self.env.flush_all()
            queries.append(self.env.cr.sql_log_count - before)
            self.assertEqual(result["status"], "ok", result["message"])
            if index in (1, 5, 12):
                self.assertMoveTotalsRecount(receipt.move_ids)
        self.assertEqual(receipt.move_ids.quantity, 12)
        self.assertTrue(receipt.move_ids.picked)
        # a scan on the twelfth unit costs what a scan on the third did
        self.assertEqual(queries[11], queries[2], queries)
        undone = self.scanner.with_user(self.stock_user).undo("receive", result["entry"], params)
        self.assertEqual(undone["status"], "ok", undone["message"])
        self.assertMoveTotalsRecount(receipt.move_ids)
        result = self.scanner.with_user(self.stock_user).validate("receive", params)
        self.assertEqual(result["status"], "info", result["message"])  # backorder wizard


@tagged("post_install", "-at_install")
class TestScannerPick(ScannerCase):
    def setUp(self):
        super().setUp()
        _receipt, lots = self._receive(["PK-1", "PK-2", "PK-3", "PK-4", "PK-5"])
        self.lots = {lot.name: lot for lot in lots}

    def test_pick_reserved_and_other_units_then_validate(self):
        delivery = self._delivery(self.lots["PK-1"] | self.lots["PK-2"])
        params = {"picking_id": delivery.id}
        result = self.scan("pick", self.gs1("PK-3"), params)
        self.assertEqual(result["status"], "ok", result["message"])
        result = self.scan("pick", "PK-1", params)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(result["document"]["done"], 2)
        result = self.scanner.with_user(self.stock_user).validate("pick", params)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self.lots["PK-3"].lifecycle_state, "shipped")
        self.assertEqual(self.lots["PK-1"].lifecycle_state, "shipped")
        self.assertEqual(self.lots["PK-2"].lifecycle_state, "in_stock")
        self.assertEqual(self.lots["PK-3"].current_partner_id, self.customer)

    def test_wrong_scans_are_refused_and_write_nothing(self):
        delivery = self._delivery(self.lots["PK-1"] | self.lots["PK-2"])
        params = {"picking_id": delivery.id}
        _r, phone_lot = self._receive([self.imei[0]], product=self.phone)
        self.assertEqual(self.scan("pick", "PK-1", params)["status"], "ok")
        self._transition(
            self.lots["PK-4"], "quarantine", self.stock_manager, self.reason_quarantine
        )
        self._deliver(self.lots["PK-5"])
        before = self.footprint()
        self.assertRefused(
            self.scan("pick", self.imei[0], params), "Field Phone", "is not on " + delivery.name
        )
        self.assertRefused(self.scan("pick", "PK-1", params), "PK-1 is already picked")
        self.assertRefused(
            self.scan("pick", "PK-4", params),
            "PK-4 is quarantined",
            "put it aside and pick another unit",
        )
        self.assertRefused(
            self.scan("pick", "PK-5", params), "PK-5 is Shipped", "Pick another unit"
        )
        self.assertRefused(self.scan("pick", "NOPE-1", params), "NOPE-1 is not a known serial")
        self.assertRefused(
            self.scan("pick", "]C1" + "01" + self.laptop_gtin + "21", params), "not valid GS1 data"
        )
        self.assertEqual(self.footprint(), before)
        self.assertTrue(phone_lot)

    def test_unit_reserved_for_another_delivery_is_refused(self):
        other = self._delivery(self.lots["PK-3"])
        delivery = self._delivery(self.lots["PK-1"])
        self.assertRefused(
            self.scan("pick", "PK-3", {"picking_id": delivery.id}),
            "PK-3 is reserved for " + other.name,
        )

    def test_undo_gives_the_reservation_back(self):
        delivery = self._delivery(self.lots["PK-1"])
        params = {"picking_id": delivery.id}
        result = self.scan("pick", "PK-2", params)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(delivery.move_line_ids.lot_id, self.lots["PK-2"])
        undone = self.scanner.with_user(self.stock_user).undo("pick", result["entry"], params)
        self.assertEqual(undone["status"], "ok", undone["message"])
        self.assertEqual(delivery.move_line_ids.lot_id, self.lots["PK-1"])
        self.assertFalse(delivery.move_line_ids.picked)

    def test_partial_pick_asks_about_a_backorder(self):
        delivery = self._delivery(self.lots["PK-1"] | self.lots["PK-2"])
        params = {"picking_id": delivery.id}
        self.scan("pick", "PK-1", params)
        result = self.scanner.with_user(self.stock_user).validate("pick", params)
        self.assertEqual(result["status"], "info", result["message"])
        self.assertEqual(result["action"]["res_model"], "stock.backorder.confirmation")


@tagged("post_install", "-at_install")
class TestScannerLookupAndAccess(ScannerCase):
    def test_card_shows_state_location_warranty_events_and_parent(self):
        _receipt, lots = self._receive(["LK-UNIT", "LK-PART"])
        unit, part = lots.sorted("name")[1], lots.sorted("name")[0]
        self.assertEqual(unit.name, "LK-UNIT")
        self.env["serial.genealogy"].create({"parent_lot_id": part.id, "child_lot_id": unit.id})
        result = self.scan("lookup", f"https://id.gs1.org/01/{self.laptop_gtin}/21/LK-PART")
        self.assertEqual(result["status"], "ok", result["message"])
        card = result["card"]
        self.assertEqual(card["serial"], "LK-PART")
        self.assertEqual(card["product"], self.product.display_name)
        self.assertEqual(card["state_label"], "In Stock")
        self.assertEqual(card["location"], self.stock.display_name)
        self.assertEqual(card["parent"], unit.display_name)
        self.assertEqual(card["events"][0]["type"], "Received")
        self.assertIn("warranty_state", card)
        self.assertRefused(self.scan("lookup", "LK-NONE"), "LK-NONE is not a known serial")
        self.assertRefused(self.scan("lookup", "   "), "Nothing was read")

    def test_misread_serial_of_a_ruled_product_names_the_rule(self):
        self._receive([self.imei[0]], product=self.phone)
        bad = self.imei[0][:-1] + str((int(self.imei[0][-1]) + 1) % 10)
        result = self.scan("lookup", self.gs1(bad, gtin=self.phone_ean.zfill(14)))
        self.assertRefused(
            result,
            bad,
            "check character should be " + self.imei[0][-1],
            'numbering rule "Phone IMEI"',
            "misread",
        )
        # a well-formed number that does not exist is simply unknown
        self.assertRefused(
            self.scan("lookup", self.imei[5], {"product_id": self.phone.id}),
            self.imei[5] + " is not a known serial",
        )

    def test_card_buttons_open_the_serial_and_its_label_wizard(self):
        _receipt, lot = self._receive(["LK-BTN"])
        scanner = self.scanner.with_user(self.stock_user)
        action = scanner.action_open_serial(lot.id)
        self.assertEqual((action["res_model"], action["res_id"]), ("stock.lot", lot.id))
        action = scanner.action_print_label(lot.id)
        if action.get("res_model") == "serial.label.wizard":
            self.assertEqual(action["context"]["active_ids"], lot.ids)
            wizard = self.env["serial.label.wizard"].with_context(**action["context"]).create({})
            self.assertEqual(wizard.lot_ids, lot)
        else:
            self.assertEqual(action["type"], "ir.actions.report")

    def test_serials_of_another_company_are_not_found(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["stock.lot"].create(
            {"name": "MC-1", "product_id": self.product.id, "company_id": other.id}
        )
        self.assertRefused(self.scan("lookup", "MC-1"), "MC-1 is not a known serial")
        both = self.env.company | other
        user = new_test_user(
            self.env,
            login="sc_both",
            groups="stock.group_stock_user",
            company_id=self.env.company.id,
            company_ids=[(6, 0, both.ids)],
        )
        result = (
            self.scanner.with_user(user)
            .with_context(allowed_company_ids=both.ids)
            .scan("lookup", "MC-1", {})
        )
        self.assertEqual(result["status"], "ok", result["message"])

    def test_same_serial_of_two_products_asks_for_the_product(self):
        self._receive(["TWIN-1"])
        self._receive(
            ["TWIN-1"],
            product=self.env["product.product"].create(
                {
                    "name": "Dock",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "serial",
                }
            ),
        )
        self.assertRefused(
            self.scan("lookup", "TWIN-1"), "several products", "Scan the product barcode first"
        )
        result = self.scan("lookup", "TWIN-1", {"product_id": self.product.id})
        self.assertEqual(result["card"]["product"], self.product.display_name)

    def test_access_by_group(self):
        with self.assertRaises(AccessError):
            self.scanner.with_user(self.internal_user).load("lookup")
        with self.assertRaises(AccessError):
            self.scan("lookup", "X-1", user=self.internal_user)
        with self.assertRaises(AccessError):
            self.scan("quarantine", "X-1", {"reason_id": self.reason_quarantine.id})
        with self.assertRaises(AccessError):
            self.scanner.with_user(self.stock_user).load("release")
        modes = self.scanner.with_user(self.stock_user).load("lookup")["modes"]
        self.assertEqual(modes, ["lookup", "receive", "pick", "count"])
        modes = self.scanner.with_user(self.stock_manager).load("lookup")["modes"]
        self.assertIn("quarantine", modes)
        # the public methods answer over RPC, private ones do not
        result = call_kw(self.scanner.with_user(self.stock_user), "scan", ["lookup", "X-1"], {})
        self.assertEqual(result["status"], "error")
        with self.assertRaises(AccessError):
            call_kw(self.scanner.with_user(self.stock_user), "_scan_lookup", ["X-1", {}], {})


@tagged("post_install", "-at_install")
class TestScannerQuarantine(ScannerCase):
    def test_quarantine_and_release_with_reason(self):
        _receipt, lot = self._receive(["QZ-1"])
        manager = self.stock_manager
        self.assertRefused(self.scan("quarantine", "QZ-1", {}, manager), "Choose a reason")
        params = {"reason_id": self.reason_quarantine.id, "note": "rattles"}
        result = self.scan("quarantine", self.gs1("QZ-1"), params, manager)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(lot.lifecycle_state, "quarantined")
        self.assertEqual(lot.location_id, self.quarantine)
        event = self.assertLastEvent(lot, "quarantined", "quarantined")
        self.assertEqual(event.reason_id, self.reason_quarantine)
        before = self.footprint()
        self.assertRefused(
            self.scan("quarantine", "QZ-1", params, manager), "QZ-1 is already quarantined"
        )
        self.assertEqual(self.footprint(), before)
        result = self.scan("release", "QZ-1", {"reason_id": self.reason_release.id}, manager)
        self.assertEqual(result["status"], "ok", result["message"])
        self.assertEqual(lot.lifecycle_state, "in_stock")
        self.assertEqual(lot.location_id, self.stock)
        self.assertRefused(
            self.scan("release", "QZ-1", {"reason_id": self.reason_release.id}, manager),
            "QZ-1 is not quarantined",
        )

    def test_undo_of_a_quarantine_releases_the_unit(self):
        _receipt, lot = self._receive(["QZ-2"])
        params = {"reason_id": self.reason_quarantine.id}
        result = self.scan("quarantine", "QZ-2", params, self.stock_manager)
        undone = self.scanner.with_user(self.stock_manager).undo(
            "quarantine", result["entry"], params
        )
        self.assertEqual(undone["status"], "ok", undone["message"])
        self.assertEqual(lot.lifecycle_state, "in_stock")
        self.assertLastEvent(lot, "released", "in_stock")


@tagged("post_install", "-at_install")
class TestScannerCount(ScannerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock.barcode = "SC-STOCK-LOC"
        cls.overflow = cls.env["stock.location"].create(
            {
                "name": "Overflow",
                "usage": "internal",
                "location_id": cls.warehouse.view_location_id.id,
            }
        )

    def test_found_missing_unexpected_and_apply(self):
        _r, lots = self._receive(["CT-A", "CT-B", "CT-C"])
        receipt = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.overflow, self.vendor
        )
        self._add_move(receipt, self.product, [{"lot_name": "CT-D"}])
        self._validate(receipt)
        lot_d = receipt.move_line_ids.lot_id
        result = self.scan("count", "SC-STOCK-LOC", {})
        self.assertEqual(result["status"], "info", result["message"])
        params = dict(result["params"])
        self.assertEqual(params["location_id"], self.stock.id)
        self.assertEqual(result["location"]["expected"], 3)
        outcomes = []
        for code in ("CT-A", self.gs1("CT-B"), "CT-D"):
            result = self.scan("count", code, params)
            self.assertIn(result["status"], ("ok", "warning"), result["message"])
            params["scanned"].append(result["entry"]["lot_id"])
            outcomes.append(result["entry"]["outcome"])
        self.assertEqual(outcomes, ["found", "found", "unexpected"])
        self.assertIn("Overflow", result["message"])
        again = self.scan("count", "CT-A", params)  # the same unit twice: counted once
        self.assertEqual(again["status"], "info", again["message"])
        self.assertIn("CT-A was already counted", again["message"])
        self.assertNotIn("entry", again)
        review = self.scanner.with_user(self.stock_user).count_review(params)
        self.assertEqual(review["found"], 2)
        self.assertEqual([row["serial"] for row in review["missing"]], ["CT-C"])
        self.assertEqual([row["serial"] for row in review["unexpected"]], ["CT-D"])
        # applying changes stock quantities: Inventory managers only, nothing written else
        before = self.footprint()
        refused = self.scanner.with_user(self.stock_user).validate("count", params)
        self.assertRefused(refused, "Only an Inventory manager")
        self.assertEqual(self.footprint(), before)
        result = self.scanner.with_user(self.stock_manager).validate("count", params)
        self.assertEqual(result["status"], "ok", result["message"])
        lot_c = lots.filtered(lambda lot: lot.name == "CT-C")
        self.assertEqual(lot_c.lifecycle_state, "scrapped")
        self.assertFalse(self._stock_quants_of(lot_c))
        self.assertEqual(self._stock_quants_of(lot_d).location_id, self.stock)
        self.assertEqual(lot_d.lifecycle_state, "in_stock")
        self.assertEqual(result["location"]["expected"], 3)

    def test_count_needs_a_location(self):
        self._receive(["CT-Z"])
        self.assertRefused(self.scan("count", "CT-Z", {}), "Choose the location to count")

    def _stock_quants_of(self, lot):
        return self.env["stock.quant"].search(
            [
                ("lot_id", "=", lot.id),
                ("quantity", ">", 0),
                ("location_id.usage", "=", "internal"),
            ]
        )


@tagged("post_install", "-at_install")
class TestScannerRecall(ScannerCase):
    """Units of an active recall are refused for shipping and release, flagged on look-up."""

    def setUp(self):
        super().setUp()
        _receipt, lots = self._receive(["RC-U1", "RC-U2"])
        self.recalled = lots.filtered(lambda lot: lot.name == "RC-U1")
        self.recall = self.env["serial.recall"].create(
            {
                "reason": "Faulty capacitor",
                "severity": "high",
                "lot_ids": [(6, 0, self.recalled.ids)],
            }
        )
        self.recall.action_simulate()
        self.recall.with_user(self.stock_manager).action_activate()
        self.assertEqual(self.recall.state, "active")

    def test_recalled_unit_cannot_be_picked(self):
        delivery = self._delivery(self.env["stock.lot"].search([("name", "=", "RC-U2")]))
        before = self.footprint()
        result = self.scan("pick", "RC-U1", {"picking_id": delivery.id})
        self.assertRefused(result, "RC-U1", "recall " + self.recall.name, "put it aside")
        self.assertEqual(self.footprint(), before)

    def test_recalled_unit_is_flagged_on_look_up_and_stays_in_quarantine(self):
        result = self.scan("lookup", self.gs1("RC-U1"))
        self.assertEqual(result["status"], "warning")
        self.assertEqual(result["card"]["recalls"], [self.recall.display_name])
        self.assertIn("put it aside", result["message"])
        self.assertEqual(self.recalled.lifecycle_state, "quarantined")
        result = self.scan(
            "release", "RC-U1", {"reason_id": self.reason_release.id}, self.stock_manager
        )
        self.assertRefused(result, "under recall " + self.recall.name, "stays in quarantine")
        self.assertEqual(self.recalled.lifecycle_state, "quarantined")
