from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import HelpdeskSerialCase


@tagged("post_install", "-at_install")
class TestHelpdeskTour(HelpdeskSerialCase, HttpCase):
    def test_scan_check_and_return_from_a_ticket(self):
        product = self._make_product("Tour Helpdesk Laptop", self.policy)
        _receipt, lot = self._receive(["TOUR-HD-0001"], product=product)
        delivery = self._deliver(lot)
        ticket = self._ticket(
            partner_id=self.customer.id, name="Tour: screen flickers", serial_intent="return"
        )
        admin = self.env.ref("base.user_admin")
        admin.group_ids = [Command.link(self.env.ref("helpdesk_mgmt.group_helpdesk_manager").id)]
        self.env.flush_all()  # the browser reads through its own requests

        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "serial_helpdesk_scan_check_return",
            login="admin",
        )

        self.env.invalidate_all()
        self.assertEqual(ticket.lot_id, lot)
        self.assertEqual(ticket.product_id, product)
        asked = ticket.serial_check_ids.filtered(lambda check: not check.picking_id)
        self.assertEqual((asked.intent, asked.verdict), ("return", "eligible"))
        picking = ticket.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.move_line_ids.lot_id, lot)
        self.assertIn(delivery.name, picking.origin)
        self.assertEqual(ticket.serial_check_ids.filtered("picking_id").picking_id, picking)
