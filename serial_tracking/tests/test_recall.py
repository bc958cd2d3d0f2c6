from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SerialTrackingCase
from .translation_common import use_french


class RecallCase(SerialTrackingCase):
    """Serials pushed through real receipts, deliveries, returns and consumption."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="rc_manager",
            email="rc_manager@example.com",
            groups="stock.group_stock_manager,serial_tracking.group_serial_manager",
        )
        cls.user = new_test_user(
            cls.env,
            login="rc_user",
            groups="stock.group_stock_user,serial_tracking.group_serial_user",
        )
        cls.vendor_b = cls.env["res.partner"].create({"name": "Other Vendor"})
        cls.customer.email = "buyer@customer.example"
        cls.customer_b = cls.env["res.partner"].create({"name": "Walk-in Buyer"})  # no email
        cls.module_product = cls.env["product.product"].create(
            {
                "name": "Module",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )

    def _recall(self, **values):
        return self.env["serial.recall"].create(
            dict({"reason": "Faulty capacitor", "severity": "high"}, **values)
        )

    def _units(self, recall):
        return {unit.lot_id.name: unit for unit in recall.unit_ids}

    def _consume(self, lots):
        picking = self._picking(self.warehouse.int_type_id, self.stock, self.production_location)
        self._add_move(picking, lots.product_id, [{"lot_id": lot.id} for lot in lots])
        return self._validate(picking)

    def _produce(self, names, product):
        lots = self.env["stock.lot"].create(
            [{"name": name, "product_id": product.id} for name in names]
        )
        picking = self._picking(self.warehouse.int_type_id, self.production_location, self.stock)
        self._add_move(picking, product, [{"lot_id": lot.id} for lot in lots])
        self._validate(picking)
        return lots

    def _return_units(self, picking, lots):
        """Some serials of a delivery come back through Odoo's return wizard."""
        wizard = self._open_return_wizard(picking)
        wizard.serial_lot_ids = lots
        wizard.product_return_moves.quantity = len(lots)
        action = wizard.action_create_returns()
        return self._validate(self.env["stock.picking"].browse(action["res_id"]))


