from odoo import api, fields, models
from odoo.exceptions import UserError


class SerialGenerateWizard(models.TransientModel):
    """The generation wizard on a manufacturing order: the serials of the finished
    product, made from its rule (or counted, pasted, uploaded), become the order's
    serials to produce."""

    _inherit = "serial.generate.wizard"

    production_id = fields.Many2one(
        "mrp.production", string="Manufacturing Order", readonly=True, ondelete="cascade"
    )

    @api.depends("production_id")
    def _compute_quantity(self):
        result = super()._compute_quantity()
        for wizard in self.filtered("production_id"):
            production = wizard.production_id
            missing = production.product_uom_id._compute_quantity(
                production.product_qty, production.product_id.uom_id
            ) - len(production.lot_producing_ids)
            wizard.quantity = max(int(missing), 1)
        return result

    def _target_warehouse(self):
        if self.production_id:
            return self.production_id.picking_type_id.warehouse_id or super()._target_warehouse()
        return super()._target_warehouse()

    def _target_company(self):
        return self.production_id.company_id or super()._target_company()

    def _check_target(self):
        super()._check_target()
        production = self.production_id
        if not production:
            return
        if production.product_id != self.product_id or production.product_tracking != "serial":
            raise UserError(
                self.env._(
                    "%(order)s produces %(product)s, which is not tracked by serial number: "
                    "serials are generated for serial-tracked finished products only.",
                    order=production.name,
                    product=production.product_id.display_name,
                )
            )
        if production.state not in ("confirmed", "progress", "to_close"):
            raise UserError(
                self.env._(
                    "%(order)s is %(state)s: serials can be generated for a confirmed or "
                    "running manufacturing order only.",
                    order=production.name,
                    state=dict(production._fields["state"]._description_selection(self.env))[
                        production.state
                    ],
                )
            )

    def _apply_serials(self, lots):
        production = self.production_id
        if not production:
            return super()._apply_serials(lots)
        production._serial_set_producing(lots)
        return {"type": "ir.actions.act_window_close"}
