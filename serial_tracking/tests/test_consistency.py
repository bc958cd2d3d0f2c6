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
        self._transition(self.lot["CC-4"], "quarantine", self.stock_manager, self.reason_quarantine)
        self._transition(self.lot["CC-5"], "scrap", self.stock_manager, self.reason_scrap)
        self._transition(self.lot["CC-2"], "install")
        self.planned = self.env["stock.lot"].create({"name": "CC-P", "product_id": self.product.id})
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
        self.env.cr.execute(
            "UPDATE stock_lot SET lifecycle_state = NULL WHERE id = ANY(%s)", [lots.ids]
        )
        self.env.invalidate_all()
        self.assertEqual(
            self._found(self._check(lots)),
            {("CC-BF1", "missing_state"), ("CC-BF2", "missing_state")},
        )
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
        self._sql("UPDATE stock_lot SET lifecycle_state = 'shipped' WHERE id = %s", lot["CC-1"].id)
        # the quant of a unit in stock vanished
        self._sql("DELETE FROM stock_quant WHERE lot_id = %s", lot["CC-6"].id)
        # a quarantined unit put back on the shelf without a release
        self._sql(
            "UPDATE stock_quant SET location_id = %s WHERE lot_id = %s AND quantity > 0",
            self.stock.id,
            lot["CC-4"].id,
        )
        # a shipped unit that Odoo still holds
        self._sql(
            "UPDATE stock_quant SET location_id = %s WHERE lot_id = %s AND quantity > 0",
            self.stock.id,
            lot["CC-2"].id,
        )
        # an event whose content was edited, one removed from the middle of a chain
        events_7, events_3 = self._events(lot["CC-7"]), self._events(lot["CC-3"])
        self._sql("UPDATE serial_event SET note = 'edited' WHERE id = %s", events_7[0].id)
        self.assertGreaterEqual(len(events_3), 4)
        self._sql("DELETE FROM serial_event WHERE id = %s", events_3[1].id)
        # no state at all; a state past 'planned' with no event
        self._sql("UPDATE stock_lot SET lifecycle_state = NULL WHERE id = %s", lot["CC-8"].id)
        self._sql(
            "UPDATE stock_lot SET lifecycle_state = 'in_stock' WHERE id = %s", self.planned.id
        )

        check = self._check()

        self.assertEqual(
            self._found(check),
            {
                ("CC-1", "state_vs_quant"),
                ("CC-1", "state_vs_last_event"),
                ("CC-6", "state_vs_quant"),
                ("CC-4", "state_vs_quant"),
                ("CC-2", "state_vs_quant"),
                ("CC-7", "broken_chain"),
                ("CC-3", "broken_chain"),
                ("CC-8", "missing_state"),
                ("CC-P", "missing_event"),
                ("CC-P", "state_vs_quant"),
            },
        )
        self.assertEqual(check.issue_count, 10)
        self.assertEqual(
            (
                check.state_vs_quant_count,
                check.state_vs_last_event_count,
                check.broken_chain_count,
                check.missing_count,
            ),
            (5, 1, 2, 2),
        )
        issues = {(issue.lot_id.name, issue.kind): issue for issue in check.issue_ids}
        first = issues["CC-1", "state_vs_quant"]
        self.assertEqual(
            (first.lifecycle_state, first.expected_state, first.location_id),
            ("shipped", "in_stock", self.stock),
        )
        last = issues["CC-1", "state_vs_last_event"]
        self.assertEqual(
            (last.expected_state, last.event_id), ("in_stock", self._events(lot["CC-1"])[-1])
        )
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
            {
                issue.lot_id.id: issue.event_id.id
                for issue in check.issue_ids
                if issue.kind == "broken_chain"
            },
        )
        for issue in check.issue_ids:
            self.assertIn(issue.lot_id.name, issue.details)
            self.assertTrue(issue.suggestion)
        self.assertIn("backup", issues["CC-7", "broken_chain"].suggestion)

    def test_check_of_every_serial_includes_the_broken_ones(self):
        self._sql(
            "UPDATE serial_event SET date = date - interval '1 day' WHERE id = %s",
            self._events(self.lot["CC-9"])[0].id,
        )
        check = self.env["serial.consistency.check"]._run()
        self.assertIn(("CC-9", "broken_chain"), self._found(check))
        self.assertGreaterEqual(check.serial_count, len(self.lots))

    def _company_fixture(self):
        """A serial of company A, two of company B, one more shared by every company
        (as the received ones of setUp are: their product has no company), each broken:
        received on paper, never put into stock; and CC-9 shipped over its ledger."""
        company_b = self.env["res.company"].create({"name": "Other Serial Co"})
        Lot = self.env["stock.lot"]
        self.assertFalse(self.lots.company_id)
        own = Lot.create(
            {"name": "CC-A1", "product_id": self.product.id, "company_id": self.env.company.id}
        )
        foreign = Lot.create(
            [
                {"name": name, "product_id": self.product.id, "company_id": company_b.id}
                for name in ("CC-B1", "CC-B2")
            ]
        )
        shared = Lot.create(
            {"name": "CC-SHARED", "product_id": self.product.id, "company_id": False}
        )
        Lot._serial_apply_events(
            [{"lot": lot, "event_type": "received"} for lot in own | foreign | shared]
        )
        self._sql(
            "UPDATE stock_lot SET lifecycle_state = 'shipped' WHERE id = %s", self.lot["CC-9"].id
        )
        return company_b, own, foreign, shared | self.lots

    def _manager_of(self, company, login):
        return new_test_user(
            self.env,
            login=login,
            groups="stock.group_stock_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def test_runs_and_totals_stay_within_their_company(self):
        company_a = self.env.company
        company_b, own, foreign, shared = self._company_fixture()
        everything = own | foreign | shared
        Check = self.env["serial.consistency.check"]
        check_a = Check._run(everything.ids, company=company_a)
        check_b = Check._run(everything.ids, company=company_b)

        # each run checks its company's serials and the shared ones, nothing else
        self.assertEqual((check_a.company_id, check_b.company_id), (company_a, company_b))
        shared_issues = {
            ("CC-9", "state_vs_quant"),
            ("CC-9", "state_vs_last_event"),
            ("CC-SHARED", "state_vs_quant"),
        }
        self.assertEqual(self._found(check_a), {("CC-A1", "state_vs_quant"), *shared_issues})
        self.assertEqual(
            self._found(check_b),
            {
                ("CC-B1", "state_vs_quant"),
                ("CC-B2", "state_vs_quant"),
                *shared_issues,
            },
        )
        self.assertEqual(set(check_a.issue_ids.company_id), {company_a})
        self.assertEqual(set(check_b.issue_ids.company_id), {company_b})
        # and so do its totals: A's run counts no serial nor event of company B
        self.assertEqual(
            (check_a.serial_count, check_a.event_count, check_a.issue_count),
            (len(own | shared), len(self._events(own | shared)), 4),
        )
        self.assertEqual(
            (
                check_b.serial_count,
                check_b.event_count,
                check_b.issue_count,
                check_b.state_vs_quant_count,
            ),
            (len(foreign | shared), len(self._events(foreign | shared)), 5, 4),
        )

        manager_b = self._manager_of(company_b, "cc_manager_b")
        manager_a = self._manager_of(company_a, "cc_manager_a")
        for user, ours, theirs in ((manager_b, check_b, check_a), (manager_a, check_a, check_b)):
            with self.subTest(user=user.login):
                ChecksAs = Check.with_user(user)
                IssuesAs = self.env["serial.consistency.issue"].with_user(user)
                self.assertIn(ours, ChecksAs.search([]))
                self.assertNotIn(theirs, ChecksAs.search([]))
                with self.assertRaises(AccessError):
                    ChecksAs.browse(theirs.id).read(["serial_count", "issue_count"])
                self.assertFalse(IssuesAs.search([("check_id", "=", theirs.id)]))
                both = (ours | theirs).ids
                self.assertEqual(
                    IssuesAs.search_count([("check_id", "in", both)]), ours.issue_count
                )
                grouped = dict(IssuesAs._read_group([], ["check_id"], ["__count"]))
                self.assertNotIn(theirs, grouped)
                self.assertEqual(grouped.get(ours), ours.issue_count)
                totals = ChecksAs._read_group([], [], ["serial_count:sum", "issue_count:sum"])
                visible = ChecksAs.search([])
                self.assertEqual(
                    totals[0],
                    (sum(visible.mapped("serial_count")), sum(visible.mapped("issue_count"))),
                )
        self.assertNotIn(
            own, self.env["serial.consistency.issue"].with_user(manager_b).search([]).lot_id
        )

        # the manager action of company B checks B's serials and the shared ones only
        action = Check.with_user(manager_b).action_run_check()
        run = Check.browse(action["res_id"])
        self.assertEqual(run.company_id, company_b)
        scope = self.env["stock.lot"].search_count(
            [
                ("product_id.tracking", "=", "serial"),
                ("company_id", "in", [company_b.id, False]),
            ]
        )
        self.assertEqual(run.serial_count, scope)
        self.assertEqual(
            run.issue_ids.lot_id,
            foreign | shared.filtered(lambda lot: lot.name in ("CC-9", "CC-SHARED")),
        )

    # --- action, cron, rights ------------------------------------------------------------

    def test_manager_action_cron_and_rights(self):
        self._sql(
            "UPDATE stock_lot SET lifecycle_state = 'scrapped' WHERE id = %s", self.lot["CC-9"].id
        )
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
        company_b, own, _foreign, _shared = self._company_fixture()
        scheduled = Check._cron_check()
        # one run per company, each with its own serials only
        self.assertEqual(set(scheduled.mapped("trigger")), {"cron"})
        self.assertEqual(scheduled.company_id, self.env["res.company"].search([]))
        by_company = {check.company_id: check for check in scheduled}
        self.assertIn(("CC-9", "state_vs_quant"), self._found(by_company[self.env.company]))
        self.assertEqual(
            {name for name, _kind in self._found(by_company[self.env.company])},
            {"CC-A1", "CC-9", "CC-SHARED"},
        )
        self.assertEqual(
            {name for name, _kind in self._found(by_company[company_b])},
            {"CC-B1", "CC-B2", "CC-9", "CC-SHARED"},
        )
        self.assertNotIn(own, by_company[company_b].issue_ids.lot_id)
