from collections import defaultdict
from typing import NamedTuple

from odoo import fields, models

from ...tools.fast_path import BULK_MIN

# Below this many lines, a transfer between our own locations goes through Odoo's own
# quant updates line by line.
RELOCATE_MIN = 100


class BulkPlan(NamedTuple):
    """The lines of a validation whose quants are written set-wise after Odoo's own
    ``_action_done`` ran on every line, in the context key ``serial_bulk_plan``. A client
    can send any context over RPC, but not an instance of this class."""

    # {line id: (template line id, the line's serial id)}: quants copied from another line
    copies: dict
    # line ids whose single quant changes location with one UPDATE
    relocated: frozenset

    def __contains__(self, line_id):
        return line_id in self.copies or line_id in self.relocated


class StockMoveLine(models.Model):
    # apart from the model's other extensions: every set-based path lives in models/bulk
    _inherit = "stock.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _action_done(self):
        """Odoo's validation of every line. On a big receipt of new serials the quants of
        all lines but one of each kind are copied from that one's (``_serial_receipt_plan``);
        on a big transfer between our own locations, each serial's quant changes
        location with one statement (``_serial_relocation_plan``). Odoo's own quant
        updates are skipped for those lines only (``_synchronize_quant``)."""
        copies = self._serial_receipt_plan()
        relocated = self._serial_relocation_plan()
        if not copies and not relocated:
            return super()._action_done()
        plan = BulkPlan(copies, frozenset(relocated.ids))
        result = super(StockMoveLine, self.with_context(serial_bulk_plan=plan))._action_done()
        self._serial_copy_receipt_quants(copies)
        relocated._serial_relocate()
        return result

    def _synchronize_quant(
        self, quantity, location, action="available", in_date=False, **quants_value
    ):
        # the quants of a planned line are written once Odoo's validation is over
        plan = self.env.context.get("serial_bulk_plan")
        if isinstance(plan, BulkPlan) and self.id in plan:
            return 0, False
        return super()._synchronize_quant(
            quantity, location, action=action, in_date=in_date, **quants_value
        )

    def _check_company(self, fnames=None):
        """Odoo's company check, on big batches only for the lines that can fail it.

        Odoo evaluates a domain per line and field: 25 seconds for the 20,000 lines of a
        receipt when it validates them. Whether a value fits depends only on the value
        and the line's company, so the values of all lines of one company are checked
        together, and Odoo's own check runs on the lines holding a value that does not
        fit (it raises its own message)."""
        if len(self) < BULK_MIN or not self.env["serial.bulk"]._serial_fast_path("company_check"):
            return super()._check_company(fnames)
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            fnames = list(self._fields)
        checked = [self._fields[name] for name in fnames]
        checked = [field for field in checked if field.relational and field.check_company]
        if any(field.company_dependent for field in checked):
            return super()._check_company(fnames)
        suspects = set()
        for company, lines in self.sudo().grouped("company_id").items():
            for field in checked:
                values = lines[field.name]
                domain = values and values._check_company_domain(company)
                if not domain:
                    continue
                misfits = values - values.with_context(active_test=False).filtered_domain(domain)
                if misfits:
                    suspects.update(line.id for line in lines if line[field.name] & misfits)
        if not suspects:
            return None
        return super(StockMoveLine, self.browse(sorted(suspects)))._check_company(fnames)

    # --- big receipts of new serials ---------------------------------------------------

    def _serial_receipt_plan(self):
        """``{line id: (template line id, serial id)}`` of a big receipt of new serials.

        Odoo moves quants one line at a time (two quant creations per serial), which
        takes minutes for 100,000 serials. Lines receiving a serial that has no quant
        anywhere yet, one unit from a supplier location into an internal one, without
        package or owner, all leave the same two quants: the first line of each
        (product, source, destination, company) goes through Odoo, the others copy its
        quants.
        """
        if len(self) < BULK_MIN or not self.env["serial.bulk"]._serial_fast_path("receive_quants"):
            return {}
        self.flush_model(
            [
                "lot_id",
                "move_id",
                "product_id",
                "location_id",
                "location_dest_id",
                "company_id",
                "quantity",
                "product_uom_id",
                "package_id",
                "result_package_id",
                "owner_id",
            ]
        )
        self.env["stock.move"].flush_model(["is_inventory"])
        self.env["stock.quant"].flush_model(["lot_id"])
        # One query instead of ten field reads per line.
        self.env.cr.execute(
            """SELECT ml.id, ml.lot_id, ml.product_id, ml.location_id, ml.location_dest_id,
                      ml.company_id
                 FROM stock_move_line ml
                 JOIN stock_move move ON move.id = ml.move_id
                 JOIN product_product product ON product.id = ml.product_id
                 JOIN product_template template ON template.id = product.product_tmpl_id
                 JOIN stock_location source ON source.id = ml.location_id
                 JOIN stock_location dest ON dest.id = ml.location_dest_id
                WHERE ml.id = ANY(%s)
                  AND ml.lot_id IS NOT NULL
                  AND ml.quantity = 1 AND ml.product_uom_id = template.uom_id
                  AND ml.package_id IS NULL AND ml.result_package_id IS NULL
                  AND ml.owner_id IS NULL AND NOT COALESCE(move.is_inventory, FALSE)
                  AND template.tracking = 'serial' AND template.is_storable
                  AND source.usage = 'supplier' AND dest.usage = 'internal'
                  -- a serial never held anywhere before
                  AND NOT EXISTS (SELECT 1 FROM stock_quant quant
                                   WHERE quant.lot_id = ml.lot_id)
             ORDER BY ml.id""",
            [self.ids],
        )
        rows = self.env.cr.fetchall()
        lot_count = defaultdict(int)
        for _line_id, lot_id, *_key in rows:
            lot_count[lot_id] += 1
        groups = defaultdict(list)
        for line_id, lot_id, *key in rows:
            if lot_count[lot_id] == 1:  # received once in this batch
                groups[tuple(key)].append((line_id, lot_id))
        copies = {
            line_id: (lines[0][0], lot_id)
            for lines in groups.values()
            for line_id, lot_id in lines[1:]
        }
        return copies if len(copies) >= BULK_MIN else {}

    def _serial_copy_receipt_quants(self, copies):
        """Give each copied line's serial the quants its template line got from Odoo."""
        by_template = defaultdict(list)
        for template_id, lot_id in copies.values():
            by_template[template_id].append(lot_id)
        bulk = self.env["serial.bulk"]
        quants = self.env["stock.quant"].sudo()
        lots = self.env["stock.lot"]
        location = lots._fields["location_id"]
        for template_id, lot_ids in by_template.items():
            template_lot = self.browse(template_id).lot_id
            copied_lots = lots.browse(lot_ids)
            # Quant constraints (lot of the right product) hold: the lines' own do.
            for quant in quants.search([("lot_id", "=", template_lot.id)]):
                bulk._copy_rows(quant, "lot_id", lot_ids, check=False)
            # Each serial's single location is its template's: set as the compute would
            # set it, instead of reading every serial's new quants back.
            self.env.remove_to_compute(location, copied_lots)
            with self.env.protecting([location], copied_lots):
                copied_lots.location_id = template_lot.location_id

    # --- big transfers between our own locations -------------------------------------

    def _serial_relocation_plan(self):
        """Lines of a big internal transfer of serials (``serial_relocate`` in the context,
        see ``stock.lot._serial_transfer``) whose serial sits, unreserved, as the one unit
        of a single quant at the line's source, without package or owner.

        Odoo unreserves such a quant, takes it to zero at the source and creates one at
        the destination, with about eight queries per serial; the same end state is one
        UPDATE of the quant's location (same company, same in-date, nothing reserved).
        """
        if (
            not self.env.context.get("serial_relocate")
            or len(self) < RELOCATE_MIN
            or not self.env["serial.bulk"]._serial_fast_path("relocate_quants")
        ):
            return self.browse()
        self.flush_model()
        self.env["stock.quant"].flush_model()
        self.env.cr.execute(
            """SELECT ml.id
                 FROM stock_move_line ml
                 JOIN product_product pp ON pp.id = ml.product_id
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 JOIN stock_location src ON src.id = ml.location_id
                 JOIN stock_location dst ON dst.id = ml.location_dest_id
                 JOIN stock_quant q ON q.lot_id = ml.lot_id AND q.location_id = ml.location_id
                WHERE ml.id = ANY(%s)
                  AND ml.quantity = 1 AND ml.product_uom_id = pt.uom_id
                  AND ml.package_id IS NULL AND ml.result_package_id IS NULL
                  AND ml.owner_id IS NULL
                  AND pt.tracking = 'serial' AND pt.is_storable
                  AND src.usage = 'internal' AND dst.usage = 'internal'
                  AND src.company_id = dst.company_id
                  AND q.quantity = 1 AND q.reserved_quantity IN (0, 1)
                  AND q.package_id IS NULL AND q.owner_id IS NULL
                  -- a reservation on the quant, if any, is this line's own
                  AND NOT EXISTS (SELECT 1 FROM stock_move_line rival
                                   WHERE rival.lot_id = ml.lot_id AND rival.id != ml.id
                                     AND rival.location_id = ml.location_id
                                     AND rival.quantity > 0
                                     AND rival.state NOT IN ('done', 'cancel'))
                  AND NOT EXISTS (SELECT 1 FROM stock_quant other
                                    JOIN stock_location held ON held.id = other.location_id
                                   WHERE other.lot_id = ml.lot_id AND other.id != q.id
                                     AND other.quantity != 0
                                     AND held.usage IN ('internal', 'transit'))""",
            [self.ids],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _serial_relocate(self):
        """Move the quants of these lines to their destination (Odoo dated the lines, and
        the ledger records their events after this)."""
        if not self:
            return
        now = fields.Datetime.now()
        self.env.flush_all()  # nothing pending may overwrite the rows changed below
        self.env.cr.execute(
            """UPDATE stock_quant q
                  SET location_id = ml.location_dest_id, inventory_date = NULL,
                      reserved_quantity = 0,
                      write_uid = %s, write_date = %s
                 FROM stock_move_line ml
                WHERE ml.id = ANY(%s) AND q.lot_id = ml.lot_id
                  AND q.location_id = ml.location_id AND q.quantity = 1
            RETURNING q.id""",
            [self.env.uid, now, self.ids],
        )
        quants = self.env["stock.quant"].browse([row[0] for row in self.env.cr.fetchall()])
        self.env.cr.execute(
            """UPDATE stock_lot lot SET location_id = ml.location_dest_id
                 FROM stock_move_line ml
                WHERE ml.id = ANY(%s) AND lot.id = ml.lot_id""",
            [self.ids],
        )
        self.env["stock.quant"].invalidate_model(["location_id", "inventory_date"])
        lots = self.lot_id
        self.env.remove_to_compute(lots._fields["location_id"], lots)
        self.env["stock.lot"].invalidate_model(["location_id", "quant_ids"])
        # as Odoo would for a new quant: the destination's next count date
        self.env.add_to_compute(self.env["stock.quant"]._fields["inventory_date"], quants)
