"""Issue 20, item 7: the warranty decision of a repair cannot be written over RPC by a
plain stock user, with or without a forged context."""

from odoo import Command
from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.test_security_guards import RpcCase

from .common import RepairMixin


@tagged("post_install", "-at_install")
class TestRepairGuards(RepairMixin, RpcCase):
    def _repair(self, unit, day):
        return self._on(
            day,
            self.env["repair.order"].create,
            {
                "product_id": unit.product_id.id,
                "lot_id": unit.id,
                "partner_id": self.customer.id,
                "picking_type_id": self.repair_type.id,
                "move_ids": [Command.clear()],
            },
        )

    def test_stock_user_cannot_decide_the_warranty(self):
        # shipped long ago: the coverage ended, the verdict says not covered
        unit = self._returned_unit("RG-1", days=("2024-01-10", "2024-01-10", "2024-02-01"))
        repair = self._repair(unit, "2026-02-01")
        self.assertEqual(repair.serial_verdict, "ineligible")
        self.assertFalse(repair.under_warranty)
        eligible = self._returned_unit("RG-2", days=("2026-01-10", "2026-01-10", "2026-01-20"))
        good_check = self._repair(eligible, "2026-02-01").serial_check_id
        self.assertEqual(good_check.verdict, "eligible")
        forged = {"serial_warranty_decided": True}
        attempts = [
            ({"serial_warranty_override": "covered"}, {}),
            ({"serial_warranty_override": "covered"}, forged),
            ({"serial_check_id": good_check.id}, forged),
            ({"under_warranty": True}, forged),
            ({"serial_override_note": "ok"}, forged),
        ]
        for vals, context in attempts:
            with self.subTest(vals=vals, context=context):
                answer = self.rpc("repair.order", "write", [repair.ids, vals], {"context": context})
                self.assertRefused(answer, repair.name)
        answer = self.rpc(
            "repair.order",
            "create",
            [
                {
                    "product_id": unit.product_id.id,
                    "lot_id": unit.id,
                    "partner_id": self.customer.id,
                    "picking_type_id": self.repair_type.id,
                    "serial_warranty_override": "covered",
                }
            ],
            {"context": forged},
        )
        self.assertRefused(answer)
        self.assertFalse(repair.serial_warranty_override)
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.serial_verdict, "ineligible")
        # the manager's wizard still decides
        wizard = (
            self.env["serial.repair.warranty.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "repair_id": repair.id,
                    "decision": "covered",
                    "reason_id": self.env.ref("serial_tracking.reason_manager_override").id,
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(repair.serial_warranty_override, "covered")
        self.assertTrue(repair.under_warranty)
