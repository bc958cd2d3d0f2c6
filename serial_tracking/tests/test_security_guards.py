"""Issue 20: guards that hold against a plain stock user's JSON-RPC calls, whatever
context the client sends with them (a client can send any context key)."""

import json

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .warranty_common import WarrantyCase


class RpcCase(HttpCase, WarrantyCase):
    """Calls ``/web/dataset/call_kw`` as a logged-in Inventory user, as the web client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rpc_user = new_test_user(
            cls.env,
            login="sg_stock_user",
            password="sg_stock_user_pw",
            groups="stock.group_stock_user",
        )

    def setUp(self):
        super().setUp()
        self.authenticate("sg_stock_user", "sg_stock_user_pw")

    def rpc(self, model, method, args, kwargs=None):
        """The JSON answer of one call: ``{"result": ...}`` or ``{"error": ...}``."""
        self.env.flush_all()  # the request reads through its own environment
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            }
        )
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/{method}",
                data=body,
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.env.invalidate_all()  # what the request wrote is read again
        return response.json()

    def assertRefused(self, answer, *fragments):  # noqa: N802 - unittest style
        self.assertIn("error", answer, f"the call went through: {answer.get('result')!r}")
        message = answer["error"]["data"]["message"]
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message


@tagged("post_install", "-at_install")
class TestRecallGuards(RpcCase):
    """Item 2: an active recall cannot be switched off, or its results rewritten."""

    def _active_recall(self):
        _picking, lot = self._receive(["SG-R1"])
        recall = (
            self.env["serial.recall"]
            .with_user(self.manager)
            .create({"reason": "Overheating", "lot_ids": [(6, 0, lot.ids)]})
        )
        recall.action_simulate()
        recall.action_activate()
        self.assertEqual(recall.state, "active")
        return recall, lot

    def test_stock_user_cannot_switch_an_active_recall_off(self):
        recall, lot = self._active_recall()
        for state in ("cancelled", "draft", "simulated"):
            with self.subTest(state=state):
                self.assertRefused(
                    self.rpc("serial.recall", "write", [recall.ids, {"state": state}]), recall.name
                )
                # the old guard opened with any truthy context value: so does no new one
                self.assertRefused(
                    self.rpc(
                        "serial.recall",
                        "write",
                        [recall.ids, {"state": state}],
                        {"context": {"serial_recall_write": True}},
                    )
                )
        self.assertRefused(self.rpc("serial.recall", "action_cancel", [recall.ids]))
        self.assertRefused(
            self.rpc(
                "serial.recall",
                "write",
                [
                    recall.ids,
                    {"activation_total": 0, "close_reason": "forged", "activation_date": False},
                ],
            )
        )
        self.assertEqual(recall.state, "active")
        self.assertEqual(recall.activation_total, 1)
        # the unit stays quarantined and cannot be reserved for a delivery
        self.assertEqual(lot.lifecycle_state, "quarantined")

    def test_closed_recall_never_goes_back(self):
        recall, _lot = self._active_recall()
        recall.with_user(self.manager)._close("Done")
        self.assertEqual(recall.state, "closed")
        self.assertRefused(self.rpc("serial.recall", "write", [recall.ids, {"state": "cancelled"}]))
        # not even the campaign's own steps take it back
        with self.assertRaises(UserError):
            recall._steps().write({"state": "draft"})
        self.assertEqual(recall.state, "closed")

    def test_recall_created_in_a_later_state_is_refused(self):
        answer = self.rpc(
            "serial.recall",
            "create",
            [{"reason": "x", "state": "cancelled", "close_reason": "forged"}],
        )
        self.assertRefused(answer, "draft")

    def test_users_cannot_create_simulations(self):
        recall = self.env["serial.recall"].create({"reason": "Check"})
        answer = self.rpc(
            "serial.recall.simulation",
            "create",
            [{"recall_id": recall.id, "total": 0, "summary": {}}],
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertFalse(recall.simulation_ids)


@tagged("post_install", "-at_install")
class TestWarrantyGuards(RpcCase):
    """Items 3 and 9: no client voids or sets a unit's warranty."""

    def test_void_context_sent_with_a_validation_is_ignored(self):
        _picking, lot = self._receive(["SG-W1"])
        delivery = self._delivery(lot)
        delivery.move_ids.picked = True
        answer = self.rpc(
            "stock.picking",
            "button_validate",
            [delivery.ids],
            {"context": {"serial_warranty_void": "recalled"}},
        )
        self.assertNotIn("error", answer, answer.get("error"))
        self.assertEqual(delivery.state, "done")
        coverage = self._coverages(lot)
        self.assertEqual(coverage.state, "active")
        self.assertFalse(coverage.void_reason)
        self.assertEqual(lot.warranty_state, "active")

    def test_lot_warranty_summary_cannot_be_written(self):
        _picking, lot = self._receive(["SG-W2"])
        before = (lot.warranty_state, lot.warranty_end_date)
        for vals in ({"warranty_state": "active"}, {"warranty_end_date": "2099-12-31"}):
            with self.subTest(vals=vals):
                self.assertRefused(self.rpc("stock.lot", "write", [lot.ids, vals]), "SG-W2")
                self.assertRefused(
                    self.rpc(
                        "stock.lot",
                        "write",
                        [lot.ids, vals],
                        {"context": {"serial_lifecycle_write": True}},
                    )
                )
        answer = self.rpc(
            "stock.lot",
            "create",
            [
                {
                    "name": "SG-W3",
                    "product_id": self.product.id,
                    "warranty_state": "active",
                    "warranty_end_date": "2099-12-31",
                }
            ],
        )
        self.assertRefused(answer, "SG-W3")
        self.assertEqual((lot.warranty_state, lot.warranty_end_date), before)
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "SG-W3")]))

    def test_coverage_engine_context_cannot_be_forged(self):
        _picking, lot = self._receive(["SG-W4"])
        self._deliver(lot)
        coverage = self._coverages(lot)
        answer = self.rpc(
            "serial.warranty",
            "write",
            [coverage.ids, {"end_date": "2099-12-31"}],
            {"context": {"serial_warranty_write": True}},
        )
        self.assertRefused(answer)
        self.assertNotEqual(str(coverage.end_date), "2099-12-31")


