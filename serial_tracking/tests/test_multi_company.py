from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestMultiCompany(SerialTrackingCase):
    def test_events_follow_the_company_of_their_serial(self):
        self.product.company_id = self.env.company
        _picking, lot = self._receive(["MC-1"])
        event = self._events(lot)
        self.assertEqual(event.company_id, self.env.company)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="st_other_company",
            groups="stock.group_stock_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        events = self.env["serial.event"].with_user(outsider)
        self.assertFalse(events.search([("lot_id", "=", lot.id)]))
        self.assertFalse(events.search([("id", "=", event.id)]))
        with self.assertRaises(AccessError):
            event.with_user(outsider).read(["event_type"])
        with self.assertRaises(AccessError):
            lot.with_user(outsider).read(["lifecycle_state"])
