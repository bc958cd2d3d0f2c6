from odoo import fields, models

from ..tools import lifecycle


class SerialStateAtLine(models.TransientModel):
    _name = "serial.state.at.line"
    _description = "Serial State as of a Date"
    _order = "lot_id"

    wizard_id = fields.Many2one("serial.state.at.wizard", required=True, ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", string="Serial", required=True, ondelete="cascade")
    product_id = fields.Many2one(related="lot_id.product_id")
    state = fields.Selection(lifecycle.STATES, string="State Then")
    partner_id = fields.Many2one("res.partner", string="Held By Then")
    current_state = fields.Selection(related="lot_id.lifecycle_state", string="State Now")