@tagged("post_install", "-at_install")
class TestLedgerContentGuards(RpcCase):
    """Item 10: what the ledger says comes from the suite, not from a client's context."""

    def _internal_transfer(self, lot):
        picking = self._picking(self.warehouse.int_type_id, self.stock, self.stock)
        self._add_move(picking, lot.product_id, [{"lot_id": lot.id}])
        picking.move_ids.picked = True
        return picking

    def test_forged_reason_on_a_validation_is_refused(self):
        _picking, lot = self._receive(["SG-L1"])
        other_company = self.env["res.company"].create({"name": "SG Other Co"})
        foreign = self.env["serial.reason"].create(
            {
                "name": "Foreign",
                "code": "SG-FOREIGN",
                "applies_to": "any",
                "company_id": other_company.id,
            }
        )
        override = self.env.ref("serial_tracking.reason_manager_override")
        for reason in (foreign, override):
            picking = self._internal_transfer(lot)
            with self.subTest(reason=reason.code):
                answer = self.rpc(
                    "stock.picking",
                    "button_validate",
                    [picking.ids],
                    {"context": {"serial_reason_id": reason.id, "serial_note": "forged"}},
                )
                self.assertRefused(answer, "SG-L1", reason.name)
                self.assertNotEqual(picking.state, "done")
        self.assertFalse(lot.event_ids.filtered("reason_id"))

    def test_note_without_reason_is_not_recorded(self):
        _picking, lot = self._receive(["SG-L2"])
        picking = self._internal_transfer(lot)
        answer = self.rpc(
            "stock.picking",
            "button_validate",
            [picking.ids],
            {"context": {"serial_note": "Inspected by the authority, all fine"}},
        )
        self.assertNotIn("error", answer, answer.get("error"))
        self.assertEqual(picking.state, "done")
        self.assertFalse(
            lot.event_ids.filtered(lambda event: event.note and "authority" in event.note)
        )

    def test_evaluate_does_not_take_a_document_from_the_caller(self):
        _picking, lot = self._receive(["SG-L3"])
        answer = self.rpc(
            "serial.eligibility.check",
            "evaluate",
            [lot.id, self.customer.id, "return"],
            {"document_ref": "WH/OUT/99999"},
        )
        self.assertRefused(answer)
        self.assertFalse(
            self.env["serial.eligibility.check"].search([("document_ref", "=", "WH/OUT/99999")])
        )
        answer = self.rpc(
            "serial.eligibility.check", "evaluate", [lot.id, self.customer.id, "return"]
        )
        check = self.env["serial.eligibility.check"].browse(answer["result"])
        self.assertEqual(check.lot_id, lot)
        self.assertFalse(check.document_ref)


@tagged("post_install", "-at_install")
class TestReturnIntentGuard(RpcCase):
    """Item 11 (core): a return is checked as a return, whatever intent the client sends."""

    def test_forged_repair_intent_does_not_let_a_late_return_through(self):
        # shipped long ago: outside the 30-day return window, still covered for repair
        _picking, lot = self._on("2025-06-02", self._receive, ["SG-I1"])
        delivery = self._on("2025-06-03", self._deliver, lot)
        context = {
            "active_id": delivery.id,
            "active_ids": delivery.ids,
            "active_model": "stock.picking",
            "serial_return_intent": "repair",
        }
        created = self.rpc(
            "stock.return.picking",
            "create",
            [{"serial_lot_ids": [(6, 0, lot.ids)]}],
            {"context": context},
        )
        self.assertNotIn("error", created, created.get("error"))
        answer = self.rpc(
            "stock.return.picking",
            "action_create_returns",
            [[created["result"]]],
            {"context": context},
        )
        self.assertRefused(answer, "SG-I1")
        self.assertFalse(self.env["stock.picking"].search([("return_id", "=", delivery.id)]))
