from odoo import models

from ..tools import lifecycle

# States from which a unit may leave on a delivery (see tools/lifecycle.py, "shipped").
_SHIPPABLE = frozenset({lifecycle.IN_STOCK, lifecycle.ALLOCATED, lifecycle.RETURNED})


class SerialScanner(models.AbstractModel):
    """Pick: each scan marks one unit in stock picked on a delivery."""

    # one model split by mode over files (see serial_scanner.py)
    _inherit = "serial.scanner"  # pylint: disable=consider-merging-classes-inherited

    def _scan_pick(self, code, params):
        return self._scan_transfer("pick", code, params, self._pick_unit)

    def _pick_unit(self, picking, _scan, product, serial, lots, params):
        """Pick the unit ``serial`` for ``picking`` (see ``_scan_transfer``)."""
        lot = self._require_lot(serial, lots, product or self._current_product(params))
        moves = self._open_moves(picking, lot.product_id)
        if not moves:
            self._not_on_document(picking, lot.product_id, lot.name)
        lines = self._unit_lines(picking, moves, lot)
        if any(lines.mapped("picked")):
            self._scanned_again(
                lot,
                picking,
                params,
                self.env._(
                    "%(serial)s is already picked for %(picking)s. If you scanned the same unit "
                    "again, there is nothing to do.",
                    serial=lot.name,
                    picking=picking.name,
                ),
            )
        self._check_shippable(lot, picking, lines)
        line, undo = self._pick_line(picking, moves, lot, lines)
        document = self._document(picking)
        return self._result(
            "ok",
            self.env._("%(serial)s picked for %(picking)s.", serial=lot.name, picking=picking.name),
            document=document,
            entry=self._entry(
                lot,
                "picked",
                self.env._("Picked"),
                undo=dict(undo, line_id=line.id),
                product=self._label(document, lot.product_id.id),
            ),
        )

    def _unit_lines(self, picking, moves, lot):
        """The unit's lines on the delivery, read once for the checks and the pick: by
        the delivery, or by its ``moves`` (see ``_receipt_line``)."""
        return self.env["stock.move.line"].search_fetch(
            [
                ("lot_id", "=", lot.id),
                "|",
                ("picking_id", "=", picking.id),
                ("move_id", "in", moves.ids),
            ],
            None,
        )

    def _check_shippable(self, lot, picking, lines=None):
        """Refuse ``lot`` on ``picking`` unless it may leave; ``lines`` are its lines
        on ``picking`` when the caller has them already."""
        self._refuse_recalled(lot, "pick")
        if lot.lifecycle_state not in _SHIPPABLE:
            self._refuse(self._not_shippable(lot))
        quants = self._stock_quants(lot)
        source = picking.location_id
        if not quants:
            self._refuse(
                self.env._(
                    "%(serial)s is not in stock according to Odoo. Put it aside and ask for a "
                    "count of its location.",
                    serial=lot.name,
                )
            )
        if not quants.filtered(lambda q: q.location_id._child_of(source)):
            self._refuse(
                self.env._(
                    "%(serial)s is recorded in %(where)s, outside %(source)s where %(picking)s "
                    "picks from. Pick a unit from %(source)s, or move this one there first.",
                    serial=lot.name,
                    where=self._where(lot, quants),
                    source=source.display_name,
                    picking=picking.name,
                )
            )
        reserved = lot._serial_reserved_for_delivery().get(lot.id)
        if reserved and reserved not in (lines or ()) and (self._line_picking(reserved) != picking):
            self._refuse(
                self.env._(
                    "%(serial)s is reserved for %(other)s. Pick another unit, or unreserve it "
                    "there first.",
                    serial=lot.name,
                    other=self._line_picking(reserved).name or reserved.reference,
                )
            )

    def _not_shippable(self, lot):
        """Why ``lot`` may not leave in its lifecycle state; a quarantined unit is put
        aside."""
        where = self._where(lot)
        if lot.lifecycle_state == lifecycle.QUARANTINED:
            return self.env._(
                "%(serial)s is quarantined (%(where)s); put it aside and pick another unit.",
                serial=lot.name,
                where=where,
            )
        return self.env._(
            "%(serial)s is %(state)s (%(where)s): only a unit in stock can be shipped. "
            "Pick another unit.",
            serial=lot.name,
            state=self._state_label(lot),
            where=where,
        )

    def _pick_line(self, picking, moves, lot, lines=None):
        """Mark the unit picked on the delivery; ``(line, undo data)``. ``lines`` are the
        unit's lines on ``picking`` (searched when not given)."""
        if lines is None:
            lines = self._unit_lines(picking, moves, lot)
        line = lines[:1]
        lines = self.env["stock.move.line"]
        if line:
            vals = {"picked": True}
            if not line.picking_id:
                vals["picking_id"] = picking.id  # so the delivery's form lists it
            with self._keeping_picked(line.move_id):
                line.write(vals)
            return line, {"previous_lot_id": lot.id, "created": False}
        free = lines.search([("move_id", "in", moves.ids), ("picked", "=", False)], limit=1)
        if free:
            previous = free.lot_id
            vals = {"lot_id": lot.id, "picked": True}
            if free.quantity != 1:  # an unchanged quantity would only make Odoo recount
                vals["quantity"] = 1
            if not free.picking_id:
                vals["picking_id"] = picking.id
            with self._keeping_picked(free.move_id):
                free.write(vals)  # the write frees the unit swapped out
            return free, {"previous_lot_id": previous.id, "created": False}
        picked = dict(
            lines._read_group(
                [("move_id", "in", moves.ids), ("picked", "=", True)], ["move_id"], ["__count"]
            )
        )
        move = moves.filtered(lambda m: picked.get(m, 0) < m.product_uom_qty)[:1]
        if not move:
            self._refuse(
                self.env._(
                    "All %(count)s units of %(product)s on %(picking)s are picked already. Put "
                    "this one back.",
                    count=int(sum(moves.mapped("product_uom_qty"))),
                    product=lot.product_id.display_name,
                    picking=picking.name,
                )
            )
        vals = move._prepare_move_line_vals(quantity=1)
        vals.pop("lot_name", None)
        vals.update(
            lot_id=lot.id,
            picked=True,
            location_id=self._stock_quants(lot)[:1].location_id.id or move.location_id.id,
        )
        with self._keeping_picked(move):
            line = self.env["stock.move.line"].create(vals)
        return line, {"created": True}

    def _undo_pick(self, undo, params):
        line, picking = self._undo_line("pick", undo, params)
        serial = line.lot_id.name
        if undo.get("created"):
            line.unlink()
        elif undo.get("previous_lot_id") and undo["previous_lot_id"] != line.lot_id.id:
            line.write({"picked": False, "lot_id": undo["previous_lot_id"]})
        else:
            line.picked = False
        return self._result(
            "ok",
            self.env._("%(serial)s taken off %(picking)s.", serial=serial, picking=picking.name),
            document=self._document(picking),
        )
