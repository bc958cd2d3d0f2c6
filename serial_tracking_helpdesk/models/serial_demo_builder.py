from markupsafe import Markup

from odoo import Command, api, models


class SerialDemoBuilder(models.AbstractModel):
    """Helpdesk demo: tickets about serials with their eligibility verdicts (one
    eligible, one ineligible), and the tickets of the active recall."""

    _inherit = "serial.demo.builder"

    @api.model
    def _populate_helpdesk(self):
        team = self._demo_helpdesk_team()
        laptop, phone, _router = self._demo_products()
        clinics = self.env.ref("serial_tracking.partner_demo_customer_a")
        covered = self._lots({laptop: ["LT14-000003"]})[laptop][0]
        expired = self._lots({phone: [self._imei(1)]})[phone][0]
        Ticket = self.env["helpdesk.ticket"]
        tickets = Ticket.create(
            [
                {
                    "name": self.env._("Screen flickers after the last update"),
                    "description": Markup("<p>%s</p>")
                    % self.env._("The screen flickers a few minutes after start-up."),
                    "team_id": team.id,
                    "partner_id": clinics.id,
                    "lot_id": covered.id,
                    "serial_intent": "repair",
                },
                {
                    "name": self.env._("Phone no longer charges"),
                    "description": Markup("<p>%s</p>")
                    % self.env._("The phone does not charge with any cable."),
                    "team_id": team.id,
                    "partner_id": clinics.id,
                    "lot_id": expired.id,
                    "serial_intent": "repair",
                },
            ]
        )
        tickets.action_serial_check_eligibility()
        recall = self.env["serial.recall"].search(
            [("reference", "=", "NW-PSU-2024-07"), ("state", "=", "active")], limit=1
        )
        if recall:
            recall.helpdesk_team_id = team
            recall.action_create_helpdesk_tickets()
        return tickets

    @api.model
    def _demo_helpdesk_team(self):
        """Helpdesk's own demo team when it is there, else an after-sales team."""
        team = self.env.ref("helpdesk_mgmt.helpdesk_team_1", raise_if_not_found=False)
        return team or self.env["helpdesk.ticket.team"].create(
            {
                "name": self.env._("After-Sales"),
                "user_ids": [Command.link(self.env.ref("base.user_admin").id)],
            }
        )
