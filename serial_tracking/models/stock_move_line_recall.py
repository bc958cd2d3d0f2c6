from odoo import api, fields, models

# Below this many lines, a transfer goes through Odoo's own quant updates line by line.
RELOCATE_MIN = 100


class StockMoveLine(models.Model):
    """Serials of an active recall can be neither reserved on nor shipped by a delivery.

    Every check runs before anything is written and costs one query, only for lines that
    name a serial.
    """

    _inherit = "stock.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        move_ids = {vals["move_id"] for vals in vals_list
                    if vals.get("lot_id") and vals.get("move_id")}
        if move_ids:
            delivery_moves = self.env["stock.move"].browse(move_ids)._serial_delivery_moves()
            delivery_ids = set(delivery_moves.ids)
            lots = self.env["stock.lot"].browse({
                vals["lot_id"] for vals in vals_list
                if vals.get("lot_id") and vals.get("move_id") in delivery_ids
            })
            if lots:
                lots._serial_check_not_recalled(", ".join(
                    delivery_moves.picking_id.mapped("name")))
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("lot_id") or vals.get("quantity"):
            if vals.get("lot_id"):
                delivery_moves = self.move_id._serial_delivery_moves()
                lines = self.filtered(lambda ml: ml.move_id in delivery_moves)
            else:
                lines = self._serial_delivery_lines()
            lots = self.env["stock.lot"].browse(vals["lot_id"]) if vals.get("lot_id") \
                else lines.lot_id
            if lines and lots:
                lots._serial_check_not_recalled(", ".join(lines.picking_id.mapped("name")))
        return super().write(vals)

    def _action_done(self):
        lines = self._serial_delivery_lines().filtered(lambda ml: ml.quantity > 0)
        if lines:
            lines.lot_id._serial_check_not_recalled(", ".join(lines.picking_id.mapped("name")))
        relocated = self._serial_relocatable()
        if not relocated:
            return super()._action_done()
        result = super(StockMoveLine, self - relocated)._action_done()
        relocated._serial_relocate()
        return result

    # --- bulk relocation of serials between our own locations ---------------------------

    def _serial_relocatable(self):
        """Lines of a big internal transfer of serials (``serial_relocate`` in the context,
        see ``stock.lot._serial_transfer``) whose serial sits, unreserved, as the one unit
        of a single quant at the line's source, without package or owner.

        Odoo unreserves such a quant, takes it to zero at the source and creates one at
        the destination, with about eight queries per serial; the same end state is one
        UPDATE of the quant's location (same company, same in-date, nothing reserved).
        """
        if not self.env.context.get("serial_relocate") or len(self) < RELOCATE_MIN:
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
        """Move the quants of these lines to their destination, then do what Odoo does
        after moving a line: date it, and record the serials' events."""
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
        self.write({"date": now, "picked": True})
        self._serial_record_done_moves()