@tagged("post_install", "-at_install")
class TestRecallCriteria(RecallCase):
    def setUp(self):
        super().setUp()
        _picking, self.lots_a = self._receive(
            [f"RCA{n:04d}" for n in range(1, 7)], partner=self.vendor
        )
        _picking, self.lots_b = self._receive(
            [f"RCB{n:04d}" for n in range(1, 4)], partner=self.vendor_b
        )

    def _affected(self, **criteria):
        recall = self._recall(**criteria)
        recall.action_simulate()
        return sorted(recall.unit_ids.lot_id.mapped("name"))

    def test_products(self):
        other = self.env["product.product"].create(
            {"name": "Phone", "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        self._receive(["PH0001"], product=other)
        self.assertEqual(self._affected(product_ids=[Command.set(other.ids)]), ["PH0001"])
        self.assertEqual(len(self._affected(product_ids=[Command.set(self.product.ids)])), 9)

    def test_units_by_product(self):
        other = self.env["product.product"].create(
            {"name": "Phone", "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        self._receive(["PH0001", "PH0002"], product=other)
        recall = self._recall(date_from=fields.Datetime.now() - timedelta(days=1))
        recall.action_simulate()
        summary = recall.simulation_ids.summary
        self.assertEqual(
            summary["by_product"], {self.product.display_name: 9, other.display_name: 2}
        )
        # the product is read from the serial: the list still filters and groups by it
        units = self.env["serial.recall.unit"]
        self.assertEqual(
            units.search_count([("recall_id", "=", recall.id), ("product_id", "=", other.id)]), 2
        )
        groups = units._read_group([("recall_id", "=", recall.id)], ["product_id"], ["__count"])
        self.assertEqual(dict(groups), {self.product: 9, other: 2})

    def test_lots(self):
        picked = self.lots_a[:2] | self.lots_b[:1]
        self.assertEqual(
            self._affected(lot_ids=[Command.set(picked.ids)]), sorted(picked.mapped("name"))
        )

    def test_serial_ranges(self):
        self.assertEqual(
            self._affected(serial_ranges="RCA0002-RCA0004; RCB0003"),
            ["RCA0002", "RCA0003", "RCA0004", "RCB0003"],
        )

    def test_bad_range_is_refused_with_its_rule(self):
        recall = self._recall(serial_ranges="RCA0009..RCA0002")
        with self.assertRaisesRegex(UserError, "Serial ranges: .*backwards"):
            recall.action_simulate()
        self.assertEqual(recall.state, "draft")
        self.assertFalse(recall.simulation_ids)

    def test_supplier_and_date_window(self):
        now = fields.Datetime.now()
        hour = timedelta(hours=1)
        self.assertEqual(
            self._affected(
                supplier_ids=[Command.set(self.vendor_b.ids)],
                supplier_date_from=now - hour,
                supplier_date_to=now + hour,
            ),
            ["RCB0001", "RCB0002", "RCB0003"],
        )
        recall = self._recall(
            supplier_ids=[Command.set(self.vendor_b.ids)], supplier_date_to=now - hour
        )
        with self.assertRaisesRegex(UserError, "no serial matches these criteria"):
            recall.action_simulate()
        self.assertEqual(len(self._affected(date_from=now - hour, date_to=now + hour)), 9)

    def test_window_backwards_and_empty_criteria_refused(self):
        now = fields.Datetime.now()
        with self.assertRaisesRegex(UserError, "starts after it ends"):
            self._recall(date_from=now, date_to=now - timedelta(days=1)).action_simulate()
        with self.assertRaisesRegex(UserError, "no criteria"):
            self._recall().action_simulate()

    def test_criteria_problems_read_in_the_users_language(self):
        use_french(
            self,
            {
                "recall.window_backwards": "%(window)s : la période commence après sa fin "
                "(%(date_from)s > %(date_to)s) ; inversez les dates.",
                "recall.produced_window": "Période de production ou de réception",
                "recall.supplier_window_needs_supplier": "Une période fournisseur demande un "
                "fournisseur.",
            },
        )
        now = fields.Datetime.now()
        recall = self._recall(
            date_from=now, date_to=now - timedelta(days=1), supplier_date_from=now
        )
        with self.assertRaises(UserError) as caught:
            recall.with_context(lang="fr_FR").action_simulate()
        message = caught.exception.args[0]
        self.assertIn("Une période fournisseur demande un fournisseur.", message)
        self.assertIn(
            "Période de production ou de réception : la période commence après sa fin", message
        )
        self.assertEqual(recall.state, "draft")

    def test_components_through_genealogy_at_any_depth(self):
        cell = self.lots_a[:1]
        self._consume(cell)
        modules = self._produce(["MOD0001"], self.module_product)
        self.env["serial.genealogy"].create({"parent_lot_id": cell.id, "child_lot_id": modules.id})
        self._consume(modules)
        packs = self._produce(["PACK0001"], self.module_product)
        self.env["serial.genealogy"].create({"parent_lot_id": modules.id, "child_lot_id": packs.id})
        self.assertEqual(
            self._affected(component_lot_ids=[Command.set(cell.ids)]),
            ["MOD0001", "PACK0001", "RCA0001"],
        )
        # combined with a product: only the units of that product containing the cell
        self.assertEqual(
            self._affected(
                component_lot_ids=[Command.set(cell.ids)],
                product_ids=[Command.set(self.module_product.ids)],
            ),
            ["MOD0001", "PACK0001"],
        )

    def test_combined_criteria_are_and(self):
        self.assertEqual(
            self._affected(
                product_ids=[Command.set(self.product.ids)],
                supplier_ids=[Command.set(self.vendor.ids)],
                serial_ranges="RCA0005-RCA0010; RCB0001",
            ),
            ["RCA0005", "RCA0006"],
        )


@tagged("post_install", "-at_install")
class TestRecallBuckets(RecallCase):
    def setUp(self):
        super().setUp()
        _picking, self.lots = self._receive([f"BK{n:03d}" for n in range(1, 9)])
        self.by_name = {lot.name: lot for lot in self.lots}

    def _lot(self, *names):
        return self.lots.browse([self.by_name[name].id for name in names])

    def test_buckets_after_deliveries_returns_consumption_and_scrap(self):
        shipped = self._deliver(self._lot("BK001", "BK002", "BK003"))
        self._deliver(self._lot("BK004"), partner=self.customer_b)
        self._return_units(shipped, self._lot("BK003"))
        delivery = self._delivery(self._lot("BK005"))
        self._consume(self._lot("BK006"))
        module = self._produce(["BKMOD1"], self.module_product)
        self.env["serial.genealogy"].create(
            {"parent_lot_id": self.by_name["BK006"].id, "child_lot_id": module.id}
        )
        self._transition(self._lot("BK007"), "scrap", reason=self.reason_scrap)
        recall = self._recall(serial_ranges="BK001-BK008")
        recall.action_simulate()
        units = self._units(recall)
        expected = {
            "BK001": ("at_customer", self.customer),
            "BK002": ("at_customer", self.customer),
            "BK003": ("in_stock", None),
            "BK004": ("at_customer", self.customer_b),
            "BK005": ("allocated", None),
            "BK006": ("consumed", None),
            "BK007": ("scrapped", None),
            "BK008": ("in_stock", None),
        }
        for name, (bucket, partner) in expected.items():
            self.assertEqual(units[name].bucket, bucket, name)
            self.assertEqual(units[name].partner_id, partner or self.env["res.partner"], name)
        self.assertEqual(units["BK005"].picking_id, delivery)
        self.assertEqual(units["BK006"].parent_lot_id, module)
        self.assertEqual(units["BK007"].status, "destroyed")
        simulation = recall.simulation_ids
        self.assertEqual(simulation.total, 8)
        self.assertEqual(simulation.summary["by_bucket"]["at_customer"], 3)
        self.assertEqual(
            simulation.summary["by_customer"],
            {self.customer.display_name: 2, self.customer_b.display_name: 1},
        )
        self.assertEqual(simulation.summary["by_product"], {self.product.display_name: 8})
        self.assertEqual(recall.customer_unit_count, 3)
        self.assertEqual(recall.customer_count, 2)

        # a later simulation is stored next to the first and says what changed
        self._deliver(self._lot("BK008"), partner=self.customer_b)
        recall.action_simulate()
        self.assertEqual(len(recall.simulation_ids), 2)
        self.assertIn("At a Customer: 3 → 4", recall.simulation_changes)
        self.assertIn(f"{self.customer_b.display_name}: 1 → 2", recall.simulation_changes)
        self.assertEqual(self._units(recall)["BK008"].bucket, "at_customer")

    def test_resimulation_writes_only_the_differences(self):
        recall = self._recall(serial_ranges="BK001-BK006")
        recall.action_simulate()
        before = {name: (unit.id, unit.write_date) for name, unit in self._units(recall).items()}
        self.assertEqual(len(before), 6)
        # nothing moved: every row stays as it was
        written = recall._write_units()
        self.assertEqual(
            {key: written[key] for key in ("total", "added", "changed", "removed")},
            {"total": 6, "added": 0, "changed": 0, "removed": 0},
        )
        # one unit shipped, one left the criteria, two entered them
        delivery = self._delivery(self._lot("BK002"))
        recall.serial_ranges = "BK002-BK008"
        recall.action_simulate()
        units = self._units(recall)
        self.assertEqual(sorted(units), [f"BK{n:03d}" for n in range(2, 9)])
        self.assertEqual(units["BK002"].id, before["BK002"][0])
        self.assertEqual(
            (units["BK002"].bucket, units["BK002"].picking_id), ("allocated", delivery)
        )
        for name in ("BK003", "BK004", "BK005", "BK006"):
            self.assertEqual(
                (units[name].id, units[name].bucket), (before[name][0], "in_stock"), name
            )
        self.assertFalse(
            self.env["serial.recall.unit"].search(
                [("recall_id", "=", recall.id), ("lot_id", "=", self.by_name["BK001"].id)]
            )
        )
        self.assertEqual(recall.simulation_ids.sorted("id")[-1].total, 7)
        self.assertEqual(recall.allocated_count, 1)

    def test_simulation_changes_nothing(self):
        delivery = self._delivery(self._lot("BK001"))
        events_before = self.env["serial.event"].search_count([])
        recall = self._recall(serial_ranges="BK001-BK008")
        recall.action_simulate()
        self.assertEqual(self.env["serial.event"].search_count([]), events_before)
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self._lot("BK001"))
        self.assertEqual(set(self.lots.mapped("location_id").ids), {self.stock.id})


@tagged("post_install", "-at_install")
class TestRecallActivation(RecallCase):
    def setUp(self):
        super().setUp()
        _picking, self.lots = self._receive([f"AC{n:03d}" for n in range(1, 11)])
        self.spare_names = [f"OK{n:03d}" for n in range(1, 4)]
        _picking, self.spares = self._receive(self.spare_names)

    def _activate(self, recall):
        recall.with_user(self.manager).action_activate()
        recall.invalidate_recordset()
        return recall

    def test_activation_quarantines_notifies_and_blocks(self):
        lots = self.lots
        self._deliver(lots[0:2])  # customer with email
        self._deliver(lots[2:3], partner=self.customer_b)  # customer without
        delivery = self._delivery(lots[3:5])  # allocated
        delivery.user_id = self.stock_manager
        recall = self._recall(serial_ranges="AC001-AC010")
        recall.action_simulate()
        with self.assertRaises(AccessError):
            recall.with_user(self.user).action_activate()
        self._activate(recall)
        self.assertEqual(recall.state, "active")
        units = self._units(recall)

        # in stock and allocated: quarantined through a real internal transfer
        for lot in lots[3:]:
            self.assertEqual(units[lot.name].status, "quarantined", lot.name)
            self.assertEqual(lot.location_id, self.quarantine, lot.name)
            self.assertLastEvent(lot, "quarantined", "quarantined")
        transfers = recall.unit_ids.quarantine_picking_id
        self.assertTrue(transfers)
        self.assertEqual(set(transfers.mapped("state")), {"done"})
        self.assertEqual(set(transfers.mapped("picking_type_id.code")), {"internal"})
        self.assertEqual(recall.outside_quarantine_count, 0)
        # the delivery lost its reservation and its responsible was told
        self.assertFalse(delivery.move_ids.move_line_ids)
        activity = delivery.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.stock_manager)
        self.assertIn("AC004", activity.note)
        # at customers: a recalled event each and one notice per customer
        for lot in lots[:3]:
            self.assertEqual(units[lot.name].bucket, "at_customer")
            self.assertEqual(self._events(lot)[-1].event_type, "recalled")
            self.assertTrue(units[lot.name].notified_date)
        mails = recall.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(mails), 1)
        self.assertIn("AC001", mails.body)
        self.assertIn("AC002", mails.body)
        self.assertNotIn("AC003", mails.body)
        self.assertIn(recall.name, mails.subject)
        todo = recall.activity_ids.filtered(lambda a: self.customer_b.name in a.summary)
        self.assertEqual(len(todo), 1)
        self.assertIn("AC003", todo.note)
        self.assertEqual(recall.still_at_customer_count, 3)

        # no affected unit can be reserved: Odoo's own reservation takes the spares
        move = self._order(5).move_ids
        move._action_confirm()
        move._action_assign()
        self.assertEqual(sorted(move.move_line_ids.lot_id.mapped("name")), self.spare_names)
        self.assertEqual(lots[0]._serial_active_recalls(), recall)
        self.assertFalse(self.spares._serial_active_recalls())
        self.assertIn(recall.name, lots[4].recall_warning)

    def test_blocked_delivery_of_a_recalled_unit_writes_nothing(self):
        cell = self.lots[:1]
        self._consume(cell)
        module = self._produce(["ACMOD1"], self.module_product)
        self.env["serial.genealogy"].create({"parent_lot_id": cell.id, "child_lot_id": module.id})
        delivery = self._delivery(module)
        quarantined = self.lots[1:2]
        recall = self._recall(lot_ids=[Command.set((cell | quarantined).ids)])
        recall.action_simulate()
        self.assertEqual(self._units(recall)[cell.name].parent_lot_id, module)
        self._activate(recall)
        # the parent is flagged: a recalled event, and it may no longer ship
        self.assertEqual(self._events(module)[-1].event_type, "recalled")
        self.assertEqual(self._events(cell)[-1].event_type, "recalled")
        self.assertEqual(module._serial_active_recalls(), recall)
        events = self.env["serial.event"].search_count([("lot_id", "=", module.id)])
        delivery.move_ids.picked = True
        with self.assertRaisesRegex(
            UserError, rf"ACMOD1 cannot be shipped .*{recall.name}\. Put it aside"
        ):
            delivery.button_validate()
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(module.lifecycle_state, "allocated")
        self.assertEqual(module.location_id, self.stock)
        self.assertEqual(
            self.env["serial.event"].search_count([("lot_id", "=", module.id)]), events
        )
        # reserving a quarantined unit on a delivery by hand is refused as well
        order = self._picking(
            self.warehouse.out_type_id, self.stock, self.customer_location, self.customer
        )
        with self.assertRaisesRegex(
            UserError,
            rf"{quarantined.name} cannot be shipped or "
            rf"reserved .*{recall.name}",
        ):
            self._add_move(order, self.product, [{"lot_id": quarantined.id}])
        # closing the recall lifts the block
        recall.with_user(self.manager)._close("Supplier confirmed the cells are fine")
        self._validate(delivery)
        self.assertEqual(module.lifecycle_state, "shipped")

    def test_partial_failure_leaves_others_done(self):
        lots = self.lots[:4]
        warehouse_2 = self.env["stock.warehouse"].create({"name": "Annex", "code": "ANX"})
        move_out = self._picking(self.warehouse.int_type_id, self.stock, warehouse_2.lot_stock_id)
        self._add_move(move_out, self.product, [{"lot_id": lot.id} for lot in lots[:2]])
        self._validate(move_out)
        warehouse_2.quarantine_location_id = False
        recall = self._recall(lot_ids=[Command.set(lots.ids)])
        recall.action_simulate()
        self._activate(recall)
        units = self._units(recall)
        for lot in lots[:2]:
            self.assertEqual(units[lot.name].status, "pending")
            self.assertIn("no quarantine location", units[lot.name].activation_error)
        for lot in lots[2:]:
            self.assertEqual(units[lot.name].status, "quarantined")
            self.assertEqual(lot.location_id, self.quarantine)
        self.assertEqual(recall.error_count, 2)
        self.assertEqual(recall.outside_quarantine_count, 2)
        self.assertIn("could not be dealt with", recall.message_ids[0].body)
        self.assertIn(lots[0].name, recall.message_ids[0].body)

    def test_returns_recover_and_close_needs_reason(self):
        lots = self.lots[:3]
        shipped = self._deliver(lots)
        recall = self._recall(lot_ids=[Command.set(lots.ids)])
        recall.action_simulate()
        self._activate(recall)
        # their customer was e-mailed: notified, and a notified unit that comes back
        # is recovered
        self.assertEqual(set(recall.unit_ids.mapped("status")), {"notified"})
        self._return_units(shipped, lots[:1])
        units = self._units(recall)
        self.assertEqual(units[lots[0].name].status, "recovered")
        self.assertEqual(recall.recovery_rate, round(100 / 3, 1))
        self.assertEqual(recall.still_at_customer_count, 2)
        action = recall.with_user(self.manager).action_close()
        self.assertEqual(action["res_model"], "serial.recall.close.wizard")
        wizard = (
            self.env["serial.recall.close.wizard"]
            .with_user(self.manager)
            .create({"recall_id": recall.id, "reason": "  "})
        )
        with self.assertRaisesRegex(UserError, "2 pending or notified unit.*give a reason"):
            wizard.action_close()
        self.assertEqual(recall.state, "active")
        wizard.reason = "Two customers unreachable"
        wizard.action_close()
        self.assertEqual(recall.state, "closed")
        self.assertEqual(recall.close_reason, "Two customers unreachable")
        self.assertFalse(lots[1]._serial_active_recalls())

    def test_release_unit_with_reason(self):
        lots = self.lots[:2]
        recall = self._recall(lot_ids=[Command.set(lots.ids)])
        recall.action_simulate()
        self._activate(recall)
        unit = self._units(recall)[lots[0].name]
        wizard = (
            self.env["serial.recall.unit.status.wizard"]
            .with_user(self.manager)
            .create({"unit_ids": [Command.set(unit.ids)], "status": "released"})
        )
        with self.assertRaisesRegex(
            UserError, f"{lots[0].name}: marking it released needs a reason"
        ):
            wizard.action_apply()
        self.assertEqual(lots[0].location_id, self.quarantine)
        wizard.reason = "Inspected: capacitor from a good batch"
        wizard.action_apply()
        self.assertEqual(unit.status, "released")
        self.assertEqual(lots[0].location_id, self.stock)
        self.assertLastEvent(lots[0], "released", "in_stock")
        self.assertFalse(lots[0]._serial_active_recalls())
        self.assertEqual(lots[1]._serial_active_recalls(), recall)
        with self.assertRaisesRegex(UserError, "final"):
            self.env["serial.recall.unit.status.wizard"].with_user(self.manager).create(
                {"unit_ids": [Command.set(unit.ids)], "status": "destroyed", "reason": "x"}
            ).action_apply()

    def test_status_change_refusal_reads_in_the_users_language(self):
        use_french(
            self,
            {
                "recall.cannot_change": "%(serial)s ne peut pas passer de %(old_status)s à "
                "%(new_status)s ; permis : %(allowed_statuses)s.",
            },
        )
        lots = self.lots[:1]
        recall = self._recall(lot_ids=[Command.set(lots.ids)])
        recall.action_simulate()
        self._activate(recall)
        unit = self._units(recall)[lots[0].name]
        self.assertEqual(unit.status, "quarantined")
        wizard = (
            self.env["serial.recall.unit.status.wizard"]
            .with_user(self.manager)
            .create(
                {"unit_ids": [Command.set(unit.ids)], "status": "unreachable", "reason": "gone"}
            )
        )
        # the statuses are said by their labels (English here: no translation is loaded)
        with self.assertRaisesRegex(
            UserError,
            f"{lots[0].name} ne peut pas passer de "
            "quarantined à unreachable ; permis : destroyed, released.",
        ):
            wizard.with_context(lang="fr_FR").action_apply()
        with self.assertRaisesRegex(
            UserError,
            f"{lots[0].name} cannot go from quarantined to "
            "unreachable; allowed: destroyed, released.",
        ):
            wizard.action_apply()
        self.assertEqual(unit.status, "quarantined")

    def test_report_lists_units_by_bucket_and_customer(self):
        self._deliver(self.lots[:2])
        recall = self._recall(lot_ids=[Command.set(self.lots[:4].ids)])
        recall.action_simulate()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_tracking.report_serial_recall", recall.ids
        )
        html = html.decode()
        self.assertIn("At a Customer", html)
        self.assertIn("In Stock", html)
        self.assertIn(self.customer.name, html)
        for lot in self.lots[:4]:
            self.assertIn(lot.name, html)
        self.assertLess(html.index("In Stock"), html.index("At a Customer"))

    def test_criteria_frozen_after_activation(self):
        recall = self._recall(lot_ids=[Command.set(self.lots[:1].ids)])
        recall.action_simulate()
        self._activate(recall)
        with self.assertRaisesRegex(UserError, "criteria can no longer change"):
            recall.serial_ranges = "AC001-AC010"
        with self.assertRaisesRegex(UserError, "closed, not cancelled"):
            recall.action_cancel()


