from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import HelpdeskSerialCase


@tagged("post_install", "-at_install")
class TestHelpdeskService(HelpdeskSerialCase):
    """Verdicts, returns, repairs and overrides asked from tickets, and the service life
    they leave in the unit's ledger."""

    # --- eligibility -----------------------------------------------------------------

    def test_eligibility_for_each_intent_is_shown_and_stored(self):
        parts_policy = self._make_policy(
            "Parts 12 months",
            [
                {
                    "coverage_type": "parts",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                    "return_window_days": 14,
                }
            ],
        )
        screen = self._make_product("Screen 27", parts_policy)
        # shipped 20 days ago: past the 14-day window, within the parts coverage
        day = (date.today() - timedelta(days=20)).isoformat()
        _receipt, lot = self._on(day, self._receive, ["HDE-1"], product=screen)
        self._on(day, self._deliver, lot)
        ticket = self._ticket(user=self.agent, lot_id=lot.id)
        self.assertEqual(ticket.partner_id, self.customer)
        expected = {
            "return": "ineligible",
            "refund": "ineligible",
            "repair": "eligible",
            # a parts coverage does not pay for a new unit
            "exchange": "ineligible",
        }
        for intent, verdict in expected.items():
            ticket.serial_intent = intent
            self.assertFalse(ticket.serial_check_current, "the verdict is for the old intent")
            ticket.action_serial_check_eligibility()
            check = ticket.serial_check_id
            self.assertEqual((check.intent, check.verdict), (intent, verdict), intent)
            self.assertTrue(ticket.serial_check_current)
            self.assertEqual(ticket.serial_verdict, verdict)
            self.assertEqual((check.lot_id, check.partner_id), (lot, self.customer))
            self.assertEqual(check.ticket_id, ticket)
            self.assertEqual(check.document_ref, ticket.number)
            self.assertEqual(check.user_id, self.agent)
        self.assertEqual(
            ticket.serial_check_ids.sorted("id").mapped("intent"),
            ["return", "refund", "repair", "exchange"],
        )
        self.assertIn("no_coverage", ticket.serial_check_id.reason_codes)
        self.assertIn("HDE-1 is not covered for exchange", ticket.serial_reasons_html)
        # each check is in the unit's service life, with its verdict
        notes = self._service_events(lot).mapped("note")
        self.assertEqual(len([n for n in notes if n.startswith("Eligibility for")]), 4)
        self.assertTrue(any(n.startswith("Eligibility for Exchange: Ineligible") for n in notes))
        self.assertIn("Eligibility for Exchange of HDE-1: Ineligible", ticket.message_ids[0].body)

    def test_never_shipped_unit_is_not_returnable(self):
        _receipt, lot = self._receive(["HDE-2"])
        ticket = self._ticket(lot_id=lot.id, partner_id=self.customer.id, serial_intent="return")
        ticket.action_serial_check_eligibility()
        self.assertEqual(ticket.serial_verdict, "ineligible")
        self.assertIn("never_shipped", ticket.serial_check_id.reason_codes)
        with self.assertRaises(UserError) as caught:
            ticket.action_serial_create_return()
        self.assertIn("HDE-2 is not eligible for Return", str(caught.exception))
        self.assertIn("Override Verdict", str(caught.exception))

    def test_ticket_without_serial_cannot_be_checked(self):
        ticket = self._ticket(partner_id=self.customer.id)
        with self.assertRaises(UserError) as caught:
            ticket.action_serial_check_eligibility()
        self.assertIn(ticket.number, str(caught.exception))
        self.assertFalse(
            self.env["serial.eligibility.check"].search([("ticket_id", "=", ticket.id)])
        )
        self.assertFalse(ticket.serial_check_id)

    def test_eligibility_needs_serial_tracking_rights(self):
        lot, _delivery = self._sold("HDE-3")
        ticket = self._ticket(lot_id=lot.id)
        helpdesk_only = new_test_user(
            self.env, login="st_hd_no_serial", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        with self.assertRaises(AccessError):
            ticket.with_user(helpdesk_only).action_serial_check_eligibility()
        self.assertFalse(ticket.serial_check_id)
        # the ticket form still opens for them, with the unit's warranty
        form = Form(ticket.with_user(helpdesk_only))
        self.assertEqual(form.lot_warranty_state, "active")

    def test_units_of_another_company_are_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        foreign = self.env["stock.lot"].create(
            {
                "name": "HDM-1",
                "product_id": self.product.id,
                "company_id": other_company.id,
            }
        )
        with self.assertRaises(UserError) as caught:
            self._ticket(partner_id=self.customer.id, serial_unit_ids=[(6, 0, foreign.ids)])
        self.assertIn("HDM-1", str(caught.exception))

    # --- returns ---------------------------------------------------------------------

    def _return_wizard(self, action, user):
        self.assertEqual(action["res_model"], "stock.return.picking")
        return Form(
            self.env["stock.return.picking"].with_user(user).with_context(**action["context"])
        )

    def test_return_from_ticket_is_prefilled_and_linked(self):
        lot, delivery = self._sold("HDR-1")
        other, _other_delivery = self._sold("HDR-2")
        ticket = self._ticket(user=self.agent, lot_id=lot.id, serial_intent="return")
        # no verdict yet: creating the return asks for one
        action = ticket.action_serial_create_return()
        self.assertEqual(ticket.serial_verdict, "eligible")
        wizard_form = self._return_wizard(action, self.agent)
        self.assertEqual(wizard_form.picking_id, delivery)
        self.assertEqual(wizard_form.serial_lot_ids[:], lot)
        result = wizard_form.save().action_create_returns()
        picking = self.env["stock.picking"].browse(result["res_id"])
        self.assertEqual(ticket.picking_ids, picking)
        self.assertEqual(ticket.picking_count, 1)
        self.assertEqual(picking.helpdesk_ticket_id, ticket)
        self.assertEqual(picking.move_line_ids.lot_id, lot)
        self._validate(picking)
        self.assertEqual(lot.lifecycle_state, "returned")
        self.assertEqual(other.lifecycle_state, "shipped")
        # the return's own check is stored with the return and the ticket
        checks = ticket.serial_check_ids
        self.assertEqual(len(checks), 2)
        self.assertEqual(checks.picking_id, picking)
        notes = self._service_events(lot).mapped("note")
        self.assertIn(f"Return {picking.name} created from ticket {ticket.number}.", notes)
        self.assertEqual(ticket.action_serial_open_returns()["res_id"], picking.id)

    def test_exchange_from_ticket_returns_the_unit_and_ships_another(self):
        lot, delivery = self._sold("HDX-1")
        ticket = self._ticket(user=self.agent, lot_id=lot.id, serial_intent="exchange")
        action = ticket.action_serial_create_return()
        self.assertEqual(ticket.serial_check_id.intent, "exchange")
        self.assertEqual(action["context"]["serial_return_intent"], "exchange")
        wizard = self._return_wizard(action, self.agent).save()
        wizard.action_create_exchanges()
        back = ticket.picking_ids
        self.assertEqual(len(back), 1)
        self.assertEqual(back.move_line_ids.lot_id, lot)
        self.assertEqual(back.location_dest_id.usage, "internal")
        exchange_check = ticket.serial_check_ids.filtered("picking_id")
        self.assertEqual((exchange_check.intent, exchange_check.verdict), ("exchange", "eligible"))
        self.assertNotEqual(back, delivery)

    def test_return_needs_a_take_back_intent(self):
        lot, _delivery = self._sold("HDR-3")
        ticket = self._ticket(lot_id=lot.id, serial_intent="repair")
        with self.assertRaises(UserError) as caught:
            ticket.action_serial_create_return()
        self.assertIn("HDR-3", str(caught.exception))
        self.assertIn("Customer Asks For", str(caught.exception))

    def test_manager_override_lets_an_ineligible_return_through(self):
        # shipped two and a half years ago: outside the window, coverage ended
        lot, delivery = self._sold("HDO-1", day="2024-03-01")
        ticket = self._ticket(user=self.agent, lot_id=lot.id, serial_intent="return")
        ticket.action_serial_check_eligibility()
        self.assertEqual(ticket.serial_verdict, "ineligible")
        self.assertIn("outside_return_window", ticket.serial_check_id.reason_codes)
        with self.assertRaises(UserError):
            ticket.action_serial_create_return()
        # an agent cannot override
        wizard = (
            self.env["serial.ticket.override.wizard"]
            .with_user(self.agent)
            .create({"ticket_id": ticket.id})
        )
        self.assertEqual(wizard.reason_id, self.override_reason)
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self.assertFalse(ticket.serial_overridden)
        # a manager does, with a reason that goes into the ledger
        action = ticket.with_user(self.manager).action_serial_override()
        wizard = Form(
            self.env["serial.ticket.override.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        wizard.note = "Goodwill: long-standing customer"
        wizard.save().action_apply()
        check = ticket.serial_check_id
        self.assertTrue(ticket.serial_overridden)
        self.assertEqual(
            (check.override_user_id, check.override_reason_id), (self.manager, self.override_reason)
        )
        override = self.env["serial.event"].search(
            [("lot_id", "=", lot.id), ("event_type", "=", "override")]
        )
        self.assertEqual(len(override), 1)
        self.assertEqual(override.document_ref, ticket.number)
        self.assertIn("Goodwill", override.note)
        self.assertEqual(check.override_event_id, override)
        # now the agent creates the return; the override stands, once in the ledger
        action = ticket.action_serial_create_return()
        result = self._return_wizard(action, self.agent).save().action_create_returns()
        picking = self.env["stock.picking"].browse(result["res_id"])
        self.assertEqual(picking.helpdesk_ticket_id, ticket)
        self.assertEqual(picking.origin.split()[-1], delivery.name)
        return_check = ticket.serial_check_ids.filtered("picking_id")
        self.assertEqual((return_check.verdict, return_check.overridden), ("ineligible", True))
        self.assertEqual(return_check.override_event_id, override)
        self.assertEqual(
            self.env["serial.event"].search_count(
                [("lot_id", "=", lot.id), ("event_type", "=", "override")]
            ),
            1,
        )

    def test_override_needs_a_current_ineligible_verdict(self):
        lot, _delivery = self._sold("HDO-2")
        ticket = self._ticket(lot_id=lot.id, serial_intent="return")
        with self.assertRaises(UserError):
            ticket.with_user(self.manager).action_serial_override()
        ticket.action_serial_check_eligibility()
        self.assertEqual(ticket.serial_verdict, "eligible")
        with self.assertRaises(UserError):
            ticket.with_user(self.manager).action_serial_override()

    # --- repairs ---------------------------------------------------------------------

    def _require_repair(self):
        if "repair.order" not in self.env:
            self.skipTest("Repairs is not installed")

    def test_repair_from_ticket_carries_the_warranty(self):
        self._require_repair()
        lot, _delivery = self._sold("HDP-1")
        ticket = self._ticket(user=self.agent, lot_id=lot.id, serial_intent="repair")
        self.assertTrue(ticket.serial_repair_available)
        action = ticket.action_serial_create_repair()
        repair = ticket.serial_repair_ref
        self.assertEqual(repair._name, "repair.order")
        self.assertEqual(action["res_id"], repair.id)
        self.assertEqual(
            (repair.lot_id, repair.product_id, repair.partner_id),
            (lot, self.product, self.customer),
        )
        self.assertTrue(repair.under_warranty, "covered by the 24-month full coverage")
        self.assertEqual(repair.serial_check_id.verdict, "eligible")
        self.assertIn(ticket.number, repair.internal_notes)
        self.assertTrue(repair.message_ids.filtered(lambda m: ticket.number in (m.body or "")))
        notes = self._service_events(lot).mapped("note")
        self.assertIn(f"Repair {repair.name} created from ticket {ticket.number}.", notes)
        # asking again opens the same repair
        self.assertEqual(ticket.action_serial_create_repair()["res_id"], repair.id)
        self.assertEqual(self.env["repair.order"].search_count([("lot_id", "=", lot.id)]), 1)

    def test_repair_blocked_when_ineligible_until_overridden(self):
        self._require_repair()
        lot, _delivery = self._sold("HDP-2", day="2024-03-01")
        ticket = self._ticket(user=self.agent, lot_id=lot.id, serial_intent="repair")
        with self.assertRaises(UserError) as caught:
            ticket.action_serial_create_repair()
        self.assertIn("HDP-2 is not eligible for Repair", str(caught.exception))
        self.assertEqual(self.env["repair.order"].search_count([("lot_id", "=", lot.id)]), 0)
        self.assertFalse(ticket.serial_check_id, "a refused action writes nothing")
        ticket.action_serial_check_eligibility()
        self.assertEqual(ticket.serial_verdict, "ineligible")
        ticket.with_user(self.manager)._serial_override(self.override_reason, "Paid repair")
        ticket.action_serial_create_repair()
        repair = ticket.serial_repair_ref
        self.assertEqual(repair.lot_id, lot)
        self.assertFalse(repair.under_warranty, "the override allows the repair, not a free one")

    # --- the unit's service life -----------------------------------------------------

    def test_opening_and_closing_are_service_events(self):
        lot, _delivery = self._sold("HDL-1")
        other, _other_delivery = self._sold("HDL-2")
        ticket = self._ticket(user=self.agent, lot_id=lot.id)
        opened = self._service_events(lot)
        self.assertEqual(len(opened), 1)
        self.assertEqual(opened.note, f"Ticket {ticket.number} opened: Unit does not start")
        self.assertEqual(
            (opened.document_ref, opened.partner_id, opened.user_id),
            (ticket.number, self.customer, self.agent),
        )
        self.assertEqual((opened.from_state, opened.to_state), ("shipped", "shipped"))
        # the ticket was about another unit
        ticket.with_user(self.agent).lot_id = other
        self.assertIn("no longer about this unit", self._service_events(lot)[-1].note)
        self.assertIn("opened", self._service_events(other)[-1].note)
        closed_stage = self.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
        open_stage = ticket.stage_id
        ticket.with_user(self.agent).stage_id = closed_stage
        self.assertEqual(
            self._service_events(other)[-1].note,
            f"Ticket {ticket.number} closed ({closed_stage.name}).",
        )
        ticket.with_user(self.agent).stage_id = open_stage
        self.assertIn("reopened", self._service_events(other)[-1].note)
        self.assertEqual(other.lifecycle_state, "shipped", "service events keep the state")
        self.assertFalse(self.env["serial.event"]._find_broken_chains((lot | other).ids))

    def test_ticket_without_serial_writes_no_event(self):
        before = self.env["serial.event"].search_count([])
        ticket = self._ticket(partner_id=self.customer.id)
        closed_stage = self.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
        ticket.stage_id = closed_stage
        self.assertEqual(self.env["serial.event"].search_count([]), before)

    def test_ticket_shows_warranty_events_and_customer_units(self):
        lot, _delivery = self._sold("HDS-1")
        second, _second_delivery = self._sold("HDS-2")
        elsewhere, _elsewhere_delivery = self._sold("HDS-3", partner=self.vendor)
        ticket = self._ticket(partner_id=self.customer.id)
        self.assertEqual(ticket.partner_lot_ids, lot | second)
        self.assertNotIn(elsewhere, ticket.partner_lot_ids)
        lot.with_context(serial_helpdesk_ticket_id=ticket.id).action_serial_pick_for_ticket()
        self.assertEqual(ticket.lot_id, lot)
        self.assertEqual(ticket.lot_warranty_state, "active")
        self.assertEqual(ticket.lot_warranty_end_date, lot.warranty_end_date)
        self.assertTrue(ticket.lot_warranty_end_date)
        self.assertEqual(ticket.lot_warranty_ids, lot.warranty_ids)
        self.assertEqual(ticket.lot_event_ids[0].event_type, "service")
        self.assertIn("shipped", ticket.lot_event_ids.mapped("event_type"))
        self.assertLessEqual(len(ticket.lot_event_ids), 5)

    def test_scan_finds_the_serial(self):
        lot, _delivery = self._sold("HDB-1")
        self.product.barcode = "04012345000009"
        Ticket = self.env["helpdesk.ticket"].with_user(self.agent)
        self.assertEqual(Ticket.serial_find_by_barcode("HDB-1")["id"], lot.id)
        self.assertEqual(Ticket.serial_find_by_barcode("  HDB-1\n")["id"], lot.id)
        self.assertEqual(Ticket.serial_find_by_barcode("(01)04012345000009(21)HDB-1")["id"], lot.id)
        # a GTIN of another product does not match
        self.assertFalse(Ticket.serial_find_by_barcode("(01)04012345000016(21)HDB-1"))
        self.assertFalse(Ticket.serial_find_by_barcode("NO-SUCH-SERIAL"))
        self.assertFalse(Ticket.serial_find_by_barcode(""))
