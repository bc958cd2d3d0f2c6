"""The consistency check and the ledger verification, through the doors users use:
the list-header button as the web client calls it, the "Verify All Histories" server
action as the client runs it, and the daily check run by its scheduled action."""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from ..models.serial_consistency_check import MAX_NAMED
from .common import SerialTrackingCase, WebClientDoors


class ConsistencyDoorCase(SerialTrackingCase):
    def _break_state(self, lot, state="scrapped"):
        """A state written behind the ledger's back, as a faulty import would."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_lot SET lifecycle_state = %s WHERE id = %s", [state, lot.id]
        )
        self.env.invalidate_all()

    def _tamper(self, lot):
        """An event of ``lot`` changed in the database: its chain breaks there."""
        event = self._events(lot)[0]
        self.env.flush_all()
        self.env.cr.execute("UPDATE serial_event SET note = 'edited' WHERE id = %s", [event.id])
        self.env.invalidate_all()
        return event


@tagged("post_install", "-at_install")
class TestConsistencyButtons(WebClientDoors, HttpCase, ConsistencyDoorCase):
    def test_run_check_now_from_the_list_header(self):
        _picking, lots = self._receive(["CD-1", "CD-2"])
        self._break_state(lots[0])
        Check = self.env["serial.consistency.check"]
        self.authenticate(self.stock_manager.login, self.stock_manager.login)
        # nothing selected: MultiRecordViewButton sends an empty list of ids
        action = self._call_button("serial.consistency.check", "action_run_check", [])
        self.assertEqual(
            (action["res_model"], action["view_mode"]), ("serial.consistency.check", "form")
        )
        first = Check.browse(action["res_id"])
        self.assertEqual((first.trigger, first.user_id), ("manual", self.stock_manager))
        self.assertIn(lots[0], first.issue_ids.lot_id)
        self.assertNotIn(lots[1], first.issue_ids.lot_id)
        # an earlier run selected in the list: a new run, over every serial again
        action = self._call_button("serial.consistency.check", "action_run_check", first.ids)
        second = Check.browse(action["res_id"])
        self.assertGreater(second.id, first.id)
        self.assertEqual(second.serial_count, first.serial_count)
        # a stock user sees no such button, and the server refuses the call anyway
        self.authenticate(self.stock_user.login, self.stock_user.login)
        with self.assertRaises(JsonRpcException) as caught:
            self._call_button("serial.consistency.check", "action_run_check", [])
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def test_verify_all_histories_in_the_database(self):
        names = [f"VA-{n:02d}" for n in range(MAX_NAMED + 5)]
        _picking, lots = self._receive(names)
        self._deliver(lots[:3])
        self.authenticate(self.stock_manager.login, self.stock_manager.login)
        result = self._verify_all()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("is intact", result["params"]["message"])

        tampered = lots[: MAX_NAMED + 2]
        events = {lot.id: self._tamper(lot) for lot in tampered}
        result = self._verify_all()
        message = result["params"]["message"]
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn(f"{len(tampered)} of ", message)
        named = [lot for lot in tampered if f"{lot.display_name}: event #" in message]
        self.assertEqual(len(named), MAX_NAMED)
        for lot in named:
            self.assertIn(f"event #{events[lot.id].id} content does not match", message)
        self.assertIn("... and 2 more", message)
        self.assertNotIn(lots[-1].name, message)
        # the same chains as the per-serial verification of tools/ledger.py
        self.assertEqual(
            set(self.env["serial.event"]._find_broken_chains(lots.ids)), set(tampered.ids)
        )


@tagged("post_install", "-at_install")
class TestConsistencyCron(ConsistencyDoorCase):
    def setUp(self):
        super().setUp()
        self.cron = self.env.ref("serial_tracking.ir_cron_serial_consistency_check")
        company = self.env.company
        self.manager = new_test_user(
            self.env,
            login="cd_serial_manager",
            groups="serial_tracking.group_serial_manager",
            company_id=company.id,
            company_ids=company.ids,
        )
        other = self.env["res.company"].create({"name": "Consistency Other Co"})
        self.other_manager = new_test_user(
            self.env,
            login="cd_manager_b",
            groups="serial_tracking.group_serial_manager",
            company_id=other.id,
            company_ids=other.ids,
        )
        _picking, self.lots = self._receive(["CR-1", "CR-2"])

    def _scheduled_check(self):
        """Run the daily check as the scheduler does, and return this company's run."""
        before = self.env["serial.consistency.check"].search([]).ids
        # the job runs in a cursor of its own, as the scheduler runs it
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        return self.env["serial.consistency.check"].search(
            [("id", "not in", before), ("company_id", "=", self.env.company.id)]
        )

    def test_managers_are_told_of_the_issues_found(self):
        self._break_state(self.lots[0])
        check = self._scheduled_check()
        self.assertEqual((len(check), check.trigger), (1, "cron"))
        self.assertTrue(check.issue_count)
        activities = check.activity_ids
        # every manager of the company, and no one else, has a to-do on the check
        self.assertIn(self.manager, activities.user_id)
        self.assertIn(self.stock_manager, activities.user_id)
        self.assertNotIn(self.other_manager, activities.user_id)
        self.assertNotIn(self.stock_user, activities.user_id)
        self.assertEqual(len(activities), len(activities.user_id))
        todo = activities.filtered(lambda activity: activity.user_id == self.manager)
        self.assertEqual(todo.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertIn(f"{check.issue_count} issue(s)", todo.summary)
        self.assertIn("State vs Ledger", todo.note)
        # the manager opens the check from the to-do and reads what was found
        self.assertIn(self.lots[0], check.with_user(self.manager).issue_ids.lot_id)

        # the next day's run supersedes it: one set of to-dos, on the newest run
        newer = self._scheduled_check()
        self.assertFalse(check.activity_ids)
        self.assertIn("Superseded by", check.message_ids[:1].body)
        self.assertIn(self.manager, newer.activity_ids.user_id)
