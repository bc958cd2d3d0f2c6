from odoo import api, models

from .seen import seen


class StockLot(models.Model):
    _inherit = "stock.lot"

    @api.model_create_multi
    def create(self, vals_list):
        lots = super().create(vals_list)
        seen(self.env)["lots"].update(lots.ids)
        return lots
