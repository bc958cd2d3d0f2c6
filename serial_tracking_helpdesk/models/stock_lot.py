from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.tools import gs1


class StockLot(models.Model):
    _inherit = "stock.lot"

    ticket_ids = fields.One2many(
        "helpdesk.ticket",
        "lot_id",
        string="Tickets",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    ticket_count = fields.Integer(
        compute="_compute_ticket_count",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        # Counted under the user's own record rules: the button shows what the
        # list it opens will show.
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("lot_id", "in", self.ids)],
                ["lot_id"],
                ["__count"],
            )
        )
        for lot in self:
            lot.ticket_count = counts.get(lot, 0)

    def action_open_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_lot_id": self.id}
        return action

    # --- helpers for tickets ------------------------------------------------------------

    def action_serial_pick_for_ticket(self):
        """From the customer's units listed on a ticket: make this unit the ticket's."""
        self.ensure_one()
        ticket = (
            self.env["helpdesk.ticket"]
            .browse(self.env.context.get("serial_helpdesk_ticket_id"))
            .exists()
        )
        if not ticket:
            raise UserError(
                self.env._(
                    "%(serial)s: open the ticket to choose this unit for it.",
                    serial=self.display_name,
                )
            )
        ticket.lot_id = self
        return True

    @api.model
    def _serial_helpdesk_find(self, barcode):
        """The serial a scan names: the number as printed, else the serial (AI 21) of GS1
        data, of the product whose barcode is the GTIN (AI 01) when given."""
        text = (barcode or "").strip()
        if not text:
            return self.browse()
        domain = [("product_id.tracking", "=", "serial")]
        lots = self.search(domain + [("name", "=", text)], limit=2)
        if len(lots) == 1:
            return lots
        try:
            elements = gs1.parse(text)
        except (gs1.GS1Error, ValueError):
            return self.browse()
        serial = elements.get("21")
        if not serial:
            return self.browse()
        domain += [("name", "=", serial)]
        gtin = elements.get("01")
        if gtin:
            forms = {gtin, gtin.lstrip("0"), gtin[1:], gtin[-13:], gtin[-12:]}
            domain += [("product_id.barcode", "in", sorted(forms))]
        lots = self.search(domain, limit=2)
        return lots if len(lots) == 1 else self.browse()

    def _serial_helpdesk_active_recalls(self):
        """``{lot_id: [recall names]}`` of the active campaigns the units are open in."""
        if not self:
            return {}
        return {
            lot_id: recalls.sudo().mapped("display_name")
            for lot_id, recalls in self._serial_active_recalls_by_lot().items()
        }

    def _serial_helpdesk_customers(self):
        """``{lot_id: partner_id}``: whom each unit was last shipped to, in one query."""
        if not self:
            return {}
        self.env["serial.event"].flush_model(["lot_id", "event_type", "partner_id"])
        self.env.cr.execute(
            """SELECT DISTINCT ON (lot_id) lot_id, partner_id
                 FROM serial_event
                WHERE lot_id = ANY(%s) AND event_type IN ('shipped', 'dropshipped')
             ORDER BY lot_id, id DESC""",
            [self.ids],
        )
        return dict(self.env.cr.fetchall())
