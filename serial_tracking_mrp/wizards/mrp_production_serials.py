from odoo import api, models


class MrpProductionSerials(models.TransientModel):
    """Odoo's "assign serial numbers" of an order counts on from the product's Odoo
    sequence; where a numbering rule applies, the rule makes the numbers."""

    _inherit = "mrp.production.serials"

    @api.depends("production_id")
    def _compute_lot_name(self):
        result = super()._compute_lot_name()
        for wizard in self:
            product = wizard.production_id.product_id
            rule = product._serial_format_rules().get(product.id)
            if rule and rule.pattern and not wizard.production_id.lot_producing_ids:
                # empty: "Generate" takes the rule's next numbers
                wizard.lot_name = False
        return result

    def action_generate_serial_numbers(self):
        self.ensure_one()
        production = self.production_id
        names = None
        if self.lot_quantity:
            names = self.env["serial.numbering"]._next_names(
                production.product_id,
                self.lot_quantity,
                first=(self.lot_name or "").strip(),
                warehouse=production.picking_type_id.warehouse_id or None,
            )
        if names is None:
            return super().action_generate_serial_numbers()
        self.serial_numbers = "\n".join(names)
        self._onchange_serial_numbers()
        action = self.env["ir.actions.actions"]._for_xml_id("mrp.action_assign_serial_numbers")
        action["res_id"] = self.id
        return action
