from odoo import api, fields, models


class MrpSerialAssignment(models.Model):
    """One cell of the per-unit matrix of a manufacturing order: this component serial
    (or this quantity of a component lot) goes into that finished unit."""

    _name = "mrp.serial.assignment"
    _description = "Component of a Finished Unit"
    _order = "production_id, sequence, id"
    _check_company_auto = True

    production_id = fields.Many2one(
        "mrp.production",
        string="Manufacturing Order",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="production_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    finished_lot_id = fields.Many2one(
        "stock.lot",
        string="Finished Unit",
        required=True,
        ondelete="cascade",
        check_company=True,
        index=True,
    )
    component_lot_id = fields.Many2one(
        "stock.lot",
        string="Component",
        required=True,
        ondelete="cascade",
        check_company=True,
        index=True,
        help="The serial or lot, consumed by the order, that goes into the finished unit.",
    )
    product_id = fields.Many2one(
        related="component_lot_id.product_id", store=True, string="Component Product"
    )
    tracking = fields.Selection(related="product_id.tracking")
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0)",
        "The quantity of a component in a finished unit must be positive.",
    )

    # An edited matrix is the operator's word: the even split no longer replaces it.

    @api.model_create_multi
    def create(self, vals_list):
        rows = super().create(vals_list)
        rows._serial_mark_edited()
        return rows

    def write(self, vals):
        self._serial_mark_edited()
        return super().write(vals)

    def unlink(self):
        self._serial_mark_edited()
        return super().unlink()

    def _serial_mark_edited(self):
        if self.env.context.get("serial_assignment_fill"):
            return
        productions = self.production_id.filtered(lambda p: not p.serial_assignment_edited)
        if productions:
            productions.serial_assignment_edited = True
