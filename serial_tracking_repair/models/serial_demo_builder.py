from odoo import Command, api, models
from odoo.exceptions import UserError


class SerialDemoBuilder(models.AbstractModel):
    """Repair demo: two laptops come back from their customer through Odoo's return
    dialog; one gets its battery swapped over two repairs under warranty, the other is
    in repair now (its warranty clock paused)."""

    _inherit = "serial.demo.builder"

    @api.model
    def _populate_repair(self):
        warehouse = self._warehouse()
        supplier = self.env.ref("serial_tracking.partner_demo_supplier")
        customer = self.env.ref("serial_tracking.partner_demo_customer_a")
        laptop = self.env.ref("serial_tracking.product_demo_laptop")
        battery = self.env["product.product"].create(
            {
                "name": self.env._("Battery Pack BP14"),
                "default_code": "BP14",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "standard_price": 65.0,
            }
        )
        self._validate(
            self._picking(
                warehouse.in_type_id,
                supplier,
                {
                    battery: [f"BP14-{number:04d}" for number in range(1, 5)],
                },
            )
        )
        batteries = self._lots({battery: ["BP14-0001", "BP14-0002"]})[battery]
        units = self._lots({laptop: ["LT14-000001", "LT14-000002"]})[laptop]
        delivery = (
            self.env["stock.move.line"]
            .search(
                [
                    ("lot_id", "=", units[0].id),
                    ("picking_code", "=", "outgoing"),
                    ("state", "=", "done"),
                ],
                limit=1,
            )
            .picking_id
        )
        self._demo_return(delivery, units)
        in_repair, swapped = units
        fitting = self._demo_repair(
            swapped,
            customer,
            self.env._("Fit the long-life battery the customer asked for."),
            [("add", battery)],
        )
        self._demo_use_parts(fitting, {"add": batteries[0]})
        fitting.action_repair_end()
        swap = self._demo_repair(
            swapped,
            customer,
            self.env._("The battery swells: replace it under warranty."),
            [("remove", battery), ("add", battery)],
        )
        self._demo_use_parts(swap, {"remove": batteries[0], "add": batteries[1]})
        swap.action_repair_end()
        self._demo_repair(
            in_repair, customer, self.env._("Several keys of the keyboard stick."), []
        )
        return fitting, swap

    @api.model
    def _demo_return(self, delivery, lots):
        """Odoo's return dialog on ``delivery``: choose the serials coming back, create
        the return and validate it."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=delivery.id,
                active_ids=delivery.ids,
                active_model="stock.picking",
            )
            .create({})
        )
        wizard.serial_lot_ids = [Command.set([lot.id for lot in lots])]
        for line in wizard.product_return_moves:
            line.quantity = len([lot for lot in lots if lot.product_id == line.product_id])
        action = wizard.action_create_returns()
        return self._validate(self.env["stock.picking"].browse(action["res_id"]))

    @api.model
    def _demo_repair(self, unit, customer, note, parts):
        """A repair order with its part lines (``(type, product)``), confirmed and
        started."""
        repair = self.env["repair.order"].create(
            {
                "product_id": unit.product_id.id,
                "lot_id": unit.id,
                "partner_id": customer.id,
                "internal_notes": note,
                "move_ids": [
                    Command.create(
                        {
                            "repair_line_type": line_type,
                            "product_id": product.id,
                            "product_uom_qty": 1.0,
                        }
                    )
                    for line_type, product in parts
                ],
            }
        )
        result = repair.action_validate()
        if result is not True:
            raise UserError(
                self.env._("Demo data: %(repair)s could not be confirmed.", repair=repair.name)
            )
        repair.action_repair_start()
        return repair

    @api.model
    def _demo_use_parts(self, repair, lots_by_type):
        """Set the serial of each part line, as the technician does on the line Odoo
        prepared."""
        for move in repair.move_ids:
            lot = lots_by_type[move.repair_line_type]
            lines = move.move_line_ids
            if lines:
                lines[1:].unlink()
                lines[:1].write({"lot_id": lot.id, "quantity": 1.0})
            else:
                move.move_line_ids = [
                    Command.create(
                        {
                            "product_id": lot.product_id.id,
                            "lot_id": lot.id,
                            "quantity": 1.0,
                            "location_id": move.location_id.id,
                            "location_dest_id": move.location_dest_id.id,
                        }
                    )
                ]
            move.picked = True
