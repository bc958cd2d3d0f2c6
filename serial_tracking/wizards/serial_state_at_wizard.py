from odoo import Command, fields, models


class SerialStateAtWizard(models.TransientModel):
    _name = "serial.state.at.wizard"
    _inherit = ["serial.lot.selection.mixin"]
    _description = "Serial States as of a Date"

    at = fields.Datetime(string="As of", required=True, default=fields.Datetime.now)
    product_id = fields.Many2one(
        "product.product",
        domain="[('tracking', '=', 'serial')]",
        help="Leave empty to use the selected serials.",
    )
    lot_ids = fields.Many2many("stock.lot", string="Serials")
    line_ids = fields.One2many("serial.state.at.line", "wizard_id", readonly=True)
    line_limit = fields.Integer(default=2000, help="How many serials to list at most.")

    def _target_lots(self):
        if self.lot_ids:
            return self.lot_ids
        domain = [("product_id.tracking", "=", "serial")]
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        return self.env["stock.lot"].search(domain, limit=self.line_limit)

    def action_compute(self):
        self.ensure_one()
        lots = self._target_lots()
        states = lots._serial_state_at(self.at)
        self.line_ids = [Command.clear()] + [
            Command.create({"lot_id": lot_id, "state": state, "partner_id": partner_id})
            for lot_id, (state, partner_id) in states.items()
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
