from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.tools import recall as recall_tools

# Units a recall ticket still has to deal with: not yet back, released or destroyed.
_TICKET_STATUSES = (
    recall_tools.PENDING,
    recall_tools.NOTIFIED,
    recall_tools.QUARANTINED,
    recall_tools.UNREACHABLE,
)


class SerialRecall(models.Model):
    """A recall campaign opens one helpdesk ticket per customer holding affected units."""

    _inherit = "serial.recall"

    helpdesk_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        check_company=True,
        tracking=True,
        help="The team that gets one ticket per customer holding recalled units.",
    )
    helpdesk_ticket_ids = fields.One2many(
        "helpdesk.ticket", "serial_recall_id", string="Tickets", readonly=True
    )
    helpdesk_ticket_count = fields.Integer(
        compute="_compute_helpdesk_ticket_count", string="Ticket Count"
    )

    @api.depends("helpdesk_ticket_ids")
    def _compute_helpdesk_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("serial_recall_id", "in", self.ids)], ["serial_recall_id"], ["__count"]
            )
        )
        for recall in self:
            recall.helpdesk_ticket_count = counts.get(recall, 0)

    def action_create_helpdesk_tickets(self):
        """One ticket per customer holding units of the campaign, in the campaign's team,
        listing that customer's units. Customers who have a ticket already get none."""
        self.ensure_one()
        blocker = self._helpdesk_ticket_blocker()
        if blocker:
            raise UserError(blocker)
        units = self.unit_ids.filtered(
            lambda unit: (
                unit.bucket == recall_tools.AT_CUSTOMER
                and unit.partner_id
                and unit.status in _TICKET_STATUSES
            )
        )
        by_customer = defaultdict(lambda: self.env["serial.recall.unit"])
        for unit in units:
            by_customer[unit.partner_id.commercial_partner_id] |= unit
        served = self.helpdesk_ticket_ids.partner_id.commercial_partner_id
        vals_list = [
            self._helpdesk_ticket_values(customer, customer_units)
            for customer, customer_units in by_customer.items()
            if customer not in served
        ]
        if not vals_list:
            raise UserError(
                self.env._(
                    "%(recall)s: every customer holding recalled units has a ticket already "
                    "(or no unit is at a customer).",
                    recall=self.name,
                )
            )
        tickets = self.env["helpdesk.ticket"].create(vals_list)
        self.message_post(
            body=self.env._(
                "%(count)s helpdesk ticket(s) opened in %(team)s.",
                count=len(tickets),
                team=self.helpdesk_team_id.display_name,
            )
        )
        return self.action_open_helpdesk_tickets()

    def _helpdesk_ticket_blocker(self):
        """Why no ticket can be opened for the recall now, or ``False``."""
        if self.state != "active":
            return self.env._(
                "%(recall)s is %(state)s: tickets are opened for an active recall. Activate "
                "it first.",
                recall=self.name,
                state=self.state,
            )
        if not self.helpdesk_team_id:
            return self.env._(
                "%(recall)s: choose the Helpdesk Team that handles the recall tickets.",
                recall=self.name,
            )
        return False

    def _helpdesk_ticket_values(self, customer, units):
        lots = units.lot_id.sorted("name")
        rows = Markup("").join(
            Markup("<li>%s - %s</li>") % (lot.name, lot.product_id.display_name) for lot in lots
        )
        return {
            "name": self.env._(
                "Recall %(recall)s: %(count)s unit(s)", recall=self.name, count=len(lots)
            ),
            "description": Markup("<p>%s</p><p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Recall %(recall)s (%(reference)s)",
                    recall=self.name,
                    reference=self.reference or "-",
                ),
                self.reason or "",
                rows,
            ),
            "team_id": self.helpdesk_team_id.id,
            "company_id": self.company_id.id,
            "partner_id": customer.id,
            "serial_recall_id": self.id,
            "serial_unit_ids": [fields.Command.set(lots.ids)],
            "lot_id": lots.id if len(lots) == 1 else False,
        }

    def action_open_helpdesk_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("serial_recall_id", "=", self.id)]
        action["context"] = {
            "default_serial_recall_id": self.id,
            "default_team_id": self.helpdesk_team_id.id,
        }
        return action
