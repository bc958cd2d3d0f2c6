from odoo import api, models


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
        return super()._action_done()
