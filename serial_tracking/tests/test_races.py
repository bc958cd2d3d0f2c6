"""Two users acting on the same serial at the same moment, on two real connections.

TransactionCase runs everything on one connection, where nothing can race. Here each
user has its own cursor, as two Odoo workers would: the first transaction does its
work and stays open, the second starts, runs into the first one's row locks and waits;
the first commits and the second goes on, through Odoo's own retry on serialization
failures (``odoo.service.model.retrying``, what every RPC call runs in). The data
these tests need is committed, so it is removed at the end.
"""

import threading
import time
import uuid
from functools import partial

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SeparateCursorsCase, add_move

_WAIT = 30  # seconds a blocked transaction may take before the test gives up


@tagged("post_install", "-at_install")
class TestRaces(SeparateCursorsCase):
    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:6].upper()
        self.picking_ids = []
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": f"Race test product {self.tag}",
                        "type": "consu",
                        "is_storable": True,
                        "tracking": "serial",
                    }
                )
                .id
            )
            self.customer_id = env["res.partner"].create({"name": f"Race {self.tag}"}).id
            # an Inventory administrator, so a Serial Tracking manager
            self.manager_id = env.ref("base.user_admin").id
        self.addCleanup(self._remove_data)

    # --- helpers ---------------------------------------------------------------------

    def _env(self, cr, uid=SUPERUSER_ID):
        return api.Environment(cr, uid, {})

    def _warehouse(self, env):
        return env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)

    def _picking(self, env, kind, names=None, lots=None):
        """A confirmed receipt (of new ``names``) or delivery (of ``lots``)."""
        warehouse = self._warehouse(env)
        product = env["product.product"].browse(self.product_id)
        if kind == "in":
            source, dest = env.ref("stock.stock_location_suppliers"), warehouse.lot_stock_id
            lines, picking_type = [{"lot_name": name} for name in names], warehouse.in_type_id
        else:
            source, dest = warehouse.lot_stock_id, env.ref("stock.stock_location_customers")
            lines, picking_type = [{"lot_id": lot.id} for lot in lots], warehouse.out_type_id
        picking = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": self.customer_id,
                "location_id": source.id,
                "location_dest_id": dest.id,
            }
        )
        add_move(env, picking, product, lines)
        self.picking_ids.append(picking.id)
        return picking

    @staticmethod
    def _validate(env, picking_id):
        picking = env["stock.picking"].browse(picking_id)
        picking.move_ids.picked = True
        return picking.button_validate()

    @staticmethod
    def _change_state(env, lot_id, action, reason_xmlid=None):
        reason = env.ref(reason_xmlid) if reason_xmlid else env["serial.reason"]
        env["serial.transition.wizard"].create(
            {
                "lot_ids": [Command.set([lot_id])],
                "action": action,
                "reason_id": reason.id,
            }
        ).action_apply()

    def _received_serial(self):
        """One serial received through a real receipt, committed."""
        name = f"RACE-{self.tag}-1"
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self._validate(env, self._picking(env, "in", names=[name]).id)
            lot = env["stock.lot"].search(
                [("name", "=", name), ("product_id", "=", self.product_id)]
            )
            self.assertEqual(lot.lifecycle_state, "in_stock")
            return lot.id

    def _race(self, first, second):
        """Run ``first`` on one connection and leave its transaction open; run
        ``second`` on another one through Odoo's retry: it waits for the first one's
        locks, until a watcher commits the first transaction. Return what ``second``
        raised, if anything.

        ``second`` runs in the test's own thread: Odoo's retry takes the registry lock,
        which the test runner's thread holds.
        """
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1, env2 = self._env(cr1, self.manager_id), self._env(cr2, self.manager_id)
            # The second user has read the database before the first one committed.
            cr2.execute("SELECT count(*) FROM stock_lot")
            second_pid = cr2._cnx.get_backend_pid()
            first(env1)
            env1.flush_all()
            cr1.precommit.run()  # mail tracking and the like, in this thread
            env1.flush_all()
            finished = threading.Event()
            watcher_saw = {}
            watcher = threading.Thread(
                target=self._commit_when_blocked,
                args=(cr1, second_pid, finished, watcher_saw),
            )
            error = None
            with mute_logger("odoo.service.model", "odoo.sql_db"):
                watcher.start()
                try:
                    retrying(partial(second, env2), env2)
                except (UserError, ValidationError) as refused:
                    error = refused
                    cr2.rollback()  # as the RPC layer does: nothing of a failed call is kept
                finally:
                    finished.set()
                    watcher.join(_WAIT)
            cr1.commit()  # nothing left to write: runs what waits for the commit
            self.assertTrue(
                watcher_saw.get("blocked"), "the second transaction did not wait for the first one"
            )
        return error

    @staticmethod
    def _commit_when_blocked(cr1, pid, finished, saw):
        """Commit ``cr1`` once the backend ``pid`` waits for a lock (or gave up)."""
        connection = cr1._cnx
        deadline = time.monotonic() + _WAIT
        with connection.cursor() as probe:
            while time.monotonic() < deadline and not finished.is_set():
                # statistics are a snapshot per transaction: take a fresh one
                probe.execute("SELECT pg_stat_clear_snapshot()")
                probe.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
                if probe.fetchone()[0] == "Lock":
                    saw["blocked"] = True
                    break
                time.sleep(0.05)
        connection.commit()

    def _result_of(self, lot_id):
        """The serial's state, events and chain, the picking states, on a fresh cursor."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            lot = env["stock.lot"].browse(lot_id)
            events = env["serial.event"].search([("lot_id", "=", lot_id)], order="id")
            broken = env["serial.event"]._find_broken_chains([lot_id])
            check = env["serial.consistency.check"]._run([lot_id])
            issues = [(issue.kind, issue.details) for issue in check.issue_ids]
            check.unlink()
            pickings = env["stock.picking"].browse(self.picking_ids)
            return {
                "state": lot.lifecycle_state,
                "events": events.mapped("event_type"),
                "broken": broken,
                "issues": issues,
                "pickings": {picking.id: picking.state for picking in pickings},
                "quants": {
                    (quant.location_id.usage, quant.location_id.serial_quarantine): quant.quantity
                    for quant in env["stock.quant"].search([("lot_id", "=", lot_id)])
                    if quant.quantity and quant.location_id.usage != "supplier"
                },
            }

    def _assert_refused(self, error, serial_name=None):
        self.assertIsInstance(error, (UserError, ValidationError), repr(error))
        if serial_name:
            self.assertIn(serial_name, str(error))

    def _remove_data(self):
        """Committed test data: delete it with SQL, the ledger included (the ORM
        refuses to delete events, as it must)."""
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM stock_lot WHERE product_id = %s", [self.product_id])
            lot_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "SELECT picking_id FROM stock_move WHERE product_id = %s "
                "AND picking_id IS NOT NULL",
                [self.product_id],
            )
            picking_ids = self.picking_ids + [row[0] for row in cr.fetchall()]
            for query, params in (
                ("DELETE FROM serial_consistency_issue WHERE lot_id = ANY(%s)", [lot_ids]),
                ("DELETE FROM serial_event WHERE lot_id = ANY(%s)", [lot_ids]),
                ("DELETE FROM serial_warranty WHERE lot_id = ANY(%s)", [lot_ids]),
                ("DELETE FROM stock_move_line WHERE product_id = %s", [self.product_id]),
                ("DELETE FROM stock_move WHERE product_id = %s", [self.product_id]),
                ("DELETE FROM stock_picking WHERE id = ANY(%s)", [picking_ids]),
                ("DELETE FROM stock_quant WHERE product_id = %s", [self.product_id]),
                ("DELETE FROM stock_lot WHERE id = ANY(%s)", [lot_ids]),
            ):
                cr.execute(query, params)
            env = self._env(cr)
            env.invalidate_all()
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(self.customer_id).unlink()

    # --- the races ---------------------------------------------------------------------

    def test_two_deliveries_of_the_same_serial(self):
        lot_id = self._received_serial()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            lot = env["stock.lot"].browse(lot_id)
            first = self._picking(env, "out", lots=lot).id
            second = self._picking(env, "out", lots=lot).id

        error = self._race(
            partial(self._validate, picking_id=first), partial(self._validate, picking_id=second)
        )

        # The first delivery took the unit: Odoo freed the second one's reservation, and
        # the retried validation finds nothing left to deliver.
        self._assert_refused(error)
        outcome = self._result_of(lot_id)
        self.assertEqual(outcome["pickings"][first], "done")
        self.assertNotEqual(outcome["pickings"][second], "done")
        self.assertEqual(outcome["state"], "shipped")
        self.assertEqual(outcome["events"], ["received", "allocated", "shipped"])
        self.assertEqual(outcome["broken"], {})
        self.assertEqual(outcome["issues"], [])
        self.assertEqual(outcome["quants"], {("customer", False): 1.0})

    def test_quarantine_wins_over_a_shipment(self):
        lot_id = self._received_serial()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            delivery = self._picking(env, "out", lots=env["stock.lot"].browse(lot_id)).id

        error = self._race(
            partial(
                self._change_state,
                lot_id=lot_id,
                action="quarantine",
                reason_xmlid="serial_tracking.reason_suspected_defect",
            ),
            partial(self._validate, picking_id=delivery),
        )

        # The quarantine transfer took the unit off the delivery's reservation.
        self._assert_refused(error)
        outcome = self._result_of(lot_id)
        self.assertNotEqual(outcome["pickings"][delivery], "done")
        self.assertEqual(outcome["state"], "quarantined")
        # the quarantine transfer took the unit off the delivery's reservation
        self.assertEqual(outcome["events"], ["received", "allocated", "deallocated", "quarantined"])
        self.assertEqual(outcome["broken"], {})
        self.assertEqual(outcome["issues"], [])
        self.assertEqual(outcome["quants"], {("internal", True): 1.0})

    def test_shipment_wins_over_a_quarantine(self):
        lot_id = self._received_serial()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            delivery = self._picking(env, "out", lots=env["stock.lot"].browse(lot_id)).id
            name = env["stock.lot"].browse(lot_id).name

        error = self._race(
            partial(self._validate, picking_id=delivery),
            partial(
                self._change_state,
                lot_id=lot_id,
                action="quarantine",
                reason_xmlid="serial_tracking.reason_suspected_defect",
            ),
        )

        self._assert_refused(error, name)
        outcome = self._result_of(lot_id)
        self.assertEqual(outcome["pickings"][delivery], "done")
        self.assertEqual(outcome["state"], "shipped")
        self.assertEqual(outcome["events"], ["received", "allocated", "shipped"])
        self.assertEqual(outcome["broken"], {})
        self.assertEqual(outcome["issues"], [])

    def test_two_events_that_keep_the_state_chain_one_after_the_other(self):
        """Registration and installation leave a shipped unit shipped: the serial's row
        is not otherwise updated, yet the second event must chain to the first."""
        lot_id = self._received_serial()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            delivery = self._picking(env, "out", lots=env["stock.lot"].browse(lot_id)).id
            self._validate(env, delivery)

        error = self._race(
            partial(self._change_state, lot_id=lot_id, action="register"),
            partial(self._change_state, lot_id=lot_id, action="install"),
        )

        self.assertIsNone(error)
        outcome = self._result_of(lot_id)
        self.assertEqual(
            outcome["events"], ["received", "allocated", "shipped", "registered", "installed"]
        )
        self.assertEqual(outcome["broken"], {}, "the second event forked the chain")
        self.assertEqual(outcome["state"], "shipped")
        self.assertEqual(outcome["issues"], [])

    def test_two_receipts_of_the_same_new_serial(self):
        name = f"RACE-{self.tag}-NEW"
        with self.registry.cursor() as cr:
            env = self._env(cr)
            first = self._picking(env, "in", names=[name]).id
            second = self._picking(env, "in", names=[name]).id

        error = self._race(
            partial(self._validate, picking_id=first), partial(self._validate, picking_id=second)
        )

        self.assertIsInstance(error, (UserError, ValidationError), repr(error))
        with self.registry.cursor() as cr:
            env = self._env(cr)
            lot = env["stock.lot"].search(
                [("name", "=", name), ("product_id", "=", self.product_id)]
            )
            self.assertEqual(len(lot), 1)
            lot_id = lot.id
        outcome = self._result_of(lot_id)
        self.assertEqual(outcome["pickings"][first], "done")
        self.assertNotEqual(outcome["pickings"][second], "done")
        self.assertEqual(outcome["events"], ["received"])
        self.assertEqual(outcome["state"], "in_stock")
        self.assertEqual(outcome["broken"], {})
        self.assertEqual(outcome["issues"], [])
