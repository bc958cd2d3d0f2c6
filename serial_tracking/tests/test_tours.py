from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSerialTrackingTours(HttpCase):
    def test_serial_list_shows_states(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        product = self.env["product.product"].create(
            {
                "name": "Tour Laptop",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "product_uom": product.uom_id.id,
                            "location_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        },
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.move_line_ids.unlink()
        receipt.move_ids.move_line_ids = [
            (
                0,
                0,
                {
                    "product_id": product.id,
                    "lot_name": "TOUR-SN-0001",
                    "quantity": 1,
                    "location_id": receipt.location_id.id,
                    "location_dest_id": receipt.location_dest_id.id,
                },
            )
        ]
        receipt.move_ids.picked = True
        receipt.button_validate()
        lot = receipt.move_ids.move_line_ids.lot_id
        self.assertEqual(lot.lifecycle_state, "in_stock")
        self.env.flush_all()  # the browser reads through its own requests
        self.start_tour(
            "/odoo/action-serial_tracking.action_serial_lot",
            "serial_tracking_list_serials",
            login="admin",
        )
