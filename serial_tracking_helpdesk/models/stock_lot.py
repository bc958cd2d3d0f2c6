from odoo import api, fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    ticket_ids = fields.One2many(
        "helpdesk.ticket", "lot_id", string="Tickets",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    ticket_count = fields.Integer(
        compute="_compute_ticket_count", string="Ticket Count",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        # Counted under the user's own record rules: the button shows what the
        # list it opens will show.
        counts = dict(self.env["helpdesk.ticket"]._read_group(
            [("lot_id", "in", self.ids)], ["lot_id"], ["__count"],
        ))
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
