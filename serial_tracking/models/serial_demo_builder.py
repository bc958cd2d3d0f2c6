from stdnum import luhn

from odoo import Command, api, models


class SerialDemoBuilder(models.AbstractModel):
    """Builds the demo flows: receipts and deliveries in several states.

    Stock operations are run through their normal methods so that the demo serials
    get their states and ledger events exactly as real ones do.
    """

    _name = "serial.demo.builder"
    _description = "Serial Tracking Demo Data Builder"

    @api.model
    def _populate(self):
        laptop = self.env.ref("serial_tracking.product_demo_laptop")
        phone = self.env.ref("serial_tracking.product_demo_phone")
        router = self.env.ref("serial_tracking.product_demo_router")
        supplier = self.env.ref("serial_tracking.partner_demo_supplier")
        customer_a = self.env.ref("serial_tracking.partner_demo_customer_a")
        customer_b = self.env.ref("serial_tracking.partner_demo_customer_b")
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        serials = {
            laptop: [f"LT14-{number:06d}" for number in range(1, 11)],
            phone: [self._imei(number) for number in range(1, 9)],
            router: [f"RT5-{number:05d}" for number in range(1, 7)],
        }
        receipt = self._picking(warehouse.in_type_id, supplier, serials)
        receipt.move_ids.picked = True
        receipt.button_validate()
        # A receipt still waiting for its goods.
        self._picking(warehouse.in_type_id, supplier, {router: ["RT5-00007", "RT5-00008"]})
        shipped = self._picking(warehouse.out_type_id, customer_a, {
            laptop: serials[laptop][:3], phone: serials[phone][:2],
        })
        shipped.move_ids.picked = True
        shipped.button_validate()
        # A delivery reserved and ready: its serials are allocated.
        self._picking(warehouse.out_type_id, customer_b, {
            laptop: serials[laptop][3:5], router: serials[router][:2],
        })

    @api.model
    def _imei(self, number):
        body = f"35693803{number:06d}"
        return body + luhn.calc_check_digit(body)

    def _picking(self, picking_type, partner, serials_by_product):
        """A confirmed picking whose lines name exactly these serials."""
        incoming = picking_type.code == "incoming"
        source = (partner.property_stock_supplier if incoming
                  else picking_type.default_location_src_id)
        destination = (picking_type.default_location_dest_id if incoming
                       else partner.property_stock_customer)
        lots = self.env["stock.lot"].search([
            ("name", "in", [name for names in serials_by_product.values() for name in names]),
        ])
        lot_by_key = {(lot.product_id, lot.name): lot for lot in lots}
        picking = self.env["stock.picking"].create({
            "picking_type_id": picking_type.id,
            "partner_id": partner.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "move_ids": [
                Command.create({
                    "product_id": product.id,
                    "product_uom_qty": len(names),
                    "product_uom": product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "move_line_ids": [
                        Command.create({
                            "product_id": product.id,
                            "quantity": 1.0,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            **({"lot_name": name} if incoming
                               else {"lot_id": lot_by_key[product, name].id}),
                        })
                        for name in names
                    ],
                })
                for product, names in serials_by_product.items()
            ],
        })
        picking.action_confirm()
        return picking
