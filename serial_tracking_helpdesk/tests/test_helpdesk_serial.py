from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestHelpdeskSerial(SerialTrackingCase):
    """Tickets about one unit: the serial brings the product and the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "Field Service"})
        cls.agent = new_test_user(
            cls.env,
            login="st_helpdesk_agent",
            groups="helpdesk_mgmt.group_helpdesk_user,stock.group_stock_user",
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer"})
        cls.other_product = cls._tracked_product("Docking Station")

    def _sold_unit(self, name):
        _receipt, lot = self._receive([name])
        self._deliver(lot)
        self.assertEqual(lot.current_partner_id, self.customer)
        return lot

    def _ticket(self, **values):
        return self.env["helpdesk.ticket"].create(
            dict(
                {
                    "name": "Screen flickers",
                    "description": "<p>The screen flickers after a few minutes.</p>",
                    "team_id": self.team.id,
                },
                **values,
            )
        )

    def test_ticket_with_serial_fills_product_and_customer(self):
        lot = self._sold_unit("HD-1")
        ticket = self._ticket(lot_id=lot.id)
        self.assertEqual(ticket.product_id, self.product)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.lot_lifecycle_state, "shipped")

    def test_ticket_form_fills_product_and_customer_from_serial(self):
        lot = self._sold_unit("HD-2")
        form = Form(self.env["helpdesk.ticket"].with_user(self.agent))
        form.name = "Does not boot"
        form.description = "<p>Black screen.</p>"
        form.lot_id = lot
        self.assertEqual(form.product_id, self.product)
        self.assertEqual(form.partner_id, self.customer)
        # helpdesk_mgmt's own onchange follows the contact we filled in.
        self.assertEqual(form.partner_name, self.customer.name)
        ticket = form.save()
        self.assertEqual(ticket.lot_id, lot)
        self.assertEqual(ticket.partner_id, self.customer)

    def test_ticket_keeps_the_contact_it_already_has(self):
        lot = self._sold_unit("HD-3")
        ticket = self._ticket(partner_id=self.other_customer.id, lot_id=lot.id)
        self.assertEqual(ticket.partner_id, self.other_customer)
        ticket.lot_id = False
        ticket.lot_id = lot
        self.assertEqual(ticket.partner_id, self.other_customer)

    def test_serial_in_stock_fills_only_the_product(self):
        _receipt, lot = self._receive(["HD-4"])
        ticket = self._ticket(lot_id=lot.id)
        self.assertEqual(ticket.product_id, self.product)
        self.assertFalse(ticket.partner_id, "nobody outside holds a unit in our stock")

    def test_ticket_without_serial(self):
        ticket = self._ticket(partner_id=self.other_customer.id, product_id=self.product.id)
        self.assertFalse(ticket.lot_id)
        self.assertEqual(ticket.product_id, self.product)
        self.assertEqual(ticket.partner_id, self.other_customer)
        self.assertTrue(ticket.number and ticket.number != "/")
        bare = self._ticket()
        self.assertFalse(bare.product_id)
        self.assertFalse(bare.partner_id)

    def test_ticket_count_on_the_serial(self):
        lot = self._sold_unit("HD-C1")
        other = self._sold_unit("HD-C2")
        tickets = self._ticket(lot_id=lot.id) | self._ticket(lot_id=lot.id, name="Fan noise")
        self._ticket(lot_id=other.id)
        self._ticket()
        (lot | other).invalidate_recordset(["ticket_count"])
        self.assertEqual(lot.ticket_count, 2)
        self.assertEqual(other.ticket_count, 1)
        self.assertEqual(lot.ticket_ids, tickets)
        # The smart button of the serial form shows the same count.
        self.assertEqual(Form(lot.with_user(self.agent)).ticket_count, 2)
        action = lot.action_open_tickets()
        self.assertEqual(self.env["helpdesk.ticket"].search(action["domain"]), tickets)
        self.assertEqual(action["context"]["default_lot_id"], lot.id)
        # Agents find the tickets of a unit by typing its serial number.
        found = (
            self.env["helpdesk.ticket"].with_user(self.agent).search([("lot_id", "ilike", "HD-C1")])
        )
        self.assertEqual(found, tickets)

    def test_agent_without_inventory_rights_sees_the_serial(self):
        """stock.lot is readable by Inventory users only: such an agent still sees
        which unit a ticket is about, and the search view offers nothing that
        would need to read serials."""
        lot = self._sold_unit("HD-A1")
        ticket = self._ticket(lot_id=lot.id)
        agent = new_test_user(
            self.env, login="st_helpdesk_only", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        self.env.invalidate_all()
        form = Form(ticket.with_user(agent))
        self.assertEqual(form.lot_id, lot)
        self.assertEqual(form.lot_lifecycle_state, "shipped")
        self.assertEqual(form.product_id, self.product)
        # Saving the fields the serial is checked against works too (fresh cache,
        # as in a new request).
        self.env.invalidate_all()
        ticket.with_user(agent).write(
            {"name": "Screen flickers (renamed)", "product_id": self.product.id}
        )
        self.assertEqual(ticket.lot_id, lot)
        tickets = self.env["helpdesk.ticket"]
        search_arch = tickets.with_user(agent).get_views([(False, "search")])
        self.assertNotIn('name="lot_id"', search_arch["views"]["search"]["arch"])
        agent_arch = tickets.with_user(self.agent).get_views([(False, "search")])
        self.assertIn('name="lot_id"', agent_arch["views"]["search"]["arch"])

    def test_serial_of_another_product_is_refused(self):
        lot = self._sold_unit("HD-X1")
        with self.assertRaises(ValidationError) as caught:
            self._ticket(lot_id=lot.id, product_id=self.other_product.id)
        message = str(caught.exception)
        self.assertIn("HD-X1", message)
        self.assertIn(self.product.display_name, message)
        self.assertIn(self.other_product.display_name, message)

    def test_serial_of_another_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        lot = self.env["stock.lot"].create(
            {
                "name": "HD-MC1",
                "product_id": self.product.id,
                "company_id": other_company.id,
            }
        )
        with self.assertRaises(UserError) as caught:
            self._ticket(lot_id=lot.id)
        self.assertIn("HD-MC1", str(caught.exception))

    def test_a_lot_is_not_a_serial(self):
        batch_product = self._tracked_product("Thermal Paste", tracking="lot")
        batch = self.env["stock.lot"].create({"name": "TP-LOT-1", "product_id": batch_product.id})
        with self.assertRaises(ValidationError) as caught:
            self._ticket(lot_id=batch.id)
        self.assertIn("TP-LOT-1", str(caught.exception))
