from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import lifecycle


class StockReturnPicking(models.TransientModel):
    """Odoo's return wizard, checking every serial that comes back from a customer.

    The serials are chosen in the wizard (or, when all units of a line come back, taken
    from the delivery); each gets a stored eligibility verdict. Ineligible serials are
    refused with their reasons, unless a Serial Tracking Manager gives an override
    reason, which goes into each serial's ledger.
    """

    _inherit = "stock.return.picking"

    serial_from_customer = fields.Boolean(compute="_compute_serial_from_customer")
    serial_returnable_lot_ids = fields.Many2many(
        "stock.lot", compute="_compute_serial_from_customer",
        help="Serials this delivery shipped.",
    )
    serial_lot_ids = fields.Many2many(
        "stock.lot", "stock_return_picking_serial_lot_rel", "wizard_id", "lot_id",
        string="Serials Coming Back", domain="[('id', 'in', serial_returnable_lot_ids)]",
        help="Leave empty when every unit of the lines comes back.",
    )
    serial_override_reason_id = fields.Many2one(
        "serial.reason", string="Override Reason",
        domain="[('applies_to', 'in', ('any', 'override'))]",
        help="Managers only: accept serials whose verdict is ineligible. The reason is "
        "recorded in each serial's history.",
    )
    serial_override_note = fields.Text(string="Override Note")

    @api.depends("picking_id")
    def _compute_serial_from_customer(self):
        for wizard in self:
            picking = wizard.picking_id
            from_customer = bool(picking) and picking.location_dest_id.usage == "customer"
            wizard.serial_from_customer = from_customer
            wizard.serial_returnable_lot_ids = (
                picking.move_line_ids.filtered(
                    lambda ml: ml.lot_id and ml.product_id.tracking == "serial"
                ).lot_id if from_customer else False
            )

    # --- hooks ------------------------------------------------------------------------

    def action_create_exchanges(self):
        return super(
            StockReturnPicking, self.with_context(serial_return_intent="exchange")
        ).action_create_exchanges()

    def _create_return(self):
        plan = self._serial_return_plan()
        checks = self._serial_check_plan(plan) if plan else None
        new_picking = super()._create_return()
        if plan:
            self._serial_assign(new_picking, plan)
            checks.sudo().write({"picking_id": new_picking.id, "document_ref": new_picking.name})
        return new_picking

    # --- which serials come back --------------------------------------------------------

    def _serial_return_plan(self):
        """``{return line: serials}`` for the serial lines of a return from a customer."""
        self.ensure_one()
        if not self.picking_id or self.picking_id.location_dest_id.usage != "customer":
            return {}
        plan = {}
        for line in self.product_return_moves:
            if line.product_id.tracking != "serial" or not line.move_id:
                continue
            shipped = line.move_id.move_line_ids.filtered(
                lambda ml: ml.lot_id and ml.quantity > 0).lot_id
            chosen = self.serial_lot_ids & shipped
            if chosen:
                line.quantity = len(chosen)  # the chosen serials decide the quantity
                plan[line] = chosen
                continue
            if line.uom_id.is_zero(line.quantity):
                continue
            at_customer = shipped.filtered(
                lambda lot: lot.lifecycle_state in (lifecycle.SHIPPED, False))
            if int(line.quantity) != line.quantity or int(line.quantity) != len(at_customer):
                raise UserError(self.env._(
                    "%(product)s: %(quantity)s of the %(count)s unit(s) shipped on "
                    "%(picking)s come back. Choose which serials in 'Serials Coming Back', "
                    "so each one can be checked.",
                    product=line.product_id.display_name, quantity=line.quantity,
                    count=len(at_customer), picking=self.picking_id.name,
                ))
            plan[line] = at_customer
        return plan

    def _serial_check_plan(self, plan):
        """Evaluate every serial of ``plan``; refuse the ineligible ones unless a
        manager overrides them. Returns the checks."""
        intent = self.env.context.get("serial_return_intent") or "return"
        partner = self.picking_id.partner_id
        items = [(lot, partner, line.product_id) for line, lots in plan.items() for lot in lots]
        checks = self.env["serial.eligibility.check"]._evaluate_batch(
            items, intent, document_ref=self.picking_id.name)
        checks._refuse_or_override(partner, self.picking_id.name,
                                   self.serial_override_reason_id, self.serial_override_note)
        return checks

    def _serial_assign(self, new_picking, plan):
        """Make the return's move lines name exactly the checked serials."""
        lots_by_move = defaultdict(lambda: self.env["stock.lot"])
        for line, lots in plan.items():
            lots_by_move[line.move_id] |= lots
        MoveLine = self.env["stock.move.line"]
        vals_list = []
        for move in new_picking.move_ids:
            lots = lots_by_move.get(move.origin_returned_move_id)
            if not lots:
                continue
            move.move_line_ids.unlink()
            vals_list += [{
                "move_id": move.id, "picking_id": new_picking.id,
                "product_id": move.product_id.id, "lot_id": lot.id, "quantity": 1.0,
                "product_uom_id": move.product_id.uom_id.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
            } for lot in lots]
        MoveLine.create(vals_list)
