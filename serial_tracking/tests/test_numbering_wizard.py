import base64
import io

import openpyxl
from lxml import etree
from stdnum import luhn

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.serial_numbering import BULK_MIN
from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestNumberingWizard(SerialTrackingCase):
    """Generate, paste and upload serials on real receipts, then receive them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["serial.format.rule"].create(
            {
                "name": "Laptop serials",
                "pattern": "LT{YY}-{SEQ:5}",
                "charset": "gs1_ai21",
            }
        )
        cls.product.serial_format_rule_id = cls.rule
        cls.imei_rule, cls.phone = cls._numbered_product(
            "Field Phone",
            {
                "name": "IMEI",
                "preset": "imei",
                "pattern": "35693803{SEQ:6}{CHECK}",
            },
        )

    def _wizard(self, move, **values):
        action = move.action_open_serial_generate_wizard()
        self.assertEqual(action["res_model"], "serial.generate.wizard")
        return self.env["serial.generate.wizard"].with_context(**action["context"]).create(values)

    def _serials(self, move):
        return move.move_line_ids.lot_id.sorted("name").mapped("name")

    # --- generation -------------------------------------------------------------------

    def test_generate_from_the_rule_and_receive(self):
        # a rule of its own: counters are PostgreSQL sequences, outside the transaction
        rule = self.env["serial.format.rule"].create(
            {
                "name": "Fresh laptop serials",
                "pattern": "LT{YY}-{SEQ:5}",
            }
        )
        self.product.serial_format_rule_id = rule
        picking = self._confirmed_receipt(self.product, 5)
        move = picking.move_ids
        wizard = self._wizard(move)
        self.assertEqual(
            (wizard.mode, wizard.quantity, wizard.rule_id),
            ("rule", 5, rule),
            "defaults from the move and the rule",
        )
        year = wizard.preview[2:4]
        self.assertTrue(wizard.preview.startswith(f"LT{year}-00001\nLT{year}-00002\n…\n"))
        wizard.action_check()
        self.assertTrue(wizard.check_ok, wizard.check_result)
        self.assertEqual(rule.next_number, 1, "checking takes no number")
        wizard.action_apply()
        expected = [f"LT{year}-{number:05d}" for number in range(1, 6)]
        self.assertEqual(self._serials(move), expected)
        self.assertEqual(len(move.move_line_ids), 5, "Odoo's placeholder lines were replaced")
        self.assertEqual(move.quantity, 5)
        self.assertEqual(move.serial_ranges, f"LT{year}-00001–LT{year}-00005 (5 serials)")
        self.assertEqual(set(move.move_line_ids.lot_id.mapped("lifecycle_state")), {"planned"})
        self._validate(picking)
        lots = move.move_line_ids.lot_id
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})
        self.assertEqual(lots.mapped("location_id"), self.stock)
        self.assertEqual(rule.next_number, 6)

    def test_count_on_from_a_first_number_or_ranges(self):
        picking = self._confirmed_receipt(self.phone, 3)
        move = picking.move_ids
        wizard = self._wizard(move, mode="first", first_number="356938030000987")
        with self.assertRaisesRegex(
            UserError,
            r"356938030000987: check character should be "
            r"9",
        ):
            wizard.action_apply()
        wizard.first_number = "356938030000997"
        wizard.action_apply()
        bodies = ["35693803000099", "35693803000100", "35693803000101"]
        self.assertEqual(
            self._serials(move),
            sorted(body + luhn.calc_check_digit(body) for body in bodies),
            "the check digit is recomputed for every number",
        )
        plain = self.env["product.product"].create(
            {
                "name": "Router",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        picking = self._confirmed_receipt(plain, 5)
        move = picking.move_ids
        self._wizard(
            move, mode="first", first_number="RT0001-RT0003, RT0010..RT0011"
        ).action_apply()
        self.assertEqual(self._serials(move), ["RT0001", "RT0002", "RT0003", "RT0010", "RT0011"])
        self.assertEqual(
            move.serial_ranges, "RT0001–RT0003, RT0010–RT0011 (5 serials; gaps: RT0004–RT0009)"
        )
        action = move.action_open_serial_lines()
        self.assertEqual(action["domain"], [("move_id", "=", move.id)])
        self.assertEqual(self.env["stock.move.line"].search_count(action["domain"]), 5)

    def test_paste_a_list(self):
        picking = self._confirmed_receipt(self.phone, 2)
        move = picking.move_ids
        pasted = "356938030000013\tbox 1\n\n  356938030000021  \n"
        self._wizard(move, mode="paste", pasted_serials=pasted).action_apply()
        self.assertEqual(self._serials(move), ["356938030000013", "356938030000021"])
        self._validate(picking)

    def test_upload_csv(self):
        picking = self._confirmed_receipt(self.phone, 3)
        move = picking.move_ids
        content = "IMEI;Box\n356938030000013;A\n356938030000021;A\n356938030000039;B\n"
        wizard = self._wizard(
            move, mode="file", file_name="vendor.csv", file=base64.b64encode(content.encode())
        )
        self.assertTrue(wizard.file_has_header, "a first cell without digits is a header")
        wizard.action_apply()
        self.assertEqual(len(move.move_line_ids.lot_id), 3)
        self.assertEqual(self._serials(move)[-1], "356938030000039")

    def test_upload_xlsx(self):
        book = openpyxl.Workbook()
        sheet = book.active
        # Excel keeps IMEIs typed as numbers as floats; the wizard reads them as text.
        for row in [
            (356938030000013, "x"),
            (356938030000021.0, "y"),
            (None, "z"),
            ("356938030000039", "w"),
        ]:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        picking = self._confirmed_receipt(self.phone, 3)
        move = picking.move_ids
        wizard = self._wizard(
            move, mode="file", file_name="vendor.xlsx", file=base64.b64encode(buffer.getvalue())
        )
        self.assertFalse(wizard.file_has_header)
        wizard.action_check()
        self.assertTrue(wizard.check_ok, wizard.check_result)
        self.assertIn("356938030000013–356938030000039", wizard.check_result)
        wizard.action_apply()
        self.assertEqual(
            self._serials(move), ["356938030000013", "356938030000021", "356938030000039"]
        )
        self._validate(picking)

    def test_from_the_product_without_a_move(self):
        action = self.product.product_tmpl_id.action_open_serial_generate_wizard()
        wizard = (
            self.env["serial.generate.wizard"]
            .with_context(**action["context"])
            .create(
                {
                    "quantity": 3,
                }
            )
        )
        result = wizard.action_apply()
        lots = self.env["stock.lot"].search(result["domain"])
        self.assertEqual(len(lots), 3)
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"planned"})
        self.assertFalse(lots.quant_ids, "made, not received")

    def test_refuses_a_done_move(self):
        picking, _lots = self._receive(["LT26-90001"])
        wizard = self._wizard(picking.move_ids, quantity=1)
        with self.assertRaisesRegex(
            UserError,
            r"is Done: serials can be added to a move that "
            r"is waiting or ready only",
        ):
            wizard.action_apply()

    # --- big receipts ---------------------------------------------------------------

    def test_big_receipt_matches_odoo(self):
        """From BULK_MIN serials on, lots, lines and quants are written set-wise: they
        must end exactly as Odoo's own validation leaves a small receipt."""
        small = self._confirmed_receipt(self.product, 2)
        self._wizard(small.move_ids).action_apply()
        self._validate(small)
        count = BULK_MIN + 20
        big = self._confirmed_receipt(self.product, count)
        move = big.move_ids
        self._wizard(move).action_apply()
        lines = move.move_line_ids
        self.assertEqual(len(lines), count)
        self.assertEqual(len(lines.lot_id), count)
        self.assertEqual(move.quantity, count)
        self.assertEqual(move.serial_ranges.split(" (")[1], f"{count} serials)")
        plan = lines._serial_receipt_plan()
        if self.env["serial.bulk"]._serial_fast_path("receive_quants"):
            self.assertEqual(len(plan), count - 1, "all but one line take the set-based path")
        else:  # another module hooks the quant methods (test_fast_path covers the path)
            self.assertFalse(plan, "Odoo's own path for every line")
        self._validate(big)
        self.assertEqual(set(lines.mapped("state")), {"done"})
        self.assertEqual(
            set(lines.mapped("date")),
            {move.date},
            "every line carries the date Odoo gives the done move",
        )
        lots = lines.lot_id
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})
        self.assertEqual(lots.location_id, self.stock)
        events = self.env["serial.event"].search([("lot_id", "in", lots.ids)])
        self.assertEqual(len(events), count)
        self.assertEqual(
            (events.product_id, set(events.mapped("event_type")), events.picking_id),
            (self.product, {"received"}, big),
            "the events written in one INSERT carry what the ORM would write",
        )
        self.assertEqual(self.product.with_context(location=self.stock.id).qty_available, count + 2)
        reference = self._quant_shape(small.move_ids.move_line_ids.lot_id[:1])
        shapes = {self._quant_shape(lot) for lot in lots}
        self.assertEqual(shapes, {reference}, "every serial has the quants Odoo gives one")
        self.assertFalse(self.env["serial.event"]._find_broken_chains(lots.ids))
        # what reached the database, not only the cache
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT state, picked, count(*) FROM stock_move_line WHERE id = ANY(%s) "
            "GROUP BY state, picked",
            [lines.ids],
        )
        self.assertEqual(self.env.cr.fetchall(), [("done", True, count)])
        self.env.cr.execute(
            "SELECT lifecycle_state, location_id, count(*) FROM stock_lot WHERE id = ANY(%s) "
            "GROUP BY lifecycle_state, location_id",
            [lots.ids],
        )
        self.assertEqual(self.env.cr.fetchall(), [("in_stock", self.stock.id, count)])

    def test_big_receipt_with_other_moves_is_received_whole(self):
        """The wizard marks its lines picked only when its move is the transfer's one
        open move: with another move on the receipt, validating still receives both,
        without a backorder."""
        picking = self._confirmed_receipt(self.product, BULK_MIN + 5)
        other = self.env["product.product"].create(
            {"name": "Screws", "type": "consu", "is_storable": True}
        )
        picking.move_ids = [
            Command.create(
                {
                    "product_id": other.id,
                    "product_uom_qty": 7,
                    "product_uom": other.uom_id.id,
                    "location_id": self.supplier_location.id,
                    "location_dest_id": self.stock.id,
                }
            )
        ]
        picking.action_confirm()
        serial_move = picking.move_ids.filtered(lambda move: move.product_id == self.product)
        self._wizard(serial_move).action_apply()
        self.assertFalse(serial_move.picked, "the screws would be left for a backorder")
        self.assertIs(picking.button_validate(), True, "no backorder wizard")
        self.assertEqual(set(picking.move_ids.mapped("state")), {"done"})
        self.assertFalse(picking.backorder_ids)
        self.assertEqual(other.with_context(location=self.stock.id).qty_available, 7)

    def test_picking_form_does_not_read_every_serial(self):
        """The receipt form reads its moves, not one record per serial: what the web
        client asks for (the fields of the form's view, x2many lists with their
        records) is as big for 600 serials as for 2, and the move shows its ranges."""
        user = self.stock_user
        user.group_ids |= self.env.ref("stock.group_production_lot")

        def form_load(count):
            picking = self._confirmed_receipt(self.product, count)
            self._wizard(picking.move_ids).action_apply()
            self.env.flush_all()
            picking = picking.with_user(user)
            arch = picking.get_views([(False, "form")])["views"]["form"]["arch"]
            spec = _client_spec(self.env, "stock.picking", etree.fromstring(arch))
            self.assertIn("serial_ranges", spec["move_ids"]["fields"])
            self.env.invalidate_all()
            [values] = picking.web_read(spec)
            [move] = values["move_ids"]
            self.assertTrue(move["serial_ranges"].endswith(f"({count} serials)"))
            return _records_in(values)

        small = form_load(2)
        big = form_load(BULK_MIN + 100)
        self.assertEqual(big, small, "no record per serial")
        self.assertLess(big, 20)

    def _quant_shape(self, lot):
        quants = self.env["stock.quant"].search([("lot_id", "=", lot.id)])
        return tuple(
            sorted(
                (
                    quant.location_id.id,
                    quant.quantity,
                    quant.reserved_quantity,
                    quant.company_id.id,
                    str(quant.inventory_date),
                    quant.inventory_quantity_set,
                    quant.package_id.id,
                    quant.owner_id.id,
                )
                for quant in quants
            )
        )


def _client_spec(env, model_name, node):
    """The web_read specification the web client builds for the fields of a view node:
    many2one and many2many tags with their display name, inline lists with their own
    fields (40 rows), other fields as values."""
    spec = {}
    depth = len([a for a in node.iterancestors() if a.tag == "field"])
    depth += node.tag == "field"
    model = env[model_name]
    for field_node in node.iter("field"):
        if (
            field_node is node
            or len([a for a in field_node.iterancestors() if a.tag == "field"]) != depth
        ):
            continue
        field = model._fields.get(field_node.get("name"))
        if field is None:
            continue
        sub = field_node.find("list")
        if field.type == "many2one" or field_node.get("widget") in (
            "many2many_tags",
            "package_m2m",
        ):
            spec[field.name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many") and sub is not None:
            spec[field.name] = {"fields": _client_spec(env, field.comodel_name, sub), "limit": 40}
        else:
            spec[field.name] = {}
    return spec


def _records_in(value):
    """How many records (dicts with an id and values) a web_read result holds."""
    if isinstance(value, dict):
        own = 1 if "id" in value and len(value) > 1 else 0
        return own + sum(_records_in(item) for item in value.values())
    if isinstance(value, list):
        return sum(_records_in(item) for item in value)
    return 0
