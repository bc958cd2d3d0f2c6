from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestNumberingTour(HttpCase):
    def test_generate_and_receive_from_the_receipt_form(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        supplier = self.env.ref("stock.stock_location_suppliers")
        rule = self.env["serial.format.rule"].create(
            {
                "name": "Tour rule",
                "pattern": "TOUR-{SEQ:5}",
            }
        )
        product = self.env["product.product"].create(
            {
                "name": "Tour Phone",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "serial_format_rule_id": rule.id,
            }
        )
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": supplier.id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 5,
                            "product_uom": product.uom_id.id,
                            "location_id": supplier.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "serial_numbering_generate_receive",
            login="admin",
        )
        self.assertEqual(receipt.state, "done")
        lots = receipt.move_ids.move_line_ids.lot_id
        self.assertEqual(
            sorted(lots.mapped("name")), [f"TOUR-{number:05d}" for number in range(1, 6)]
        )
        self.assertEqual(set(lots.mapped("lifecycle_state")), {"in_stock"})
