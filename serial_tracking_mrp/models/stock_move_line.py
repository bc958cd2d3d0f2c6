from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _serial_done_event_item(self):
        """Name the unit a component goes into, or comes out of, on its ledger event."""
        item = super()._serial_done_event_item()
        if item.get("note"):
            return item
        move = self.move_id
        production = move.raw_material_production_id
        if production and item["event_type"] == "consumed":
            units = production._serial_units_of(self.lot_id)
            if units:
                item["note"] = self.env._(
                    "Built into %(units)s", units=", ".join(units.mapped("name"))
                )
        unbuild = move.unbuild_id
        if (
            unbuild
            and unbuild.lot_id
            and move.product_id != unbuild.product_id
            and item["event_type"] == "produced"
        ):
            item["note"] = self.env._("Taken out of %(unit)s", unit=unbuild.lot_id.name)
        return item

    def _serial_event_item_per_line(self):
        move = self.move_id
        return bool(
            move.raw_material_production_id
            or move.unbuild_id
            or super()._serial_event_item_per_line()
        )
