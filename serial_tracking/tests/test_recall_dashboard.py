"""The recall form as a user meets it: created in its form, simulated and activated with
its buttons, its dashboard read in the form after each step."""

from lxml import etree

from odoo import Command
from odoo.tests import Form, tagged

from .test_recall import RecallCase


@tagged("post_install", "-at_install")
class TestRecallDashboard(RecallCase):
    def setUp(self):
        super().setUp()
        _picking, self.lots = self._receive([f"LT14-{n:05d}" for n in range(1, 11)])
        self.shipment = self._deliver(self.lots[:3])  # at a customer
        self.open_delivery = self._delivery(self.lots[3:5])  # allocated
        # LT14-00006 .. LT14-00010 stay in stock

    def _new_recall(self):
        form = Form(self.env["serial.recall"].with_user(self.manager))
        self.assertEqual(form.name, "New", "the title reads New until saved, not '/'")
        form.reason = "Battery may swell"
        form.product_ids.add(self.product)
        recall = form.save()
        self.assertTrue(recall.name.startswith("RC"), recall.name)
        return recall

    def _dashboard(self, recall):
        """The figures as the form shows them."""
        recall.invalidate_recordset()
        form = Form(recall.with_user(self.manager))
        names = (
            "in_stock_count",
            "allocated_count",
            "in_quarantine_count",
            "customer_unit_count",
            "pending_count",
            "quarantined_count",
            "recovered_count",
            "under_control_count",
            "reachable_count",
            "recovery_rate",
            "notified_count",
            "still_at_customer_count",
        )
        return {name: getattr(form, name) for name in names}, form.next_step or ""

    def assertWhereUnitsAre(self, figures, expected):  # noqa: N802 - unittest style
        """(in stock, allocated, in quarantine, at customers) as the dashboard counts them."""
        self.assertEqual(
            (
                figures["in_stock_count"],
                figures["allocated_count"],
                figures["in_quarantine_count"],
                figures["customer_unit_count"],
            ),
            expected,
        )

    def test_the_dashboard_follows_the_units_and_says_what_next(self):
        recall = self._new_recall()
        _figures, next_step = self._dashboard(recall)
        self.assertIn("press Simulate", next_step)

        recall.with_user(self.manager).action_simulate()
        figures, next_step = self._dashboard(recall)
        self.assertWhereUnitsAre(figures, (5, 2, 0, 3))
        self.assertIn("presses Activate", next_step)
        self.assertIn("the 7 unit(s) in stock go to quarantine", next_step)

        recall.with_user(self.manager).action_activate()
        figures, next_step = self._dashboard(recall)
        # where they are now: the seven units of our stock went to quarantine
        self.assertWhereUnitsAre(figures, (0, 0, 7, 3))
        # the rate is the share of the counts beside it: 7 quarantined of 10 reachable
        self.assertEqual(
            (
                figures["quarantined_count"],
                figures["recovered_count"],
                figures["under_control_count"],
                figures["reachable_count"],
                figures["recovery_rate"],
            ),
            (7, 0, 7, 10, 70.0),
        )
        # their customer was e-mailed: notified, still out, not under control
        self.assertEqual(
            (
                figures["notified_count"],
                figures["pending_count"],
                figures["still_at_customer_count"],
            ),
            (3, 0, 3),
        )
        self.assertIn("7 unit(s) wait in quarantine", next_step)
        self.assertIn("3 unit(s) are still at customers (3 of them notified", next_step)
        self.assertNotIn("Close the recall", next_step)

        # a customer sends one back: recovered, and in our stock again
        # (the delivery that lost its units is cancelled first: Odoo would reserve the
        # returned unit on it, a recovered unit being free to ship)
        self.open_delivery.action_cancel()
        self._return_units(self.shipment, self.lots[:1])
        figures, next_step = self._dashboard(recall)
        self.assertEqual(
            (
                figures["in_stock_count"],
                figures["customer_unit_count"],
                figures["recovered_count"],
                figures["under_control_count"],
                figures["recovery_rate"],
            ),
            (1, 2, 1, 8, 80.0),
        )
        self.assertIn("2 unit(s) are still at customers", next_step)

        # every unit dealt with: the next step is to close
        units = recall.unit_ids
        self._set_status(units.filtered(lambda u: u.status == "notified"), "unreachable")
        self._set_status(units.filtered(lambda u: u.status == "quarantined"), "released")
        figures, next_step = self._dashboard(recall)
        self.assertEqual((figures["in_quarantine_count"], figures["in_stock_count"]), (0, 8))
        self.assertEqual((figures["reachable_count"], figures["recovery_rate"]), (8, 100.0))
        self.assertIn("Every unit is dealt with: Close the recall.", next_step)

    def test_activation_marks_the_e_mailed_customers_units_notified(self):
        # one more unit at a customer without an e-mail address: a to-do, not an e-mail
        self._deliver(self.lots[5:6], partner=self.customer_b)
        recall = self._new_recall()
        recall.with_user(self.manager).action_simulate()
        recall.with_user(self.manager).action_activate()

        status = {unit.lot_id: unit.status for unit in recall.unit_ids}
        self.assertEqual({status[lot] for lot in self.lots[:3]}, {"notified"})
        self.assertEqual(status[self.lots[5]], "pending", "its customer was not e-mailed")
        notice = recall.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(notice), 1)
        self.assertTrue(recall.activity_ids.filtered(lambda a: self.customer_b.name in a.summary))

        figures, next_step = self._dashboard(recall)
        self.assertEqual(
            (
                figures["notified_count"],
                figures["pending_count"],
                figures["still_at_customer_count"],
            ),
            (3, 1, 4),
        )
        # notified units are still out: 6 quarantined of 10 reachable are under control
        self.assertEqual(
            (figures["under_control_count"], figures["reachable_count"], figures["recovery_rate"]),
            (6, 10, 60.0),
        )
        self.assertIn("4 unit(s) are still at customers (3 of them notified", next_step)

        # a notified unit is still open: it may not ship, and closing needs a reason
        self._set_status(recall.unit_ids.filtered(lambda u: u.status == "pending"), "unreachable")
        action = recall.with_user(self.manager).action_close()
        self.assertEqual(action["res_model"], "serial.recall.close.wizard")
        self.assertEqual(recall.state, "active")

    def _set_status(self, units, status):
        action = units.with_user(self.manager).action_open_status_wizard()
        wizard = self.env[action["res_model"]].with_user(self.manager)
        form = Form(wizard.with_context(**action["context"]))
        form.status = status
        form.reason = "Checked with the supplier"
        form.save().action_apply()

    def test_shipped_units_name_their_delivery(self):
        recall = self._new_recall()
        recall.with_user(self.manager).action_simulate()
        units = self._units(recall)
        for lot in self.lots[:3]:
            self.assertEqual(units[lot.name].picking_id, self.shipment, lot.name)
        for lot in self.lots[3:5]:
            self.assertEqual(units[lot.name].picking_id, self.open_delivery, lot.name)
        for lot in self.lots[5:]:
            self.assertFalse(units[lot.name].picking_id, lot.name)
        # shipped again after a return: the latest delivery
        self._return_units(self.shipment, self.lots[:1])
        again = self._deliver(self.lots[:1], partner=self.customer_b)
        recall.with_user(self.manager).action_simulate()
        self.assertEqual(self._units(recall)[self.lots[0].name].picking_id, again)
        # and the printed report lists it
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_tracking.report_serial_recall", recall.ids
        )
        self.assertIn(again.name, html.decode())

    def test_the_forms_offer_no_create_and_readable_unit_lists(self):
        form = etree.fromstring(
            self.env["serial.recall"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for name in ("product_ids", "lot_ids", "component_lot_ids", "supplier_ids"):
            with self.subTest(field=name):
                options = form.xpath(f"//field[@name='{name}']/@options")
                self.assertIn("'no_create': True", options[0])
        units = etree.fromstring(
            self.env["serial.recall.unit"].get_views(
                [(self.env.ref("serial_tracking.serial_recall_unit_view_list").id, "list")]
            )["views"]["list"]["arch"]
        )
        shown = [
            field.get("name")
            for field in units.xpath("//list/field")
            if field.get("optional") != "hide"
            and field.get("column_invisible") not in ("1", "True")
        ]
        self.assertLessEqual(len(shown), 7, shown)
        self.assertEqual(shown[0], "lot_id")
        self.assertIn("picking_id", shown)

    def test_recall_without_product_criteria_keeps_a_real_number(self):
        recall = self.env["serial.recall"].create(
            {"reason": "Faulty capacitor", "lot_ids": [Command.set(self.lots[:1].ids)]}
        )
        self.assertNotIn(recall.name, ("New", "/"))
