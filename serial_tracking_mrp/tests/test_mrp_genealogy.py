from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import MrpGenealogyCase


@tagged("post_install", "-at_install")
class TestMrpGenealogy(MrpGenealogyCase):
    """Completing a manufacturing order records what is inside each finished unit."""

    def setUp(self):
        super().setUp()
        _receipt, boards = self._receive(
            ["MB-1", "MB-2", "MB-3", "MB-4", "MB-5"], product=self.board
        )
        self.boards = {lot.name: lot for lot in boards}

    def _mb(self, *numbers):
        return self.env["stock.lot"].concat(*(self.boards[f"MB-{n}"] for n in numbers))

    def _two_unit_order(self):
        """An order of two servers consuming MB-1..MB-4 and 1.0 of paste lot PASTE-A."""
        paste = self._receive_lot("PASTE-A", 3.0)
        production = self._production(2)
        self._consume(production, self.board, self._mb(1, 2, 3, 4))
        self._consume(production, self.paste, paste, [1.0])
        units = self._produce_as(production, ["SRV-1", "SRV-2"])
        return production, units, paste

    def assertBoards(self, production, boards):
        """The matrix of ``_two_unit_order`` puts in each unit the boards numbered in
        ``boards`` (``{unit name: board numbers}``) and half of the paste."""
        expected = [(unit, f"MB-{n}", 1.0) for unit, numbers in boards.items() for n in numbers]
        expected += [(unit, "PASTE-A", 0.5) for unit in boards]
        self.assertEqual(self._rows(production), sorted(expected))

    def _swap_boards(self, production, units, *numbers):
        """Edit the matrix of ``_two_unit_order``: each board numbered in ``numbers`` goes
        to the other unit of ``units``."""
        srv1, srv2 = units
        boards = self._mb(*numbers)
        for row in production.serial_assignment_ids:
            if row.component_lot_id in boards:
                row.finished_lot_id = srv2 if row.finished_lot_id == srv1 else srv1

    # --- one unit -------------------------------------------------------------------

    def test_a_single_unit_gets_every_component_automatically(self):
        paste = self._receive_lot("PASTE-S", 2.0)
        production = self._production(1)
        self._consume(production, self.board, self._mb(1, 2))
        self._consume(production, self.paste, paste, [0.5])
        unit = self._produce_as(production, ["SRV-S"])
        self.assertFalse(production.serial_assignment_required)

        self.assertIs(production.button_mark_done(), True)

        self.assertEqual(production.state, "done")
        links = self._links(child_lot_id=unit.id)
        self.assertEqual(
            sorted((link.parent_lot_id.name, link.quantity) for link in links),
            [("MB-1", 1.0), ("MB-2", 1.0), ("PASTE-S", 0.5)],
        )
        self.assertEqual(set(links.mapped("link_type")), {"built_in"})
        self.assertEqual(set(links.mapped("document_ref")), {production.name})
        self.assertEqual(set(links.mapped("date_from")), {production.date_finished})
        self.assertEqual(unit._serial_ancestors(), self._mb(1, 2) | paste)
        self.assertEqual(self._mb(1)._serial_descendants(), unit)
        consumed = self.assertLastEvent(self._mb(1), "consumed", "consumed")
        self.assertEqual(consumed.note, "Built into SRV-S")
        self.assertLastEvent(unit, "produced", "in_stock")
        self.assertTrue(production.serial_genealogy_recorded)

    # --- several units ----------------------------------------------------------------

    def test_the_matrix_is_prefilled_by_an_even_split_in_consumption_order(self):
        production, _units, _paste = self._two_unit_order()
        self.assertTrue(production.serial_assignment_required)
        self.assertBoards(production, {"SRV-1": (1, 2), "SRV-2": (3, 4)})
        self.assertEqual(
            production.serial_assignment_status, "Every consumed component is in a finished unit."
        )
        # Split Evenly gives the same proposal back after edits.
        production.serial_assignment_ids.filtered(
            lambda row: row.component_lot_id.name == "MB-1"
        ).unlink()
        production.action_serial_split_evenly()
        self.assertEqual(len(production.serial_assignment_ids), 6)

    def test_an_untouched_split_follows_what_is_consumed(self):
        production, units, paste = self._two_unit_order()
        self.assertFalse(production.serial_assignment_edited)
        self._consume(production, self.board, self._mb(1, 2, 3, 5))  # MB-5 replaces MB-4

        production.button_mark_done()

        self.assertEqual(units[1]._serial_ancestors(), self._mb(3, 5) | paste)
        self.assertEqual(self._mb(4).lifecycle_state, "in_stock")

    def test_completion_is_refused_while_a_consumed_serial_is_unassigned(self):
        production, units, _paste = self._two_unit_order()
        production.serial_assignment_ids.filtered(
            lambda row: row.component_lot_id.name == "MB-4"
        ).unlink()
        self.assertTrue(production.serial_assignment_edited, "an edited matrix is kept")
        self.assertIn(
            "MB-4 is consumed but in no finished unit", production.serial_assignment_status
        )

        with self.assertRaises(UserError) as caught:
            production.button_mark_done()

        message = str(caught.exception)
        self.assertIn(production.name, message)
        self.assertIn("MB-4 is consumed but in no finished unit", message)
        self.assertIn("SRV-2 has 1 of the 2 Mainboard it needs", message)
        self.env.invalidate_all()
        self.assertNotEqual(production.state, "done")
        self.assertEqual(self._mb(4).lifecycle_state, "in_stock")
        self.assertEqual(set(units.mapped("lifecycle_state")), {"planned"})
        self.assertFalse(self._links(child_lot_id=units[0].id))

    def test_completion_is_refused_for_a_serial_in_two_units_or_a_unit_lacking_one(self):
        production, _units, _paste = self._two_unit_order()
        row = production.serial_assignment_ids.filtered(
            lambda row: row.component_lot_id.name == "MB-3"
        )
        row.copy(
            {
                "finished_lot_id": production.lot_producing_ids.filtered(
                    lambda lot: lot.name == "SRV-1"
                ).id
            }
        )
        with self.assertRaises(UserError) as caught:
            production.button_mark_done()
        self.assertIn("MB-3 is assigned 2 times (SRV-1, SRV-2)", str(caught.exception))

        production.action_serial_split_evenly()
        mb4 = production.serial_assignment_ids.filtered(
            lambda row: row.component_lot_id.name == "MB-4"
        )
        mb4.finished_lot_id = production.lot_producing_ids.filtered(lambda lot: lot.name == "SRV-1")
        with self.assertRaises(UserError) as caught:
            production.button_mark_done()
        self.assertIn("SRV-2 has 1 of the 2 Mainboard it needs", str(caught.exception))

    def test_completion_is_refused_when_lot_quantities_do_not_add_up(self):
        production, _units, _paste = self._two_unit_order()
        production.serial_assignment_ids.filtered(
            lambda row: row.component_lot_id.name == "PASTE-A"
        )[:1].quantity = 0.25
        with self.assertRaises(UserError) as caught:
            production.button_mark_done()
        self.assertIn("PASTE-A: 1 Units consumed but 0.75 assigned", str(caught.exception))

    def test_an_edited_matrix_gives_exact_links_where_odoo_links_everything(self):
        production, units, paste = self._two_unit_order()
        srv1, srv2 = units
        self._swap_boards(production, units, 2, 3)

        self.assertIs(production.button_mark_done(), True)

        self.assertEqual(srv1._serial_ancestors(), self._mb(1, 3) | paste)
        self.assertEqual(srv2._serial_ancestors(), self._mb(2, 4) | paste)
        self.assertEqual(
            sorted(self._links(child_lot_id=srv2.id).mapped("quantity")), [0.5, 1.0, 1.0]
        )
        self.assertEqual(paste._serial_descendants(), units)
        self.assertEqual(
            self.assertLastEvent(self._mb(3), "consumed", "consumed").note, "Built into SRV-1"
        )
        # Odoo alone ties every consumed line to every finished serial.
        finished_lines = production.move_finished_ids.move_line_ids
        self.assertEqual(finished_lines[0].consume_line_ids.lot_id, self._mb(1, 2, 3, 4) | paste)

    def test_scanning_a_unit_then_a_component_moves_the_component(self):
        production, units, _paste = self._two_unit_order()
        srv1, srv2 = units
        with Form(production) as form:
            form.serial_scan = "SRV-2"
            self.assertEqual(form.serial_scan_unit_id, srv2)
            self.assertFalse(form.serial_scan)
            form.serial_scan = "MB-1"
            form.serial_scan = "SRV-1"
            form.serial_scan = " MB-3 "
            # unknown codes change nothing
            form.serial_scan = "NOT-A-SERIAL"
        self.assertBoards(production, {"SRV-1": (2, 3), "SRV-2": (1, 4)})
        self.assertEqual(production.serial_scan_unit_id, srv1)
        # The barcode scanner goes through the same handler.
        production.on_barcode_scanned("SRV-2")
        production.on_barcode_scanned("MB-2")
        self.assertEqual(
            production.serial_assignment_ids.filtered(
                lambda row: row.component_lot_id.name == "MB-2"
            ).finished_lot_id,
            srv2,
        )

    def test_a_scan_without_a_unit_or_of_a_stranger_is_explained(self):
        production, _units, _paste = self._two_unit_order()
        warning = production._serial_scan("MB-1")
        self.assertIn("Scan or choose the finished unit first", warning["warning"]["message"])
        warning = production._serial_scan("MB-5")
        self.assertIn(
            "MB-5 is neither a unit this order produces nor a component",
            warning["warning"]["message"],
        )

    # --- unbuild --------------------------------------------------------------------

    def test_unbuild_returns_the_components_inside_the_unit_and_closes_their_links(self):
        production, units, paste = self._two_unit_order()
        srv1, srv2 = units
        self._swap_boards(production, units, 1, 3)
        production.button_mark_done()
        self.assertEqual(srv2._serial_ancestors(), self._mb(1, 4) | paste)
        built = production.date_finished

        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.server.id,
                "mo_id": production.id,
                "lot_id": srv2.id,
                "product_qty": 1.0,
            }
        )
        with freeze_time(built + timedelta(days=1)):
            unbuild.action_unbuild()

        # Odoo alone would return the first lines of the order (MB-1, MB-2).
        for lot in self._mb(1, 4):
            event = self.assertLastEvent(lot, "produced", "in_stock")
            self.assertEqual(event.document_ref, unbuild.name)
            self.assertEqual(event.note, "Taken out of SRV-2")
        for lot in self._mb(2, 3):
            self.assertEqual(lot.lifecycle_state, "consumed")
        self.assertLastEvent(srv2, "consumed", "consumed")
        self.assertFalse(srv2._serial_ancestors())
        self.assertEqual(srv1._serial_ancestors(), self._mb(2, 3) | paste)
        self.assertEqual(
            srv2._serial_ancestors(at=built + timedelta(hours=1)), self._mb(1, 4) | paste
        )
        removed = self._links(child_lot_id=srv2.id, link_type="removed")
        self.assertEqual(removed.parent_lot_id, self._mb(1, 4) | paste)
        self.assertEqual(set(removed.mapped("document_ref")), {unbuild.name})
        closed = self._links(child_lot_id=srv2.id, link_type="built_in")
        self.assertTrue(all(closed.mapped("date_to")))
        self.assertEqual(set(removed.mapped("date_from")), set(closed.mapped("date_to")))

    # --- cycles ---------------------------------------------------------------------

    def test_an_order_that_would_make_a_cycle_is_refused(self):
        """Rework: a server is used to build a mainboard that is already inside it."""
        production = self._production(1)
        self._consume(production, self.board, self._mb(1, 2))
        paste = self._receive_lot("PASTE-C", 1.0)
        self._consume(production, self.paste, paste, [0.5])
        server = self._produce_as(production, ["SRV-C"])
        production.button_mark_done()
        # No bill of materials: Odoo refuses product-level cycles in those.
        rework = self.env["mrp.production"].create(
            {
                "product_id": self.board.id,
                "product_qty": 1.0,
                "move_raw_ids": [
                    Command.create({"product_id": self.server.id, "product_uom_qty": 1.0})
                ],
            }
        )
        rework.action_confirm()
        self._consume(rework, self.server, server)
        rework.lot_producing_ids = self._mb(1)
        rework.qty_producing = 1

        with self.assertRaises(ValidationError) as caught:
            rework.button_mark_done()

        self.assertIn("MB-1 cannot contain SRV-C", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(server.lifecycle_state, "in_stock")
        self.assertEqual(self._mb(1).lifecycle_state, "consumed")
        self.assertNotEqual(rework.state, "done")
