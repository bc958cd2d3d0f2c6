from freezegun import freeze_time

from odoo.tests import tagged

from .common import SerialTrackingCase
from .warranty_common import WarrantyCase


def forget_the_ledger(env, lots):
    """What a database looks like before the suite is installed: no events, no states."""
    env.flush_all()
    env.cr.execute("DELETE FROM serial_event WHERE lot_id = ANY(%s)", [lots.ids])
    env.cr.execute(
        "UPDATE stock_lot SET lifecycle_state = NULL, current_partner_id = NULL WHERE id = ANY(%s)",
        [lots.ids],
    )
    env.invalidate_all()


@tagged("post_install", "-at_install")
class TestBackfill(SerialTrackingCase):
    """Installing on a database that already has serials derives their states."""

    def _forget_the_ledger(self, lots):
        forget_the_ledger(self.env, lots)

    def test_backfill_derives_states_from_stock_history(self):
        _picking, lots = self._receive(["BF-1", "BF-2", "BF-3", "BF-4", "BF-5"])
        by_name = {lot.name: lot for lot in lots}
        self._deliver(by_name["BF-2"])
        returned_from = self._deliver(by_name["BF-3"])
        self._return(returned_from, by_name["BF-3"])
        self._transition(by_name["BF-4"], "quarantine", self.stock_manager, self.reason_quarantine)
        self._transition(by_name["BF-5"], "scrap", self.stock_manager, self.reason_scrap)
        never_moved = self.env["stock.lot"].create({"name": "BF-6", "product_id": self.product.id})
        lots |= never_moved
        self._forget_the_ledger(lots)

        count = self.env["stock.lot"]._serial_backfill()

        self.assertGreaterEqual(count, 6)
        expected = {
            "BF-1": "in_stock",
            "BF-2": "shipped",
            "BF-3": "returned",
            "BF-4": "quarantined",
            "BF-5": "scrapped",
            "BF-6": "planned",
        }
        for lot in lots:
            state = expected[lot.name]
            self.assertEqual(lot.lifecycle_state, state, lot.name)
            # only the shipped unit is out, held by the customer it went to
            holder = self.customer if state == "shipped" else self.env["res.partner"]
            self.assertEqual(lot.current_partner_id, holder)
            events = self._events(lot)
            self.assertEqual(events.mapped("event_type"), ["imported"], lot.name)
            self.assertEqual(events.to_state, state)
        self.assertEqual(self.env["serial.event"]._find_broken_chains(lots.ids), {})

    def test_backfill_is_idempotent_and_hooks_take_over(self):
        _picking, lots = self._receive(["BF-7"])
        self._forget_the_ledger(lots)
        self.env["stock.lot"]._serial_backfill()
        self.env["stock.lot"]._serial_backfill()
        self.assertEqual(len(self._events(lots)), 1)
        self._deliver(lots)
        self.assertEqual(
            self._events(lots).mapped("event_type"), ["imported", "allocated", "shipped"]
        )
        self.assertEqual(self.env["serial.event"]._find_broken_chains(lots.ids), {})


@tagged("post_install", "-at_install")
class TestBackfillCoverages(WarrantyCase):
    """Back-filled serials get the coverages their policy and stock history earn, the
    same the live engine gives when the events happen."""

    _FIELDS = (
        "coverage_type",
        "source",
        "state",
        "start_date",
        "end_date",
        "partner_id",
        "void_reason",
        "void_date",
        "latest_start_date",
    )

    def _snapshot(self, lots):
        return {
            lot.name: sorted(
                tuple(str(coverage[field]) for field in self._FIELDS)
                for coverage in lot.warranty_ids
            )
            for lot in lots
        }

    def test_backfill_replays_the_history_into_coverages(self):
        policy = self._make_policy(
            "Backfilled",
            [
                {
                    "coverage_type": "full",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                    "resale_rule": "restart",
                    "return_window_days": 30,
                },
                {
                    "coverage_type": "supplier",
                    "duration": 1,
                    "duration_unit": "year",
                    "trigger": "receipt",
                },
            ],
        )
        product = self._make_product("Router", policy)
        second = self.env["res.partner"].create({"name": "Second owner"})
        _picking, lots = self._on(
            "2025-01-10", self._receive, ["BC-1", "BC-2", "BC-3"], product=product
        )
        by_name = {lot.name: lot for lot in lots}
        self._on("2025-02-01", self._deliver, by_name["BC-1"])
        first_sale = self._on("2025-02-01", self._deliver, by_name["BC-3"])
        self._on("2025-02-10", self._return, first_sale, by_name["BC-3"])
        self._on("2025-03-01", self._deliver, by_name["BC-3"], second)
        plain = self._make_product("Cable")  # no policy: no coverage
        _picking, cable = self._on("2025-01-10", self._receive, ["BC-C"], product=plain)
        self._daily("2025-06-01")
        live = self._snapshot(lots)
        live_summary = {lot.name: (lot.warranty_state, lot.warranty_end_date) for lot in lots}
        self.assertEqual(len(live["BC-3"]), 3, "supplier, voided and renewed coverages")

        # the database before the suite was installed: no ledger, no coverages
        self.env.flush_all()
        all_lots = lots | cable
        self.env.cr.execute("DELETE FROM serial_warranty WHERE lot_id = ANY(%s)", [all_lots.ids])
        self.env.cr.execute(
            "UPDATE stock_lot SET warranty_state = 'none', warranty_end_date = NULL "
            "WHERE id = ANY(%s)",
            [all_lots.ids],
        )
        TestBackfill._forget_the_ledger(self, all_lots)
        self.assertFalse(lots.warranty_ids)

        with freeze_time("2025-06-01 10:00:00"):
            self.env["stock.lot"]._serial_backfill()
        self.assertEqual(self._snapshot(lots), live)
        self.assertEqual(
            {lot.name: (lot.warranty_state, lot.warranty_end_date) for lot in lots}, live_summary
        )
        # and in plain words
        shipped = by_name["BC-1"]
        self.assertCoverage(
            self._coverages(shipped, coverage_type="full"), "active", "2025-02-01", "2026-01-31"
        )
        self.assertEqual(self._coverages(shipped, coverage_type="full").partner_id, self.customer)
        supplier = self._coverages(shipped, coverage_type="supplier")
        self.assertCoverage(supplier, "active", "2025-01-10", "2026-01-09")
        self.assertEqual(supplier.partner_id, self.vendor)
        self.assertCoverage(self._coverages(by_name["BC-2"], coverage_type="full"), "pending")
        self.assertEqual(by_name["BC-2"].warranty_state, "pending")
        voided, renewed = self._coverages(by_name["BC-3"], coverage_type="full")
        self.assertEqual((voided.state, voided.void_reason), ("void", "returned"))
        self.assertCoverage(renewed, "active", "2025-03-01", "2026-02-28")
        self.assertEqual(renewed.partner_id, second)
        self.assertFalse(cable.warranty_ids)
        self.assertEqual(cable.warranty_state, "none")
        # idempotent: a second run adds nothing
        with freeze_time("2025-06-01 10:00:00"):
            self.env["stock.lot"]._serial_backfill()
        self.assertEqual(self._snapshot(lots), live)
