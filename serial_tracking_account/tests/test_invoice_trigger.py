from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.warranty_common import WarrantyCase


@tagged("post_install", "-at_install")
class TestInvoiceTrigger(WarrantyCase):
    """Coverages that start on the invoice date, through real sale orders, deliveries
    and posted invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_policy = cls._make_policy(
            "From invoice",
            [
                {
                    "coverage_type": "full",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "invoice",
                },
                {
                    "coverage_type": "labour",
                    "duration": 6,
                    "duration_unit": "month",
                    "trigger": "shipment",
                },
            ],
        )
        cls.speaker = cls._make_product(
            "Speaker", cls.invoice_policy, list_price=250.0, sale_ok=True, invoice_policy="delivery"
        )

    def _sell(self, quantity, product=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": (product or self.speaker).id, "product_uom_qty": quantity}
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def _deliver_order(self, order):
        picking = order.picking_ids
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        self._validate(picking)
        return picking.move_line_ids.lot_id

    def _invoice(self, order, day):
        invoice = order._create_invoices()
        invoice.invoice_date = day
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        return invoice

    def test_posting_the_invoice_starts_the_coverage(self):
        _picking, lots = self._receive(["SP-1", "SP-2", "SP-3"], product=self.speaker)
        order = self._sell(2)
        delivered = self._deliver_order(order)
        self.assertEqual(len(delivered), 2)
        full = self._coverages(delivered[0], coverage_type="full")
        self.assertCoverage(full, "pending")
        self.assertEqual(
            self._coverages(delivered[0], coverage_type="labour").state,
            "active",
            "the shipment coverage does not wait for the invoice",
        )

        day = fields.Date.today() - timedelta(days=3)
        invoice = self._invoice(order, day)
        for lot in delivered:
            coverage = self._coverages(lot, coverage_type="full")
            self.assertCoverage(coverage, "active", day.isoformat())
            self.assertEqual(coverage.end_date.year, day.year + 1)
            self.assertEqual(coverage.document_ref, invoice.name)
            self.assertEqual(lot.warranty_state, "active")
        kept = lots - delivered
        self.assertCoverage(self._coverages(kept, coverage_type="full"), "pending")

    def test_serials_shipped_after_the_invoice_start_on_its_date(self):
        self.speaker.invoice_policy = "order"
        _picking, _lots = self._receive(["SP-4"], product=self.speaker)
        order = self._sell(1)
        day = fields.Date.today() - timedelta(days=10)
        invoice = self._invoice(order, day)
        delivered = self._deliver_order(order)
        coverage = self._coverages(delivered, coverage_type="full")
        self.assertCoverage(coverage, "active", day.isoformat())
        self.assertEqual(coverage.document_ref, invoice.name)

    def test_other_invoices_start_nothing(self):
        _picking, lots = self._receive(["SP-5"], product=self.speaker)
        plain = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.speaker.id, "quantity": 1, "price_unit": 250.0}
                    )
                ],
            }
        )
        plain.action_post()
        self._deliver(lots)  # shipped without a sale order
        self.assertCoverage(self._coverages(lots, coverage_type="full"), "pending")
