from odoo import models

from .seen import seen


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _action_done(self):
        seen(self.env)["done_lines"].update(self.ids)
        return super()._action_done()
