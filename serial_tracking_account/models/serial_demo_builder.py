from odoo import Command, api, models


class SerialDemoBuilder(models.AbstractModel):
    """Invoicing demo: docking stations sold through a sale order, delivered, then
    invoiced; their coverage starts on the invoice date."""

    _inherit = "serial.demo.builder"

    @api.model
    def _populate_account(self):
        warehouse = self._warehouse()
        supplier = self.env.ref("serial_tracking.partner_demo_supplier")
        customer = self.env.ref("serial_tracking.partner_demo_customer_b")
        policy = self.env["serial.warranty.policy"].create(
            {
                "name": self.env._("Docking Station D3: 1 year from the invoice"),
                "line_ids": [
                    Command.create(
                        {
                            "coverage_type": "full",
                            "duration": 12,
                            "duration_unit": "month",
                            "trigger": "invoice",
                        }
                    )
                ],
            }
        )
        dock = self.env["product.product"].create(
            {
                "name": self.env._("Docking Station D3"),
                "default_code": "DS3",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "sale_ok": True,
                "invoice_policy": "delivery",
                "list_price": 229.0,
                "standard_price": 120.0,
                "serial_warranty_policy_id": policy.id,
            }
        )
        self._validate(
            self._picking(
                warehouse.in_type_id,
                supplier,
                {
                    dock: [f"DS3-{number:04d}" for number in range(1, 5)],
                },
            )
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": dock.id, "product_uom_qty": 2})],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids
        delivery.action_assign()
        self._validate(delivery)
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice
