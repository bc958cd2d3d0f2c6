from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import format_date

from .common import HelpdeskSerialCase


@tagged("post_install", "-at_install")
class TestHelpdeskPortal(HelpdeskSerialCase, HttpCase):
    """On the portal, customers see their own units on their tickets, with the warranty
    end date, and nothing of other customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create({"name": "Rival Corp"})
        cls.portal_user = new_test_user(cls.env, login="st_hd_portal", groups="base.group_portal")
        # the portal user is a contact of the customer company
        cls.portal_user.partner_id.parent_id = cls.customer

    def _page(self, ticket):
        self.authenticate("st_hd_portal", "st_hd_portal")
        response = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_customer_sees_own_unit_with_warranty_end(self):
        lot, _delivery = self._sold("HDW-1")
        self.assertTrue(lot.warranty_end_date)
        ticket = self._ticket(lot_id=lot.id)
        self.assertEqual(ticket.partner_id, self.customer)
        response = self._page(ticket)
        self.assertIn(f"/my/ticket/{ticket.id}", response.url)
        self.assertIn("o_serial_portal_unit", response.text)
        self.assertIn("HDW-1", response.text)
        self.assertIn(format_date(self.env, lot.warranty_end_date), response.text)

    def test_unit_of_another_customer_is_not_shown(self):
        mine, _d1 = self._sold("HDW-2")
        theirs, _d2 = self._sold("HDW-3", partner=self.other_customer)
        # an agent put the rival's unit on our customer's ticket: the customer sees the
        # ticket, not the rival's unit, its warranty or anything about it
        ticket = self._ticket(partner_id=self.customer.id, lot_id=theirs.id)
        ticket.serial_unit_ids = mine
        response = self._page(ticket)
        self.assertIn(ticket.name, response.text)
        self.assertIn("HDW-2", response.text)
        self.assertNotIn("HDW-3", response.text)
        self.assertEqual(ticket._serial_portal_units(self.portal_user), mine)

    def test_tickets_and_serials_of_other_customers_stay_hidden(self):
        theirs, _delivery = self._sold("HDW-4", partner=self.other_customer)
        rival_ticket = self._ticket(lot_id=theirs.id, name="Rival ticket")
        self.assertEqual(rival_ticket.partner_id, self.other_customer)
        self.authenticate("st_hd_portal", "st_hd_portal")
        response = self.url_open(f"/my/ticket/{rival_ticket.id}")
        self.assertNotIn(f"/my/ticket/{rival_ticket.id}", response.url, "redirected away")
        self.assertNotIn("HDW-4", response.text)
        listing = self.url_open("/my/tickets")
        self.assertNotIn("Rival ticket", listing.text)
        # no way around the page: serials are not readable by portal users at all
        with self.assertRaises(AccessError):
            theirs.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            rival_ticket.with_user(self.portal_user).read(["lot_id"])

    def test_public_visitor_with_the_link_sees_no_unit(self):
        lot, _delivery = self._sold("HDW-5")
        ticket = self._ticket(lot_id=lot.id)
        ticket._portal_ensure_token()
        response = self.url_open(f"/my/ticket/{ticket.id}/{ticket.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(ticket.name, response.text)
        self.assertNotIn("HDW-5", response.text)
