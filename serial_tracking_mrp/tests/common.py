from odoo import Command

from odoo.addons.serial_tracking.tests.common import SerialTrackingCase


class MrpCase(SerialTrackingCase):
    """Manufacturing orders of ``cls.bom`` (set by the subclass), run as in Odoo's form:
    confirmed, their components consumed as named, their finished units named."""

    def _production(self, quantity, bom=None):
        production = self.env["mrp.production"].create(
            {
                "bom_id": (bom or self.bom).id,
                "product_qty": quantity,
            }
        )
        production.action_confirm()
        return production

    def _consume(self, production, product, lots, quantities=None):
        """Make the component move of ``product`` consume exactly these lots, in order."""
        move = production.move_raw_ids.filtered(lambda m: m.product_id == product)
        return self._use_lots(move, lots, quantities)

    def _produce_as(self, production, names):
        finished = self.env["stock.lot"].create(
            [{"name": name, "product_id": production.product_id.id} for name in names]
        )
        production.lot_producing_ids = finished
        production.qty_producing = len(finished)
        return finished.sorted("name")


class MrpGenealogyCase(MrpCase):
    """A server (serial) built from two mainboards (serial) and thermal paste (lot)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls._tracked_product("Server")
        cls.board = cls._tracked_product("Mainboard")
        cls.paste = cls._tracked_product("Thermal Paste", tracking="lot")
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.server.product_tmpl_id.id,
                "product_qty": 1.0,
                "consumption": "strict",
                "bom_line_ids": [
                    Command.create({"product_id": cls.board.id, "product_qty": 2}),
                    Command.create({"product_id": cls.paste.id, "product_qty": 0.5}),
                ],
            }
        )

    def _receive_lot(self, name, quantity, product=None):
        product = product or self.paste
        picking = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        move = self._add_move(picking, product, [{"lot_name": name}])
        move.move_line_ids.quantity = quantity
        move.product_uom_qty = quantity
        self._validate(picking)
        return self.env["stock.lot"].search([("product_id", "=", product.id), ("name", "=", name)])

    def _links(self, **domain):
        return self.env["serial.genealogy"].search(
            [(field, "=", value) for field, value in domain.items()]
        )

    def _rows(self, production):
        return sorted(
            (row.finished_lot_id.name, row.component_lot_id.name, row.quantity)
            for row in production.serial_assignment_ids
        )
