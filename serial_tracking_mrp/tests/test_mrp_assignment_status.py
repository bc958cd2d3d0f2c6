from odoo.tests import Form, tagged

from .common import MrpGenealogyCase


@tagged("post_install", "-at_install")
class TestMrpAssignmentStatus(MrpGenealogyCase):
    """The "Components per Unit" tab of an order made, confirmed and reserved with
    Odoo's own buttons, read in the order's form."""

    def _status(self, production):
        production.invalidate_recordset()
        return Form(production).serial_assignment_status or ""

    def test_the_tab_says_what_to_do_before_any_finished_serial_exists(self):
        self._receive(["MB-1", "MB-2", "MB-3", "MB-4"], product=self.board)
        self._receive_lot("PASTE-A", 3.0)
        form = Form(self.env["mrp.production"])
        form.product_id = self.server
        form.bom_id = self.bom
        form.product_qty = 2
        production = form.save()
        production.action_confirm()
        production.action_assign()
        self.assertEqual(production.reservation_state, "assigned")
        self.assertTrue(production.serial_assignment_required)
        self.assertFalse(production.lot_producing_ids)

        status = self._status(production)
        self.assertIn("No finished serial yet: set the serial numbers of the units", status)
        self.assertNotIn("one of .", status)
        self.assertNotIn("MB-1", status)  # one instruction, not a line per component
        # no unit to assign to: the unassigned component says so too, wherever it shows
        problems = production._serial_assignment_problems("open")
        messages = production._serial_problem_messages(problems)
        self.assertIn(
            "MB-1 is consumed but there is no finished unit to assign it to yet",
            "\n".join(messages),
        )
        self.assertNotIn("one of .", "\n".join(messages))

        # the serials come through Odoo's own "Generate Serial" dialog
        action = production.action_generate_serial()
        dialog = Form(self.env[action["res_model"]].with_context(**action["context"]))
        dialog.serial_numbers = "SRV-1\nSRV-2"
        dialog.save().action_apply()
        self.assertEqual(sorted(production.lot_producing_ids.mapped("name")), ["SRV-1", "SRV-2"])
        self.assertEqual(
            self._status(production), "Every consumed component is in a finished unit."
        )
