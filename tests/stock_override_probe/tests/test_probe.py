from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCase
from odoo.addons.serial_tracking.tests.test_fast_path import give_rule, receive_generated

from ..models.seen import seen

RECEIPT = 1000


@tagged("post_install", "-at_install")
class TestOverridesSeeEveryRecord(SerialTrackingCase):
    """With a module overriding stock.lot.create and stock.move.line._action_done
    installed, a big receipt takes Odoo's own path where it would bypass them, and the
    module sees every serial and every line."""

    def test_guard_names_the_module(self):
        verdicts = self.env["serial.bulk"]._serial_verdicts()
        for operation, method in (
            ("create_serials", "stock.lot.create"),
            ("receive_quants", "stock.move.line._action_done"),
        ):
            verdict = verdicts[operation]
            self.assertFalse(verdict.enabled, operation)
            self.assertEqual((verdict.module, verdict.method), ("stock_override_probe", method))
        # what it does not hook keeps its set-based path
        self.assertTrue(verdicts["create_lines"].enabled)
        self.assertEqual(
            verdicts["create_serials"].reason(),
            "create_serials: set-based path off, Odoo's own path runs: module "
            "stock_override_probe overrides stock.lot.create, which the set-based path "
            "would bypass",
        )

    def test_big_receipt_reaches_the_overrides(self):
        give_rule(self, "PR")
        picking = self._confirmed_receipt(self.product, RECEIPT)
        lines = receive_generated(self, picking)
        self.assertEqual(len(lines), RECEIPT)
        self.assertFalse(lines._serial_receipt_plan(), "Odoo's own path")
        self._validate(picking)
        self.assertLessEqual(
            set(lines.lot_id.ids),
            seen(self.env)["lots"],
            "every serial went through stock.lot.create",
        )
        self.assertLessEqual(
            set(lines.ids),
            seen(self.env)["done_lines"],
            "every line went through stock.move.line._action_done",
        )
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", lines.lot_id.ids), ("location_id", "=", self.stock.id)]
        )
        self.assertEqual(len(quants), RECEIPT)
        self.assertEqual(set(quants.mapped("quantity")), {1.0})
        self.assertEqual(set(lines.lot_id.mapped("lifecycle_state")), {"in_stock"})
