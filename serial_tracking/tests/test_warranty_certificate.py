import base64
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from lxml import html as lxml_html
from PIL import Image

from odoo.tests import HttpCase, tagged

from .warranty_common import WarrantyCase

REPORT = "serial_tracking.report_serial_warranty_certificate"


def decode_all(image):
    return [result.text for result in zxingcpp.read_barcodes(image)]


class CertificateMixin:
    def _certified_unit(self, name):
        _picking, lot = self._on("2025-01-01", self._receive, [name])
        self._on("2025-01-10", self._deliver, lot)
        return lot


@tagged("post_install", "-at_install")
class TestWarrantyCertificate(CertificateMixin, WarrantyCase):
    def test_certificate_html_names_unit_customer_and_coverages(self):
        lot = self._certified_unit("CERT-001")
        content, kind = self.env["ir.actions.report"]._render_qweb_html(REPORT, lot.ids)
        self.assertEqual(kind, "html")
        tree = lxml_html.fromstring(content)
        text = " ".join(tree.text_content().split())
        self.assertIn("Warranty Certificate", text)
        self.assertEqual(
            tree.xpath("//td[hasclass('o_certificate_serial')]")[0].text_content(), "CERT-001"
        )
        self.assertIn(
            "Laptop 14", tree.xpath("//td[hasclass('o_certificate_product')]")[0].text_content()
        )
        self.assertIn(
            "Customer Inc", tree.xpath("//td[hasclass('o_certificate_customer')]")[0].text_content()
        )
        rows = tree.xpath("//table[hasclass('o_certificate_coverages')]/tbody/tr")
        self.assertEqual(len(rows), 1)
        row = " ".join(rows[0].text_content().split())
        self.assertIn("Full", row)
        self.assertIn("01/10/2025", row)
        self.assertIn("01/09/2027", row)
        # the QR code is a real symbol that reads back as the serial
        src = tree.xpath("//img[hasclass('o_certificate_qr')]/@src")[0]
        self.assertTrue(src.startswith("data:image/png;base64,"))
        image = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        self.assertEqual(decode_all(image), ["CERT-001"])

    def test_certificate_without_coverage_says_so(self):
        product = self._make_product("Cable")
        _picking, lot = self._receive(["CERT-NONE"], product=product)
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(REPORT, lot.ids)
        self.assertIn(b"has no warranty coverage", content)


@tagged("post_install", "-at_install")
class TestWarrantyCertificatePdf(CertificateMixin, WarrantyCase, HttpCase):
    """The PDF, rendered by wkhtmltopdf against the running server, read back."""

    def test_certificate_pdf_reads_back(self):
        if not shutil.which("pdftoppm"):
            self.fail("poppler-utils (pdftoppm) is needed to read the PDF back")
        lot = self._certified_unit("CERT-PDF-1")
        self.env.flush_all()
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, lot.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "certificate.pdf")
            path.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-r", "300", "-png", str(path), str(Path(tmp, "page"))],
                check=True,
                capture_output=True,
            )
            pages = sorted(Path(tmp).glob("page*.png"))
            self.assertEqual(len(pages), 1, "one page per serial")
            symbols = decode_all(Image.open(pages[0]))
        # wkhtmltopdf draws the text as shapes: the symbol is what can be read back
        self.assertEqual(symbols, ["CERT-PDF-1"])
