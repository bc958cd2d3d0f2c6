from unittest.mock import patch

from odoo.tests import tagged

from .test_recall import RecallCase


class _BatchCrash(Exception):
    """A crash injected inside one activation batch."""


@tagged("post_install", "-at_install")
class TestRecallResume(RecallCase):
    """A recall activation that crashes in batch k resumes on the next run: every unit
    is dealt with once, none twice, none skipped."""

    def test_crash_in_a_batch_resumes_without_double_or_missing_units(self):
        names = [f"RSM{n:03d}" for n in range(1, 10)]  # 9 units, batches of 2 -> 5 batches
        _picking, lots = self._receive(names)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("serial_tracking.recall_sync_limit", 2)
        params.set_param("serial_tracking.recall_batch_size", 2)
        recall = self._recall(serial_ranges="RSM001-RSM009")
        recall.action_simulate()
        self.assertEqual(recall.unit_count, 9)
        recall.with_user(self.manager).action_activate()
        self.assertEqual(recall.todo_count, 9)  # went to the background
        batch = recall._batch_size()
        self.assertEqual(batch, 2)

        Recall = type(self.env["serial.recall"])
        original = Recall._quarantine_units
        calls = []

        def crashing(this, units):
            calls.append(units.lot_id.ids)
            original(this, units)  # the batch did its work ...
            if len(calls) == 3:
                raise _BatchCrash("disk full")  # ... and then batch 3 crashes

        done_before_crash = []
        with patch.object(Recall, "_quarantine_units", crashing):
            for _k in range(2):
                done_before_crash.append(recall._activation_step(batch))
            # the cron's transaction of batch 3 fails and rolls back
            with self.assertRaises(_BatchCrash), self.env.cr.savepoint():
                recall._activation_step(batch)
        self.env.invalidate_all()
        self.assertEqual(done_before_crash, [2, 2])
        self.assertEqual(recall.todo_count, 5, "the crashed batch must stay to do")
        crashed_lots = set(calls[2])
        # the crashed batch left nothing behind: its units are neither moved nor logged
        Event = self.env["serial.event"]
        self.assertFalse(
            Event.search_count(
                [("lot_id", "in", list(crashed_lots)), ("event_type", "=", "quarantined")]
            )
        )
        # next cron run: the batch step again until nothing is left
        steps = []
        while done := recall._activation_step(batch):
            steps.append(done)
            self.assertLess(len(steps), 10, "activation does not converge")
        self.env.invalidate_all()
        self.assertEqual(steps, [2, 2, 1])
        self.assertEqual(recall.todo_count, 0)
        self.assertFalse(recall.unit_ids.filtered("todo"))
        self.assertEqual(set(recall.unit_ids.mapped("status")), {"quarantined"})
        # exactly one quarantine event and one transfer line per unit
        events = Event.search([("lot_id", "in", lots.ids), ("event_type", "=", "quarantined")])
        self.assertEqual(sorted(events.lot_id.mapped("name")), names)
        self.assertEqual(len(events), 9)
        move_lines = recall.unit_ids.quarantine_picking_id.move_line_ids
        self.assertEqual(sorted(move_lines.lot_id.mapped("name")), names)
        self.assertEqual(len(move_lines), 9)
        all_lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", lots.ids),
                ("location_dest_id", "=", self.quarantine.id),
                ("state", "=", "done"),
            ]
        )
        self.assertEqual(len(all_lines), 9)
        self.assertEqual(set(lots.mapped("location_id").ids), {self.quarantine.id})
        # the crashed batch's units were done on resume, once
        self.assertEqual(len(events.filtered(lambda e: e.lot_id.id in crashed_lots)), 2)
