"""Issue 20, item 11: a manager's override on a ticket accepts one return of the unit,
for the ticket's intent, from the delivery that shipped it; a stock user's RPC calls
with the ticket's id in the context do not replay it."""

from odoo.tests import new_test_user, tagged

from odoo.addons.serial_tracking.tests.test_security_guards import RpcCase

from .common import HelpdeskSerialCase


@tagged("post_install", "-at_install")
class TestOverrideBinding(RpcCase, HelpdeskSerialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rpc_agent = new_test_user(
            cls.env,
            login="sg_hd_agent",
            password="sg_hd_agent_pw",
            groups="helpdesk_mgmt.group_helpdesk_user,stock.group_stock_user",
        )

    def setUp(self):
        super().setUp()
        self.authenticate("sg_hd_agent", "sg_hd_agent_pw")

    def _return_through_rpc(self, context):
        created = self.rpc("stock.return.picking", "create", [{}], {"context": context})
        self.assertNotIn("error", created, created.get("error"))
        return self.rpc(
            "stock.return.picking",
            "action_create_returns",
            [[created["result"]]],
            {"context": context},
        )

    def test_override_serves_one_return_of_its_intent(self):
        # shipped long ago: outside the return window, coverage ended
        lot, delivery = self._sold("HOB-1", day="2024-03-01")
        ticket = self._ticket(user=self.rpc_agent, lot_id=lot.id, serial_intent="return")
        ticket.action_serial_check_eligibility()
        self.assertEqual(ticket.serial_verdict, "ineligible")
        ticket.with_user(self.manager)._serial_override(self.override_reason, "Goodwill")
        check = ticket.serial_check_id
        self.assertEqual(check.override_delivery_id, delivery)
        action = self.rpc("helpdesk.ticket", "action_serial_create_return", [ticket.ids])
        context = action["result"]["context"]
        self.assertEqual(context["serial_helpdesk_ticket_id"], ticket.id)
        # another intent sent with the ticket's id: the override does not carry over
        answer = self._return_through_rpc(dict(context, serial_return_intent="exchange"))
        self.assertRefused(answer, "HOB-1")
        self.assertFalse(ticket.picking_ids)
        # the return the manager accepted goes through, once
        answer = self._return_through_rpc(context)
        self.assertNotIn("error", answer, answer.get("error"))
        first = self.env["stock.picking"].browse(answer["result"]["res_id"])
        self.assertEqual(check.override_return_id, first)
        self.assertEqual(ticket.picking_ids, first)
        # the same override replayed for a second return of the unit is refused
        answer = self._return_through_rpc(context)
        self.assertRefused(answer, "HOB-1")
        self.assertEqual(self.env["stock.picking"].search([("return_id", "=", delivery.id)]), first)
