"""The scanner as the screen drives it: JSON-RPC calls over HTTP by a logged-in Inventory
user, on receipts and deliveries made with Odoo's own operations (confirm, reserve,
validate). Issue 19: the walk-through's scanner bugs, each reproduced here first."""

import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SerialTrackingCase


class ScannerHttpCase(HttpCase, SerialTrackingCase):
    """Calls ``serial.scanner`` through ``/web/dataset/call_kw`` as the web client does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scanner_user = new_test_user(
            cls.env,
            login="sc_http_user",
            password="sc_http_user_pw",
            groups="stock.group_stock_user",
        )

    def setUp(self):
        super().setUp()
        self.authenticate("sc_http_user", "sc_http_user_pw")

    # --- the door: JSON-RPC ------------------------------------------------------------

    def rpc(self, method, *args):
        """The JSON body of one call, as the screen's ``orm.call`` makes it."""
        self.env.flush_all()  # the request reads through its own environment
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": "serial.scanner",
                    "method": method,
                    "args": list(args),
                    "kwargs": {},
                },
            }
        )
        response = self.url_open(
            f"/web/dataset/call_kw/serial.scanner/{method}",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.env.invalidate_all()  # what the request wrote is read again
        return response.json()

    def call(self, method, *args):
        """The answer of a call that must not fail with an exception."""
        body = self.rpc(method, *args)
        self.assertNotIn("error", body, body.get("error", {}).get("data", {}).get("message"))
        return body["result"]

    def assertStatus(self, result, status, *fragments):  # noqa: N802 - unittest style
        self.assertEqual(result["status"], status, result["message"])
        for fragment in fragments:
            self.assertIn(fragment, result["message"])

    def footprint(self):
        """What a refused call must not change."""
        self.env.flush_all()
        return (
            self.env["stock.lot"].search_count([]),
            self.env["stock.move.line"].search_count([]),
            self.env["stock.move.line"].search_count([("picked", "=", True)]),
            self.env["serial.event"].search_count([]),
            self.env["stock.picking"].search_count([]),
        )

    # --- data through Odoo's own operations --------------------------------------------

    def _new_receipt(self, quantity, product=None):
        """A receipt confirmed by Odoo: one line per unit, no serial yet."""
        receipt = self._confirmed_receipt(product or self.product, quantity)
        self.assertEqual(len(receipt.move_line_ids), quantity)
        return receipt

    def _stock(self, names):
        """Serials received into WH/Stock: a receipt confirmed, its lines given the
        serials as a user types them, validated."""
        receipt = self._new_receipt(len(names))
        for line, name in zip(receipt.move_line_ids, names, strict=True):
            line.lot_name = name
        receipt.move_ids.picked = True
        self.assertIs(receipt.button_validate(), True)
        lots = receipt.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("name")), sorted(names))
        return {lot.name: lot for lot in lots}

    def _new_delivery(self, quantity):
        delivery = self._picking(
            self.warehouse.out_type_id, self.stock, self.customer_location, self.customer
        )
        delivery.move_ids = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "product_uom_qty": quantity,
                    "product_uom": self.product.uom_id.id,
                    "location_id": self.stock.id,
                    "location_dest_id": self.customer_location.id,
                }
            )
        ]
        delivery.action_confirm()
        return delivery


