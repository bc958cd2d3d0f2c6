from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.warranty_common import WarrantyCase

from .common import RepairMixin


@tagged("post_install", "-at_install")
class TestRepairWarranty(RepairMixin, WarrantyCase):
    """Repair orders on real returned units: verdict, override, repair state, clock pause
    and part swaps. Policy: full coverage, 24 months from shipment, paused in repair."""

    returned_days = ("2025-01-02", "2025-01-10", "2025-01-20")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("serial_tracking.reason_manager_override")

    def _repair(self, unit, day, lines=(), **values):
        return self._on(
            day,
            self.env["repair.order"].create,
            dict(
                values,
                product_id=unit.product_id.id,
                lot_id=unit.id,
                partner_id=self.customer.id,
                picking_type_id=self.repair_type.id,
                move_ids=[Command.create(dict(line, product_uom_qty=1.0)) for line in lines],
            ),
        )

    # --- verdict ------------------------------------------------------------------------

    def test_under_warranty_follows_the_coverage(self):
        unit = self._returned_unit("RP-1")
        repair = self._repair(unit, "2025-02-01")
        check = repair.serial_check_id
        self.assertEqual((check.verdict, check.intent, check.lot_id), ("eligible", "repair", unit))
        self.assertEqual(check.document_ref, repair.name)
        self.assertTrue(repair.under_warranty)

        old = self._returned_unit("RP-2")
        self._daily("2027-03-01")
        late = self._repair(old, "2027-03-01")
        self.assertEqual(late.serial_verdict, "ineligible")
        self.assertFalse(late.under_warranty)
        self.assertIn("no_coverage", late.serial_check_id.reason_codes)
        self.assertIn("ended on 2027-01-09", late.serial_reasons_html)

    def test_exchange_needs_a_full_coverage(self):
        policy = self._make_policy(
            "Parts only",
            [
                {
                    "coverage_type": "parts",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                }
            ],
        )
        product = self._make_product("Screen", policy)
        unit = self._returned_unit("RP-3", product)
        repair = self._repair(unit, "2025-02-01")
        self.assertTrue(repair.under_warranty)
        self._on("2025-02-01", repair.write, {"serial_intent": "exchange"})
        self.assertEqual(repair.serial_check_id.intent, "exchange")
        self.assertEqual(repair.serial_verdict, "ineligible")
        self.assertFalse(repair.under_warranty)

    def test_manager_override_with_a_reason_in_the_ledger(self):
        unit = self._returned_unit("RP-4")
        repair = self._repair(unit, "2025-02-01")
        self.assertTrue(repair.under_warranty)
        with self.assertRaisesRegex(UserError, "Override Warranty"):
            repair.under_warranty = False
        wizard_model = self.env["serial.repair.warranty.wizard"]
        with self.assertRaises(AccessError):
            wizard_model.with_user(self.stock_user).create(
                {"repair_id": repair.id, "decision": "not_covered", "reason_id": self.reason.id}
            )
        action = repair.with_user(self.manager).action_serial_override_warranty()
        self.assertEqual(action["context"]["default_decision"], "not_covered")
        wizard = (
            wizard_model.with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason_id": self.reason.id, "note": "Water damage, seen by the technician"})
        )
        wizard.action_apply()
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.serial_warranty_override, "not_covered")
        event = self._events(unit)[-1]
        self.assertEqual(
            (event.event_type, event.document_ref, event.reason_id),
            ("override", repair.name, self.reason),
        )
        self.assertIn("Water damage", event.note)
        self.assertIn("not covered", event.note)
        # a new verdict does not undo the manager's decision
        repair.action_serial_check_warranty()
        self.assertEqual(repair.serial_verdict, "eligible")
        self.assertFalse(repair.under_warranty)

    # --- repair state and clock ---------------------------------------------------------

    def test_repair_state_and_paused_clock(self):
        unit = self._returned_unit("RP-5")
        coverage = unit.warranty_ids
        self.assertEqual(coverage.end_date, date(2027, 1, 9))
        repair = self._repair(unit, "2025-03-01")
        self._start(repair, "2025-03-01")
        self.assertLastEvent(unit, "in_repair", "in_repair")
        self.assertEqual(coverage.pause_start, date(2025, 3, 1))

        self._on("2025-03-11", repair.action_repair_end)

        self.assertEqual(repair.state, "done")
        event = self.assertLastEvent(unit, "repaired", "in_stock")
        self.assertEqual(event.document_ref, repair.name)
        self.assertEqual(coverage.paused_days, 10)
        self.assertEqual(coverage.end_date, date(2027, 1, 19))
        self.assertEqual(unit.warranty_end_date, date(2027, 1, 19))

    def test_cancel_takes_the_unit_out_of_repair(self):
        unit = self._returned_unit("RP-6")
        repair = self._repair(unit, "2025-03-01")
        self._start(repair, "2025-03-01")
        self._on("2025-03-04", repair.action_repair_cancel)
        event = self.assertLastEvent(unit, "repaired", "in_stock")
        self.assertIn("cancelled", event.note)
        self.assertEqual(unit.warranty_ids.paused_days, 3)

    def test_quarantined_unit_cannot_enter_repair(self):
        unit = self._returned_unit("RP-7")
        self._transition(unit, "quarantine", self.manager, self.reason_quarantine)
        repair = self._repair(unit, "2025-03-01", product_location_src_id=self.quarantine.id)
        with self.assertRaises(UserError) as caught:
            self._on("2025-03-01", repair.action_validate)
        self.assertIn("RP-7", str(caught.exception))
        self.assertIn(repair.name, str(caught.exception))
        self.assertEqual(repair.state, "draft")
        self.assertEqual(unit.lifecycle_state, "quarantined")

    # --- part swaps ---------------------------------------------------------------------

    def test_parts_swapped_in_repairs_are_in_the_genealogy(self):
        unit = self._returned_unit("RP-8")
        _receipt, parts = self._on(
            "2025-01-02", self._receive, ["BAT-1", "BAT-2"], product=self.part
        )
        first, second = parts.sorted("name")
        fitting = self._repair(
            unit, "2025-03-01", [{"repair_line_type": "add", "product_id": self.part.id}]
        )
        self._start(fitting, "2025-03-01")
        self._use_part(fitting, first, "add")
        self._on("2025-03-02", fitting.action_repair_end)
        link = self.env["serial.genealogy"].search([("child_lot_id", "=", unit.id)])
        self.assertEqual(
            (link.parent_lot_id, link.link_type, link.document_ref),
            (first, "installed", fitting.name),
        )
        self.assertEqual(unit._serial_ancestors(), first)

        swap = self._repair(
            unit,
            "2025-04-01",
            [
                {"repair_line_type": "remove", "product_id": self.part.id},
                {"repair_line_type": "add", "product_id": self.part.id},
            ],
        )
        self._start(swap, "2025-04-01")
        self._use_part(swap, first, "remove")
        self._use_part(swap, second, "add")
        self._on("2025-04-02", swap.action_repair_end)

        self.assertEqual(swap.state, "done")
        links = self.env["serial.genealogy"].search([("child_lot_id", "=", unit.id)], order="id")
        self.assertEqual(
            links.mapped(lambda lnk: (lnk.parent_lot_id.name, lnk.link_type)),
            [("BAT-1", "installed"), ("BAT-1", "removed"), ("BAT-2", "installed")],
        )
        self.assertEqual(link.date_to, datetime(2025, 4, 2, 10, 0))
        self.assertEqual(unit._serial_ancestors(), second)
        self.assertEqual(unit._serial_ancestors(at=datetime(2025, 3, 15)), first)
        self.assertEqual(first._serial_descendants(), self.env["stock.lot"])
