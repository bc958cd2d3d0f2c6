from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    serial_quarantine = fields.Boolean(
        string="Quarantine Location",
        index=True,
        help="Units moved here are quarantined: they are never reserved for deliveries or "
        "manufacturing, and leaving this location releases them.",
    )
