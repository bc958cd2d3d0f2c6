from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialTrackingCase
from .translation_common import use_french


@tagged("post_install", "-at_install")
class TestLifecycleRefusals(SerialTrackingCase):
    """Operations that contradict the transition table are refused and write nothing."""

    def assertRefused(self, lots, operation, *fragments):  # noqa: N802 - unittest style
        states = lots.mapped("lifecycle_state")
        event_count = len(self._events(lots))
        with self.assertRaises(UserError) as caught:
            operation()
        message = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        lots.invalidate_recordset()
        self.assertEqual(lots.mapped("lifecycle_state"), states)
        self.assertEqual(len(self._events(lots)), event_count)
        return message

    def _quarantined(self, name):
        _picking, lot = self._receive([name])
        self._transition(lot, "quarantine", self.stock_manager, self.reason_quarantine)
        return lot

    def test_reserving_a_quarantined_unit_is_refused(self):
        lot = self._quarantined("RF-Q1")
        message = self.assertRefused(
            lot, lambda: self._delivery(lot), "RF-Q1", "quarantined", "WH/OUT/"
        )
        self.assertIn("must be released first", message)

    def test_shipping_from_quarantine_is_refused(self):
        lot = self._quarantined("RF-Q2")
        delivery = self._picking(
            self.warehouse.out_type_id, self.quarantine, self.customer_location, self.customer
        )
        self.assertRefused(
            lot,
            lambda: self._add_move(delivery, self.product, [{"lot_id": lot.id}]),
            "RF-Q2",
            "quarantined",
        )

    def test_shipping_an_already_shipped_unit_is_refused(self):
        _picking, lot = self._receive(["RF-S1"])
        self._deliver(lot)
        self.assertRefused(lot, lambda: self._delivery(lot), "RF-S1", "shipped")

    def test_shipping_a_scrapped_unit_is_refused(self):
        _picking, lot = self._receive(["RF-X1"])
        self._transition(lot, "scrap", self.stock_manager, self.reason_scrap)
        self.assertRefused(lot, lambda: self._delivery(lot), "RF-X1", "scrapped")

    def test_receiving_a_serial_already_in_stock_is_refused(self):
        _picking, lot = self._receive(["RF-R1"])
        receipt = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        self._add_move(receipt, self.product, [{"lot_name": "RF-R1"}])
        receipt.move_ids.picked = True
        message = self.assertRefused(
            lot, receipt.button_validate, "RF-R1", "in stock", receipt.name
        )
        self.assertIn("new serial number", message)
        self.assertNotEqual(receipt.state, "done")

    def test_receiving_a_serial_that_is_at_a_customer_is_refused(self):
        _picking, lot = self._receive(["RF-R2"])
        self._deliver(lot)
        receipt = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        self._add_move(receipt, self.product, [{"lot_id": lot.id}])
        receipt.move_ids.picked = True
        self.assertRefused(lot, receipt.button_validate, "RF-R2", "shipped", receipt.name)

    def test_consuming_a_unit_that_is_not_in_stock_is_refused(self):
        _picking, lot = self._receive(["RF-C1"])
        self._deliver(lot)
        move = self._loose_move(lot, self.stock, self.production_location)
        self.assertRefused(lot, move._action_done, "RF-C1", "shipped", "consume a unit")

    def test_a_batch_lists_every_offending_serial(self):
        _picking, lots = self._receive(["RF-B1", "RF-B2", "RF-B3"])
        self._deliver(lots)
        receipt = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        self._add_move(receipt, self.product, [{"lot_id": lot.id} for lot in lots])
        receipt.move_ids.picked = True
        self.assertRefused(lots, receipt.button_validate, "RF-B1", "RF-B2", "RF-B3")

    def test_refusals_read_in_the_users_language(self):
        use_french(
            self,
            {
                "lifecycle.refused": "%(serial)s : ne peut pas être %(event_type)s car il est "
                "%(lifecycle_state)s ; %(advice)s.",
                "lifecycle.advice_released": "seule une unité en quarantaine peut être libérée",
            },
        )
        _picking, lot = self._receive(["RF-FR1"])
        wizard = (
            self.env["serial.transition.wizard"]
            .with_user(self.stock_manager)
            .create(
                {
                    "lot_ids": [Command.set(lot.ids)],
                    "action": "release",
                    "reason_id": self.reason_release.id,
                }
            )
        )
        # the event and the state are said by their labels (English: no translation loaded)
        self.assertRefused(
            lot,
            wizard.with_context(lang="fr_FR").action_apply,
            "RF-FR1 : ne peut pas être released car il est in stock ; seule une "
            "unité en quarantaine peut être libérée.",
        )
        self.assertRefused(
            lot,
            wizard.action_apply,
            "RF-FR1: cannot be released because it is in stock; only a "
            "quarantined unit can be released.",
        )

    def test_lifecycle_state_cannot_be_written_by_hand(self):
        _picking, lot = self._receive(["RF-W1"])
        with self.assertRaises(UserError):
            lot.write({"lifecycle_state": "scrapped"})
        with self.assertRaises(UserError):
            self.env["stock.lot"].create(
                {
                    "name": "RF-W2",
                    "product_id": self.product.id,
                    "lifecycle_state": "shipped",
                }
            )
