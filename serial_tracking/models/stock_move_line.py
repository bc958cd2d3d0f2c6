from odoo import api, models

from ..tools import lifecycle

# Move line fields whose change can reserve or free a serial on a delivery.
_ALLOCATION_FIELDS = frozenset({"lot_id", "quantity", "move_id", "location_id"})


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # --- reservations: allocated / deallocated -------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._serial_delivery_lines().lot_id._serial_sync_allocation()
        return lines

    def write(self, vals):
        if not _ALLOCATION_FIELDS & set(vals):
            return super().write(vals)
        before = self._serial_delivery_lines()
        pickings = {line.lot_id.id: line.picking_id for line in before}
        result = super().write(vals)
        lots = before.lot_id | self._serial_delivery_lines().lot_id
        lots._serial_sync_allocation(pickings)
        return result

    def unlink(self):
        before = self._serial_delivery_lines()
        pickings = {line.lot_id.id: line.picking_id for line in before}
        lots = before.lot_id
        result = super().unlink()
        lots.exists()._serial_sync_allocation(pickings)
        return result

    def _serial_delivery_lines(self):
        """Serial lines that can reserve for a customer: only those can change
        allocation, so receipts and internal moves cost nothing here."""
        return self.filtered(
            lambda ml: ml.lot_id
            and ml.product_id.tracking == "serial"
            and (ml.move_id.picking_type_id.code == "outgoing"
                 or ml.move_id.location_dest_id.usage == "customer")
        )

    # --- done moves: one event per line ---------------------------------------------

    def _action_done(self):
        result = super()._action_done()
        self.exists()._serial_record_done_moves()
        return result

    def _serial_record_done_moves(self):
        """Emit one ledger event per done serial line and move the states.

        Runs inside the validation: a refused unit raises before the transaction
        commits, so nothing of the operation is kept.
        """
        lines = self.filtered(
            lambda ml: ml.lot_id and ml.product_id.tracking == "serial" and ml.quantity > 0
        ).sorted("id")
        if not lines:
            return
        items = [line._serial_done_event_item() for line in lines]
        self.env["stock.lot"]._serial_apply_events(items)

    def _serial_done_event_item(self):
        src, dest = self.location_id, self.location_dest_id
        event_type = lifecycle.classify_move(
            src.usage, dest.usage, src.serial_quarantine, dest.serial_quarantine
        )
        context = self.env.context
        return {
            "lot": self.lot_id,
            "event_type": event_type,
            "location_id": src.id,
            "location_dest_id": dest.id,
            "partner_id": self._serial_partner().id,
            "document_ref": self._serial_document_ref(),
            "picking_id": self.picking_id.id,
            "move_line_id": self.id,
            "reason_id": context.get("serial_reason_id") or False,
            "note": context.get("serial_note") or False,
        }

    def _serial_partner(self):
        """The partner on the other side of the move: vendor, customer or holder."""
        return (
            self.picking_id.partner_id
            or self.move_id.partner_id
            or self.env["res.partner"]
        )

    def _serial_document_ref(self):
        return (
            self.picking_id.name
            or self.move_id.scrap_id.name
            or self.reference
            or ""
        )
