from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestLedger(SerialTrackingCase):
    def test_events_cannot_be_edited_or_deleted(self):
        _picking, lot = self._receive(["LG-1"])
        event = self._events(lot)
        with self.assertRaises(UserError):
            event.write({"note": "rewritten"})
        with self.assertRaises(UserError):
            event.sudo().write({"note": "rewritten"})
        with self.assertRaises(UserError):
            event.unlink()
        with self.assertRaises(UserError):
            event.sudo().unlink()
        with self.assertRaises(UserError):
            self.env["serial.event"].create({"lot_id": lot.id, "event_type": "note"})

    def test_users_have_read_only_access(self):
        _picking, lot = self._receive(["LG-2"])
        events = self.env["serial.event"].with_user(self.stock_manager)
        self.assertEqual(events.search([("lot_id", "=", lot.id)]).event_type, "received")
        with self.assertRaises(AccessError):
            events.create({"lot_id": lot.id, "event_type": "note"})
        with self.assertRaises(AccessError):
            events.search([("lot_id", "=", lot.id)]).write({"note": "x"})

    def test_each_event_says_who_recorded_it_and_when(self):
        """No write metadata on the ledger: user_id is who recorded an event, create_date
        when; both ways of writing events fill them."""
        started = fields.Datetime.now()
        Event = self.env["serial.event"]
        self.assertFalse(Event._log_access)
        _picking, lot = self._receive(["LG-W1"])  # a few events: the ORM's create
        with patch.object(type(Event), "_BULK_APPEND", 2):  # many events: COPY
            _picking, lots = self._receive(["LG-W2", "LG-W3", "LG-W4"])
        for event in self._events(lot | lots):
            self.assertEqual(event.user_id, self.env.user)
            self.assertGreaterEqual(event.create_date, started)
            self.assertLessEqual(event.date, event.create_date)

    def test_both_ways_of_writing_events_keep_any_text(self):
        """A note with tabs, backslashes, line breaks, quotes and percent signs reads
        back as written whichever way the events went in; an empty one is NULL."""
        note = "tab\there, back\\slash \\N \\t\nnew line\r\n'quote' \"q\" %s %(x)s"
        Event = self.env["serial.event"]
        _picking, one = self._receive(["LG-T1"])
        _picking, many = self._receive(["LG-T2", "LG-T3", "LG-T4"])
        _picking, empty = self._receive(["LG-T5", "LG-T6", "LG-T7"])
        self._deliver(one | many | empty)
        self._transition(one, "install", self.stock_user, note=note)  # the ORM's create
        with patch.object(type(Event), "_BULK_APPEND", 2):  # many events: one INSERT
            self._transition(many, "install", self.stock_user, note=note)
            self._transition(empty, "install", self.stock_user, note="")
        self.env.invalidate_all()
        for lot in one | many:
            self.assertEqual(self.assertLastEvent(lot, "installed", "shipped").note, note)
        installed = self._events(empty).filtered(lambda event: event.event_type == "installed")
        self.assertEqual(len(installed), 3)
        self.env.cr.execute(
            "SELECT count(*) FROM serial_event WHERE id = ANY(%s) AND note IS NULL", [installed.ids]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 3)
        self.assertEqual(Event._find_broken_chains((one | many | empty).ids), {})

    def test_chain_links_each_event_to_the_previous_one(self):
        _picking, lot = self._receive(["LG-3"])
        self._deliver(lot)
        events = self._events(lot)
        self.assertEqual(len(events), 3)
        self.assertFalse(events[0].prev_hash)
        self.assertEqual(events[1].prev_hash, events[0].hash)
        self.assertEqual(events[2].prev_hash, events[1].hash)
        self.assertEqual(self.env["serial.event"]._find_broken_chains(lot.ids), {})

    def test_verify_history_catches_a_row_changed_with_sql(self):
        _picking, lots = self._receive(["LG-4", "LG-5"])
        self._deliver(lots)
        tampered = lots.filtered(lambda lot: lot.name == "LG-4")
        victim = self._events(tampered)[1]
        self.env.cr.execute(
            "UPDATE serial_event SET partner_id = %s WHERE id = %s",
            [self.vendor.id, victim.id],
        )
        broken = self.env["serial.event"]._find_broken_chains(lots.ids)
        self.assertEqual(list(broken), [tampered.id])
        self.assertEqual(broken[tampered.id][0], victim.id)
        notification = lots.action_verify_history()
        self.assertEqual(notification["params"]["type"], "danger")
        self.assertIn("LG-4", notification["params"]["message"])
        self.assertNotIn("LG-5", notification["params"]["message"])

    def test_verify_history_catches_a_row_deleted_with_sql(self):
        _picking, lot = self._receive(["LG-6"])
        self._deliver(lot)
        middle = self._events(lot)[1]
        self.env.cr.execute("DELETE FROM serial_event WHERE id = %s", [middle.id])
        self.assertIn(lot.id, self.env["serial.event"]._find_broken_chains(lot.ids))

    def test_intact_history_reports_success(self):
        _picking, lot = self._receive(["LG-7"])
        self.assertEqual(lot.action_verify_history()["params"]["type"], "success")
