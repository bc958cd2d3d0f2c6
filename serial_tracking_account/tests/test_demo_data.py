from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.demo_common import DemoDataCase


@tagged("post_install", "-at_install")
class TestAccountDemoData(DemoDataCase):
    """The invoicing demo: units sold, delivered and invoiced; their coverage starts on
    the invoice date."""

    demo_modules = ("serial_tracking", "serial_tracking_account")

    def test_coverage_starts_on_the_invoice(self):
        shipped = self._lots("DS3").filtered(lambda lot: lot.lifecycle_state == "shipped")
        self.assertTrue(shipped)
        self.assertLinesOnTheirPickings(shipped)
        coverages = shipped.warranty_ids.filtered(lambda cov: cov.trigger == "invoice")
        self.assertEqual(set(coverages.mapped("state")), {"active"})
        invoices = self.env["account.move"].search(
            [("name", "in", coverages.mapped("document_ref"))]
        )
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(set(coverages.mapped("start_date")), set(invoices.mapped("invoice_date")))