@tagged("post_install", "-at_install")
class TestRecallBatches(RecallCase):
    """The batched path on a large set: the cron's steps, one after another."""

    def test_batched_activation_on_a_large_set(self):
        names = [f"BIG{n:05d}" for n in range(1, 601)]
        _picking, lots = self._receive(names)
        delivered = lots[:100]
        self._deliver(delivered)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("serial_tracking.recall_sync_limit", 100)
        recall = self._recall(serial_ranges="BIG00001-BIG01200")
        recall.action_simulate()
        self.assertEqual(recall.unit_count, 600)
        recall.with_user(self.manager).action_activate()
        # too big for the request: nothing moved yet, but already blocking
        self.assertEqual(recall.todo_count, 600)
        self.assertEqual(recall.activation_progress, 0.0)
        self.assertEqual(lots[500]._serial_active_recalls(), recall)
        self.assertIn("runs in the background", recall.message_ids[0].body)
        steps = []
        while True:
            done = recall._activation_step(250)
            if not done:
                break
            recall.invalidate_recordset()
            steps.append((done, recall.todo_count, recall.activation_progress))
        # in-stock units first, then the customer's 100 units together
        self.assertEqual([step[0] for step in steps], [250, 250, 100])
        self.assertEqual(steps[0][1], 350)
        self.assertAlmostEqual(steps[0][2], 100 * 250 / 600, places=1)
        self.assertEqual(steps[-1][1:], (0, 100.0))
        self.assertEqual(recall.quarantined_count, 500)
        self.assertEqual(recall.outside_quarantine_count, 0)
        self.assertEqual(set((lots - delivered).mapped("location_id").ids), {self.quarantine.id})
        # the customer's 100 units were gathered into one notice
        self.assertEqual(
            len(recall.message_ids.filtered(lambda m: self.customer in m.partner_ids)), 1
        )


