"""The set-based paths of ``models/bulk`` against Odoo's own path, row by row.

Tagged ``serial_fast_path`` and left out of the standard run: the suite's own test
database holds modules (stock_account through sale_stock and repair) that override the
methods the set-based paths stand in for, so the guard turns them off there. The test
command runs these tests on a database with ``serial_tracking`` alone, where the guard
lets them run, then installs a module that overrides Odoo's methods
(``tests/stock_override_probe``) and checks that every record reaches it.
"""

import datetime
import json
from collections import Counter

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.bulk.serial_bulk import SWITCH_PARAM
from ..tools import fast_path
from .common import SerialTrackingCase
from .test_backfill import forget_the_ledger

RECEIPT = 1000
# Columns that differ between any two receipts, whichever path wrote them.
_IDENTITY = frozenset(
    {
        "id",
        "name",
        "lot_name",
        "reference",
        "origin",
        "document_ref",
        "hash",
        "prev_hash",
        "picking_ref",
        "move_line_ref",
        "sequence",
    }
)


def receive_generated(case, picking):
    """Fill ``picking``'s move with the serials of its product's rule through the move's
    Generate Serials wizard, as a user does."""
    action = picking.move_ids.action_open_serial_generate_wizard()
    case.env[action["res_model"]].with_context(**action["context"]).create({}).action_apply()
    return picking.move_ids.move_line_ids


def give_rule(case, prefix):
    """A numbering rule on ``case.product`` with serials ``<prefix>0000001`` on."""
    case.product.serial_format_rule_id = case.env["serial.format.rule"].create(
        {"name": f"{prefix} serials", "pattern": prefix + "{SEQ:7}", "charset": "gs1_ai21"}
    )


@tagged("serial_fast_path", "-standard", "post_install", "-at_install")
class TestFastPath(SerialTrackingCase):
    def setUp(self):
        super().setUp()
        give_rule(self, "FP")

    def _set_fast_path(self, on):
        self.env["ir.config_parameter"].sudo().set_param(SWITCH_PARAM, "on" if on else "off")

    def _receive_through_wizard(self):
        """A receipt of RECEIPT serials as a user makes it: the move's Generate Serials
        wizard, then Validate."""
        picking = self._confirmed_receipt(self.product, RECEIPT)
        receive_generated(self, picking)
        self._validate(picking)
        self.env.flush_all()
        return picking

    def test_every_operation_runs_set_based_here(self):
        """On this database nothing but Odoo's stock and the suite hooks those methods."""
        verdicts = self.env["serial.bulk"]._serial_verdicts()
        self.assertEqual(set(verdicts), set(fast_path.OPERATIONS))
        off = [verdict.reason() for verdict in verdicts.values() if not verdict.enabled]
        self.assertFalse(off)

    def test_big_receipt_takes_the_set_based_path(self):
        """All but one line copy their quants; the switch in the settings turns it off."""
        lines = receive_generated(self, self._confirmed_receipt(self.product, RECEIPT))
        lines.picked = True
        plan = lines._serial_receipt_plan()
        self.assertEqual(len(plan), RECEIPT - 1, "all but one line are copied")
        self._set_fast_path(False)
        self.assertEqual(lines._serial_receipt_plan(), {})
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.serial_bulk_fast_path)
        settings.serial_bulk_fast_path = True
        settings.execute()
        self.assertEqual(len(lines._serial_receipt_plan()), RECEIPT - 1)

    def test_both_paths_write_the_same_rows(self):
        """The same receipt on the set-based path and on Odoo's: every stored column of
        every serial, line, quant, move and ledger event is the same, but the names,
        identities and clock times that differ between any two receipts."""
        self._set_fast_path(True)
        fast = self._rows_of(self._receive_through_wizard())
        self._set_fast_path(False)
        orm = self._rows_of(self._receive_through_wizard())
        for table in fast:
            self.assertEqual(sum(fast[table].values()), sum(orm[table].values()), table)
            self.assertEqual(fast[table], orm[table], f"{table} differs between the paths")
        self.assertEqual(sum(fast["stock_lot"].values()), RECEIPT)
        self.assertEqual(
            sum(fast["stock_quant"].values()),
            2 * RECEIPT,
            "one quant in stock and one at the vendor per serial",
        )

    def test_backfill_writes_the_same_rows_both_ways(self):
        """The back-fill of serials that existed before installation: states and
        ``imported`` events the same with one statement per batch and through the ORM."""
        _picking, lots = self._receive([f"BFP-{number}" for number in range(6)])
        self._deliver(lots[:2])
        rows = {}
        for on in (True, False):
            self._set_fast_path(on)
            forget_the_ledger(self.env, lots)
            self.assertGreaterEqual(self.env["stock.lot"]._serial_backfill(), len(lots))
            self.env.flush_all()
            roles = {"lot_id": {lot.id: lot.name for lot in lots}}
            rows[on] = {
                table: self._table_rows(table, records.ids, roles)
                for table, records in (("stock_lot", lots), ("serial_event", self._events(lots)))
            }
            self.assertEqual(self.env["serial.event"]._find_broken_chains(lots.ids), {})
        self.assertEqual(rows[True], rows[False])
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock", "shipped"})

    def _rows_of(self, picking):
        """``{table: Counter(row)}``: the rows the receipt wrote, each a tuple of
        ``(column, value)`` with the receipt's own records named by their role."""
        moves = picking.move_ids
        lines = moves.move_line_ids
        lots = lines.lot_id
        quants = self.env["stock.quant"].search([("lot_id", "in", lots.ids)])
        events = self.env["serial.event"].search([("lot_id", "in", lots.ids)])
        roles = {
            "picking_id": {picking.id: "this receipt"},
            "move_id": {move.id: "its move" for move in moves},
            "lot_id": {lot.id: "a serial of it" for lot in lots},
            "move_line_id": {line.id: "a line of it" for line in lines},
        }
        records = {
            "stock_picking": picking,
            "stock_move": moves,
            "stock_move_line": lines,
            "stock_lot": lots,
            "stock_quant": quants,
            "serial_event": events,
        }
        return {table: self._table_rows(table, rows.ids, roles) for table, rows in records.items()}

    def _table_rows(self, table, ids, roles):
        self.env.cr.execute(SQL("SELECT * FROM %s WHERE id = ANY(%s)", SQL.identifier(table), ids))
        columns = [column.name for column in self.env.cr.description]
        rows = Counter()
        for values in self.env.cr.fetchall():
            row = []
            for column, value in zip(columns, values, strict=True):
                if column in _IDENTITY or isinstance(value, datetime.date):
                    continue  # datetimes included: clock times of each run
                if column in roles:
                    value = roles[column].get(value, value)
                elif isinstance(value, (dict, list)):
                    value = json.dumps(value, sort_keys=True)
                row.append((column, value))
            rows[tuple(row)] += 1
        return rows
