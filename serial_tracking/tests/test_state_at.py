from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestStateAt(SerialTrackingCase):
    def test_state_and_holder_across_a_history(self):
        with freeze_time("2026-01-10 09:00:00"):
            _picking, lots = self._receive(["AT-1", "AT-2"])
        first, second = lots.sorted("name")
        with freeze_time("2026-02-10 09:00:00"):
            delivery = self._deliver(first)
        with freeze_time("2026-03-10 09:00:00"):
            self._return(delivery, first)
            self._transition(second, "quarantine", self.stock_manager, self.reason_quarantine)

        def at(moment):
            return lots._serial_state_at(datetime.fromisoformat(moment))

        self.assertEqual(at("2026-01-01 00:00:00"), {})
        self.assertEqual(
            at("2026-01-20 00:00:00"),
            {
                first.id: ("in_stock", False),
                second.id: ("in_stock", False),
            },
        )
        self.assertEqual(
            at("2026-02-20 00:00:00"),
            {
                first.id: ("shipped", self.customer.id),
                second.id: ("in_stock", False),
            },
        )
        self.assertEqual(
            at("2026-03-20 00:00:00"),
            {
                first.id: ("returned", False),
                second.id: ("quarantined", False),
            },
        )

    def test_wizard_lists_states_as_of_a_date(self):
        with freeze_time("2026-01-10 09:00:00"):
            _picking, lot = self._receive(["AT-3"])
        with freeze_time("2026-02-10 09:00:00"):
            self._deliver(lot)
        wizard = (
            self.env["serial.state.at.wizard"]
            .with_context(active_model="stock.lot", active_ids=lot.ids)
            .create({"at": "2026-01-20 00:00:00"})
        )
        wizard.action_compute()
        self.assertEqual(wizard.line_ids.lot_id, lot)
        self.assertEqual(wizard.line_ids.state, "in_stock")
        self.assertEqual(wizard.line_ids.current_state, "shipped")
