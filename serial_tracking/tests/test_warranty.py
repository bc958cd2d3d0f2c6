from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .warranty_common import WarrantyCase


@tagged("post_install", "-at_install")
class TestWarrantyTriggers(WarrantyCase):
    """Coverages are created and started by the serial's real stock flows."""

    def test_shipment_starts_the_coverage(self):
        _picking, lot = self._on("2025-01-10", self._receive, ["WT-1"])
        coverage = self._coverages(lot)
        self.assertCoverage(coverage, "pending")
        self.assertEqual(coverage.policy_id, self.policy)
        self.assertEqual(lot.warranty_state, "pending")
        self.assertFalse(lot.warranty_end_date)

        delivery = self._on("2025-02-01", self._deliver, lot)

        self.assertCoverage(coverage, "active", "2025-02-01", "2027-01-31")
        self.assertEqual(coverage.partner_id, self.customer)
        self.assertEqual(coverage.document_ref, delivery.name)
        self.assertEqual(lot.warranty_state, "active")
        self.assertEqual(lot.warranty_end_date, date(2027, 1, 31))

    def test_month_arithmetic_on_a_leap_year(self):
        policy = self._make_policy(
            "One month",
            [
                {
                    "coverage_type": "parts",
                    "duration": 1,
                    "duration_unit": "month",
                    "trigger": "shipment",
                }
            ],
        )
        product = self._make_product("Charger", policy)
        _picking, lot = self._on("2024-01-02", self._receive, ["CH-1"], product=product)
        self._on("2024-01-31", self._deliver, lot)
        self.assertCoverage(self._coverages(lot), "active", "2024-01-31", "2024-02-28")

    def test_manufacture_and_receipt_triggers_with_supplier_coverage(self):
        policy = self._make_policy(
            "Made here",
            [
                {
                    "coverage_type": "parts",
                    "duration": 36,
                    "duration_unit": "month",
                    "trigger": "manufacture",
                },
                {
                    "coverage_type": "supplier",
                    "duration": 1,
                    "duration_unit": "year",
                    "trigger": "receipt",
                },
            ],
        )
        product = self._make_product("Controller", policy)
        # produced: production -> stock
        produced = self._picking(self.warehouse.in_type_id, self.production_location, self.stock)
        self._add_move(produced, product, [{"lot_name": "MF-1"}])
        self._on("2025-03-03", self._validate, produced)
        made = produced.move_line_ids.lot_id
        self.assertLastEvent(made, "produced", "in_stock")
        self.assertCoverage(
            self._coverages(made, coverage_type="parts"), "active", "2025-03-03", "2028-03-02"
        )
        self.assertFalse(
            self._coverages(made, coverage_type="supplier"),
            "supplier coverage only comes from a vendor's receipt",
        )
        # received from the vendor
        _picking, bought = self._on("2025-04-01", self._receive, ["RC-1"], product=product)
        supplier = self._coverages(bought, coverage_type="supplier")
        self.assertCoverage(supplier, "active", "2025-04-01", "2026-03-31")
        self.assertEqual(supplier.source, "supplier")
        self.assertEqual(supplier.partner_id, self.vendor)
        self.assertCoverage(self._coverages(bought, coverage_type="parts"), "pending")
        # the supplier's coverage is not the customer's
        self.assertEqual(bought.warranty_state, "pending")
        self.assertEqual(made.warranty_state, "active")

    def test_installation_with_a_cap_after_shipment(self):
        policy = self._make_policy(
            "From installation",
            [
                {
                    "coverage_type": "full",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "installation",
                    "cap_trigger": "shipment",
                    "cap_duration": 90,
                    "cap_unit": "day",
                }
            ],
        )
        product = self._make_product("Boiler", policy)
        _picking, lots = self._on(
            "2024-12-01", self._receive, ["BO-1", "BO-2", "BO-3"], product=product
        )
        installed, capped, late = lots.sorted("name")
        self._on("2025-01-01", self._deliver, lots)
        for lot in lots:
            coverage = self._coverages(lot)
            self.assertCoverage(coverage, "pending")
            self.assertEqual(coverage.latest_start_date, date(2025, 4, 1))
        # installed within the cap: the clock starts at installation
        self._on("2025-02-15", self._transition, installed, "install")
        self.assertCoverage(self._coverages(installed), "active", "2025-02-15", "2026-02-14")
        # never installed: the daily job starts it at the cap
        self._daily("2025-03-31")
        self.assertCoverage(self._coverages(capped), "pending")
        self._daily("2025-04-05")
        self.assertCoverage(self._coverages(capped), "active", "2025-04-01", "2026-03-31")
        self.assertEqual(capped.warranty_state, "active")
        self._on("2025-05-01", self._transition, capped, "install")
        self.assertCoverage(self._coverages(capped), "active", "2025-04-01", "2026-03-31")
        # installed after the cap, before the job ran: the cap still wins
        self.env.cr.execute(
            "UPDATE serial_warranty SET state = 'pending', start_date = NULL, end_date = NULL "
            "WHERE lot_id = %s",
            [late.id],
        )
        self.env.invalidate_all()
        self._on("2025-06-01", self._transition, late, "install")
        self.assertCoverage(self._coverages(late), "active", "2025-04-01", "2026-03-31")

    def test_registration_starts_its_own_coverage(self):
        policy = self._make_policy(
            "Register for labour",
            [
                {
                    "coverage_type": "parts",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                },
                {
                    "coverage_type": "labour",
                    "duration": 6,
                    "duration_unit": "month",
                    "trigger": "registration",
                },
            ],
        )
        product = self._make_product("Drill", policy)
        _picking, lot = self._on("2025-01-01", self._receive, ["DR-1"], product=product)
        self._on("2025-01-05", self._deliver, lot)
        self.assertCoverage(self._coverages(lot, coverage_type="labour"), "pending")
        self._on("2025-02-10", self._transition, lot, "register")
        self.assertCoverage(
            self._coverages(lot, coverage_type="labour"), "active", "2025-02-10", "2025-08-09"
        )
        self.assertCoverage(
            self._coverages(lot, coverage_type="parts"), "active", "2025-01-05", "2026-01-04"
        )
        self.assertEqual(lot.warranty_end_date, date(2026, 1, 4))

    def test_category_policy_applies_unless_the_product_has_one(self):
        category = self.env["product.category"].create({"name": "Tools"})
        child = self.env["product.category"].create({"name": "Saws", "parent_id": category.id})
        category_policy = self._make_policy(
            "Tools 6 months",
            [
                {
                    "coverage_type": "parts",
                    "duration": 6,
                    "duration_unit": "month",
                    "trigger": "shipment",
                }
            ],
        )
        category.serial_warranty_policy_id = category_policy
        from_category = self._make_product("Saw", categ_id=child.id)
        own = self._make_product("Saw Pro", self.policy, categ_id=child.id)
        _picking, lot_a = self._on("2025-01-01", self._receive, ["SAW-1"], product=from_category)
        _picking, lot_b = self._on("2025-01-01", self._receive, ["SAW-2"], product=own)
        self.assertEqual(self._coverages(lot_a).policy_id, category_policy)
        self.assertEqual(self._coverages(lot_b).policy_id, self.policy)

    def test_no_policy_no_coverage(self):
        product = self._make_product("Cable")
        _picking, lot = self._receive(["CB-1"], product=product)
        self._deliver(lot)
        self.assertFalse(lot.warranty_ids)
        self.assertEqual(lot.warranty_state, "none")


