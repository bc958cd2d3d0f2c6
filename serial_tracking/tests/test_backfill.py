from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestBackfill(SerialTrackingCase):
    """Installing on a database that already has serials derives their states."""

    def _forget_the_ledger(self, lots):
        # What a database looks like before the suite is installed: no events, no states.
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM serial_event WHERE lot_id = ANY(%s)", [lots.ids])
        self.env.cr.execute(
            "UPDATE stock_lot SET lifecycle_state = NULL, current_partner_id = NULL "
            "WHERE id = ANY(%s)", [lots.ids],
        )
        self.env.invalidate_all()

    def test_backfill_derives_states_from_stock_history(self):
        _picking, lots = self._receive(["BF-1", "BF-2", "BF-3", "BF-4", "BF-5"])
        by_name = {lot.name: lot for lot in lots}
        self._deliver(by_name["BF-2"])
        returned_from = self._deliver(by_name["BF-3"])
        self._return(returned_from, by_name["BF-3"])
        self._transition(by_name["BF-4"], "quarantine", self.stock_manager,
                         self.reason_quarantine)
        self._transition(by_name["BF-5"], "scrap", self.stock_manager, self.reason_scrap)
        never_moved = self.env["stock.lot"].create({"name": "BF-6", "product_id": self.product.id})
        lots |= never_moved
        self._forget_the_ledger(lots)

        count = self.env["stock.lot"]._serial_backfill()

        self.assertGreaterEqual(count, 6)
        expected = {
            "BF-1": ("in_stock", False), "BF-2": ("shipped", self.customer),
            "BF-3": ("returned", False), "BF-4": ("quarantined", False),
            "BF-5": ("scrapped", False), "BF-6": ("planned", False),
        }
        for lot in lots:
            state, holder = expected[lot.name]
            self.assertEqual(lot.lifecycle_state, state, lot.name)
            self.assertEqual(lot.current_partner_id, holder or self.env["res.partner"])
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
        self.assertEqual(self._events(lots).mapped("event_type"),
                         ["imported", "allocated", "shipped"])
        self.assertEqual(self.env["serial.event"]._find_broken_chains(lots.ids), {})