@tagged("post_install", "-at_install")
class TestRecallRelocation(RecallCase):
    """Big internal transfers of serials move each serial's quant in one UPDATE; the
    result must be what Odoo's own line-by-line path leaves."""

    def test_relocated_quants_behave_like_odoo_ones(self):
        names = [f"RL{n:04d}" for n in range(1, 131)]
        _picking, lots = self._receive(names)
        quants_before = self.env["stock.quant"].search_count([("lot_id", "in", lots.ids)])
        pickings = lots._serial_move_to_location(
            lambda lot: lot.location_id.warehouse_id.quarantine_location_id, origin="test"
        )
        self.assertEqual(pickings.state, "done")
        self.assertEqual(len(pickings.move_line_ids), 130)
        self.assertEqual(set(pickings.move_line_ids.mapped("picked")), {True})
        self.env.invalidate_all()
        Quant = self.env["stock.quant"]
        self.assertEqual(Quant._get_available_quantity(self.product, self.quarantine), 130)
        self.assertEqual(Quant._get_available_quantity(self.product, self.stock), 0)
        quants = Quant.search([("lot_id", "in", lots.ids), ("location_id.usage", "=", "internal")])
        # each serial's quant itself moved: Odoo's path would leave 130 empty quants behind
        self.assertEqual(len(quants), 130)
        self.assertEqual(quants.location_id, self.quarantine)
        self.assertEqual(set(quants.mapped("quantity")), {1.0})
        self.assertEqual(Quant.search_count([("lot_id", "in", lots.ids)]), quants_before)
        self.assertEqual(set(lots.mapped("location_id").ids), {self.quarantine.id})
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"quarantined"})
        self.assertEqual(self._events(lots[:1])[-1].picking_id, pickings)
        # back to stock the same way, then Odoo reserves and ships some of them
        lots._serial_move_to_location(lambda lot: lot.location_id.warehouse_id.lot_stock_id)
        self.env.invalidate_all()
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})
        order = self._order(5)
        move = order.move_ids
        order.action_confirm()
        order.action_assign()
        self.assertEqual(move.quantity, 5)
        self._validate(order)
        shipped = move.move_line_ids.lot_id
        self.assertEqual(set(shipped.mapped("lifecycle_state")), {"shipped"})
        self.assertEqual(Quant._get_available_quantity(self.product, self.stock), 125)