@tagged("post_install", "-at_install")
class TestWarrantyLifecycle(WarrantyCase):
    """Returns, resale, repairs, scrap and recalls move existing coverages."""

    def _resold(self, rule, name):
        policy = self._make_policy(
            f"Resale {rule}",
            [
                {
                    "coverage_type": "full",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                    "resale_rule": rule,
                    "return_window_days": 30,
                }
            ],
        )
        product = self._make_product(f"Phone {rule}", policy)
        second = self.env["res.partner"].create({"name": f"Second owner {rule}"})
        _picking, lot = self._on("2024-12-01", self._receive, [name], product=product)
        delivery = self._on("2025-01-01", self._deliver, lot)
        self._on("2025-01-10", self._return, delivery, lot)
        self._on("2025-03-01", self._deliver, lot, second)
        return lot, second

    def test_resale_continues(self):
        lot, second = self._resold("continue", "RS-C")
        coverage = self._coverages(lot)
        self.assertCoverage(coverage, "active", "2025-01-01", "2025-12-31")
        self.assertEqual(coverage.partner_id, second)

    def test_resale_restarts(self):
        lot, second = self._resold("restart", "RS-R")
        first, renewed = self._coverages(lot)
        self.assertEqual(first.state, "void")
        self.assertEqual(first.void_reason, "returned")
        self.assertEqual(first.void_date, date(2025, 1, 10))
        self.assertCoverage(renewed, "active", "2025-03-01", "2026-02-28")
        self.assertEqual(renewed.partner_id, second)
        self.assertEqual(lot.warranty_end_date, date(2026, 2, 28))

    def test_resale_ends(self):
        lot, _second = self._resold("end", "RS-E")
        coverage = self._coverages(lot)
        self.assertEqual(len(coverage), 1, "no new coverage for the second owner")
        self.assertEqual(coverage.state, "void")
        self.assertEqual(lot.warranty_state, "void")
        self.assertFalse(lot.warranty_end_date)

    def test_repair_pauses_the_clock(self):
        _picking, lot = self._on("2025-01-01", self._receive, ["PA-1"])
        self._on("2025-01-15", self._deliver, lot)
        coverage = self._coverages(lot)
        self.assertEqual(coverage.end_date, date(2027, 1, 14))
        apply = self.env["stock.lot"]._serial_apply_events
        self._on("2025-03-01", apply, [{"lot": lot, "event_type": "in_repair"}])
        self.assertEqual(coverage.pause_start, date(2025, 3, 1))
        self._on("2025-03-11", apply, [{"lot": lot, "event_type": "repaired"}])
        self.assertEqual(coverage.paused_days, 10)
        self.assertFalse(coverage.pause_start)
        self.assertCoverage(coverage, "active", "2025-01-15", "2027-01-24")
        self.assertEqual(lot.warranty_end_date, date(2027, 1, 24))

    def test_no_pause_when_the_policy_does_not_ask(self):
        policy = self._make_policy(
            "No pause",
            [
                {
                    "coverage_type": "full",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                }
            ],
        )
        product = self._make_product("Router", policy)
        _picking, lot = self._on("2025-01-01", self._receive, ["NP-1"], product=product)
        self._on("2025-01-15", self._deliver, lot)
        apply = self.env["stock.lot"]._serial_apply_events
        self._on("2025-03-01", apply, [{"lot": lot, "event_type": "in_repair"}])
        self._on("2025-03-11", apply, [{"lot": lot, "event_type": "repaired"}])
        self.assertCoverage(self._coverages(lot), "active", "2025-01-15", "2026-01-14")

    def test_scrap_voids_every_coverage(self):
        _picking, lot = self._on("2025-01-01", self._receive, ["SC-1"])
        delivery = self._on("2025-01-02", self._deliver, lot)
        self._on("2025-01-05", self._return, delivery, lot)
        self._on("2025-01-06", self._transition, lot, "scrap", self.manager, self.reason_scrap)
        coverage = self._coverages(lot)
        self.assertEqual(coverage.state, "void")
        self.assertEqual(coverage.void_reason, "scrapped")
        self.assertEqual(lot.warranty_state, "void")

    def test_recall_that_ends_warranties(self):
        _picking, lot = self._on("2025-01-01", self._receive, ["RV-1"])
        self._on("2025-01-02", self._deliver, lot)
        apply = self.env["stock.lot"]._serial_apply_events
        apply([{"lot": lot, "event_type": "recalled", "document_ref": "RC/0001"}])
        self.assertEqual(self._coverages(lot).state, "active", "a recall alone keeps coverage")
        self.env["stock.lot"]._serial_apply_events(
            [{"lot": lot, "event_type": "recalled", "document_ref": "RC/0002"}],
            warranty_void="recalled",
        )
        self.assertEqual(self._coverages(lot).void_reason, "recalled")

    def test_users_cannot_edit_coverages(self):
        _picking, lot = self._receive(["ED-1"])
        coverage = self._coverages(lot)
        with self.assertRaises(UserError):
            coverage.write({"end_date": "2099-01-01"})
        with self.assertRaises(UserError):
            self.env["serial.warranty"].create({"lot_id": lot.id, "coverage_type": "full"})
        with self.assertRaises(UserError):
            coverage.with_user(self.stock_user).write({"end_date": "2099-01-01"})


