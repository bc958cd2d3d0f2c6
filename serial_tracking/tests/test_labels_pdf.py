"""End to end: label sheets rendered to PDF by wkhtmltopdf, rasterised, every symbol decoded.

The expected contents are written out by hand here (GS1 element strings with ASCII 29 after
variable-length fields, the Digital Link URI), not computed with the code under test.
"""

from odoo.tests import HttpCase, tagged

from .common import SerialTrackingCase
from .label_pdf import decode_pdf_pages, pdf_reading_tools_missing

GTIN = "09521234543213"
GS = "\x1d"


@tagged("post_install", "-at_install")
class TestSerialLabelPdf(HttpCase, SerialTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.barcode = GTIN[1:]  # stored as its EAN-13
        cls.env.company.serial_resolver_url = "https://id.example.com"

    def setUp(self):
        super().setUp()
        if pdf_reading_tools_missing():
            self.skipTest("zxing-cpp and pdftoppm (poppler-utils) are needed")

    def _pdf_symbols(self, lots, options, report, positions=None):
        """(symbology identifier, raw text) of every symbol on every page of the PDF.

        ``positions``, a list, receives ``(identifier, text, left_mm, top_mm)`` of each.
        """
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(
                force_report_rendering=True,
            )
            ._render_qweb_pdf(report, lots.ids, data={"serial_label_options": options})
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        found = []
        pages = decode_pdf_pages(pdf)
        for results in pages:
            found += [(result.symbology_identifier, result.text) for result in results]
            if positions is not None:
                positions += [
                    (
                        result.symbology_identifier,
                        result.text,
                        result.position.top_left.x * 25.4 / 300,
                        result.position.top_left.y * 25.4 / 300,
                    )
                    for result in results
                ]
        return sorted(found), len(pages)

    def test_a4_sheet_every_symbol_decodes(self):
        _picking, lots = self._receive(["E2E-0001", "E2E-0002", "E2E/0003"])
        lots.sorted("name")[0].batch_code = "B12"
        options = {
            "label_format": "a4_3x8",
            "copies": 1,
            "symbologies": ["gs1_datamatrix", "qr_link", "code128"],
            "texts": ["product", "serial", "gtin", "batch"],
        }
        positions = []
        found, pages = self._pdf_symbols(
            lots, options, "serial_tracking.action_report_serial_label_a4_3x8", positions
        )
        self.assertEqual(pages, 1)
        # printed true to size: the labels of a row are 200 / 3 mm apart on the paper
        lefts = sorted(left for identifier, _text, left, _top in positions if identifier == "]d2")
        self.assertEqual(len(lefts), 3)
        for first, second in zip(lefts, lefts[1:], strict=False):
            self.assertAlmostEqual(second - first, 200 / 3, delta=1.0)

        def proof(serial):
            return self.env["serial.unit.proof"]._serial_token("09521234543213", serial)

        self.assertEqual(
            found,
            sorted(
                [
                    ("]C0", "E2E-0001"),
                    ("]C0", "E2E-0002"),
                    ("]C0", "E2E/0003"),
                    (
                        "]Q1",
                        "https://id.example.com/01/09521234543213/21/E2E-0001?10=B12&k="
                        + proof("E2E-0001"),
                    ),
                    (
                        "]Q1",
                        "https://id.example.com/01/09521234543213/21/E2E-0002?k="
                        + proof("E2E-0002"),
                    ),
                    (
                        "]Q1",
                        "https://id.example.com/01/09521234543213/21/E2E%2F0003?k="
                        + proof("E2E/0003"),
                    ),
                    ("]d2", "010952123454321321E2E-0001" + GS + "10B12"),
                    ("]d2", "010952123454321321E2E-0002"),
                    ("]d2", "010952123454321321E2E/0003"),
                ]
            ),
        )

    def test_sheet_with_more_labels_than_a_page_and_copies(self):
        names = [f"P-{index:02d}" for index in range(7)]
        _picking, lots = self._receive(names)
        options = {
            "label_format": "a4_4x12",
            "copies": 7,
            "symbologies": ["gs1_datamatrix"],
            "texts": ["serial"],
        }
        found, pages = self._pdf_symbols(
            lots, options, "serial_tracking.action_report_serial_label_a4_4x12"
        )
        self.assertEqual(pages, 2)  # 49 labels, 48 per page
        self.assertEqual(
            found,
            sorted(
                ("]d2", "0109521234543213" + f"21{name}") for name in names for _copy in range(7)
            ),
        )

    def test_shipping_label_gs1_128_gs1_qr_and_datamatrix(self):
        _picking, lot = self._receive(["SHIP-1"])
        lot.batch_code = "LOT-77"
        options = {
            "label_format": "single_100x150",
            "copies": 1,
            "symbologies": ["gs1_128", "gs1_qr", "gs1_datamatrix"],
            "texts": ["product", "gtin", "serial", "batch", "company"],
        }
        found, pages = self._pdf_symbols(
            lot, options, "serial_tracking.action_report_serial_label_100x150"
        )
        self.assertEqual(pages, 1)
        element_string = "0109521234543213" + "21SHIP-1" + GS + "10LOT-77"
        self.assertEqual(
            found, [("]C1", element_string), ("]Q3", element_string), ("]d2", element_string)]
        )

    def test_single_small_label(self):
        _picking, lot = self._receive(["SMALL-1"])
        options = {
            "label_format": "single_50x25",
            "copies": 2,
            "symbologies": ["gs1_datamatrix"],
            "texts": ["product", "serial"],
        }
        found, pages = self._pdf_symbols(
            lot, options, "serial_tracking.action_report_serial_label_50x25"
        )
        self.assertEqual(pages, 2)
        self.assertEqual(found, [("]d2", "0109521234543213" + "21SMALL-1")] * 2)
