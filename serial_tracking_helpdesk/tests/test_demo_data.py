from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.demo_common import DemoDataCase


@tagged("post_install", "-at_install")
class TestHelpdeskDemoData(DemoDataCase):
    """The helpdesk demo: tickets about serials with their verdicts, and the tickets of
    the active recall."""

    demo_modules = ("serial_tracking", "serial_tracking_helpdesk")

    def test_tickets_on_serials_with_their_verdicts(self):
        tickets = self.env["helpdesk.ticket"].search(
            [("lot_id.product_id", "in", (self.laptop | self.phone).ids)]
        )
        verdicts = {ticket.lot_id.warranty_state: ticket.serial_verdict for ticket in tickets}
        self.assertEqual(verdicts.get("active"), "eligible")
        self.assertEqual(verdicts.get("expired"), "ineligible")
        for ticket in tickets:
            self.assertTrue(ticket.serial_check_current)
            self.assertTrue(ticket.serial_reasons_html)

    def test_the_active_recall_has_its_customer_tickets(self):
        recall = self.env["serial.recall"].search([("state", "=", "active")])
        self.assertTrue(recall.helpdesk_ticket_ids)
        at_customers = recall.unit_ids.filtered(lambda unit: unit.bucket == "at_customer")
        self.assertEqual(recall.helpdesk_ticket_ids.serial_unit_ids, at_customers.lot_id)
