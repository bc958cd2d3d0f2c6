from odoo import models


class PickingLabelType(models.TransientModel):
    """Lot/SN labels of a transfer holding serials only are printed by the suite's wizard
    (GS1 symbols, formats, copies): one label print on a transfer, Odoo's Print > Labels."""

    _inherit = "picking.label.type"

    def process(self):
        lots = self.picking_ids.move_line_ids.lot_id
        if (
            self.label_type != "lots"
            or not lots
            or any(lot.product_id.tracking != "serial" for lot in lots)
        ):
            return super().process()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_label_wizard"
        )
        action["context"] = {
            "active_model": "stock.picking",
            "active_ids": self.picking_ids.ids,
            "active_id": self.picking_ids[:1].id,
        }
        return action
