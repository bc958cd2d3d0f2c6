from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MrpCase


@tagged("post_install", "-at_install")
class TestMrpLifecycle(MrpCase):
    """Manufacturing orders move serials through the lifecycle: the finished unit is
    produced into stock, the component unit is consumed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.component = cls._tracked_product("Mainboard")
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "product_qty": 1.0,
                "type": "normal",
                "consumption": "strict",
                "bom_line_ids": [
                    Command.create({"product_id": cls.component.id, "product_qty": 1})
                ],
            }
        )

    def _production(self, quantity=1.0, bom=None):
        production = super()._production(quantity, bom)
        self.assertEqual(production.state, "confirmed")
        return production

    def _use_component(self, production, lot):
        """Make the component move consume exactly this serial, whatever was reserved."""
        self.assertEqual(len(production.move_raw_ids), 1)
        self._consume(production, self.component, lot)

    def _produce_as(self, production, finished_name):
        """Name the finished unit of the MO (a new serial, still planned)."""
        finished = super()._produce_as(production, [finished_name])
        self.assertEqual(finished.lifecycle_state, "planned")
        return finished

    def test_production_produces_the_unit_and_consumes_the_component(self):
        _receipt, component_lots = self._receive(["MB-1", "MB-2"], product=self.component)
        used, spare = component_lots.sorted("name")
        production = self._production()
        self._use_component(production, used)

        finished = self._produce_as(production, "SRV-1")

        result = production.button_mark_done()

        self.assertIs(result, True, "marking as done should not need a wizard")
        self.assertEqual(production.state, "done")
        self.assertEqual(finished.lifecycle_state, "in_stock")
        produced = self.assertLastEvent(finished, "produced", "in_stock")
        self.assertEqual(produced.from_state, "planned")
        self.assertEqual(produced.document_ref, production.name)
        self.assertEqual(produced.location_dest_id, production.location_dest_id)
        consumed = self.assertLastEvent(used, "consumed", "consumed")
        self.assertEqual(consumed.from_state, "in_stock")
        self.assertEqual(consumed.document_ref, production.name)
        self.assertEqual(consumed.location_id, self.stock)
        self.assertEqual(consumed.location_dest_id.usage, "production")
        self.assertEqual(len(self._events(used)), 2, "received, then consumed: one event each")
        self.assertLastEvent(spare, "received", "in_stock")
        # The MO links the two units: the genealogy bridge builds on this.
        self.assertEqual(production.move_finished_ids.move_line_ids.consume_line_ids.lot_id, used)

    def test_consuming_a_shipped_component_is_refused(self):
        _receipt, component = self._receive(["MB-S1"], product=self.component)
        self._deliver(component)
        self.assertEqual(component.lifecycle_state, "shipped")
        events_before = len(self._events(component))
        production = self._production()
        self._use_component(production, component)
        finished = self._produce_as(production, "SRV-S1")

        with self.assertRaises(UserError) as caught:
            production.button_mark_done()

        message = str(caught.exception)
        self.assertIn("MB-S1", message)
        self.assertIn("shipped", message)
        self.assertIn(production.name, message)
        self.env.invalidate_all()
        self.assertEqual(component.lifecycle_state, "shipped")
        self.assertEqual(component.current_partner_id, self.customer)
        self.assertEqual(len(self._events(component)), events_before)
        self.assertNotEqual(production.state, "done")
        self.assertEqual(
            finished.lifecycle_state, "planned", "the finished serial must not be produced either"
        )
        self.assertFalse(self._events(finished))
