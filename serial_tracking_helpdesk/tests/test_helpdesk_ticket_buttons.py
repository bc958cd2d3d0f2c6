from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import HelpdeskSerialCase


@tagged("post_install", "-at_install")
class TestHelpdeskTicketButtons(HelpdeskSerialCase):
    """The ticket's header buttons as the web client shows and runs them: which are
    visible, which is the primary one, and what pressing them does. The product has a
    24-month full coverage from shipment (2025-01-10: until 2027-01-09)."""

    def _header(self, ticket, user=None):
        """``[(method, label, primary)]`` of the header buttons ``user`` sees on the
        ticket's form, their ``invisible`` evaluated on the record as the client does."""
        user = user or self.agent
        record = ticket.with_user(user)
        arch = etree.fromstring(record.get_view(view_type="form")["arch"])
        buttons = arch.xpath("//header/button[@type='object']")
        names = {
            name for button in buttons for name in self._names(button.get("invisible", "False"))
        } & set(record._fields)
        values = {
            name: value[0] if isinstance(value, tuple) else value
            for name, value in record.read(sorted(names))[0].items()
        }
        return [
            (
                button.get("name"),
                button.get("string"),
                "btn-primary" in (button.get("class") or "").split(),
            )
            for button in buttons
            if not safe_eval(button.get("invisible", "False"), values)
        ]

    @staticmethod
    def _names(expression):
        return {
            token
            for token in expression.replace("(", " ").replace(")", " ").split()
            if token.isidentifier()
        } - {"not", "and", "or", "in", "True", "False"}

    def _press(self, ticket, method, user=None):
        return getattr(ticket.with_user(user or self.agent), method)()

    def _repair_ticket(self, name):
        lot, _delivery = self._sold(name, day="2025-01-10")
        ticket = self._ticket(user=self.agent, lot_id=lot.id, serial_intent="repair")
        return lot, ticket

    def test_covered_unit_makes_create_repair_primary(self):
        lot, ticket = self._repair_ticket("HDB-1")
        self.assertEqual(
            self._header(ticket),
            [
                ("action_serial_check_eligibility", "Check Eligibility", False),
                ("action_serial_create_repair", "Create Repair", False),
            ],
            "before a verdict, nothing is primary",
        )
        self._on("2025-06-01", self._press, ticket, "action_serial_check_eligibility")
        self.assertEqual(ticket.serial_verdict, "eligible")
        self.assertEqual(
            self._header(ticket),
            [
                ("action_serial_check_eligibility", "Check Eligibility", False),
                ("action_serial_create_repair", "Create Repair", True),
            ],
        )
        # the eligible verdict says why
        self.assertIn(
            "HDB-1 is covered by Full from 2025-01-10 until 2027-01-09.", ticket.serial_reasons_html
        )
        action = self._on("2025-06-01", self._press, ticket, "action_serial_create_repair")
        repair = self.env["repair.order"].browse(action["res_id"])
        self.assertEqual((repair.lot_id, repair.serial_intent), (lot, "repair"))
        self.assertTrue(repair.under_warranty)

    def test_ineligible_unit_offers_a_paid_repair(self):
        lot, ticket = self._repair_ticket("HDB-2")
        self._on("2027-03-01", self._press, ticket, "action_serial_check_eligibility")
        self.assertEqual(ticket.serial_verdict, "ineligible")
        # human sentences and labels, no internal codes
        self.assertIn("coverage ended on 2027-01-09", ticket.serial_reasons_html)
        self.assertNotIn("[no_coverage]", ticket.serial_reasons_html)
        self.assertNotIn("no_coverage", ticket.message_ids[:1].body)
        self.assertEqual(ticket.serial_check_id.reason_summary, "No active coverage")
        self.assertEqual(
            self._header(ticket),
            [
                ("action_serial_check_eligibility", "Check Eligibility", False),
                ("action_serial_create_repair", "Create Repair", False),
                ("action_serial_create_paid_repair", "Create Paid Repair", True),
            ],
        )
        manager_buttons = [name for name, _label, _primary in self._header(ticket, self.manager)]
        self.assertIn("action_serial_override", manager_buttons)
        # the warranty repair is refused, and says what else can be done
        with self.assertRaises(UserError) as caught:
            self._on("2027-03-01", self._press, ticket, "action_serial_create_repair")
        self.assertIn("'Create Paid Repair'", str(caught.exception))
        self.assertFalse(ticket.serial_repair_ref)
        # the paid one is made, out of warranty
        action = self._on("2027-03-01", self._press, ticket, "action_serial_create_paid_repair")
        repair = self.env["repair.order"].browse(action["res_id"])
        self.assertEqual(ticket.serial_repair_ref, repair)
        self.assertEqual((repair.lot_id, repair.partner_id), (lot, self.customer))
        self.assertEqual(repair.serial_intent, "paid")
        self.assertFalse(repair.under_warranty)
        self.assertFalse(repair.serial_check_id, "a paid repair claims no warranty")
        self.assertIn("paid by the customer", repair.internal_notes)
        notes = self._service_events(lot).mapped("note")
        self.assertIn(
            f"Paid repair {repair.name} created from ticket {ticket.number} (out of warranty).",
            notes,
        )
        with self.assertRaises(UserError):
            repair.with_user(self.agent).under_warranty = True
        # pressing it again opens the same repair
        again = self._press(ticket, "action_serial_create_paid_repair")
        self.assertEqual(again["res_id"], repair.id)

    def test_override_makes_the_warranty_repair_primary_again(self):
        _lot, ticket = self._repair_ticket("HDB-3")
        self._on("2027-03-01", self._press, ticket, "action_serial_check_eligibility")
        ticket.with_user(self.manager)._serial_override(self.override_reason, "Goodwill")
        self.assertEqual(
            self._header(ticket),
            [
                ("action_serial_check_eligibility", "Check Eligibility", False),
                ("action_serial_create_repair", "Create Repair", True),
            ],
        )

    def test_ineligible_return_is_secondary(self):
        lot, _delivery = self._sold("HDB-4", day="2025-01-10")
        ticket = self._ticket(user=self.agent, lot_id=lot.id, serial_intent="return")
        self._on("2025-01-20", self._press, ticket, "action_serial_check_eligibility")
        self.assertIn(("action_serial_create_return", "Create Return", True), self._header(ticket))
        self._on("2025-03-01", self._press, ticket, "action_serial_check_eligibility")
        self.assertIn(("action_serial_create_return", "Create Return", False), self._header(ticket))

    def test_paid_repair_needs_a_serial(self):
        ticket = self._ticket(user=self.agent)
        with self.assertRaises(UserError):
            self._press(ticket, "action_serial_create_paid_repair")
        self.assertFalse(
            self.env["repair.order"]
            .search([])
            .filtered(lambda repair: ticket.number in (repair.internal_notes or ""))
        )

    def test_ticket_form_is_consistent_for_portal_users(self):
        view = self.env.ref(
            "serial_tracking_helpdesk.helpdesk_ticket_view_form_inherit_serial_tracking"
        )
        with self.assertNoLogs("odoo.addons.base.models.ir_ui_view", "WARNING"):
            view._check_xml()
