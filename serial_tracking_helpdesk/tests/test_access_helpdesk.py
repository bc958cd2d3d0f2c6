"""What a portal customer can read of the serial data on their own tickets.

The portal page shows a customer only the units delivered to their own company (see
test_helpdesk_portal). A portal session can also read the ticket over JSON-RPC: the
serial fields the bridge adds must not answer there, or the page's filtering is moot.
"""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import HelpdeskSerialCase

# Fields of helpdesk.ticket that only internal users may read.
INTERNAL_ONLY = (
    "lot_id",
    "lot_lifecycle_state",
    "lot_warranty_state",
    "lot_warranty_end_date",
    "lot_warranty_ids",
    "lot_event_ids",
    "serial_recall_info",
    "partner_lot_ids",
    "serial_unit_ids",
    "serial_recall_id",
    "serial_check_id",
    "serial_check_ids",
    "serial_verdict",
    "serial_check_intent",
    "serial_reasons_html",
    "serial_overridden",
    "serial_repair_ref",
)


@tagged("post_install", "-at_install")
class TestHelpdeskAccess(HelpdeskSerialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rival = cls.env["res.partner"].create({"name": "Rival Corp"})
        cls.portal_user = new_test_user(cls.env, login="acm_hd_portal", groups="base.group_portal")
        cls.portal_user.partner_id.parent_id = cls.customer

    def test_portal_reads_no_serial_field_of_its_ticket(self):
        # an agent put the rival's unit on our customer's ticket and checked it
        theirs, _delivery = self._sold("ACM-HD-1", partner=self.rival)
        ticket = self._ticket(partner_id=self.customer.id, lot_id=theirs.id, serial_intent="return")
        ticket.action_serial_check_eligibility()
        self.assertIn(self.rival.name, ticket.serial_reasons_html)
        mine = ticket.with_user(self.portal_user)
        self.assertEqual(mine.read(["name"])[0]["name"], ticket.name)  # the ticket is theirs
        visible = [
            name for name in INTERNAL_ONLY if name in ticket._fields and name in mine.fields_get()
        ]
        self.assertFalse(visible, f"fields offered to the portal: {visible}")
        for name in INTERNAL_ONLY:
            if name not in ticket._fields:
                continue
            with self.subTest(field=name), self.assertRaises(AccessError):
                mine.read([name])
        with self.assertRaises(AccessError):
            mine.search([("lot_id.name", "=", theirs.name)])

    def test_internal_agents_still_read_them(self):
        lot, _delivery = self._sold("ACM-HD-2")
        ticket = self._ticket(lot_id=lot.id)
        values = ticket.with_user(self.agent).read(
            ["lot_id", "lot_lifecycle_state", "lot_warranty_end_date", "serial_verdict"]
        )[0]
        self.assertEqual(values["lot_id"][0], lot.id)
        self.assertEqual(values["lot_lifecycle_state"], "shipped")
        self.assertTrue(values["lot_warranty_end_date"])
