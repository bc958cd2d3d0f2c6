from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.serial_tracking.tests.warranty_common import WarrantyCase

from .common import RepairMixin


@tagged("post_install", "-at_install")
class TestRepairPaid(RepairMixin, WarrantyCase):
    """The "None: Paid Repair" warranty claim, set on the repair form: the customer pays,
    no verdict is asked, the unit goes through the repair as any other. Policy: full
    coverage, 24 months from shipment."""

    returned_days = ("2025-01-02", "2025-01-10", "2025-01-20")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("serial_tracking.reason_manager_override")

    def _form(self, unit, user=None):
        form = Form(
            self.env["repair.order"]
            .with_user(user or self.stock_user)
            .with_context(default_picking_type_id=self.repair_type.id)
        )
        form.product_id = unit.product_id
        form.lot_id = unit
        form.partner_id = self.customer
        return form

    def test_paid_claim_on_the_form_drops_the_warranty(self):
        unit = self._returned_unit("RPP-1")
        form = self._on("2025-02-01", self._form, unit)
        repair = self._on("2025-02-01", form.save)
        self.assertEqual(repair.serial_verdict, "eligible")
        self.assertTrue(repair.under_warranty)
        form = Form(repair.with_user(self.stock_user))
        form.serial_intent = "paid"
        self._on("2025-02-01", form.save)
        self.assertFalse(repair.serial_check_id, "no verdict for a repair nobody claims")
        self.assertFalse(repair.under_warranty)
        self.assertTrue(form._get_modifier("under_warranty", "readonly"))
        self.assertTrue(form._get_modifier("serial_verdict", "invisible"))
        with self.assertRaisesRegex(UserError, "Warranty Claim"):
            repair.with_user(self.stock_user).under_warranty = True
        # claiming the warranty again asks for a verdict again
        form.serial_intent = "repair"
        self._on("2025-02-02", form.save)
        self.assertEqual(repair.serial_verdict, "eligible")
        self.assertTrue(repair.under_warranty)

    def test_paid_repair_runs_and_a_manager_can_still_decide(self):
        unit = self._returned_unit("RPP-2")
        form = self._on("2025-03-01", self._form, unit)
        form.serial_intent = "paid"
        repair = self._on("2025-03-01", form.save)
        self._start(repair, "2025-03-01")
        self.assertLastEvent(unit, "in_repair", "in_repair")
        self.assertFalse(repair.serial_check_id, "confirming asks no verdict either")
        self.assertFalse(repair.under_warranty)
        # goodwill: a manager covers it anyway, with a reason in the ledger
        action = repair.with_user(self.manager).action_serial_override_warranty()
        self.assertEqual(action["context"]["default_decision"], "covered")
        self.env["serial.repair.warranty.wizard"].with_user(self.manager).with_context(
            **action["context"]
        ).create({"reason_id": self.reason.id}).action_apply()
        self.assertTrue(repair.under_warranty)
        self._on("2025-03-05", repair.action_repair_end)
        self.assertLastEvent(unit, "repaired", "in_stock")
