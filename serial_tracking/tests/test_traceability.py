import base64
import csv
import io
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import openpyxl
from lxml import html
from PIL import Image

from odoo.tests import HttpCase, tagged

from ..models.serial_traceability import FORM_MAX_NODES
from ..tools.genealogy_tree import DOWN, UP
from .common import SerialTrackingCase


class TraceabilityCase(SerialTrackingCase):
    """A delivered car, hand-built from received parts::

    CELL-1 ─┐
    CELL-2 ─┼─> MODULE-1 ─┐
    GLUE-A ─┤             ├─> PACK-1 ─> CAR-1 (delivered to Customer Inc)
    GLUE-A ─┴─> MODULE-2 ─┘
    CELL-3 ───> MODULE-2
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"]
        cls.products = {
            name: product.create(
                {"name": name, "type": "consu", "is_storable": True, "tracking": "serial"}
            )
            for name in ("Cell", "Module", "Pack", "Car")
        }
        cls.products["Glue"] = product.create(
            {"name": "Glue", "type": "consu", "is_storable": True, "tracking": "lot"}
        )

    def setUp(self):
        super().setUp()
        self.lots = {}
        for product, names in (
            ("Cell", ["CELL-1", "CELL-2", "CELL-3", "CELL-9"]),
            ("Module", ["MODULE-1", "MODULE-2"]),
            ("Pack", ["PACK-1"]),
            ("Car", ["CAR-1"]),
        ):
            self.receipt, lots = self._receive(names, product=self.products[product])
            self.lots.update({lot.name: lot for lot in lots})
        glue_receipt = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock, self.vendor
        )
        move = self._add_move(glue_receipt, self.products["Glue"], [{"lot_name": "GLUE-A"}])
        move.move_line_ids.quantity = 2.0
        self._validate(glue_receipt)
        self.lots["GLUE-A"] = move.move_line_ids.lot_id
        self.links = self._link(
            [
                ("CELL-1", "MODULE-1"),
                ("CELL-2", "MODULE-1"),
                ("GLUE-A", "MODULE-1", 0.5),
                ("CELL-3", "MODULE-2"),
                ("GLUE-A", "MODULE-2", 0.5),
                ("MODULE-1", "PACK-1"),
                ("MODULE-2", "PACK-1"),
                ("PACK-1", "CAR-1"),
            ],
            "2026-01-01 00:00:00",
        )
        self.delivery = self._deliver(self.lots["CAR-1"])

    def _link(self, triples, when, link_type="built_in"):
        return self.env["serial.genealogy"].create(
            [
                {
                    "parent_lot_id": self.lots[triple[0]].id,
                    "child_lot_id": self.lots[triple[1]].id,
                    "quantity": triple[2] if len(triple) > 2 else 1.0,
                    "date_from": when,
                    "link_type": link_type,
                    "document_ref": "MO/TEST",
                }
                for triple in triples
            ]
        )

    def _shape(self, node, lots):
        return (lots[node.lot]["name"], [self._shape(child, lots) for child in node.children])


@tagged("post_install", "-at_install")
class TestTraceability(TraceabilityCase):
    def test_the_walk_returns_the_links_it_went_through(self):
        genealogy = self.env["serial.genealogy"]
        up = genealogy._walk_edges(self.lots["CAR-1"].ids, UP)
        self.assertEqual({row[0] for row in up}, set(self.links.ids))
        down = genealogy._walk_edges(self.lots["GLUE-A"].ids, DOWN)
        expected = self.links.filtered(
            lambda link: link.parent_lot_id.name in ("GLUE-A", "MODULE-1", "MODULE-2", "PACK-1")
        )
        self.assertEqual({row[0] for row in down}, set(expected.ids))
        self.assertFalse(genealogy._walk_edges(self.lots["CELL-9"].ids, DOWN))

    def test_both_trees_are_built_with_states_and_places(self):
        data = self.env["serial.traceability"]._gather(self.lots["CAR-1"] | self.lots["CELL-1"])
        car, cell = data["roots"]
        lots = data["lots"]
        self.assertEqual(
            self._shape(car["up"], lots),
            (
                "CAR-1",
                [
                    (
                        "PACK-1",
                        [
                            ("MODULE-1", [("CELL-1", []), ("CELL-2", []), ("GLUE-A", [])]),
                            ("MODULE-2", [("CELL-3", []), ("GLUE-A", [])]),
                        ],
                    ),
                ],
            ),
        )
        self.assertEqual(car["down"].children, [])
        self.assertEqual(
            self._shape(cell["down"], lots),
            ("CELL-1", [("MODULE-1", [("PACK-1", [("CAR-1", [])])])]),
        )
        self.assertEqual((car["up_stats"].lots, car["up_stats"].depth), (8, 3))
        glue_again = car["up"].children[0].children[1].children[1]
        self.assertTrue(glue_again.repeated)
        self.assertEqual(glue_again.edge.quantity, 0.5)
        car_info = lots[self.lots["CAR-1"].id]
        self.assertEqual((car_info["state"], car_info["place"]), ("shipped", "Customer Inc"))
        self.assertEqual(lots[self.lots["CELL-1"].id]["place"], self.stock.display_name)

    def test_history_and_partners_come_with_the_tree(self):
        data = self.env["serial.traceability"]._gather(self.lots["CAR-1"])
        self.assertEqual(
            [event["event_type"] for event in data["events"][self.lots["CAR-1"].id]],
            ["shipped", "allocated", "received"],
        )
        self.assertIn(self.lots["CELL-3"].id, data["events"])
        kinds = {
            (self.env["stock.lot"].browse(move["lot_id"]).name, move["kind"], move["partner"])
            for move in data["moves"]
        }
        self.assertIn(("CELL-1", "receipt", "Vendor Ltd"), kinds)
        self.assertIn(("GLUE-A", "receipt", "Vendor Ltd"), kinds)
        self.assertIn(("CAR-1", "delivery", "Customer Inc"), kinds)

    def test_the_number_of_queries_does_not_grow_with_the_tree(self):
        trace = self.env["serial.traceability"]
        car = self.lots["CAR-1"]

        def count():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            trace._gather(car)
            return self.env.cr.sql_log_count - before

        small = count()
        names = [f"CELL-X{n:02d}" for n in range(40)]
        _receipt, extra = self._receive(names, product=self.products["Cell"])
        self.lots.update({lot.name: lot for lot in extra})
        self._link([(name, "MODULE-2") for name in names], "2026-01-02 00:00:00")
        self.assertEqual(len(trace._gather(car)["shown"]), 48)
        self.assertEqual(count(), small)

    def test_the_report_renders_tree_history_suppliers_and_customers(self):
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_tracking.report_serial_traceability", self.lots["CAR-1"].ids
        )
        page = html.fromstring(content)
        self.assertIn("Traceability of CAR-1", page.text_content())
        nested = page.xpath(
            "//li[@data-serial='PACK-1']//li[@data-serial='MODULE-2']//li[@data-serial='CELL-3']"
        )
        self.assertEqual(len(nested), 1)
        units = page.xpath("//div[contains(@class, 'o_serial_traceability_unit')]/@data-serial")
        self.assertEqual(
            sorted(units),
            sorted(
                ["CAR-1", "PACK-1", "MODULE-1", "MODULE-2", "CELL-1", "CELL-2", "CELL-3", "GLUE-A"]
            ),
        )
        receipts = page.xpath("//table[contains(@class, 'o_serial_traceability_receipts')]")
        self.assertIn("Vendor Ltd", receipts[0].text_content())
        self.assertIn(self.receipt.name, receipts[0].text_content())
        deliveries = page.xpath("//table[contains(@class, 'o_serial_traceability_deliveries')]")
        self.assertIn("Customer Inc", deliveries[0].text_content())
        self.assertIn(self.delivery.name, deliveries[0].text_content())
        car_history = page.xpath("//div[@data-serial='CAR-1']")[0].text_content()
        self.assertIn("Shipped", car_history)
        self.assertIn("Received", car_history)

    def test_the_form_shows_the_tree_above_and_below(self):
        page = html.fromstring(self.lots["MODULE-2"].serial_genealogy_html)
        above = page.xpath("//div[contains(@class, 'o_serial_genealogy_up')]")[0]
        below = page.xpath("//div[contains(@class, 'o_serial_genealogy_down')]")[0]
        self.assertEqual(above.xpath(".//li/@data-serial"), ["PACK-1", "CAR-1"])
        self.assertEqual(below.xpath(".//li/@data-serial"), ["CELL-3", "GLUE-A"])
        self.assertIn("Customer Inc", above.text_content())
        self.assertTrue(below.xpath(".//a[contains(@href, '/%s')]" % self.lots["CELL-3"].id))

    def test_the_form_tree_is_cut_on_lots_used_everywhere(self):
        names = [f"USE-{n:03d}" for n in range(FORM_MAX_NODES + 5)]
        units = self.env["stock.lot"].create(
            [{"name": name, "product_id": self.products["Module"].id} for name in names]
        )
        self.lots.update({lot.name: lot for lot in units})
        self._link([("CELL-9", name) for name in names], "2026-01-01 00:00:00")
        page = html.fromstring(self.lots["CELL-9"].serial_genealogy_html)
        self.assertEqual(len(page.xpath("//li")), FORM_MAX_NODES)
        self.assertIn("5 more not shown", page.text_content())

    def test_the_tree_as_of_a_date_before_a_swap(self):
        old = self.links.filtered(lambda link: link.parent_lot_id.name == "CELL-3")
        old._close(datetime(2026, 3, 1), document_ref="RO/0001")
        self._link([("CELL-9", "MODULE-2")], "2026-03-01 00:00:00", link_type="installed")
        trace = self.env["serial.traceability"]
        before = trace._gather(self.lots["CAR-1"], at=datetime(2026, 2, 1), with_history=False)
        now = trace._gather(self.lots["CAR-1"], with_history=False)
        names_before = {before["lots"][lot]["name"] for lot in before["shown"]}
        names_now = {now["lots"][lot]["name"] for lot in now["shown"]}
        self.assertEqual(names_before - names_now, {"CELL-3"})
        self.assertEqual(names_now - names_before, {"CELL-9"})

    def test_export_csv_and_xlsx(self):
        wizard = (
            self.env["serial.traceability.export"]
            .with_context(
                active_model="stock.lot",
                active_ids=self.lots["CAR-1"].ids,
            )
            .create({"file_format": "csv"})
        )
        action = wizard.action_export()
        self.assertIn(f"/web/content/serial.traceability.export/{wizard.id}/data", action["url"])
        rows = list(csv.DictReader(io.StringIO(base64.b64decode(wizard.data).decode("utf-8-sig"))))
        by_serial = {}
        for row in rows:
            by_serial.setdefault(row["Serial / Lot"], row)
        self.assertEqual(len(rows), 9)  # the car and its eight components (glue twice)
        cell = by_serial["CELL-1"]
        self.assertEqual(
            (cell["Relation"], cell["Level"], cell["Supplier"]), ("Component", "3", "Vendor Ltd")
        )
        self.assertEqual(by_serial["CAR-1"]["Customer"], "Customer Inc")
        self.assertEqual(by_serial["GLUE-A"]["Quantity"], "0.5")

        wizard.file_format = "xlsx"
        wizard.action_export()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.data)))
        self.assertEqual(book.sheetnames, ["Genealogy", "Events", "Receipts and deliveries"])
        events = [[cell.value for cell in row] for row in book["Events"].iter_rows()]
        self.assertIn(["CAR-1", "Car", "Shipped"], [row[:2] + row[3:4] for row in events])
        self.assertEqual(book["Genealogy"].max_row, 10)


def _pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout


@tagged("post_install", "-at_install")
class TestTraceabilityPdf(HttpCase, TraceabilityCase):
    """The PDF comes from wkhtmltopdf, with the styles of a running server."""

    def _render_pdf(self):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(
                force_report_rendering=True,
            )
            ._render_qweb_pdf(
                "serial_tracking.action_report_serial_traceability", self.lots["CAR-1"].ids
            )
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def test_the_pdf_report_is_styled(self):
        for tool in ("pdftoppm", "pdfinfo"):
            if not shutil.which(tool):
                self.fail(f"{tool} (poppler-utils) is needed to read the PDF")
        pdf = self._render_pdf()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "report.pdf")
            path.write_bytes(pdf)
            info = subprocess.run(
                ["pdfinfo", str(path)], check=True, capture_output=True, text=True
            ).stdout
            self.assertRegex(info, r"Page size:\s+84[12](\.\d+)? x 595", "A4 landscape")
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "50",
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    str(path),
                    str(Path(folder, "page")),
                ],
                check=True,
            )
            image = Image.open(next(Path(folder).glob("page*.png"))).convert("RGB")
        # The state badges are Bootstrap's green pills: only a styled page has them.
        green = sum(
            1
            for red, green_, blue in image.getdata()
            if green_ > 120 and green_ > red + 60 and green_ > blue + 30
        )
        self.assertGreater(green, 50, "no styled state badge on the first page")

    def test_the_pdf_report_holds_the_genealogy(self):
        if not shutil.which("pdftotext"):
            self.fail("pdftotext (poppler-utils) is needed to read the PDF")
        # Without the server's web fonts wkhtmltopdf embeds real text: read it back.
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        text = _pdf_text(self._render_pdf())
        for expected in (
            "Traceability of CAR-1",
            "CELL-3",
            "MODULE-2",
            "Vendor Ltd",
            "Customer Inc",
            self.delivery.name,
        ):
            self.assertIn(expected, text)


@tagged("post_install", "-at_install")
class TestTraceabilityTour(HttpCase, TraceabilityCase):
    def test_the_form_tree_and_the_report_in_the_browser(self):
        self.env.flush_all()  # the browser reads through its own requests
        self.start_tour(
            f"/odoo/action-serial_tracking.action_serial_lot/{self.lots['CAR-1'].id}",
            "serial_tracking_traceability",
            login="admin",
        )
