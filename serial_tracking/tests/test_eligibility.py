from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader, code_translations

from ..models import serial_eligibility_check as check_model
from ..tools import eligibility
from .warranty_common import WarrantyCase


@tagged("post_install", "-at_install")
class TestEligibilityReasons(WarrantyCase):
    """Every reason of serial.eligibility.check.evaluate, alone and combined, from real
    flows. The policy: full coverage 24 months from shipment, 30-day return window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.check = cls.env["serial.eligibility.check"]

    def _shipped(self, name, day="2025-01-10", partner=None):
        _picking, lot = self._on("2025-01-01", self._receive, [name])
        delivery = self._on(day, self._deliver, lot, partner)
        return lot, delivery

    def _evaluate(self, day, lot, intent="return", partner=None, **kwargs):
        partner = self.customer if partner is None else partner
        return self._on(day, self.check.evaluate, lot, partner, intent, **kwargs)

    def _codes(self, check):
        return sorted(r["code"] for r in check.reasons if r["severity"] != "info")

    def assertVerdict(self, check, verdict, codes):  # noqa: N802
        self.assertEqual(
            (check.verdict, self._codes(check)), (verdict, sorted(codes)), check.reasons
        )

    def test_eligible_is_stored_and_explained(self):
        lot, _delivery = self._shipped("EL-1")
        check = self._evaluate("2025-01-20", lot)
        self.assertVerdict(check, "eligible", [])
        self.assertEqual(check.lot_id, lot)
        self.assertEqual(check.partner_id, self.customer)
        self.assertEqual(check.intent, "return")
        self.assertEqual([r["code"] for r in check.reasons], ["within_return_window"])
        self.assertIn("2025-02-09", check.reasons[0]["message"])
        self.assertIn("EL-1", check.reasons_html)
        self.assertEqual(self.check.search([("lot_id", "=", lot.id)]), check)
        # ids work too (RPC callers)
        by_id = self._on("2025-01-20", self.check.evaluate, lot.id, self.customer.id, "return")
        self.assertEqual((by_id.lot_id, by_id.verdict), (lot, "eligible"))

    def test_unknown_serial(self):
        check = self.check.evaluate("NO-SUCH-1", self.customer, "return")
        self.assertVerdict(check, "ineligible", ["unknown_serial"])
        self.assertFalse(check.lot_id)
        self.assertEqual(check.serial_name, "NO-SUCH-1")
        # the same number typed for a product resolves to the real unit
        lot, _delivery = self._shipped("EL-KNOWN")
        check = self._evaluate("2025-01-20", "EL-KNOWN", product=self.product)
        self.assertEqual(check.lot_id, lot)
        self.assertVerdict(check, "eligible", [])

    def test_serial_of_another_product(self):
        lot, _delivery = self._shipped("EL-2")
        phone = self._make_product("Phone")
        check = self._evaluate("2025-01-20", lot, product=phone)
        self.assertVerdict(check, "ineligible", ["other_product"])
        self.assertIn("Phone", check.reasons[0]["message"])

    def test_never_shipped(self):
        _picking, lot = self._receive(["EL-3"])
        self.assertVerdict(
            self.check.evaluate(lot, self.customer, "return"), "ineligible", ["never_shipped"]
        )

    def test_shipped_to_another_customer_but_contacts_count(self):
        lot, _delivery = self._shipped("EL-4")
        other = self.env["res.partner"].create({"name": "Other Co"})
        check = self._evaluate("2025-01-20", lot, partner=other)
        self.assertVerdict(check, "ineligible", ["other_customer"])
        self.assertIn("Customer Inc", check.reasons[0]["message"])
        contact = self.env["res.partner"].create({"name": "Jane", "parent_id": self.customer.id})
        self.assertVerdict(self._evaluate("2025-01-20", lot, partner=contact), "eligible", [])

    def test_no_customer_given_needs_review(self):
        lot, _delivery = self._shipped("EL-4B")
        check = self._evaluate("2025-01-20", lot, partner=self.env["res.partner"])
        self.assertVerdict(check, "review", ["no_customer"])

    def test_already_returned(self):
        lot, delivery = self._shipped("EL-5")
        self._on("2025-01-15", self._return, delivery, lot)
        self.assertVerdict(self._evaluate("2025-01-20", lot), "ineligible", ["already_returned"])
        # a repair of a returned unit is fine
        self.assertVerdict(self._evaluate("2025-01-20", lot, "repair"), "eligible", [])

    def test_outside_the_return_window(self):
        lot, _delivery = self._shipped("EL-6")
        check = self._evaluate("2025-03-01", lot, "refund")
        self.assertVerdict(check, "ineligible", ["outside_return_window"])
        self.assertIn("2025-02-09", check.reasons[0]["message"])

    def test_no_coverage_says_which_ended_when(self):
        lot, _delivery = self._shipped("EL-7")
        self._daily("2027-01-15")
        check = self._evaluate("2027-01-15", lot, "repair")
        self.assertVerdict(check, "ineligible", ["no_coverage"])
        self.assertIn("Full coverage ended on 2027-01-09", check.reasons[0]["message"])
        covered = self._evaluate("2026-01-15", lot, "repair")
        self.assertVerdict(covered, "eligible", [])
        self.assertEqual([r["code"] for r in covered.reasons], ["covered"])

    def test_quarantined(self):
        lot, delivery = self._shipped("EL-8")
        self._on("2025-01-15", self._return, delivery, lot)
        self._on(
            "2025-01-16", self._transition, lot, "quarantine", self.manager, self.reason_quarantine
        )
        self.assertVerdict(
            self._evaluate("2025-01-20", lot, "repair"), "ineligible", ["quarantined"]
        )

    def test_recalled(self):
        lot, _delivery = self._shipped("EL-9")
        self.env["stock.lot"]._serial_apply_events(
            [{"lot": lot, "event_type": "recalled", "document_ref": "RECALL/7"}]
        )
        check = self._evaluate("2025-01-20", lot, "repair")
        self.assertVerdict(check, "review", ["recalled"])
        self.assertIn("RECALL/7", check.reasons[0]["message"])

    def test_scrapped(self):
        lot, delivery = self._shipped("EL-10")
        self._on("2025-01-15", self._return, delivery, lot)
        self._on("2025-01-16", self._transition, lot, "scrap", self.manager, self.reason_scrap)
        self.assertVerdict(
            self._evaluate("2025-01-20", lot, "repair"), "ineligible", ["scrapped", "no_coverage"]
        )

    def test_repaired_too_often(self):
        self.policy.max_repairs = 1
        lot, _delivery = self._shipped("EL-11")
        apply = self.env["stock.lot"]._serial_apply_events
        for day in ("2025-02-01", "2025-03-01"):
            # repaired at the customer's site: out and back without a stock move
            self._on(
                day,
                apply,
                [
                    {"lot": lot, "event_type": "in_repair"},
                    {"lot": lot, "event_type": "repaired"},
                    {"lot": lot, "event_type": "shipped", "partner_id": self.customer.id},
                ],
            )
        check = self._evaluate("2025-03-05", lot, "repair")
        self.assertVerdict(check, "review", ["repaired_too_often"])
        blocking = [r for r in check.reasons if r["code"] == "repaired_too_often"]
        self.assertIn("2 times", blocking[0]["message"])

    def test_review_threshold_comes_from_the_category_policy_too(self):
        parent = self.env["product.category"].create({"name": "Appliances"})
        child = self.env["product.category"].create({"name": "Ovens", "parent_id": parent.id})
        parent.serial_warranty_policy_id = self._make_policy(
            "Appliances",
            [
                {
                    "coverage_type": "full",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                }
            ],
            max_repairs=2,
        )
        oven = self._make_product("Oven", categ_id=child.id)
        own = self._make_product("Oven Pro", self.policy, categ_id=child.id)
        self.policy.max_repairs = 5
        self.assertEqual(
            self.check._max_repairs(oven | own | self._make_product("Plain")),
            {
                oven.id: 2,
                own.id: 5,
                self.env["product.product"].search([("name", "=", "Plain")]).id: 0,
            },
        )

    def test_reasons_combine(self):
        lot, delivery = self._shipped("EL-12")
        self._on("2025-01-15", self._return, delivery, lot)
        other = self.env["res.partner"].create({"name": "Other Co"})
        check = self._evaluate("2025-04-01", lot, "return", partner=other)
        self.assertVerdict(
            check, "ineligible", ["other_customer", "already_returned", "outside_return_window"]
        )
        self.assertEqual(
            check.reason_codes, "other_customer,already_returned,outside_return_window"
        )

    def test_sentences_are_translatable(self):
        # the model's translatable copies are the sentences the rules use
        self.assertEqual(
            {key: self.env._(lazy) for key, lazy in check_model._SENTENCES.items()},
            eligibility.SENTENCES,
        )
        # and Odoo's translation export finds them
        reader = TranslationModuleReader(self.env.cr, modules=["serial_tracking"])
        exported = {term[4] for term in reader}
        missing = set(eligibility.SENTENCES.values()) - exported
        self.assertFalse(missing, "sentences not exported for translation")
        # a reason is stored with its template and parameters, and read in the reader's
        # language
        lot, _delivery = self._shipped("EL-14")
        check = self._evaluate("2025-03-01", lot, "repair", partner=self.customer)
        check = self._evaluate("2028-03-01", lot, "repair")
        reason = check.reasons[0]
        self.assertEqual((reason["code"], reason["template"]), ("no_coverage", "coverage_ended"))
        self.assertEqual(
            reason["params"],
            {"serial": "EL-14", "intent": "repair", "coverage_type": "full", "end": "2027-01-09"},
        )
        source = eligibility.SENTENCES["coverage_ended"]
        french = (
            "%(serial)s : pas de couverture pour %(intent)s ; la couverture "
            "%(coverage_type)s a pris fin le %(end)s."
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        key = ("serial_tracking", "fr_FR")
        translations = code_translations.get_python_translations(*key)
        self.addCleanup(code_translations.python_translations.pop, key, None)
        code_translations.python_translations[key] = dict(translations, **{source: french})
        french_check = check.with_context(lang="fr_FR")
        french_check.invalidate_recordset(["reasons_html"])
        self.assertIn("EL-14 : pas de couverture pour ", french_check.reasons_html)
        self.assertIn("a pris fin le 2027-01-09", french_check._reason_lines()[0])
        self.assertIn(
            "coverage ended on 2027-01-09",
            check._reason_lines()[0],
            "English readers still read English",
        )

    def test_eligible_without_return_window_says_why(self):
        open_ended = self._make_product(
            "Open-ended",
            self._make_policy(
                "No window",
                [
                    {
                        "coverage_type": "full",
                        "duration": 12,
                        "duration_unit": "month",
                        "trigger": "shipment",
                    },
                ],
            ),
        )
        _receipt, lot = self._on("2025-01-01", self._receive, ["EL-15"], product=open_ended)
        self._on("2025-01-10", self._deliver, lot)
        check = self._evaluate("2025-09-01", lot)
        self.assertVerdict(check, "eligible", [])
        self.assertEqual([r["code"] for r in check.reasons], ["no_return_window"])
        self.assertIn(
            "EL-15 was shipped on 2025-01-10 and no return window applies to it", check.reasons_html
        )
        self.assertNotIn("[", check.reasons_html, "no internal codes shown")
        self.assertEqual(check.reason_summary, "No return window")

    def test_reasons_read_as_labels_and_are_searched_by_them(self):
        self.assertEqual(
            {code: self.env._(lazy) for code, lazy in check_model._REASON_LABELS.items()},
            dict(eligibility.REASON_CODES),
        )
        lot, _delivery = self._shipped("EL-16")
        check = self._evaluate("2028-03-01", lot, "repair")
        self.assertEqual(check.reason_summary, "No active coverage")
        self.assertNotIn("no_coverage", check.reasons_html)
        Check = self.env["serial.eligibility.check"]
        self.assertIn(check, Check.search([("reason_summary", "ilike", "active cover")]))
        self.assertNotIn(check, Check.search([("reason_summary", "ilike", "recalled")]))
        self.assertFalse(Check.search([("reason_summary", "ilike", "no such reason")]))

    def test_facts_come_from_a_few_queries(self):
        lot, _delivery = self._shipped("EL-13")
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._evaluate("2025-01-20", lot, "repair")
        self.assertLessEqual(self.env.cr.sql_log_count - before, 16)


@tagged("post_install", "-at_install")
class TestReturnWizardEligibility(WarrantyCase):
    """Odoo's return wizard checks every serial coming back from a customer."""

    def _wizard(self, picking, user=None, **values):
        return (
            self.env["stock.return.picking"]
            .with_user(user or self.stock_user)
            .with_context(
                active_ids=picking.ids,
                active_id=picking.id,
                active_model="stock.picking",
            )
            .create(values)
        )

    def _shipped(self, names, day="2025-01-10"):
        _picking, lots = self._on("2025-01-01", self._receive, names)
        return lots.sorted("name"), self._on(day, self._deliver, lots)

    def _returns_of(self, delivery):
        return self.env["stock.picking"].search([("return_id", "=", delivery.id)])

    def test_ineligible_serial_is_refused_with_its_reasons(self):
        lots, delivery = self._shipped(["RW-1"])
        wizard = self._wizard(delivery)
        wizard.product_return_moves.quantity = 1
        with self.assertRaises(UserError) as caught:
            self._on("2025-03-01", wizard.action_create_returns)
        message = str(caught.exception)
        self.assertIn("RW-1", message)
        self.assertIn("could be returned until 2025-02-09", message)
        self.assertIn("override", message)
        self.assertFalse(self._returns_of(delivery), "a refused return writes nothing")
        self.assertFalse(self.env["serial.eligibility.check"].search([("lot_id", "in", lots.ids)]))
        self.assertEqual(lots.lifecycle_state, "shipped")

    def test_manager_overrides_with_a_reason_in_the_ledger(self):
        lots, delivery = self._shipped(["RW-2"])
        reason = self.env.ref("serial_tracking.reason_manager_override")
        user_wizard = self._wizard(delivery, serial_override_reason_id=reason.id)
        user_wizard.product_return_moves.quantity = 1
        with self.assertRaises(AccessError):
            self._on("2025-03-01", user_wizard.action_create_returns)

        wizard = self._wizard(
            delivery,
            self.manager,
            serial_override_reason_id=reason.id,
            serial_override_note="Goodwill for a key account",
        )
        wizard.product_return_moves.quantity = 1
        action = self._on("2025-03-01", wizard.action_create_returns)

        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(return_picking.move_line_ids.lot_id, lots)
        override = self._events(lots).filtered(lambda e: e.event_type == "override")
        self.assertEqual(len(override), 1)
        self.assertEqual(override.reason_id, reason)
        self.assertEqual(override.document_ref, delivery.name)
        self.assertIn("could be returned until 2025-02-09", override.note)
        self.assertIn("Goodwill", override.note)
        check = self.env["serial.eligibility.check"].search([("lot_id", "=", lots.id)])
        self.assertEqual(check.verdict, "ineligible")
        self.assertTrue(check.overridden)
        self.assertEqual(check.override_event_id, override)
        self.assertEqual(check.override_user_id, self.manager)
        self.assertEqual(check.picking_id, return_picking)
        self._on("2025-03-02", self._validate, return_picking)
        self.assertLastEvent(lots, "returned", "returned")

    def test_eligible_serials_pass_and_are_put_on_the_return(self):
        lots, delivery = self._shipped(["RW-3", "RW-4", "RW-5"])
        wizard = self._wizard(delivery)
        wizard.product_return_moves.quantity = 2
        with self.assertRaisesRegex(UserError, "Choose which serials"):
            self._on("2025-01-20", wizard.action_create_returns)
        wizard.serial_lot_ids = [Command.set(lots[:2].ids)]
        self.assertEqual(wizard.serial_returnable_lot_ids, lots)
        action = self._on("2025-01-20", wizard.action_create_returns)
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(return_picking.move_line_ids.lot_id, lots[:2])
        checks = self.env["serial.eligibility.check"].search([("lot_id", "in", lots.ids)])
        self.assertEqual(checks.lot_id, lots[:2])
        self.assertEqual(set(checks.mapped("verdict")), {"eligible"})
        self.assertEqual(set(checks.mapped("document_ref")), {return_picking.name})
        self._on("2025-01-21", self._validate, return_picking)
        self.assertEqual(set(lots[:2].mapped("lifecycle_state")), {"returned"})
        self.assertEqual(lots[2].lifecycle_state, "shipped")

    def test_only_the_ineligible_serials_are_named(self):
        lots, delivery = self._shipped(["RW-6", "RW-7"])
        first, second = lots
        earlier = self._wizard(delivery, serial_lot_ids=[Command.set(first.ids)])
        action = self._on("2025-01-15", earlier.action_create_returns)
        self._on("2025-01-15", self._validate, self.env["stock.picking"].browse(action["res_id"]))
        self.assertEqual(first.lifecycle_state, "returned")
        wizard = self._wizard(delivery, serial_lot_ids=[Command.set(lots.ids)])
        with self.assertRaises(UserError) as caught:
            self._on("2025-01-20", wizard.action_create_returns)
        message = str(caught.exception)
        self.assertIn("RW-6: RW-6 is no longer at the customer", message)
        self.assertNotIn("RW-7:", message)

    def test_exchange_is_checked_as_an_exchange(self):
        lots, delivery = self._shipped(["RW-8"])
        wizard = self._wizard(delivery)
        wizard.product_return_moves.quantity = 1
        self._on("2025-01-20", wizard.action_create_exchanges)
        check = self.env["serial.eligibility.check"].search([("lot_id", "=", lots.id)])
        self.assertEqual(check.intent, "exchange")
        self.assertEqual(check.verdict, "eligible")

    def test_vendor_returns_are_not_checked(self):
        receipt, lots = self._receive(["RW-9"])
        self._return(receipt, lots)
        self.assertEqual(lots.lifecycle_state, "returned_to_vendor")
        self.assertFalse(self.env["serial.eligibility.check"].search([("lot_id", "=", lots.id)]))

    def test_check_from_the_serial_then_return_it(self):
        lots, _delivery = self._shipped(["RW-10"])
        wizard = (
            self.env["serial.eligibility.wizard"]
            .with_user(self.stock_user)
            .with_context(active_model="stock.lot", active_ids=lots.ids)
            .create({})
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.intent, "return")
        action = self._on("2025-01-20", wizard.action_check)
        check = self.env["serial.eligibility.check"].browse(action["res_id"])
        self.assertEqual(check.verdict, "eligible")
        self.assertTrue(check.can_return)
        return_action = check.with_user(self.stock_user).action_open_return()
        self.assertEqual(return_action["res_model"], "stock.return.picking")
        return_wizard = (
            self.env["stock.return.picking"]
            .with_user(self.stock_user)
            .with_context(**return_action["context"])
            .create({})
        )
        self.assertEqual(return_wizard.serial_lot_ids, lots)
        result = self._on("2025-01-20", return_wizard.action_create_returns)
        return_picking = self.env["stock.picking"].browse(result["res_id"])
        self.assertEqual(return_picking.move_line_ids.lot_id, lots)