@tagged("post_install", "-at_install")
class TestScannerHttpPick(ScannerHttpCase):
    """Pick & ship on deliveries reserved by Odoo (bugs 3, 4 and 5 of issue 19)."""

    def setUp(self):
        super().setUp()
        self.lots = self._stock(["PH-1", "PH-2", "PH-3"])

    def _reserved_delivery(self, quantity=2):
        delivery = self._new_delivery(quantity)
        delivery.action_assign()
        self.assertEqual(delivery.state, "assigned")
        return delivery

    def _delivery_reserved_before_its_moves_joined_it(self, quantity=2):
        """A delivery whose move was confirmed and reserved by Odoo before it was put on
        the delivery (as moves made by other flows are): Odoo does not carry the
        delivery over to the move's lines, whose ``picking_id`` stays empty. The demo
        deliveries of the walk-through were in this state."""
        delivery = self._picking(
            self.warehouse.out_type_id, self.stock, self.customer_location, self.customer
        )
        move = self.env["stock.move"].create(
            {
                "product_id": self.product.id,
                "product_uom_qty": quantity,
                "product_uom": self.product.uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.customer_location.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        self.assertEqual(len(move.move_line_ids), quantity)
        move.picking_id = delivery
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(delivery.move_ids.move_line_ids, move.move_line_ids)
        self.assertFalse(move.move_line_ids.picking_id, "the state of the walk-through")
        return delivery

    def _pick_reserved_then_undo_and_validate(self, delivery):
        reserved = delivery.move_ids.move_line_ids.lot_id
        self.assertEqual(len(reserved), 2)
        first, second = reserved
        params = {"picking_id": delivery.id}
        # bug 4: the delivery's own reserved unit was refused as reserved elsewhere
        result = self.call("scan", "pick", first.name, params)
        self.assertStatus(result, "ok", f"{first.name} picked for {delivery.name}")
        self.assertEqual(result["document"]["done"], 1)
        result = self.call("scan", "pick", second.name, params)
        self.assertStatus(result, "ok", f"{second.name} picked")
        self.assertEqual((result["document"]["done"], result["document"]["demand"]), (2, 2))
        # bug 3: undo crashed with "operator does not exist: integer = boolean"
        undone = self.call("undo", "pick", result["entry"], params)
        self.assertStatus(undone, "ok", f"{second.name} taken off {delivery.name}")
        self.assertEqual(undone["document"]["done"], 1)
        line = delivery.move_ids.move_line_ids.filtered(lambda ml: ml.lot_id == second)
        self.assertFalse(line.picked, "the unit stays reserved, not picked")
        result = self.call("scan", "pick", second.name, params)
        self.assertStatus(result, "ok")
        # bug 5: validate said "Nothing was scanned" with 2 / 2 shown picked
        result = self.call("validate", "pick", params)
        self.assertStatus(result, "ok", f"{delivery.name} validated: 2 serial(s)")
        self.assertEqual(delivery.state, "done")
        self.assertEqual(set((first | second).mapped("lifecycle_state")), {"shipped"})
        self.assertEqual(
            delivery.move_line_ids.lot_id, first | second, "the delivery lists the units it shipped"
        )
        return first | second

    def test_reserved_units_are_picked_undone_and_validated(self):
        self._pick_reserved_then_undo_and_validate(self._reserved_delivery())

    def test_units_reserved_before_the_move_joined_the_delivery(self):
        delivery = self._delivery_reserved_before_its_moves_joined_it()
        self._pick_reserved_then_undo_and_validate(delivery)

    def test_undo_on_a_delivery_whose_lines_lack_it(self):
        """Bug 3 alone: the walk-through's undo of a picked unit on such a delivery."""
        delivery = self._delivery_reserved_before_its_moves_joined_it()
        line = delivery.move_ids.move_line_ids[:1]
        line.picked = True  # picked, as the scan did
        entry = {
            "lot_id": line.lot_id.id,
            "serial": line.lot_id.name,
            "undo": {"line_id": line.id, "previous_lot_id": line.lot_id.id, "created": False},
        }
        undone = self.call("undo", "pick", entry, {"picking_id": delivery.id})
        self.assertStatus(undone, "ok", f"{line.lot_id.name} taken off {delivery.name}")
        self.assertEqual(undone["document"]["done"], 0)
        self.assertFalse(line.picked)
        self.assertEqual(line.move_id.picking_id, delivery)

    def test_validate_counts_the_lines_the_screen_shows_picked(self):
        """Bug 5 alone: lines picked in the delivery's form, validated from the scanner."""
        delivery = self._delivery_reserved_before_its_moves_joined_it()
        delivery.move_ids.picked = True
        params = {"picking_id": delivery.id}
        loaded = self.call("load", "pick", params)
        self.assertEqual((loaded["document"]["done"], loaded["document"]["demand"]), (2, 2))
        result = self.call("validate", "pick", params)
        self.assertStatus(result, "ok", "validated: 2 serial(s)")
        self.assertEqual(delivery.state, "done")

    def test_unit_reserved_for_another_delivery_is_still_refused(self):
        other = self._reserved_delivery(1)
        taken = other.move_ids.move_line_ids.lot_id
        delivery = self._new_delivery(1)
        before = self.footprint()
        result = self.call("scan", "pick", taken.name, {"picking_id": delivery.id})
        self.assertStatus(result, "error", f"{taken.name} is reserved for {other.name}")
        self.assertEqual(self.footprint(), before)

    def test_undo_belongs_to_the_delivery_on_screen(self):
        delivery = self._reserved_delivery(1)
        other = self._new_delivery(1)
        unit = delivery.move_ids.move_line_ids.lot_id
        result = self.call("scan", "pick", unit.name, {"picking_id": delivery.id})
        self.assertStatus(result, "ok")
        before = self.footprint()
        undone = self.call("undo", "pick", result["entry"], {"picking_id": other.id})
        self.assertStatus(undone, "error", delivery.name)
        self.assertEqual(self.footprint(), before)

    def test_double_scan_in_the_session_is_calm(self):
        delivery = self._reserved_delivery(2)
        unit = delivery.move_ids.move_line_ids.lot_id[:1]
        params = {"picking_id": delivery.id, "scanned": []}
        result = self.call("scan", "pick", unit.name, params)
        self.assertStatus(result, "ok")
        params["scanned"].append(result["entry"]["lot_id"])
        before = self.footprint()
        again = self.call("scan", "pick", unit.name, params)
        self.assertStatus(again, "info", f"{unit.name} was already scanned")
        self.assertNotIn("entry", again, "counted once")
        self.assertEqual(self.footprint(), before)


@tagged("post_install", "-at_install")
class TestScannerHttpReceive(ScannerHttpCase):
    """Receive on a receipt whose serials the vendor listed (bug 6 of issue 19)."""

    def _listed_receipt(self, names):
        """A receipt confirmed by Odoo, its lines holding the vendor's serials (typed or
        imported into the receipt: ``lot_name``, no serial record yet, not picked)."""
        receipt = self._new_receipt(len(names))
        for line, name in zip(receipt.move_line_ids, names, strict=True):
            line.lot_name = name
        self.assertFalse(receipt.move_line_ids.lot_id)
        self.assertFalse(any(receipt.move_line_ids.mapped("picked")))
        return receipt

    def test_listed_serials_are_confirmed_by_their_scan(self):
        receipt = self._listed_receipt(["RH-1", "RH-2"])
        params = {"picking_id": receipt.id, "scanned": []}
        loaded = self.call("load", "receive", params)
        self.assertEqual(loaded["document"]["done"], 0)
        result = self.call("scan", "receive", "RH-1", params)
        self.assertStatus(result, "ok", f"RH-1 received on {receipt.name}")
        params["scanned"].append(result["entry"]["lot_id"])
        line = receipt.move_line_ids.filtered(lambda ml: ml.lot_name == "RH-1")
        self.assertEqual(line.lot_id.name, "RH-1")
        self.assertTrue(line.picked)
        self.assertEqual(len(receipt.move_line_ids), 2, "the listed line is the one scanned")
        self.assertEqual((result["document"]["done"], result["document"]["demand"]), (1, 2))
        # a number the vendor did not list, beyond what is left: refused, named
        before = self.footprint()
        result = self.call("scan", "receive", "RH-9", params)
        self.assertStatus(result, "error", "RH-9", "RH-2", receipt.name)
        self.assertEqual(self.footprint(), before)
        self.assertEqual(receipt.move_ids.quantity, 2)
        # validating with a listed serial not scanned: refused, nothing dropped
        result = self.call("validate", "receive", params)
        self.assertStatus(result, "error", "RH-2")
        self.assertEqual(self.footprint(), before)
        self.assertNotEqual(receipt.state, "done")
        result = self.call("scan", "receive", "RH-2", params)
        self.assertStatus(result, "ok", "RH-2 received")
        result = self.call("validate", "receive", params)
        self.assertStatus(result, "ok", f"{receipt.name} validated: 2 serial(s)")
        self.assertEqual(receipt.state, "done")
        lots = receipt.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("name")), ["RH-1", "RH-2"])
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})

    def test_listed_serial_with_its_record_is_confirmed(self):
        """The vendor's serials imported as records (planned units) on the lines."""
        receipt = self._new_receipt(1)
        lot = self.env["stock.lot"].create({"name": "RH-P1", "product_id": self.product.id})
        receipt.move_line_ids.lot_id = lot
        result = self.call("scan", "receive", "RH-P1", {"picking_id": receipt.id})
        self.assertStatus(result, "ok", "RH-P1 received")
        self.assertTrue(receipt.move_line_ids.picked)
        self.assertEqual(receipt.move_line_ids.lot_id, lot)

    def test_undo_gives_the_listed_line_back(self):
        receipt = self._listed_receipt(["RH-U1"])
        params = {"picking_id": receipt.id}
        result = self.call("scan", "receive", "RH-U1", params)
        self.assertStatus(result, "ok")
        undone = self.call("undo", "receive", result["entry"], params)
        self.assertStatus(undone, "ok", "RH-U1 taken off")
        line = receipt.move_line_ids
        self.assertEqual((line.lot_name, line.lot_id.id, line.picked), ("RH-U1", False, False))
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "RH-U1")]))
        self.assertStatus(self.call("scan", "receive", "RH-U1", params), "ok")

    def test_unit_beyond_the_demand_is_refused(self):
        receipt = self._new_receipt(2)
        params = {"picking_id": receipt.id}
        for name in ("RH-B1", "RH-B2"):
            self.assertStatus(self.call("scan", "receive", name, params), "ok")
        before = self.footprint()
        result = self.call("scan", "receive", "RH-B3", params)
        self.assertStatus(result, "error", "RH-B3", "2")
        self.assertEqual(self.footprint(), before)
        self.assertEqual(receipt.move_ids.quantity, 2)

    def test_double_scan_wording(self):
        receipt = self._new_receipt(2)
        params = {"picking_id": receipt.id, "scanned": []}
        result = self.call("scan", "receive", "RH-D1", params)
        self.assertStatus(result, "ok")
        params["scanned"].append(result["entry"]["lot_id"])
        before = self.footprint()
        # the same unit, twice in this session: harmless, said calmly
        again = self.call("scan", "receive", "RH-D1", params)
        self.assertStatus(again, "info", "RH-D1 was already scanned")
        self.assertNotIn("duplicate", again["message"])
        self.assertNotIn("manager", again["message"])
        self.assertNotIn("entry", again)
        # the screen reloaded (a new session): the scanner cannot tell, and says both
        again = self.call("scan", "receive", "RH-D1", {"picking_id": receipt.id})
        self.assertStatus(again, "error", "RH-D1", "same unit", "another unit")
        self.assertEqual(self.footprint(), before)


