from stdnum import luhn

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestNumberingNextSerial(SerialTrackingCase):
    """Odoo's own "next serial" paths (``stock.lot._get_next_serial``, the move's
    "Generate Serials" dialog, ``stock.move._generate_serial_numbers``) follow the
    product's numbering rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["serial.format.rule"].create(
            {
                "name": "Next laptop serials",
                "pattern": "77{SEQ:6}{CHECK}",
                "check_algorithm": "luhn",
                "charset": "digits",
            }
        )
        cls.product.serial_format_rule_id = cls.rule
        cls.imei_only, cls.phone = cls._numbered_product(
            "Field Phone",
            {
                "name": "IMEI check only",
                "preset": "imei",
            },
        )

    @staticmethod
    def _imei(body):
        return body + luhn.calc_check_digit(body)

    def _rule_name(self, number):
        return self._imei(f"77{number:06d}")

    def test_get_next_serial_takes_the_rule_number(self):
        expected = self.rule.preview.splitlines()[0]
        name = self.env["stock.lot"]._get_next_serial(self.env.company, self.product)
        self.assertEqual(name, expected)
        self.assertEqual(name, self._rule_name(int(name[2:8])))
        self.assertNotEqual(self.rule.preview.splitlines()[0], expected, "taken for good")
        # the number is valid for the rule: a serial can be made of it
        lot = self.env["stock.lot"].create({"product_id": self.product.id, "name": name})
        self.assertEqual(lot.name, expected)
        # a product without a rule keeps Odoo's "last serial + 1"
        other = self.env["product.product"].create(
            {
                "name": "Free",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        self.env["stock.lot"].create({"product_id": other.id, "name": "FREE-0041"})
        self.assertEqual(
            self.env["stock.lot"]._get_next_serial(self.env.company, other), "FREE-0042"
        )

    def test_get_next_serial_of_a_check_only_rule_recomputes_the_check(self):
        self.env["stock.lot"].create(
            {"product_id": self.phone.id, "name": self._imei("35693803000009")}
        )
        name = self.env["stock.lot"]._get_next_serial(self.env.company, self.phone)
        # Odoo would give 356938030000096 + 1 = ...097, whose check digit is wrong
        self.assertEqual(name, self._imei("35693803000010"))

    def test_generate_dialog_uses_the_rule(self):
        move = self._confirmed_receipt(self.product, 3).move_ids
        context = {
            "default_product_id": self.product.id,
            "default_move_id": move.id,
            "default_location_id": move.location_id.id,
            "default_location_dest_id": move.location_dest_id.id,
            "default_tracking": "serial",
            "default_quantity": 3,
            "default_company_id": move.company_id.id,
            "default_picking_id": move.picking_id.id,
        }
        first = self.rule.next_number
        vals = self.env["stock.move"].action_generate_lot_line_vals(
            context, "generate", "", 3, False
        )
        names = [line["lot_name"] for line in vals]
        self.assertEqual(names, [self._rule_name(n) for n in range(first, first + 3)])
        self.assertEqual(self.rule.next_number, first + 3)
        # a first number typed: counting on, check character recomputed
        start = self._rule_name(120)
        vals = self.env["stock.move"].action_generate_lot_line_vals(
            context, "generate", start, 2, False
        )
        self.assertEqual([line["lot_name"] for line in vals], [start, self._rule_name(121)])
        with self.assertRaisesRegex(UserError, r'numbering rule "Next laptop serials"'):
            self.env["stock.move"].action_generate_lot_line_vals(
                context, "generate", start[:-1] + ("0" if start[-1] != "0" else "1"), 2, False
            )
        # import mode is untouched: pasted numbers are validated when the lines are made
        vals = self.env["stock.move"].action_generate_lot_line_vals(
            context, "import", "", 0, "ANY1\nANY2"
        )
        self.assertEqual([line["lot_name"] for line in vals], ["ANY1", "ANY2"])

    def test_generate_serial_numbers_on_a_move_and_receive(self):
        move = self._confirmed_receipt(self.phone, 3).move_ids
        move._generate_serial_numbers(self._imei("35693803000099"), 3)
        names = sorted(move.move_line_ids.mapped(lambda ml: ml.lot_id.name or ml.lot_name))
        expected = sorted(
            self._imei(body) for body in ("35693803000099", "35693803000100", "35693803000101")
        )
        self.assertEqual(names, expected)
        move.picked = True
        move.picking_id.button_validate()
        self.assertEqual(sorted(move.move_line_ids.lot_id.mapped("name")), expected)
        self.assertEqual(set(move.move_line_ids.lot_id.mapped("lifecycle_state")), {"in_stock"})
