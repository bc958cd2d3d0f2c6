from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MrpCase


@tagged("post_install", "-at_install")
class TestMrpNumbering(MrpCase):
    """Serials of manufacturing orders come from the finished product's rule: the
    generation wizard on the order, Odoo's "Generate Serial" and its "assign serial
    numbers" dialog, through real orders marked done."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule, cls.drone = cls._numbered_product(
            "Drone",
            {
                "name": "Drone serials",
                "pattern": "DR{WH}{SEQ:5}",
                "charset": "alnum_upper",
            },
        )
        cls.screws = cls.env["product.product"].create({"name": "Screws", "type": "consu"})
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.drone.product_tmpl_id.id,
                "product_qty": 1.0,
                "bom_line_ids": [Command.create({"product_id": cls.screws.id, "product_qty": 4})],
            }
        )

    def _expected(self, first, count):
        code = self.warehouse.code
        return [f"DR{code}{number:05d}" for number in range(first, first + count)]

    def _mark_done(self, production):
        production.move_raw_ids.picked = True
        result = production.button_mark_done()
        self.assertIs(result, True, result)
        self.assertEqual(production.state, "done")

    def test_generate_wizard_on_the_order_then_produce(self):
        production = self._production(3)
        action = production.action_open_serial_generate_wizard()
        wizard = self.env["serial.generate.wizard"].with_context(**action["context"]).create({})
        self.assertEqual(
            (wizard.production_id, wizard.product_id, wizard.mode, wizard.quantity),
            (production, self.drone, "rule", 3),
        )
        first = self.rule.next_number
        wizard.action_check()
        self.assertTrue(wizard.check_ok, wizard.check_result)
        wizard.action_apply()
        expected = self._expected(first, 3)
        self.assertEqual(production.lot_producing_ids.sorted("name").mapped("name"), expected)
        self.assertEqual(production.qty_producing, 3)
        self.assertEqual(set(production.lot_producing_ids.mapped("lifecycle_state")), {"planned"})
        self._mark_done(production)
        finished = production.move_finished_ids.filtered(lambda move: move.product_id == self.drone)
        self.assertEqual(sorted(finished.move_line_ids.lot_id.mapped("name")), expected)
        lots = finished.move_line_ids.lot_id
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})
        self.assertEqual(
            set(self._events(lots).filtered(lambda e: e.event_type == "produced").lot_id.ids),
            set(lots.ids),
        )
        # a done order takes no more serials
        wizard = self.env["serial.generate.wizard"].with_context(**action["context"]).create({})
        with self.assertRaisesRegex(UserError, "confirmed or running manufacturing order"):
            wizard.action_apply()

    def test_generate_serial_button_takes_the_rule_number(self):
        production = self._production(1)
        first = self.rule.next_number
        production.action_generate_serial()
        self.assertEqual(production.lot_producing_ids.mapped("name"), self._expected(first, 1))
        self._mark_done(production)
        self.assertEqual(production.lot_producing_ids.lifecycle_state, "in_stock")

    def test_assign_serial_numbers_dialog_uses_the_rule(self):
        production = self._production(2)
        action = production.action_generate_serial()
        form = Form(self.env["mrp.production.serials"].with_context(**action["context"]))
        self.assertFalse(form.lot_name, "empty: the rule makes the numbers")
        wizard = form.save()
        first = self.rule.next_number
        wizard.action_generate_serial_numbers()
        self.assertEqual(wizard.serial_numbers.split("\n"), self._expected(first, 2))
        wizard.action_apply()
        self.assertEqual(
            production.lot_producing_ids.sorted("name").mapped("name"), self._expected(first, 2)
        )
        self._mark_done(production)
        self.assertEqual(set(production.lot_producing_ids.mapped("lifecycle_state")), {"in_stock"})