@tagged("post_install", "-at_install")
class TestScannerHttpLookup(ScannerHttpCase):
    def test_look_up_has_nothing_to_take_back(self):
        self._stock(["LH-1"])
        result = self.call("scan", "lookup", "LH-1", {})
        self.assertStatus(result, "ok", "LH-1: In Stock")
        self.assertEqual(result["entry"]["undo"], {})
        undone = self.call("undo", "lookup", result["entry"], {})
        self.assertStatus(undone, "error", "Look up changes nothing")


@tagged("post_install", "-at_install")
class TestScannerHttpParameters(ScannerHttpCase):
    """Bug 19 of issue 19: parameters of the wrong type get a business error naming the
    parameter, never a Python or SQL error with its traceback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scanner_user.group_ids |= cls.env.ref("stock.group_stock_manager") | cls.env.ref(
            "serial_tracking.group_serial_manager"
        )

    def assertBusinessError(self, body, parameter, label):  # noqa: N802 - unittest style
        error = body.get("error")
        self.assertTrue(error, f"{label}: answered {body.get('result')}")
        data = error["data"]
        self.assertEqual(
            data["name"],
            "odoo.exceptions.UserError",
            f"{label}: {data['name']}: {data.get('message')}",
        )
        self.assertIn(parameter, data["message"], label)

    @mute_logger("odoo.http", "odoo.sql_db")
    def test_wrong_types_are_named(self):
        receipt = self._new_receipt(1)
        delivery = self._new_delivery(1)
        stock = self.stock.id
        entry = {"undo": {"line_id": receipt.move_line_ids.id}}
        cases = [
            ("load", ["pick", {"picking_id": "WH/OUT/00009"}], "picking_id"),
            ("load", ["receive", {"picking_id": {"id": receipt.id}}], "picking_id"),
            ("load", ["count", {"location_id": "8"}], "location_id"),
            ("load", ["count", {"location_id": 10**12}], "location_id"),
            ("load", ["pick", "picking_id=3"], "params"),
            ("scan", ["pick", "PH-1", {"picking_id": "abc"}], "picking_id"),
            ("scan", ["receive", "RH-1", {"picking_id": [receipt.id]}], "picking_id"),
            (
                "scan",
                ["receive", "RH-1", {"picking_id": receipt.id, "product_id": "x"}],
                "product_id",
            ),
            ("scan", ["count", "X-1", {"location_id": "WH/Stock"}], "location_id"),
            ("scan", ["count", "X-1", {"location_id": stock, "scanned": 5}], "scanned"),
            ("scan", ["count", "X-1", {"location_id": stock, "scanned": "1,2"}], "scanned"),
            ("scan", ["count", "X-1", {"location_id": stock, "scanned": [None]}], "scanned"),
            ("scan", ["count", "X-1", {"location_id": stock, "scanned": [True]}], "scanned"),
            ("scan", ["quarantine", "X-1", {"reason_id": "defect"}], "reason_id"),
            ("scan", ["quarantine", "X-1", {"reason_id": 1, "note": ["x"]}], "note"),
            (
                "undo",
                ["pick", {"undo": {"line_id": "abc"}}, {"picking_id": delivery.id}],
                "line_id",
            ),
            ("undo", ["receive", {"undo": {"line_id": 1.5}}, {}], "line_id"),
            ("undo", ["receive", {"undo": {"line_id": 1, "lot_id": "x"}}, {}], "lot_id"),
            ("undo", ["receive", "last", {}], "entry"),
            ("undo", ["receive", {"undo": "all"}, {}], "undo"),
            ("undo", ["receive", entry, {"picking_id": "abc"}], "picking_id"),
            ("undo", ["quarantine", {"undo": {"lot_id": 1, "action": 7}}, {}], "action"),
            ("validate", ["pick", {"picking_id": {"id": delivery.id}}], "picking_id"),
            ("validate", ["receive", {"picking_id": "abc"}], "picking_id"),
            ("validate", ["count", {"location_id": "abc"}], "location_id"),
            ("validate", ["count", {"location_id": stock, "scanned": [None]}], "scanned"),
            ("validate", ["pick", ["picking_id"]], "params"),
            ("count_review", [{"location_id": "abc"}], "location_id"),
            ("count_review", [{"location_id": stock, "scanned": "1,2"}], "scanned"),
            ("count_review", [{"location_id": stock, "scanned": [None]}], "scanned"),
            ("count_review", ["location 8"], "params"),
        ]
        before = self.footprint()
        for method, args, parameter in cases:
            label = f"{method}{tuple(args)}"
            with self.subTest(label):
                self.assertBusinessError(self.rpc(method, *args), parameter, label)
        self.assertEqual(self.footprint(), before)

    def test_right_types_still_answer(self):
        receipt = self._new_receipt(1)
        self.assertEqual(
            self.call("load", "receive", {"picking_id": receipt.id})["document"]["id"], receipt.id
        )
        self.assertFalse(self.call("load", "receive", {"picking_id": False})["document"])
        review = self.call("count_review", {"location_id": self.stock.id, "scanned": []})
        self.assertEqual(review["missing_count"], 0)
