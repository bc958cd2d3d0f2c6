from odoo import fields, models


class MrpUnbuild(models.Model):
    """Unbuilding a serialized unit gives back the components the genealogy says are
    inside it, and closes their links (a ``removed`` row, never a deletion)."""

    _inherit = "mrp.unbuild"

    def _prepare_move_line_vals(self, move, origin_move_line, taken_quantity):
        vals = super()._prepare_move_line_vals(move, origin_move_line, taken_quantity)
        component = self._serial_component_inside(move, origin_move_line)
        if component:
            vals["lot_id"] = component.id
        return vals

    def _serial_open_links(self):
        self.ensure_one()
        return (
            self.env["serial.genealogy"]
            .sudo()
            .search(
                [
                    ("child_lot_id", "=", self.lot_id.id),
                    ("link_type", "!=", "removed"),
                    ("date_to", "=", False),
                ]
            )
        )

    def _serial_component_inside(self, move, origin_move_line):
        """The serial of ``move``'s product that is inside the unbuilt unit.

        Odoo takes the component lines of the order in their order, which for an order
        of several units returns another unit's components. The genealogy knows which
        ones this unit holds.
        """
        if not (
            self.lot_id
            and self.mo_id
            and self.product_id.tracking == "serial"
            and move.product_id.tracking == "serial"
            and move.product_id != self.product_id
            and move.location_id.usage == "production"
        ):
            return None
        inside = (
            self._serial_open_links().parent_lot_id.filtered(
                lambda lot: lot.product_id == move.product_id
            )
            & self.mo_id.move_raw_ids.move_line_ids.lot_id
        )
        if not inside:
            return None
        taken = (
            self.env["stock.move.line"]
            .search(
                [
                    ("move_id.unbuild_id", "=", self.id),
                    ("product_id", "=", move.product_id.id),
                    ("lot_id", "!=", False),
                ]
            )
            .lot_id
        )
        candidates = (inside - taken).sorted("name")
        if origin_move_line.lot_id in candidates:
            return origin_move_line.lot_id
        return candidates[:1] or None

    def action_unbuild(self):
        result = super().action_unbuild()
        self._serial_close_genealogy()
        return result

    def _serial_close_genealogy(self):
        for unbuild in self:
            # A lot-tracked product may be unbuilt in part: its links stay as they are.
            if not unbuild.lot_id or unbuild.product_id.tracking != "serial":
                continue
            returned = (
                unbuild.produce_line_ids.filtered(
                    lambda move, unit=unbuild.product_id: (
                        move.state == "done" and move.product_id != unit
                    )
                )
                .move_line_ids.filtered(lambda line: line.quantity > 0)
                .lot_id
            )
            links = unbuild._serial_open_links().filtered(
                lambda link, lots=returned: link.parent_lot_id in lots
            )
            links._close(fields.Datetime.now(), document_ref=unbuild.name)
