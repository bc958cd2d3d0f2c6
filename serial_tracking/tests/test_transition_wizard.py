from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestTransitionWizard(SerialTrackingCase):
    def test_inventory_administrators_are_serial_managers(self):
        self.assertTrue(self.stock_manager.has_group("serial_tracking.group_serial_manager"))
        self.assertTrue(self.stock_user.has_group("serial_tracking.group_serial_user"))
        self.assertFalse(self.stock_user.has_group("serial_tracking.group_serial_manager"))

    def test_quarantine_needs_the_manager_group(self):
        _picking, lot = self._receive(["WZ-1"])
        with self.assertRaises(AccessError):
            self._transition(lot, "quarantine", self.stock_user, self.reason_quarantine)
        self.assertEqual(lot.lifecycle_state, "in_stock")

    def test_release_and_scrap_need_the_manager_group(self):
        _picking, lot = self._receive(["WZ-2"])
        self._transition(lot, "quarantine", self.stock_manager, self.reason_quarantine)
        with self.assertRaises(AccessError):
            self._transition(lot, "release", self.stock_user, self.reason_release)
        with self.assertRaises(AccessError):
            self._transition(lot, "scrap", self.stock_user, self.reason_scrap)
        self._transition(lot, "scrap", self.stock_manager, self.reason_scrap)
        self.assertLastEvent(lot, "scrapped", "scrapped")

    def test_physical_transitions_need_a_reason(self):
        _picking, lot = self._receive(["WZ-3"])
        with self.assertRaises(UserError):
            self._transition(lot, "quarantine", self.stock_manager)
        self.assertEqual(lot.lifecycle_state, "in_stock")

    def test_users_record_installation_and_registration(self):
        with freeze_time("2026-03-01 08:00:00"):  # the installation follows the shipment
            _picking, lot = self._receive(["WZ-4"])
            self._deliver(lot)
        self._transition(
            lot, "install", self.stock_user, date="2026-03-04 10:00:00", note="Installed in room 12"
        )
        event = self.assertLastEvent(lot, "installed", "shipped")
        self.assertEqual(str(event.date), "2026-03-04 10:00:00")
        self.assertEqual(event.user_id, self.stock_user)
        self.assertEqual(event.partner_id, self.customer)
        self._transition(lot, "register", self.stock_user)
        self.assertLastEvent(lot, "registered", "shipped")

    def test_installation_of_a_unit_in_stock_is_refused(self):
        _picking, lot = self._receive(["WZ-5"])
        with self.assertRaises(UserError) as caught:
            self._transition(lot, "install", self.stock_user)
        self.assertIn("WZ-5", str(caught.exception))
        self.assertIn("in stock", str(caught.exception))

    def test_release_of_a_unit_in_stock_is_refused_before_any_move(self):
        _picking, lot = self._receive(["WZ-6"])
        pickings_before = self.env["stock.picking"].search_count([])
        with self.assertRaises(UserError):
            self._transition(lot, "release", self.stock_manager, self.reason_release)
        self.assertEqual(self.env["stock.picking"].search_count([]), pickings_before)
