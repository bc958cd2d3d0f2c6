from odoo import api, fields, models


class SerialTicketOverrideWizard(models.TransientModel):
    """A Serial Tracking Manager accepts a ticket's ineligible verdict, with a reason
    that goes into the unit's ledger."""

    _name = "serial.ticket.override.wizard"
    _description = "Override the Eligibility Verdict of a Ticket"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    lot_id = fields.Many2one(related="ticket_id.lot_id")
    verdict = fields.Selection(related="ticket_id.serial_verdict")
    reasons_html = fields.Html(related="ticket_id.serial_reasons_html")
    reason_id = fields.Many2one(
        "serial.reason",
        string="Override Reason",
        required=True,
        domain="[('applies_to', 'in', ('any', 'override'))]",
    )
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "reason_id" in fields_list and not values.get("reason_id"):
            reason = self.env.ref(
                "serial_tracking.reason_manager_override", raise_if_not_found=False
            )
            values["reason_id"] = reason.id if reason else False
        return values

    def action_apply(self):
        self.ensure_one()
        self.ticket_id._serial_override(self.reason_id, self.note)
        return {"type": "ir.actions.act_window_close"}