@tagged("post_install", "-at_install")
class TestWarrantyExtensionAndExpiry(WarrantyCase):
    def test_extension_follows_the_current_coverage_and_is_in_the_ledger(self):
        _picking, lot = self._on("2025-01-01", self._receive, ["EX-1"])
        self._on("2025-01-01", self._deliver, lot)
        reason = self.env.ref("serial_tracking.reason_warranty_sold")
        wizard = (
            self.env["serial.warranty.extend.wizard"]
            .with_user(self.manager)
            .with_context(active_model="stock.lot", active_ids=lot.ids)
            .create(
                {
                    "duration": 12,
                    "duration_unit": "month",
                    "reason_id": reason.id,
                    "note": "Sold with SO042",
                }
            )
        )
        self._on("2025-06-01", wizard.action_apply)
        extension = self._coverages(lot, source="extension")
        self.assertCoverage(extension, "pending", "2027-01-01", "2027-12-31")
        self.assertEqual(extension.coverage_type, "extended")
        self.assertEqual(extension.partner_id, self.customer)
        self.assertEqual(
            lot.warranty_end_date, date(2026, 12, 31), "the extension has not started yet"
        )
        event = self._events(lot)[-1]
        self.assertEqual(event.event_type, "service")
        self.assertEqual(event.reason_id, reason)
        self.assertIn("2027-12-31", event.note)
        self.assertIn("SO042", event.note)
        # the daily job starts it once the first coverage is over
        self._daily("2027-01-02")
        self.assertEqual(extension.state, "active")
        self.assertEqual(self._coverages(lot, source="policy").state, "expired")
        self.assertEqual(lot.warranty_state, "active")
        self.assertEqual(lot.warranty_end_date, date(2027, 12, 31))

    def test_only_managers_extend(self):
        _picking, lot = self._receive(["EX-2"])
        wizard = self.env["serial.warranty.extend.wizard"].with_user(self.stock_user)
        with self.assertRaises(AccessError):
            wizard.create(
                {
                    "lot_ids": lot.ids,
                    "duration": 1,
                    "reason_id": self.env.ref("serial_tracking.reason_warranty_sold").id,
                }
            )

    def test_daily_job_expires_and_reminds_the_product_manager(self):
        responsible = self.stock_manager
        self.product.product_tmpl_id.responsible_id = responsible
        _picking, lots = self._on("2025-01-01", self._receive, ["EP-1", "EP-2", "EP-3"])
        ending, also_ending, later = lots.sorted("name")
        self._on("2025-01-20", self._deliver, ending | also_ending)
        self._on("2025-03-01", self._deliver, later)
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "product.template"),
                ("res_id", "=", self.product.product_tmpl_id.id),
            ]
        )
        self.assertFalse(activities)

        figures = self._daily("2026-12-25")  # ends 2027-01-19: within 30 days

        self.assertEqual(ending.warranty_state, "expiring")
        self.assertEqual(later.warranty_state, "active")
        self.assertGreaterEqual(figures["refreshed"], 2)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "product.template"),
                ("res_id", "=", self.product.product_tmpl_id.id),
            ]
        )
        self.assertEqual(len(activity), 1, "one reminder for the product, not one per serial")
        self.assertEqual(activity.user_id, responsible)
        self.assertIn("EP-1", str(activity.note))
        self.assertIn("EP-2", str(activity.note))
        self.assertNotIn("EP-3", str(activity.note))
        self.assertEqual(activity.date_deadline, date(2027, 1, 19))

        self._daily("2026-12-26")
        self.assertEqual(
            len(
                self.env["mail.activity"].search(
                    [
                        ("res_model", "=", "product.template"),
                        ("res_id", "=", self.product.product_tmpl_id.id),
                    ]
                )
            ),
            1,
            "updated, not repeated",
        )

        self._daily("2027-01-20")
        self.assertEqual(self._coverages(ending).state, "expired")
        self.assertEqual(ending.warranty_state, "expired")
        self.assertEqual(later.warranty_state, "active")
        found = self.env["stock.lot"].search(
            [("warranty_state", "=", "expired"), ("id", "in", lots.ids)]
        )
        self.assertEqual(found, ending | also_ending)

    def test_one_reminder_per_product_manager_for_all_their_products(self):
        manager, other_manager = self.stock_manager, self.stock_user
        phone = self._make_product("Phone", self.policy)
        router = self._make_product("Router", self.policy)
        (self.product | phone).product_tmpl_id.responsible_id = manager
        router.product_tmpl_id.responsible_id = other_manager
        _picking, laptops = self._on("2025-01-01", self._receive, ["RM-L1", "RM-L2"])
        _picking, phones = self._on("2025-01-01", self._receive, ["RM-P1"], product=phone)
        _picking, routers = self._on("2025-01-01", self._receive, ["RM-R1"], product=router)
        self._on("2025-01-20", self._deliver, laptops)
        self._on("2025-01-10", self._deliver, phones)
        self._on("2025-01-15", self._deliver, routers)
        activity_type = self.env.ref("serial_tracking.mail_activity_warranty_expiring")

        def reminders(user):
            return self.env["mail.activity"].search(
                [("activity_type_id", "=", activity_type.id), ("user_id", "=", user.id)]
            )

        figures = self._daily("2026-12-25")
        self.assertEqual(figures["activities"], 2)
        mine = reminders(manager)
        self.assertEqual(len(mine), 1, "one reminder for all the manager's products")
        note = str(mine.note)
        for fragment in ("Laptop 14: 2 serial(s)", "RM-L1", "RM-L2", "Phone: 1 serial(s)", "RM-P1"):
            self.assertIn(fragment, note)
        self.assertNotIn("RM-R1", note)
        # on the product whose coverage ends first, due that day
        self.assertEqual(
            (mine.res_model, mine.res_id), ("product.template", phone.product_tmpl_id.id)
        )
        self.assertEqual(mine.date_deadline, date(2027, 1, 9))
        theirs = reminders(other_manager)
        self.assertEqual(len(theirs), 1)
        self.assertIn("RM-R1", str(theirs.note))
        self.assertNotIn("RM-L1", str(theirs.note))

        self._daily("2026-12-26")
        self.assertEqual(reminders(manager), mine, "updated, not repeated")
        self.assertEqual(len(reminders(other_manager)), 1)

    def test_the_cron_record_runs_the_daily_job(self):
        cron = self.env.ref("serial_tracking.ir_cron_serial_warranty_daily")
        self.assertEqual(cron.code.strip(), "model._cron_daily()")
        self.assertEqual(cron.model_id.model, "serial.warranty")
        self.assertTrue(cron.active)

    def test_serial_list_filters(self):
        _picking, lots = self._on("2022-12-01", self._receive, ["FL-1", "FL-2", "FL-3"])
        expiring, expired, far = lots.sorted("name")
        self._on("2023-01-20", self._deliver, expired)
        self._on("2025-01-20", self._deliver, expiring)
        self._on("2025-12-20", self._deliver, far)
        plain = self._make_product("Cable")
        _picking, none = self._on("2025-01-01", self._receive, ["FL-4"], product=plain)
        self._daily("2027-01-05")
        arch = etree.fromstring(self.env["stock.lot"].get_view(view_type="search")["arch"])

        def found(name):
            node = arch.xpath(f"//filter[@name='{name}']")[0]
            with freeze_time("2027-01-05 12:00:00"):
                domain = safe_eval(
                    node.get("domain"),
                    {"context_today": date.today, "relativedelta": relativedelta},
                )
            return self.env["stock.lot"].search(domain + [("id", "in", (lots | none).ids)])

        self.assertEqual(found("warranty_expiring"), expiring)
        self.assertEqual(found("warranty_expired"), expired)
        self.assertEqual(found("warranty_none"), none)
        self.assertEqual(found("warranty_active"), expiring | far)
        self.assertEqual(expiring.warranty_state, "expiring")
