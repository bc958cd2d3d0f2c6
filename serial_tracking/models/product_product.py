from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _serial_format_rules(self):
        """``{product_id: rule}`` (an empty recordset when none applies), set-wise."""
        by_template = self.product_tmpl_id._serial_format_rules()
        return {product.id: by_template[product.product_tmpl_id.id] for product in self}

    def action_open_serial_generate_wizard(self):
        self.ensure_one()
        return self.env["serial.generate.wizard"]._action_open(product=self)
