from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import eligibility, lifecycle

# The intents a return from a customer may be checked for.
_RETURN_INTENTS = ("return", "exchange")
_VERDICT_BADGE = {
    eligibility.ELIGIBLE: "text-bg-success",
    eligibility.REVIEW: "text-bg-warning",
    eligibility.INELIGIBLE: "text-bg-danger",
}


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
        "stock.lot",
        compute="_compute_serial_from_customer",
        help="Serials this delivery shipped.",
    )
    serial_lot_ids = fields.Many2many(
        "stock.lot",
        "stock_return_picking_serial_lot_rel",
        "wizard_id",
        "lot_id",
        string="Serials Coming Back",
        domain="[('id', 'in', serial_returnable_lot_ids)]",
        help="Leave empty when every unit of the lines comes back.",
    )
    serial_override_reason_id = fields.Many2one(
        "serial.reason",
        string="Override Reason",
        domain="[('applies_to', 'in', ('any', 'override'))]",
        help="Managers only: accept serials whose verdict is ineligible. The reason is "
        "recorded in each serial's history.",
    )
    serial_override_note = fields.Text(string="Override Note")
    serial_preview_html = fields.Html(
        string="Eligibility",
        compute="_compute_serial_preview_html",
        sanitize=False,
        help="Whether each serial may come back, and why, as checked now. Confirming checks "
        "them again.",
    )

    # A dialog shows this many verdicts; beyond, the user chooses the serials.
    _SERIAL_PREVIEW_LIMIT = 50

    @api.depends("picking_id")
    def _compute_serial_from_customer(self):
        for wizard in self:
            picking = wizard.picking_id
            from_customer = bool(picking) and picking.location_dest_id.usage == "customer"
            wizard.serial_from_customer = from_customer
            wizard.serial_returnable_lot_ids = (
                wizard._serial_shipped_lots() if from_customer else False
            )

    def _serial_shipped_lots(self):
        # through the moves: lines keep their move even where their picking is unset
        return self.picking_id._origin.move_ids.move_line_ids.filtered(
            lambda ml: ml.lot_id and ml.quantity > 0 and ml.product_id.tracking == "serial"
        ).lot_id

    @api.depends("picking_id", "serial_lot_ids")
    @api.depends_context("serial_return_intent", "lang")
    def _compute_serial_preview_html(self):
        for wizard in self:
            wizard.serial_preview_html = wizard._serial_preview()

    @api.onchange("serial_lot_ids")
    def _onchange_serial_lot_ids(self):
        """The chosen serials decide the quantities of their lines."""
        chosen = self.serial_lot_ids._origin
        if not chosen:
            return
        for line in self.product_return_moves:
            if line.product_id.tracking == "serial" and line.move_id:
                shipped = line.move_id._origin.move_line_ids.lot_id
                line.quantity = len(chosen & shipped)

    # --- verdicts shown before confirming ----------------------------------------------

    def _serial_preview(self):
        """An HTML table: each serial that may come back (the chosen ones, else every
        unit still at the customer), with its verdict and reasons for the return and for
        the exchange, as the buttons would check them now. Nothing is stored."""
        self.ensure_one()
        if not self.picking_id or self.picking_id.location_dest_id.usage != "customer":
            return False
        lots = self.serial_lot_ids._origin or self._serial_shipped_lots().filtered(
            lambda lot: lot.lifecycle_state == lifecycle.SHIPPED
        )
        if not lots:
            return False
        lots = lots.sorted("name")
        shown = lots[: self._SERIAL_PREVIEW_LIMIT]
        intents = self._serial_preview_intents()
        Check = self.env["serial.eligibility.check"]
        partner = self.picking_id.partner_id
        verdicts = {
            intent: Check._verdict_values([(lot, partner, lot.product_id) for lot in shown], intent)
            for intent in intents
        }
        accepted = self._serial_preview_accepted_lots()
        labels = dict(Check._fields["verdict"]._description_selection(self.env))
        intent_labels = dict(Check._fields["intent"]._description_selection(self.env))
        head = Markup("").join(Markup("<th>%s</th>") % intent_labels[intent] for intent in intents)
        rows = []
        for index, lot in enumerate(shown):
            cells = Markup("").join(
                self._serial_preview_cell(verdicts[intent][index], labels, lot in accepted)
                for intent in intents
            )
            rows.append(
                Markup("<tr><td class='text-nowrap fw-bold'>%s</td>%s</tr>") % (lot.name, cells)
            )
        table = Markup(
            "<table class='table table-sm o_serial_return_verdicts'><thead><tr><th>%s</th>"
            "%s</tr></thead><tbody>%s</tbody></table>"
        ) % (self.env._("Serial"), head, Markup("").join(rows))
        more = len(lots) - len(shown)
        if more:
            table += Markup("<p class='text-muted'>%s</p>") % self.env._(
                "… and %(count)s more serial(s): choose the serials coming back to see "
                "their verdicts.",
                count=more,
            )
        return table

    def _serial_preview_intents(self):
        """The intents the dialog's buttons check: the one asked for (a ticket's), else
        both "Return" and "Return for Exchange"."""
        asked = self.env.context.get("serial_return_intent")
        return [self._serial_return_intent()] if asked else ["return", "exchange"]

    def _serial_return_intent(self):
        """The intent this return is checked for: ``exchange`` when asked (the exchange
        button, a ticket's), else ``return``. A context is the client's: another intent
        sent there (a repair, whose coverage may pass where a return may not) counts as
        a return."""
        asked = self.env.context.get("serial_return_intent")
        return asked if asked in _RETURN_INTENTS else "return"

    def _serial_preview_accepted_lots(self):
        """Serials whose ineligible verdict is already accepted (hook)."""
        return self.env["stock.lot"]

    def _serial_preview_cell(self, values, labels, accepted):
        verdict = values["verdict"]
        badge = Markup("<span class='badge rounded-pill %s'>%s</span>") % (
            _VERDICT_BADGE.get(verdict, "text-bg-secondary"),
            labels.get(verdict, verdict),
        )
        if accepted and verdict == eligibility.INELIGIBLE:
            badge += Markup(" <span class='badge rounded-pill text-bg-info'>%s</span>") % (
                self.env._("Accepted by a manager")
            )
        reasons = self.env["serial.eligibility.check"]._reasons_markup(values["reasons"])
        return Markup("<td>%s%s</td>") % (badge, reasons)

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
                lambda ml: ml.lot_id and ml.quantity > 0
            ).lot_id
            chosen = self.serial_lot_ids & shipped
            if chosen:
                line.quantity = len(chosen)  # the chosen serials decide the quantity
                plan[line] = chosen
                continue
            if line.uom_id.is_zero(line.quantity):
                continue
            at_customer = shipped.filtered(
                lambda lot: lot.lifecycle_state in (lifecycle.SHIPPED, False)
            )
            if int(line.quantity) != line.quantity or int(line.quantity) != len(at_customer):
                raise UserError(
                    self.env._(
                        "%(product)s: %(quantity)s of the %(count)s unit(s) shipped on "
                        "%(picking)s come back. Choose which serials in 'Serials Coming Back', "
                        "so each one can be checked.",
                        product=line.product_id.display_name,
                        quantity=line.quantity,
                        count=len(at_customer),
                        picking=self.picking_id.name,
                    )
                )
            plan[line] = at_customer
        return plan

    def _serial_check_plan(self, plan):
        """Evaluate every serial of ``plan``; refuse the ineligible ones unless a
        manager overrides them. Returns the checks."""
        intent = self._serial_return_intent()
        partner = self.picking_id.partner_id
        items = [(lot, partner, line.product_id) for line, lots in plan.items() for lot in lots]
        checks = self.env["serial.eligibility.check"]._evaluate_batch(
            items, intent, document_ref=self.picking_id.name
        )
        checks._refuse_or_override(
            partner, self.picking_id.name, self.serial_override_reason_id, self.serial_override_note
        )
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
            vals_list += [
                {
                    "move_id": move.id,
                    "picking_id": new_picking.id,
                    "product_id": move.product_id.id,
                    "lot_id": lot.id,
                    "quantity": 1.0,
                    "product_uom_id": move.product_id.uom_id.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
                for lot in lots
            ]
        MoveLine.create(vals_list)
