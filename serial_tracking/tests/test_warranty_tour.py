from odoo.tests import HttpCase, tagged

from .warranty_common import WarrantyCase


@tagged("post_install", "-at_install")
class TestWarrantyTour(WarrantyCase, HttpCase):
    def test_check_eligibility_from_a_serial_and_return_it(self):
        _picking, lot = self._receive(["TOUR-WAR-001"])
        self._deliver(lot)
        self.assertEqual(lot.lifecycle_state, "shipped")
        self.env.flush_all()  # the browser reads through its own requests

        self.start_tour(
            "/odoo/action-serial_tracking.action_serial_lot",
            "serial_tracking_warranty_check_and_return",
            login="admin",
        )

        self.env.invalidate_all()
        asked, returned = self.env["serial.eligibility.check"].search(
            [("lot_id", "=", lot.id)], order="id"
        )
        self.assertEqual((asked.verdict, asked.intent), ("eligible", "return"))
        self.assertFalse(asked.picking_id)
        # the return wizard checked the serial again, for the return it made
        self.assertEqual((returned.verdict, returned.intent), ("eligible", "return"))
        self.assertEqual(returned.picking_id.state, "done")
        self.assertEqual(lot.lifecycle_state, "returned")