@tagged("post_install", "-at_install")
class TestManualReturnEligibility(WarrantyCase):
    """A return typed by hand (a receipt from the customer location, no return wizard)
    is checked when it is validated, as the wizard checks it."""

    def _shipped(self, names, day="2025-01-10"):
        _picking, lots = self._on("2025-01-01", self._receive, names)
        return lots.sorted("name"), self._on(day, self._deliver, lots)

    def _manual_return(self, lots, partner=None, user=None):
        picking = self._picking(
            self.warehouse.in_type_id, self.customer_location, self.stock, partner or self.customer
        )
        self._add_move(picking, lots.product_id, [{"lot_id": lot.id} for lot in lots])
        picking.move_ids.picked = True
        return picking.with_user(user or self.stock_user)

    def _checks(self, lots):
        return self.env["serial.eligibility.check"].search([("lot_id", "in", lots.ids)])

    def _return_wizard(self, delivery, lots):
        """Odoo's return wizard opened on ``delivery``, returning ``lots``."""
        return self._open_return_wizard(delivery, {"serial_lot_ids": [Command.set(lots.ids)]})

    def test_ineligible_serials_are_refused_and_nothing_is_done(self):
        lots, _delivery = self._shipped(["MR-1", "MR-2"])
        first, second = lots
        # MR-1 is late; MR-2 comes from someone it was not shipped to
        late = self._manual_return(first)
        with self.assertRaises(UserError) as caught, self.cr.savepoint():
            self._on("2025-03-01", late.button_validate)
        message = str(caught.exception)
        self.assertIn(f"These serials cannot come back from Customer Inc on {late.name}", message)
        self.assertIn("MR-1: MR-1 could be returned until 2025-02-09", message)
        self.assertIn("Return button of their delivery", message)
        self.assertNotEqual(late.state, "done")
        self.assertEqual(first.lifecycle_state, "shipped")
        self.assertFalse(self._checks(first), "nothing of the refused validation is kept")

        stranger = self.env["res.partner"].create({"name": "Stranger"})
        other = self._manual_return(second, stranger)
        with (
            self.assertRaisesRegex(
                UserError, "MR-2: MR-2 was shipped to Customer Inc, not to Stranger"
            ),
            self.cr.savepoint(),
        ):
            self._on("2025-01-20", other.button_validate)
        self.assertEqual(second.lifecycle_state, "shipped")

    def test_eligible_return_passes_with_its_verdict_kept(self):
        lots, _delivery = self._shipped(["MR-3"])
        picking = self._manual_return(lots)
        self._on("2025-01-20", picking.button_validate)
        self.assertEqual(picking.state, "done")
        self.assertLastEvent(lots, "returned", "returned")
        check = self._checks(lots)
        self.assertEqual(
            (check.verdict, check.intent, check.picking_id, check.document_ref),
            ("eligible", "return", picking.sudo(False), picking.name),
        )

    def test_manager_override_by_context_is_in_the_ledger(self):
        lots, _delivery = self._shipped(["MR-4"])
        reason = self.env.ref("serial_tracking.reason_manager_override")
        picking = self._manual_return(lots)
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._on(
                "2025-03-01",
                picking.with_context(serial_return_override_reason_id=reason.id).button_validate,
            )
        self.assertEqual(lots.lifecycle_state, "shipped")
        managed = picking.with_user(self.manager).with_context(
            serial_return_override_reason_id=reason.id, serial_return_override_note="Goodwill"
        )
        self._on("2025-03-01", managed.button_validate)
        self.assertEqual(picking.state, "done")
        override = self._events(lots).filtered(lambda e: e.event_type == "override")
        self.assertEqual(override.reason_id, reason)
        self.assertIn("Goodwill", override.note)
        self.assertLastEvent(lots, "returned", "returned")
        check = self._checks(lots)
        self.assertEqual(
            (check.verdict, check.overridden, check.override_event_id),
            ("ineligible", True, override),
        )

    def test_wizard_returns_are_not_checked_twice_but_swapped_serials_are(self):
        lots, delivery = self._shipped(["MR-5", "MR-6"])
        first, second = lots
        wizard = self._return_wizard(delivery, first)
        action = self._on("2025-01-15", wizard.action_create_returns)
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(len(self._checks(first)), 1)
        self._on("2025-01-16", self._validate, return_picking)
        self.assertEqual(len(self._checks(first)), 1, "checked once, by the wizard")
        # a second wizard return on which the user swapped the serial by hand
        first_return = self.env["stock.picking"].search([("return_id", "=", delivery.id)])
        self.assertEqual(first_return, return_picking)
        wizard = self._return_wizard(delivery, second)
        action = self._on("2025-01-17", wizard.action_create_returns)
        swapped = self.env["stock.picking"].browse(action["res_id"])
        swapped.move_line_ids.lot_id = first  # already back in stock: refused now
        swapped.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "MR-5: MR-5 is no longer at the customer"):
            self._on("2025-01-17", swapped.button_validate)
