from odoo.tests import HttpCase, tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestRecallTour(SerialTrackingCase, HttpCase):
    def test_simulate_and_activate_a_recall_in_the_browser(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour@customer.example"}
        )
        _picking, lots = self._receive([f"TRC{n:04d}" for n in range(1, 6)])
        lots = lots.sorted("name")
        self._deliver(lots[3:], partner=customer)
        admin = self.env.ref("base.user_admin")
        admin.group_ids |= self.env.ref("serial_tracking.group_serial_manager")
        self.env.flush_all()  # the browser reads through its own requests

        self.start_tour(
            "/odoo/action-serial_tracking.action_serial_recall",
            "serial_tracking_recall_campaign",
            login="admin",
        )

        self.env.invalidate_all()
        recall = self.env["serial.recall"].search([("serial_ranges", "=", "TRC0001-TRC0005")])
        self.assertEqual(recall.state, "active")
        self.assertEqual(len(recall.simulation_ids), 2)  # the user's, and activation's own
        self.assertEqual(set(lots[:3].mapped("location_id").ids), {self.quarantine.id})
        self.assertEqual(set(lots[:3].mapped("lifecycle_state")), {"quarantined"})
        self.assertEqual(
            [lot.event_ids[:1].event_type for lot in lots[3:]], ["recalled", "recalled"]
        )
        notice = recall.message_ids.filtered(lambda m: customer in m.partner_ids)
        self.assertEqual(len(notice), 1)
        self.assertIn("TRC0004", notice.body)
        self.assertEqual(
            set(recall.unit_ids.filtered(lambda u: u.lot_id in lots[3:]).mapped("status")),
            {"notified"},
        )
