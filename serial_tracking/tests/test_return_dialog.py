from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .warranty_common import WarrantyCase


@tagged("post_install", "-at_install")
class TestReturnDialog(WarrantyCase):
    """The return dialog as a user opens it from a done delivery's "Return" button:
    serials to choose, and each serial's verdict and reasons before confirming.
    The policy: full coverage 24 months from shipment, 30-day return window."""

    def _dialog(self, picking, user=None):
        """Press the delivery's "Return" button as the web client does: the button's
        action, its context with the record, and the dialog's own form view."""
        user = user or self.stock_user
        arch = etree.fromstring(picking.with_user(user).get_view(view_type="form")["arch"])
        [button] = arch.xpath("//header/button[@string='Return'][@type='action']")
        action = self.env["ir.actions.act_window"].browse(int(button.get("name"))).sudo()
        self.assertEqual(action.res_model, "stock.return.picking")
        self.assertEqual(action.target, "new")
        context = {
            "active_id": picking.id,
            "active_ids": picking.ids,
            "active_model": "stock.picking",
        }
        return Form(self.env[action.res_model].with_user(user).with_context(**context))

    def _shipped(self, names, day="2025-01-10"):
        _picking, lots = self._on("2025-01-01", self._receive, names)
        return lots.sorted("name"), self._on(day, self._deliver, lots)

    def _verdict_rows(self, form):
        """``{serial: [cell text, ...]}`` of the verdict table the dialog shows."""
        html = etree.fromstring(f"<div>{form.serial_preview_html}</div>")
        return {
            row.xpath("string(td[1])"): [
                " ".join(cell.xpath("string()").split()) for cell in row.xpath("td[position() > 1]")
            ]
            for row in html.xpath("//tbody/tr")
        }

    def test_partial_return_chooses_serials_in_the_dialog(self):
        lots, delivery = self._shipped(["RD-1", "RD-2", "RD-3"])
        form = self._on("2025-01-20", self._dialog, delivery)
        # every unit at the customer is shown with its verdict before anything is chosen
        rows = self._verdict_rows(form)
        self.assertEqual(sorted(rows), ["RD-1", "RD-2", "RD-3"])
        self.assertTrue(rows["RD-2"][0].startswith("Eligible"), rows)
        self.assertIn("RD-2 can be returned until 2025-02-09.", rows["RD-2"][0])
        self.assertIn("RD-2 can be exchanged until 2025-02-09.", rows["RD-2"][1])
        # one of three comes back: choose it; its line follows
        form.serial_lot_ids.add(lots[1])
        self.assertEqual(form.product_return_moves.edit(0).quantity, 1)
        self.assertEqual(list(self._verdict_rows(form)), ["RD-2"])
        wizard = form.save()
        action = self._on("2025-01-20", wizard.action_create_returns)
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(return_picking.move_ids.product_uom_qty, 1)
        self.assertEqual(return_picking.move_line_ids.lot_id, lots[1])
        self._on("2025-01-21", self._validate, return_picking)
        self.assertEqual(lots.mapped("lifecycle_state"), ["shipped", "returned", "shipped"])
        # the next dialog offers only what is still at the customer
        again = self._on("2025-01-22", self._dialog, delivery)
        self.assertEqual(sorted(self._verdict_rows(again)), ["RD-1", "RD-3"])

    def test_a_quantity_without_serials_asks_for_them_in_the_dialog(self):
        lots, delivery = self._shipped(["RD-4", "RD-5", "RD-6"])
        form = self._on("2025-01-20", self._dialog, delivery)
        with form.product_return_moves.edit(0) as line:
            line.quantity = 1
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Choose which serials in 'Serials Coming Back'"):
            self._on("2025-01-20", wizard.action_create_returns)
        # the field it names is there to use
        form = self._on("2025-01-20", self._dialog, delivery)
        form.serial_lot_ids.add(lots[0])
        action = self._on("2025-01-20", form.save().action_create_returns)
        self.assertEqual(
            self.env["stock.picking"].browse(action["res_id"]).move_line_ids.lot_id, lots[0]
        )

    def test_the_refusal_is_shown_before_confirming(self):
        lots, delivery = self._shipped(["RD-7"])
        form = self._on("2025-03-01", self._dialog, delivery)
        [(return_cell, exchange_cell)] = self._verdict_rows(form).values()
        self.assertTrue(return_cell.startswith("Ineligible"), return_cell)
        self.assertIn("RD-7 could be returned until 2025-02-09; it is 20 day(s) late.", return_cell)
        # the exchange falls back on the full coverage
        self.assertTrue(exchange_cell.startswith("Eligible"), exchange_cell)
        self.assertIn("RD-7 is covered by Full from 2025-01-10 until 2027-01-09.", exchange_cell)
        self.assertNotIn("[", return_cell + exchange_cell, "no internal codes shown")
        # the preview stored nothing; confirming refuses what it showed
        self.assertFalse(self.env["serial.eligibility.check"].search([("lot_id", "=", lots.id)]))
        form.serial_lot_ids.add(lots)
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "could be returned until 2025-02-09"):
            self._on("2025-03-01", wizard.action_create_returns)
        action = self._on("2025-03-01", wizard.action_create_exchanges)
        self.assertTrue(action["res_id"])

    def test_manager_sees_the_override_in_the_dialog(self):
        lots, delivery = self._shipped(["RD-8"])
        user_form = self._on("2025-03-01", self._dialog, delivery)
        self.assertNotIn("serial_override_reason_id", user_form._view["fields"])
        form = self._on("2025-03-01", self._dialog, delivery, self.manager)
        form.serial_lot_ids.add(lots)
        form.serial_override_reason_id = self.env.ref("serial_tracking.reason_manager_override")
        form.serial_override_note = "Key account"
        action = self._on("2025-03-01", form.save().action_create_returns)
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(return_picking.move_line_ids.lot_id, lots)
        self.assertEqual(self._events(lots)[-1].event_type, "override")

    def test_lines_without_their_picking_still_offer_their_serials(self):
        # data made outside Odoo's operations can leave a delivery's lines without
        # picking_id: the serials are found through the moves
        lots, delivery = self._shipped(["RD-9", "RD-10"])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_move_line SET picking_id = NULL WHERE id = ANY(%s)",
            [delivery.move_ids.move_line_ids.ids],
        )
        self.env.invalidate_all()
        self.assertFalse(delivery.move_line_ids)
        form = self._on("2025-01-20", self._dialog, delivery)
        self.assertEqual(sorted(self._verdict_rows(form)), ["RD-10", "RD-9"])
        form.serial_lot_ids.add(lots[0])
        action = self._on("2025-01-20", form.save().action_create_returns)
        self.assertEqual(
            self.env["stock.picking"].browse(action["res_id"]).move_line_ids.lot_id, lots[0]
        )

    def test_vendor_returns_show_no_serial_section(self):
        receipt, _lots = self._receive(["RD-11"])
        form = self._dialog(receipt)
        self.assertFalse(form.serial_preview_html)
        self.assertTrue(form._get_modifier("serial_lot_ids", "invisible"))
