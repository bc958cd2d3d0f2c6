from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import HelpdeskSerialCase


@tagged("post_install", "-at_install")
class TestHelpdeskRecall(HelpdeskSerialCase):
    """A recall campaign opens one ticket per customer holding recalled units."""

    def _active_recall(self, lots, **values):
        recall = (
            self.env["serial.recall"]
            .with_user(self.manager)
            .create(
                dict(
                    {
                        "reason": "Battery may overheat",
                        "reference": "CPSC-42",
                        "lot_ids": [Command.set(lots.ids)],
                    },
                    **values,
                )
            )
        )
        recall.action_simulate()
        recall.action_activate()
        self.assertEqual(recall.state, "active")
        return recall

    def test_one_ticket_per_customer_listing_their_units(self):
        other_customer = self.env["res.partner"].create({"name": "Second Customer"})
        contact = self.env["res.partner"].create(
            {"name": "Jane at Customer Inc", "parent_id": self.customer.id}
        )
        first, _d1 = self._sold("HDC-1")
        second, _d2 = self._sold("HDC-2", partner=contact)
        third, _d3 = self._sold("HDC-3", partner=other_customer)
        _receipt, in_stock = self._receive(["HDC-4"])
        recall = self._active_recall(
            first | second | third | in_stock, helpdesk_team_id=self.team.id
        )

        action = recall.with_user(self.manager).action_create_helpdesk_tickets()
        tickets = recall.helpdesk_ticket_ids
        self.assertEqual(self.env["helpdesk.ticket"].search(action["domain"]), tickets)
        self.assertEqual(len(tickets), 2, "one per customer; the unit in stock gets none")
        self.assertEqual(recall.helpdesk_ticket_count, 2)
        by_customer = {ticket.partner_id: ticket for ticket in tickets}
        mine, theirs = by_customer[self.customer], by_customer[other_customer]
        self.assertEqual(
            mine.serial_unit_ids,
            first | second,
            "a contact's unit is listed on its company's ticket",
        )
        self.assertFalse(mine.lot_id, "several units: no single serial")
        self.assertEqual(theirs.serial_unit_ids, third)
        self.assertEqual(theirs.lot_id, third)
        for ticket in tickets:
            self.assertEqual(ticket.team_id, self.team)
            self.assertEqual(ticket.serial_recall_id, recall)
            self.assertIn("CPSC-42", ticket.description)
        self.assertIn("HDC-1", mine.description)
        self.assertIn("HDC-2", mine.description)
        self.assertNotIn("HDC-3", mine.description)
        self.assertNotIn("HDC-4", mine.description + theirs.description)
        # each unit's ledger records the ticket opened for it
        for lot, ticket in ((first, mine), (second, mine), (third, theirs)):
            event = self._service_events(lot)[-1:]
            self.assertEqual(event.document_ref, ticket.number)
        self.assertFalse(self._service_events(in_stock))
        # the unit shows its active recall on the ticket, to agents without recall rights
        helpdesk_only = new_test_user(
            self.env, login="st_hd_recall_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        self.assertIn(recall.name, theirs.with_user(helpdesk_only).serial_recall_info)
        # asking again opens no duplicate
        with self.assertRaises(UserError) as caught:
            recall.with_user(self.manager).action_create_helpdesk_tickets()
        self.assertIn(recall.name, str(caught.exception))
        self.assertEqual(len(recall.helpdesk_ticket_ids), 2)

    def test_recall_tickets_need_an_active_recall_and_a_team(self):
        lot, _delivery = self._sold("HDC-5")
        recall = (
            self.env["serial.recall"]
            .with_user(self.manager)
            .create(
                {
                    "reason": "Loose screw",
                    "lot_ids": [Command.set(lot.ids)],
                    "helpdesk_team_id": self.team.id,
                }
            )
        )
        recall.action_simulate()
        with self.assertRaises(UserError) as caught:
            recall.action_create_helpdesk_tickets()
        self.assertIn("Activate", str(caught.exception))
        recall.action_activate()
        recall.helpdesk_team_id = False
        with self.assertRaises(UserError) as caught:
            recall.action_create_helpdesk_tickets()
        self.assertIn("Helpdesk Team", str(caught.exception))
        self.assertFalse(recall.helpdesk_ticket_ids)
