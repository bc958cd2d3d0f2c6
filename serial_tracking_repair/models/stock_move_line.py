from odoo import models

from odoo.addons.serial_tracking.tools import lifecycle


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _serial_event_item_per_line(self):
        # a removed part's event depends on the part's own state (see below)
        return super()._serial_event_item_per_line() or bool(self.move_id.repair_line_type)

    def _serial_done_event_item(self):
        """A part a repair takes out of the unit leaves the production location where
        it was consumed. Sent to an inventory-loss location (Odoo's default for removed
        parts), it is thrown away: ``scrapped``, not a plain move that would leave it
        "consumed". Sent to stock, the core already reads it as back in stock."""
        item = super()._serial_done_event_item()
        if (
            self.move_id.repair_line_type in ("remove", "recycle")
            and self.location_id.usage == "production"
            and self.location_dest_id.usage == "inventory"
            and lifecycle.is_allowed("scrapped", self.lot_id.lifecycle_state)
        ):
            item["event_type"] = "scrapped"
        return item
