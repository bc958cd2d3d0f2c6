from collections import defaultdict

from odoo import api, fields, models

from .serial_warranty_policy_line import INVOICE


class SerialWarranty(models.Model):
    """Coverages of trigger ``invoice`` start on the date of the customer invoice that
    bills the sale order line that delivered the serial: when the invoice is posted
    (see ``account.move``), or when the serial is shipped on a line already invoiced."""

    _inherit = "serial.warranty"

    trigger = fields.Selection(selection_add=INVOICE, ondelete={"invoice": "set null"})
    cap_trigger = fields.Selection(selection_add=INVOICE, ondelete={"invoice": "set null"})

    @api.model
    def _on_serial_events(self, events, void_reason=None):
        super()._on_serial_events(events, void_reason=void_reason)
        if void_reason:
            return
        # who ships may not read invoices: the dates are facts, not shown to anyone
        shipped = events.sudo().filtered(
            lambda event: event.event_type == "shipped" and event.move_line_id.move_id.sale_line_id
        )
        if not shipped:
            return
        lots_by_invoice = defaultdict(lambda: self.env["stock.lot"])
        for event in shipped:
            invoices = event.move_line_id.move_id.sale_line_id.invoice_lines.move_id.filtered(
                lambda move: move.move_type == "out_invoice" and move.state == "posted"
            )
            if invoices:
                first = invoices.sorted(lambda move: (move.invoice_date, move.id))[0]
                lots_by_invoice[first] |= event.lot_id
        for invoice, lots in lots_by_invoice.items():
            self._start_on_trigger(lots, "invoice", invoice.invoice_date, invoice.name)

    @api.model
    def _start_on_invoices(self, invoices):
        """Start the ``invoice`` coverages of the serials these posted customer invoices
        bill: those delivered on the invoiced sale order lines and still at a customer."""
        for invoice in invoices.sudo():
            sale_lines = invoice.invoice_line_ids.sale_line_ids.filtered(
                lambda line: line.product_id.tracking == "serial"
            )
            moves = sale_lines.move_ids.filtered(
                lambda move: move.state == "done" and move.location_dest_id.usage == "customer"
            )
            lots = moves.move_line_ids.lot_id.filtered(lambda lot: lot.lifecycle_state == "shipped")
            self._start_on_trigger(
                lots,
                "invoice",
                invoice.invoice_date or fields.Date.context_today(self),
                invoice.name,
            )
