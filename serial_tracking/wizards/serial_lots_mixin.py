from odoo import fields, models


class SerialLotsMixin(models.AbstractModel):
    """Wizards that act on serial-tracked units: the serials they act on, at least one."""

    _name = "serial.lots.mixin"
    _description = "Serial Wizard Acting on Serials"

    lot_ids = fields.Many2many(
        "stock.lot",
        string="Serials",
        required=True,
        domain="[('product_id.tracking', '=', 'serial')]",
    )
