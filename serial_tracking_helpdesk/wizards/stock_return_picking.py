from odoo import models

from odoo.addons.serial_tracking.tools import eligibility


class StockReturnPicking(models.TransientModel):
    """Returns opened from a helpdesk ticket: linked to it, and a Manager's override
    given on the ticket stands for the ticket's serial, once: for the ticket's intent, on
    the return of the delivery that shipped the unit when the manager decided."""

    _inherit = "stock.return.picking"

    def _serial_helpdesk_ticket(self):
        ticket_id = self.env.context.get("serial_helpdesk_ticket_id")
        if not isinstance(ticket_id, int):
            return None
        return self.env["helpdesk.ticket"].browse(ticket_id).exists() or None

    def _serial_ticket_override(self):
        """The ticket's overridden check when it applies to this return, else None.

        The ticket comes from the context, which the client sends: the check itself says
        which return it may serve (intent, delivery, not used yet)."""
        ticket = self._serial_helpdesk_ticket()
        check = ticket.serial_check_id if ticket else None
        if not (check and check.overridden and check.lot_id):
            return None
        check = check.sudo()
        intent = "return" if check.intent == "refund" else check.intent
        if (
            check.override_return_id
            or check.override_delivery_id != self.picking_id
            or intent != self._serial_return_intent()
        ):
            return None
        return check.sudo(False)

    def _create_return(self):
        check = self._serial_ticket_override()
        new_picking = super()._create_return()
        if check and check.lot_id in new_picking.move_ids.move_line_ids.lot_id:
            check.sudo().override_return_id = new_picking  # used: it serves no other
        ticket = self._serial_helpdesk_ticket()
        if ticket:
            ticket._serial_on_return_created(new_picking)
        return new_picking

    def _serial_preview_accepted_lots(self):
        check = self._serial_ticket_override()
        if check:
            return super()._serial_preview_accepted_lots() | check.lot_id
        return super()._serial_preview_accepted_lots()

    def _serial_check_plan(self, plan):
        check = self._serial_ticket_override()
        if not check:
            return super()._serial_check_plan(plan)
        # The ticket's unit was accepted by a manager on the ticket: it is checked again
        # (the verdict is stored with the return) and carries that override, without a
        # second override in its ledger. Any other serial goes through the usual rule.
        unit = check.lot_id
        others = {line: lots - unit for line, lots in plan.items() if lots - unit}
        checks = super()._serial_check_plan(others) if others else check.browse()
        items = [
            (lot, self.picking_id.partner_id, line.product_id)
            for line, lots in plan.items()
            for lot in lots & unit
        ]
        own = check._evaluate_batch(
            items, self._serial_return_intent(), document_ref=self.picking_id.name
        )
        own.filtered(lambda c: c.verdict == eligibility.INELIGIBLE).sudo().write(
            {
                "overridden": True,
                "override_reason_id": check.override_reason_id.id,
                "override_note": check.override_note,
                "override_user_id": check.override_user_id.id,
                "override_event_id": check.override_event_id.id,
            }
        )
        return checks | own
