from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.stock.models.stock_lot import StockLot as OdooLot
from odoo.addons.stock.models.stock_picking import StockPicking as OdooPicking
from odoo.addons.stock.models.stock_quant import StockQuant as OdooQuant

from ..models.serial_numbering import BULK_MIN
from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestBulkChecks(SerialTrackingCase):
    """Odoo's validation checks, answered by the database on big transfers, give
    Odoo's own answers."""

    def _big_receipt(self):
        picking = self._confirmed_receipt(self.product, BULK_MIN + 12)
        lines = picking.move_ids.move_line_ids.sorted("id")
        self.assertGreaterEqual(len(lines), BULK_MIN, "the database path is taken")
        return picking, lines

    def test_lines_to_check_are_odoo_lines(self):
        picking, lines = self._big_receipt()
        # picked with a serial, picked without one, not picked, picked with nothing
        lines[:5].write({"lot_name": "BULK-A", "picked": True})
        lines[5:9].picked = True
        lines[9:11].write({"picked": True, "quantity": 0})
        screws = self.env["product.product"].create(
            {"name": "Screws", "type": "consu", "is_storable": True}
        )
        self._add_move(picking, screws, [{"picked": True}])
        for whole, separate in (
            (set(), True),
            ({picking.id}, True),
            (set(), False),
            ({picking.id}, False),
        ):
            ours = picking._get_lot_move_lines_for_sanity_check(whole, separate)
            odoo = OdooPicking._get_lot_move_lines_for_sanity_check(picking, whole, separate)
            self.assertEqual(sorted(ours.ids), sorted(odoo.ids), (whole, separate))
        self.assertEqual(
            set(picking._get_lot_move_lines_for_sanity_check(set()).ids),
            set(lines[:9].ids),
            "picked lines with a quantity, of tracked products only",
        )

    def test_big_receipt_without_serials_is_refused(self):
        picking, lines = self._big_receipt()
        lines.picked = True
        with self.assertRaisesRegex(UserError, "supply a Lot/Serial number"):
            picking.button_validate()
        self.assertEqual(set(lines.mapped("state")), {"assigned"})
        self.assertFalse(lines.lot_id)

    def _in_stock(self, count):
        Quant = self.env["stock.quant"]
        lots = self.env["stock.lot"].create(
            [
                {"product_id": self.product.id, "name": f"BULK-Q{number:04d}"}
                for number in range(count)
            ]
        )
        for lot in lots:
            Quant._update_available_quantity(self.product, self.stock, 1, lot_id=lot)
        return lots, Quant.search([("lot_id", "in", lots.ids)])

    def test_serial_counted_twice_is_refused(self):
        lots, quants = self._in_stock(BULK_MIN + 3)
        self.assertGreaterEqual(len(quants), BULK_MIN, "the database path is taken")
        quants.check_quantity()  # one unit each: nothing to say
        OdooQuant.check_quantity(quants)
        twice = lots[7]
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock, 1, lot_id=twice
        )
        pattern = f"(?s)already been assigned.*{twice.name}"
        with self.assertRaisesRegex(ValidationError, pattern):
            quants.check_quantity()
        with self.assertRaisesRegex(ValidationError, pattern):
            OdooQuant.check_quantity(quants)

    def test_duplicate_names_found_as_odoo_finds_them(self):
        lots = self.env["stock.lot"].create(
            [
                {
                    "product_id": self.product.id,
                    "name": f"BULK-U{number:04d}",
                    "company_id": self.env.company.id,
                }
                for number in range(BULK_MIN + 4)
            ]
        )
        lots._check_unique_lot()  # all names new: nothing to say
        OdooLot._check_unique_lot(lots)
        # a serial of the same name without a company, as older data may hold
        self.env.cr.execute(
            "INSERT INTO stock_lot (name, product_id, company_id, lot_properties) "
            "VALUES (%s, %s, NULL, '{}')",
            [lots[9].name, self.product.id],
        )
        self.env.invalidate_all()
        pattern = f"(?s)must be unique.*{lots[9].name}"
        with self.assertRaisesRegex(ValidationError, pattern):
            lots._check_unique_lot()
        with self.assertRaisesRegex(ValidationError, pattern):
            OdooLot._check_unique_lot(lots)

    def _settled_lines(self, lines):
        """The lines' state and picked as stored, read back from the database."""
        self.env.flush_all()
        self.env.invalidate_all()
        return {(line.state, line.picked) for line in lines}

    def test_big_move_done_gives_its_lines_odoo_values(self):
        picking, lines = self._big_receipt()
        lots = self.env["stock.lot"].create(
            [
                {"product_id": self.product.id, "name": f"BULK-S{number:04d}"}
                for number in range(len(lines))
            ]
        )
        for line, lot in zip(lines, lots, strict=True):
            line.lot_id = lot
        self.assertEqual(self._settled_lines(lines), {("assigned", False)})
        self.assertIs(picking.button_validate(), True)
        # what stock.move.line's related state and _compute_picked give a done move
        self.assertEqual(picking.move_ids.state, "done")
        self.assertEqual(self._settled_lines(lines), {("done", True)})

    def test_big_move_not_done_keeps_its_lines_picked(self):
        picking, lines = self._big_receipt()
        lines[:3].picked = True
        picking.move_ids.write({"state": "partially_available"})
        # the state follows the move; picked is only set by a done move
        self.assertEqual({line.state for line in lines}, {"partially_available"})
        self.assertEqual(lines.filtered("picked"), lines[:3])
        self.assertEqual(self._settled_lines(lines[3:]), {("partially_available", False)})
        self.assertEqual(self._settled_lines(lines[:3]), {("partially_available", True)})
