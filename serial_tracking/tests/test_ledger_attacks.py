"""Attacks on the ledger through SQL, as someone with write access to the database
(and none to the server's files) would run them, and the checks users press that must
report them: Verify History on the serials, Verify All Histories (in SQL), the daily
consistency check, and Verify Against Anchor against the file the daily job wrote."""

import os
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL

from ..models.serial_ledger_key import LEGACY_PARAM
from ..tools import ledger
from .common import SerialTrackingCase, WebClientDoors

_COLUMNS = ("id", "prev_hash", "hash", *ledger.HASHED_FIELDS_V2)


@tagged("post_install", "-at_install")
class TestLedgerAttacks(WebClientDoors, HttpCase, SerialTrackingCase):
    # --- the doors -------------------------------------------------------------------

    def _verify_history(self, lots):
        """The serials' Verify History button, as the web client calls it."""
        return self._call_button("stock.lot", "action_verify_history", lots.ids)["params"]

    def _verify_anchor(self):
        return self._call_button("serial.consistency.check", "action_verify_anchor", [])["params"]

    def _export_anchor(self):
        """The daily anchor job, run as the scheduler runs it; its file removed after
        the test."""
        anchors = self.env["serial.ledger.anchor"]
        directory = anchors._serial_anchor_dir()
        before = set(os.listdir(directory)) if os.path.isdir(directory) else set()
        cron = self.env.ref("serial_tracking.ir_cron_serial_ledger_anchor")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        written = set(os.listdir(directory)) - before
        self.assertEqual(len(written), 1)
        path = os.path.join(directory, written.pop())
        self.addCleanup(os.remove, path)
        return path

    # --- the attacker's tools ----------------------------------------------------------

    def _rows(self, lot):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM serial_event WHERE lot_id = %s ORDER BY id",
                SQL(", ").join(map(SQL.identifier, _COLUMNS)),
                lot.id,
            )
        )
        return self.env.cr.dictfetchall()

    def _rewrite(self, lot, change, digest):
        """Rewrite every event of ``lot`` with SQL: ``change(row)`` edits a row, then
        the chain is rebuilt with ``digest(row, prev_hash)``, links included."""
        prev = ledger.GENESIS
        for row in self._rows(lot):
            change(row)
            row["prev_hash"] = prev
            row["hash"] = prev = digest(row, prev)
            self.env.cr.execute(
                "UPDATE serial_event SET partner_id = %s, note = %s, prev_hash = %s, "
                "hash = %s WHERE id = %s",
                [row["partner_id"], row["note"], row["prev_hash"], row["hash"], row["id"]],
            )
        self.env.invalidate_all()

    def _shipped(self, names):
        _picking, lots = self._receive(names)
        self._deliver(lots)
        return lots

    def _redirect(self, row):
        """Say the unit went to someone else."""
        if row["event_type"] == "shipped":
            row["partner_id"] = self.thief.id
            row["note"] = "rewritten"

    def setUp(self):
        super().setUp()
        self.thief = self.env["res.partner"].create({"name": "Not The Customer"})
        self.authenticate(self.stock_manager.login, self.stock_manager.login)

    # --- the attacks -------------------------------------------------------------------

    def test_events_carry_the_keyed_hash_on_both_paths(self):
        _picking, small = self._receive(["LA-K1"])  # ORM create
        with patch.object(type(self.env["serial.event"]), "_BULK_APPEND", 2):
            _picking, big = self._receive(["LA-K2", "LA-K3"])  # COPY
        events = self._events(small | big)
        self.assertTrue(all(event.hash.startswith("v2:") for event in events))
        self.assertEqual(self._verify_history(small | big)["type"], "success")

    def test_each_column_outside_the_old_hash_is_covered_now(self):
        """picking_id, move_line_id, company_id and create_date were outside the hash:
        changing one with SQL went unnoticed."""
        other = self.env["res.company"].create({"name": "Ledger Attack Co"})
        lots = self._shipped(["LA-C1", "LA-C2", "LA-C3", "LA-C4", "LA-C5"])
        by_name = {lot.name: lot for lot in lots}
        receipt = self._events(by_name["LA-C5"])[0]
        changes = {
            "LA-C1": ("picking_id = %s", receipt.picking_id.id),
            "LA-C2": ("move_line_id = %s", receipt.move_line_id.id),
            "LA-C3": ("company_id = %s", other.id),
            "LA-C4": ("create_date = create_date - %s * interval '1 day'", 2),
            "LA-C5": ("picking_ref = picking_ref + %s", 1),
        }
        for name, (assignment, value) in changes.items():
            event = self._events(by_name[name]).filtered("picking_id")[-1:]
            self.assertTrue(event.move_line_id and event.picking_ref)
            self.assertNotEqual(event.picking_id, receipt.picking_id)
            self.env.cr.execute(
                SQL("UPDATE serial_event SET %s WHERE id = %s", SQL(assignment, value), event.id)
            )
        self.env.invalidate_all()
        result = self._verify_history(lots)
        self.assertEqual(result["type"], "danger")
        for name in changes:
            self.assertIn(name, result["message"])
        message = self._verify_all()["params"]["message"]
        for name in changes:
            self.assertIn(name, message)

    def test_a_deleted_document_empties_its_link_and_keeps_the_chain(self):
        """Odoo deletes an unreserved line, and the database empties the events' link to
        it: the hash covers the recorded id, so the history stays intact."""
        lots = self._shipped(["LA-L1"])
        event = self._events(lots).filtered("move_line_id")[-1:]
        self.env.cr.execute(
            "UPDATE serial_event SET move_line_id = NULL, picking_id = NULL WHERE id = %s",
            [event.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self._verify_history(lots)["type"], "success")
        self.assertFalse(self.env["serial.consistency.check"]._run(lots.ids).issue_count)

    def test_a_serial_with_a_history_keeps_its_company(self):
        other = self.env["res.company"].create({"name": "Ledger Move Co"})
        _picking, lot = self._receive(["LA-M1"])
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/stock.lot/write",
                {
                    "model": "stock.lot",
                    "method": "write",
                    "args": [lot.ids, {"company_id": other.id}],
                    "kwargs": {},
                },
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.UserError")
        self.assertFalse(lot.company_id)

    def test_row_rewritten_with_the_old_unkeyed_formula_is_reported(self):
        """The whole chain rewritten and rehashed with plain SHA-256 of the old formula,
        links included: the unkeyed formula is accepted only on events recorded before
        the keyed one, so it is a forgery here."""
        lots = self._shipped(["LA-V1", "LA-V2"])
        victim = lots.filtered(lambda lot: lot.name == "LA-V1")
        first = self._events(victim)[0]
        self._rewrite(victim, self._redirect, ledger.legacy_hash)
        self.assertEqual(self._events(victim)[-1].partner_id, self.thief)
        result = self._verify_history(lots)
        self.assertEqual(result["type"], "danger")
        self.assertIn(f"LA-V1: event {first.id}", result["message"])
        self.assertNotIn("LA-V2", result["message"])
        result = self._verify_all()["params"]
        self.assertEqual(result["type"], "danger")
        self.assertIn(f"event #{first.id} content does not match", result["message"])
        self.assertNotIn("LA-V2", result["message"])

    def test_chain_rewritten_consistently_without_the_key_is_reported(self):
        """The attacker knows the v2 format but not the key: a chain signed with any
        other key (here one of his own) fails at its first event."""
        lots = self._shipped(["LA-W1"])
        first = self._events(lots)[0]
        guessed = ledger.derive_keys(b"g" * 32)[0]
        self._rewrite(lots, self._redirect, lambda row, prev: ledger.event_hash(row, prev, guessed))
        result = self._verify_history(lots)
        self.assertEqual(result["type"], "danger")
        self.assertIn(f"LA-W1: event {first.id}", result["message"])
        check = self.env["serial.consistency.check"]._run(lots.ids)
        self.assertEqual(
            check.issue_ids.filtered(lambda i: i.kind == "broken_chain").event_id, first
        )

    def test_anchor_reports_a_rewrite_even_with_the_key(self):
        """Anchored heads survive an attacker who got the key: the chains he rewrote
        verify, their heads no longer match the file written before."""
        lots = self._shipped(["LA-A1", "LA-A2"])
        victim = lots.filtered(lambda lot: lot.name == "LA-A1")
        self._export_anchor()
        result = self._verify_anchor()
        self.assertEqual(result["type"], "success", result["message"])
        # appending to a chain after the anchor is what the ledger does: still fine
        self.env["serial.event"]._append(
            [{"lot_id": lots[1].id, "event_type": "note", "note": "later"}]
        )
        self.assertEqual(self._verify_anchor()["type"], "success")

        key = self.env["serial.ledger.key"]._serial_chain_key()
        head = self._events(victim)[-1]
        self._rewrite(victim, self._redirect, lambda row, prev: ledger.event_hash(row, prev, key))
        self.assertEqual(self._verify_history(lots)["type"], "success")  # the key fits
        result = self._verify_anchor()
        self.assertEqual(result["type"], "danger")
        self.assertIn(
            f"LA-A1: event #{head.id}, its anchored last event's hash changed", result["message"]
        )
        self.assertNotIn("LA-A2", result["message"])

        # whoever is not a manager cannot press it
        self.authenticate(self.stock_user.login, self.stock_user.login)
        with self.assertRaises(JsonRpcException) as caught:
            self._verify_anchor()
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def test_anchor_reports_deleted_events_and_a_forged_file(self):
        lots = self._shipped(["LA-D1"])
        head = self._events(lots)[-1]
        path = self._export_anchor()
        self.env.cr.execute("DELETE FROM serial_event WHERE id = %s", [head.id])
        self.env.invalidate_all()
        result = self._verify_anchor()
        self.assertIn(
            f"LA-D1: event #{head.id}, its anchored last event is gone", result["message"]
        )
        # the attacker edits the anchor file too, without the key: its signature fails
        with open(path, encoding="utf-8") as file:
            text = file.read()
        with open(path, "w", encoding="utf-8") as file:
            file.write(text.replace(f",{head.id},", f",{head.id - 1},"))
        result = self._verify_anchor()
        self.assertEqual(result["type"], "danger")
        self.assertIn("not signed by this database's ledger key", result["message"])

    def test_old_formula_event_still_verifies(self):
        """An event recorded before the keyed formula keeps its unkeyed hash, and the
        keyed events after it chain to that hash: the history stays intact."""
        lots = self._shipped(["LA-O1"])
        key = self.env["serial.ledger.key"]._serial_chain_key()
        rows = self._rows(lots)
        # as the code before the keyed formula wrote the first event
        self.env["ir.config_parameter"].sudo().set_param(LEGACY_PARAM, str(rows[0]["id"]))
        self._rewrite(
            lots,
            lambda row: None,
            lambda row, prev: (
                ledger.legacy_hash(row, prev)
                if row["id"] == rows[0]["id"]
                else ledger.event_hash(row, prev, key)
            ),
        )
        events = self._events(lots)
        self.assertFalse(events[0].hash.startswith("v2:"))
        self.assertTrue(events[1].hash.startswith("v2:"))
        self.assertEqual(self._verify_history(lots)["type"], "success")
        check = self.env["serial.consistency.check"]._run(lots.ids)
        self.assertFalse(check.broken_chain_count)
        # the same unkeyed hash on the second event: recorded after, so forged
        self._rewrite(
            lots,
            lambda row: None,
            lambda row, prev: (
                ledger.legacy_hash(row, prev)
                if row["id"] <= rows[1]["id"]
                else ledger.event_hash(row, prev, key)
            ),
        )
        result = self._verify_history(lots)
        self.assertEqual(result["type"], "danger")
        self.assertIn(f"event {rows[1]['id']}", result["message"])
        check = self.env["serial.consistency.check"]._run(lots.ids)
        self.assertEqual(check.issue_ids.event_id.id, rows[1]["id"])
