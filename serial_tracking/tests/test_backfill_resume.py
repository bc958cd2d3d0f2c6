from unittest.mock import patch

from psycopg2 import OperationalError

from odoo.tests import tagged

from .common import SerialTrackingCase


class _CrashInBatch(OperationalError):
    """A crash in the middle of one batch, as a lost database connection raises it."""


@tagged("post_install", "-at_install")
class TestBackfillResume(SerialTrackingCase):
    """The scheduled back-fill commits batch after batch; a run that dies in batch k
    keeps the batches before it, and the next run does exactly the rest."""

    def _serials_without_state(self, count):
        """Serials as a database has them before the suite: no state, no event."""
        self.env["stock.lot"]._serial_backfill()  # only these serials are left without one
        _picking, lots = self._receive([f"BR-{n:02d}" for n in range(count)])
        self._deliver(lots[:3])
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM serial_event WHERE lot_id = ANY(%s)", [lots.ids])
        self.env.cr.execute(
            "UPDATE stock_lot SET lifecycle_state = NULL, current_partner_id = NULL "
            "WHERE id = ANY(%s)",
            [lots.ids],
        )
        self.env.invalidate_all()
        return lots.sorted("id")

    def _backfill(self, batch_size, crash_in_batch=None):
        """Run the scheduled back-fill on a cursor of its own, whose commits are real
        for this test (savepoints of the test transaction); crash in batch k if asked:
        after that batch wrote its events and states, before it committed."""
        original = type(self.env["stock.lot"])._serial_backfill_write
        calls = []

        def write_then_crash(lot_model, rows, now):
            calls.append([row["id"] for row in rows])
            original(lot_model, rows, now)
            if len(calls) == crash_in_batch:
                raise _CrashInBatch(f"crash in batch {crash_in_batch}")

        with (
            patch.object(type(self.env["stock.lot"]), "_BACKFILL_BATCH", batch_size),
            patch.object(type(self.env["stock.lot"]), "_serial_backfill_write", write_then_crash),
            self.enter_registry_test_mode(),
        ):
            try:
                with self.registry.cursor() as cr:
                    cron = self.env.ref("serial_tracking.ir_cron_serial_backfill")
                    cron.with_env(cron.env(cr=cr)).ir_actions_server_id.run()
            except _CrashInBatch:
                crashed = True
            else:
                crashed = False
        self.env.invalidate_all()
        return calls, crashed

    def _ledger(self, lots):
        self.env.cr.execute(
            "SELECT lot_id, count(*) FROM serial_event WHERE lot_id = ANY(%s) GROUP BY lot_id",
            [lots.ids],
        )
        return dict(self.env.cr.fetchall())

    def test_crash_in_batch_k_then_resume(self):
        lots = self._serials_without_state(17)  # batches of 4: 4, 4, 4, 4, 1
        calls, crashed = self._backfill(batch_size=4, crash_in_batch=3)
        self.assertTrue(crashed)
        self.assertEqual(calls, [lots[0:4].ids, lots[4:8].ids, lots[8:12].ids])
        # the two committed batches stay, the crashed one left nothing behind
        self.assertEqual(self._ledger(lots), dict.fromkeys(lots[:8].ids, 1))
        self.assertTrue(all(lots[:8].mapped("lifecycle_state")))
        self.assertFalse(any(lots[8:].mapped("lifecycle_state")))

        calls, crashed = self._backfill(batch_size=4)
        self.assertFalse(crashed)
        # the next run starts with the serials of the crashed batch, and does the rest once
        self.assertEqual(calls, [lots[8:12].ids, lots[12:16].ids, lots[16:].ids])
        self.assertEqual(self._ledger(lots), dict.fromkeys(lots.ids, 1))
        self.assertEqual(lots[:3].mapped("lifecycle_state"), ["shipped"] * 3)
        self.assertEqual(set(lots[3:].mapped("lifecycle_state")), {"in_stock"})
        self.assertEqual(self.env["serial.event"]._find_broken_chains(lots.ids), {})
        check = self.env["serial.consistency.check"]._run(lots.ids)
        self.assertEqual(check.issue_count, 0, check.issue_ids.mapped("details"))

        # a third run finds nothing left to do
        calls, crashed = self._backfill(batch_size=4)
        self.assertEqual((calls, crashed), ([], False))
        self.assertEqual(self._ledger(lots), dict.fromkeys(lots.ids, 1))

    def test_install_backfill_stays_one_transaction(self):
        """At installation nothing is committed half-way: the hook's run does not commit
        (a commit inside a test transaction would raise)."""
        lots = self._serials_without_state(5)
        with patch.object(type(self.env["stock.lot"]), "_BACKFILL_BATCH", 2):
            count = self.env["stock.lot"]._serial_backfill()
        self.assertGreaterEqual(count, 5)
        self.assertEqual(self._ledger(lots), dict.fromkeys(lots.ids, 1))
