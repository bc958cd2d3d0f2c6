from odoo.tests import new_test_user

from odoo.addons.serial_tracking.tests.warranty_common import WarrantyCase


class HelpdeskSerialCase(WarrantyCase):
    """Tickets about units sold through real deliveries; the product has a 24-month full
    coverage from shipment with a 30-day return window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "After-Sales"})
        # A service agent with Inventory rights (returns, repairs), not a manager.
        cls.agent = new_test_user(
            cls.env,
            login="st_hd_service_agent",
            groups="helpdesk_mgmt.group_helpdesk_user,stock.group_stock_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="st_hd_service_manager",
            groups="helpdesk_mgmt.group_helpdesk_user,stock.group_stock_manager",
        )
        cls.override_reason = cls.env.ref("serial_tracking.reason_manager_override")

    def _sold(self, name, day=None, partner=None):
        """A unit received and delivered to ``partner`` (today, or on ``day``)."""
        if day:
            _receipt, lot = self._on(day, self._receive, [name])
            delivery = self._on(day, self._deliver, lot, partner)
        else:
            _receipt, lot = self._receive([name])
            delivery = self._deliver(lot, partner)
        return lot, delivery

    def _ticket(self, user=None, **values):
        Ticket = (
            self.env["helpdesk.ticket"].with_user(user) if user else self.env["helpdesk.ticket"]
        )
        return Ticket.create(
            dict(
                {
                    "name": "Unit does not start",
                    "description": "<p>It does not start.</p>",
                    "team_id": self.team.id,
                },
                **values,
            )
        )

    def _service_events(self, lot):
        return self.env["serial.event"].search(
            [("lot_id", "=", lot.id), ("event_type", "=", "service")], order="id"
        )
