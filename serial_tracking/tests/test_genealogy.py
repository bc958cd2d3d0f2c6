from datetime import datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install")
class TestGenealogy(SerialTrackingCase):
    """Recursive queries against a hand-built tree.

    Material flows down: cells go into modules, modules into packs, packs into a car::

        cell1 ─┐
        cell2 ─┼─> module1 ─┐
        cell3 ───> module2 ─┼─> pack ─> car
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        names = ["cell1", "cell2", "cell3", "module1", "module2", "pack", "car", "spare"]
        cls.lots = {
            name: cls.env["stock.lot"].create({"name": name.upper(), "product_id": cls.product.id})
            for name in names
        }
        cls.links = cls._link(
            [
                ("cell1", "module1"),
                ("cell2", "module1"),
                ("cell3", "module2"),
                ("module1", "pack"),
                ("module2", "pack"),
                ("pack", "car"),
            ],
            "2026-01-01 00:00:00",
        )

    @classmethod
    def _link(cls, pairs, when, link_type="built_in"):
        return cls.env["serial.genealogy"].create(
            [
                {
                    "parent_lot_id": cls.lots[parent].id,
                    "child_lot_id": cls.lots[child].id,
                    "date_from": when,
                    "link_type": link_type,
                }
                for parent, child in pairs
            ]
        )

    def _names(self, lots):
        return sorted(lots.mapped("name"))

    def test_descendants_are_every_unit_a_serial_went_into(self):
        self.assertEqual(
            self._names(self.lots["cell1"]._serial_descendants()), ["CAR", "MODULE1", "PACK"]
        )
        self.assertEqual(self._names(self.lots["car"]._serial_descendants()), [])

    def test_ancestors_are_everything_a_unit_is_made_of(self):
        self.assertEqual(
            self._names(self.lots["car"]._serial_ancestors()),
            ["CELL1", "CELL2", "CELL3", "MODULE1", "MODULE2", "PACK"],
        )
        self.assertEqual(self._names(self.lots["module2"]._serial_ancestors()), ["CELL3"])

    def test_sets_are_walked_together(self):
        both = self.lots["cell3"] | self.lots["module1"]
        self.assertEqual(self._names(both._serial_descendants()), ["CAR", "MODULE2", "PACK"])

    def test_composition_as_of_a_date_after_a_repair_swap(self):
        old_link = self.links.filtered(lambda link: link.parent_lot_id == self.lots["cell3"])
        old_link._close(datetime(2026, 3, 1), document_ref="RO/0001")
        self._link([("spare", "module2")], "2026-03-01 00:00:00", link_type="installed")
        as_built = self.lots["car"]._serial_ancestors(at=datetime(2026, 2, 1))
        as_maintained = self.lots["car"]._serial_ancestors()
        self.assertIn(self.lots["cell3"], as_built)
        self.assertNotIn(self.lots["spare"], as_built)
        self.assertNotIn(self.lots["cell3"], as_maintained)
        self.assertIn(self.lots["spare"], as_maintained)
        self.assertEqual(self._names(self.lots["cell3"]._serial_descendants()), [])
        self.assertEqual(
            self._names(self.lots["cell3"]._serial_descendants(at=datetime(2026, 2, 1))),
            ["CAR", "MODULE2", "PACK"],
        )
        removal = self.env["serial.genealogy"].search(
            [
                ("parent_lot_id", "=", self.lots["cell3"].id),
                ("link_type", "=", "removed"),
            ]
        )
        self.assertEqual(removal.document_ref, "RO/0001")
        self.assertEqual(removal.date_from, datetime(2026, 3, 1))

    def test_nothing_existed_before_the_first_link(self):
        self.assertFalse(self.lots["car"]._serial_ancestors(at=datetime(2025, 12, 31)))

    def test_cycles_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._link([("car", "cell1")], "2026-02-01 00:00:00")
        self.assertIn("CELL1", str(caught.exception))
        with self.assertRaises(ValidationError):
            self._link([("pack", "pack")], "2026-02-01 00:00:00")

    def test_links_are_history(self):
        link = self.links[:1]
        with self.assertRaises(UserError):
            link.unlink()
        with self.assertRaises(UserError):
            link.write({"child_lot_id": self.lots["spare"].id})
        link._close()
        with self.assertRaises(UserError):
            link.write({"date_to": "2030-01-01 00:00:00"})
