from odoo import Command, api, models
from odoo.exceptions import UserError


class SerialDemoBuilder(models.AbstractModel):
    """Manufacturing demo: a real manufacturing order builds two serial units from
    serial components, so each unit has its own component genealogy."""

    _inherit = "serial.demo.builder"

    @api.model
    def _populate_mrp(self):
        warehouse = self._warehouse()
        supplier = self.env.ref("serial_tracking.partner_demo_supplier")
        customer = self.env.ref("serial_tracking.partner_demo_customer_a")
        tablet, board, display = self._demo_mrp_products()
        boards = [f"MB7-{number:04d}" for number in range(1, 5)]
        displays = [f"DM8-{number:04d}" for number in range(1, 5)]
        self._validate(
            self._picking(
                warehouse.in_type_id,
                supplier,
                {
                    board: boards,
                    display: displays,
                },
            )
        )
        production = self._demo_manufacture(tablet, 2)
        # The first unit is sold: its genealogy follows it to the customer.
        first = production.lot_producing_ids.sorted("name")[:1]
        self._validate(
            self._picking(warehouse.out_type_id, customer, {tablet: first.mapped("name")})
        )
        # The next order waits for the operator, its components reserved.
        planned = self.env["mrp.production"].create({"product_id": tablet.id, "product_qty": 2})
        planned.action_confirm()
        planned.action_assign()
        return production

    @api.model
    def _demo_mrp_products(self):
        Product = self.env["product.product"]
        serial = {"type": "consu", "is_storable": True, "tracking": "serial"}
        policy = self.env["serial.warranty.policy"].create(
            {
                "name": self.env._("Rugged Tablet T8: 3-year full care"),
                "line_ids": [
                    Command.create(
                        {
                            "coverage_type": "full",
                            "duration": 36,
                            "duration_unit": "month",
                            "trigger": "shipment",
                            "pause_in_repair": True,
                        }
                    )
                ],
            }
        )
        tablet, board, display = Product.create(
            [
                dict(
                    serial,
                    name=self.env._("Rugged Tablet T8"),
                    default_code="T8",
                    list_price=1590.0,
                    serial_warranty_policy_id=policy.id,
                ),
                dict(
                    serial,
                    name=self.env._("Mainboard MB7"),
                    default_code="MB7",
                    standard_price=210.0,
                ),
                dict(
                    serial,
                    name=self.env._("Display Module DM8"),
                    default_code="DM8",
                    standard_price=120.0,
                ),
            ]
        )
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": tablet.product_tmpl_id.id,
                "product_qty": 1.0,
                "bom_line_ids": [
                    Command.create({"product_id": board.id, "product_qty": 1}),
                    Command.create({"product_id": display.id, "product_qty": 1}),
                ],
            }
        )
        return tablet, board, display

    @api.model
    def _demo_manufacture(self, product, quantity):
        """Confirm, reserve, number the units with the suite's "Generate Serials", then
        "Produce All" as the operator does; the components per unit are the even
        split the order proposes."""
        production = self.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": quantity,
            }
        )
        production.action_confirm()
        production.action_assign()
        action = production.action_open_serial_generate_wizard()
        self.env["serial.generate.wizard"].with_context(**action["context"]).create(
            {
                "mode": "first",
                "first_number": f"{product.default_code}-00001",
                "quantity": quantity,
            }
        ).action_apply()
        result = production.button_mark_done()
        if result is not True or production.state != "done":
            raise UserError(
                self.env._(
                    "Demo data: %(order)s could not be produced (%(result)s).",
                    order=production.name,
                    result=result,
                )
            )
        return production
