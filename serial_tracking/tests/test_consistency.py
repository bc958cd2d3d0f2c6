from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestConsistencyCheck(SerialTrackingCase):
    """The consistency check on serials moved through real flows, then on rows broken
    on purpose with raw SQL, as a faulty import or a hand-edited database would."""

    def setUp(self):
        super().setUp()
        # Big batches write their events with one raw INSERT instead of the ORM: make
        # this receipt one, so that the SQL verification sees rows of both writers.
        with patch.object(type(self.env["serial.event"]), "_BULK_APPEND", 4):
            _picking, self.lots = self._receive([f"CC-{n}" for n in range(1, 10)])
        self.lot = {lot.name: lot for lot in self.lots}
        self._deliver(self.lot["CC-2"])
        self._return(self._deliver(self.lot["CC-3"]), self.lot["CC-3"])
        self._transition(self.lot["CC-4"], "quarantine", self.stock_manager,
                         self.reason_quarantine)
        self._transition(self.lot["CC-5"], "scrap", self.stock_manager, self.reason_scrap)
        self._transition(self.lot["CC-2"], "install")
        self.planned = self.env["stock.lot"].create({"name": "CC-P",
                                                     "product_id": self.product.id})
        self.lots |= self.planned

    def _check(self, lots=None):
        return self.env["serial.consistency.check"]._run((lots or self.lots).ids)

    def _found(self, check):
        return {(issue.lot_id.name, issue.kind) for issue in check.issue_ids}

    # --- real flows ------------------------------------------------------------------

    def test_real_flows_are_consistent(self):
        states = {lot.name: lot.lifecycle_state for lot in self.lots}
        self.assertEqual(
            [states[f"CC-{n}"] for n in range(1, 6)],
            ["in_stock", "shipped", "returned", "quarantined", "scrapped"],
        )
        check = self._check()
        self.assertEqual(self._found(check), set())
        self.assertEqual(check.issue_count, 0)
        self.assertEqual(check.result, "ok")
        self.assertEqual(check.serial_count, len(self.lots))
        self.assertEqual(check.event_count, len(self._events(self.lots)))
        # both writers of the ledger (ORM and bulk INSERT) are in there
        self.assertGreater(check.event_count, 15)

    def test_backfilled_serials_are_consistent(self):
        _picking, lots = self._receive(["CC-BF1", "CC-BF2"])
        self._deliver(lots[0])
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM serial_event WHERE lot_id = ANY(%s)", [lots.ids])
        self.env.cr.execute("UPDATE stock_lot SET lifecycle_state = NULL WHERE id = ANY(%s)",
                            [lots.ids])
        self.env.invalidate_all()
        self.assertEqual(self._found(self._check(lots)),
                         {("CC-BF1", "missing_state"), ("CC-BF2", "missing_state")})
        self.env["stock.lot"]._serial_backfill()
        self.assertEqual(self._found(self._check(lots)), set())

    # --- broken on purpose -------------------------------------------------------------

    def _sql(self, query, *params):
        self.env.flush_all()
        self.env.cr.execute(query, params)
        self.env.invalidate_all()

    def test_detects_rows_broken_with_sql(self):
        lot = self.lot
        # a state written over the ledger: the unit is on the shelf, its events say so
        self._sql("UPDATE stock_lot SET lifecycle_state = 'shipped' WHERE id = %s",
                  lot["CC-1"].id)
        # the quant of a unit in stock vanished
        self._sql("DELETE FROM stock_quant WHERE lot_id = %s", lot["CC-6"].id)
        # a quarantined unit put back on the shelf without a release
        self._sql("UPDATE stock_quant SET location_id = %s WHERE lot_id = %s AND quantity > 0",
                  self.stock.id, lot["CC-4"].id)
        # a shipped unit that Odoo still holds
        self._sql("UPDATE stock_quant SET location_id = %s WHERE lot_id = %s AND quantity > 0",
                  self.stock.id, lot["CC-2"].id)
        # an event whose content was edited, one removed from the middle of a chain
        events_7, events_3 = self._events(lot["CC-7"]), self._events(lot["CC-3"])
        self._sql("UPDATE serial_event SET note = 'edited' WHERE id = %s", events_7[0].id)
        self.assertGreaterEqual(len(events_3), 4)
        self._sql("DELETE FROM serial_event WHERE id = %s", events_3[1].id)
        # no state at all; a state past 'planned' with no event
        self._sql("UPDATE stock_lot SET lifecycle_state = NULL WHERE id = %s", lot["CC-8"].id)
        self._sql("UPDATE stock_lot SET lifecycle_state = 'in_stock' WHERE id = %s",
                  self.planned.id)

        check = self._check()

        self.assertEqual(self._found(check), {
            ("CC-1", "state_vs_quant"), ("CC-1", "state_vs_last_event"),
            ("CC-6", "state_vs_quant"),
            ("CC-4", "state_vs_quant"),
            ("CC-2", "state_vs_quant"),
            ("CC-7", "broken_chain"),
            ("CC-3", "broken_chain"),
            ("CC-8", "missing_state"),
            ("CC-P", "missing_event"), ("CC-P", "state_vs_quant"),
        })
        self.assertEqual(check.issue_count, 10)
        self.assertEqual((check.state_vs_quant_count, check.state_vs_last_event_count,
                          check.broken_chain_count, check.missing_count), (5, 1, 2, 2))
        issues = {(issue.lot_id.name, issue.kind): issue for issue in check.issue_ids}
        first = issues["CC-1", "state_vs_quant"]
        self.assertEqual((first.lifecycle_state, first.expected_state, first.location_id),
                         ("shipped", "in_stock", self.stock))
        last = issues["CC-1", "state_vs_last_event"]
        self.assertEqual((last.expected_state, last.event_id),
                         ("in_stock", self._events(lot["CC-1"])[-1]))
        self.assertFalse(issues["CC-6", "state_vs_quant"].location_id)
        self.assertEqual(issues["CC-4", "state_vs_quant"].expected_state, "in_stock")
        self.assertEqual(issues["CC-2", "state_vs_quant"].location_id, self.stock)
        self.assertEqual(
            (issues["CC-7", "broken_chain"].event_id, issues["CC-7", "broken_chain"].chain_break),
            (events_7[0], "content"),
        )
        self.assertEqual(
            (issues["CC-3", "broken_chain"].event_id, issues["CC-3", "broken_chain"].chain_break),
            (events_3[2], "link"),
        )
        # The SQL verification and the Python one of tools/ledger.py name the same events.
        python_view = self.env["serial.event"]._find_broken_chains(self.lots.ids)
        self.assertEqual(
            {lot_id: event_id for lot_id, (event_id, _reason) in python_view.items()},
            {issue.lot_id.id: issue.event_id.id for issue in check.issue_ids
             if issue.kind == "broken_chain"},
        )
        for issue in check.issue_ids:
            self.assertIn(issue.lot_id.name, issue.details)
            self.assertTrue(issue.suggestion)
        self.assertIn("backup", issues["CC-7", "broken_chain"].suggestion)

    def test_check_of_every_serial_includes_the_broken_ones(self):
        self._sql("UPDATE serial_event SET date = date - interval '1 day' WHERE id = %s",
                  self._events(self.lot["CC-9"])[0].id)
        check = self.env["serial.consistency.check"]._run()
        self.assertIn(("CC-9", "broken_chain"), self._found(check))
        self.assertGreaterEqual(check.serial_count, len(self.lots))

    def test_issues_of_another_company_stay_hidden(self):
        other = self.env["res.company"].create({"name": "Other Serial Co"})
        foreign = self.env["stock.lot"].create({
            "name": "CC-OTHER", "product_id": self.product.id, "company_id": other.id,
        })
        self._sql("UPDATE stock_lot SET lifecycle_state = 'shipped' WHERE id IN %s",
                  (foreign.id, self.lot["CC-9"].id))
        check = self._check(self.lots | foreign)
        self.assertEqual({issue.lot_id.name for issue in check.issue_ids},
                         {"CC-9", "CC-OTHER"})
        manager = new_test_user(self.env, login="cc_manager_one_company",
                                groups="stock.group_stock_manager",
                                company_id=self.env.company.id,
                                company_ids=[Command.set(self.env.company.ids)])
        seen = self.env["serial.consistency.issue"].with_user(manager).search(
            [("check_id", "=", check.id)])
        self.assertEqual(len(seen), 2)  # against its quants and its last event
        self.assertEqual(seen.lot_id.mapped("name"), ["CC-9"])
        # the other company's serial: shipped without a single event
        self.assertEqual(len(check.issue_ids), 3)

    # --- action, cron, rights ------------------------------------------------------------

    def test_manager_action_cron_and_rights(self):
        self._sql("UPDATE stock_lot SET lifecycle_state = 'scrapped' WHERE id = %s",
                  self.lot["CC-9"].id)
        Check = self.env["serial.consistency.check"]
        action = Check.with_user(self.stock_manager).action_run_check()
        check = Check.browse(action["res_id"])
        self.assertEqual(check.trigger, "manual")
        self.assertEqual(check.user_id, self.stock_manager)
        self.assertIn(("CC-9", "state_vs_last_event"), self._found(check))
        # the manager reads what was found
        manager_issues = check.with_user(self.stock_manager).issue_ids
        self.assertIn(self.lot["CC-9"], manager_issues.lot_id)
        with self.assertRaises(AccessError):
            Check.with_user(self.stock_user).action_run_check()
        with self.assertRaises(AccessError):
            check.with_user(self.stock_user).read(["issue_count"])

        cron = self.env.ref("serial_tracking.ir_cron_serial_consistency_check")
        self.assertEqual(cron.interval_type, "days")
        scheduled = Check._cron_check()
        self.assertEqual(scheduled.trigger, "cron")
        self.assertIn(("CC-9", "state_vs_quant"), self._found(scheduled))
