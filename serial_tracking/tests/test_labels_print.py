"""Labels printed through the doors a user opens, down to the PDF the browser downloads.

Each test runs the button's action as the web client does (the wizard saved from its view,
its Print button called over HTTP), builds the report URL the way ``getReportUrl``
(web/static/src/webclient/actions/reports/utils.js) builds it from the action, downloads it
through ``/report/download`` as ``downloadReport`` does, then reads the PDF: page count, page
size, file name, and the symbols decoded from a 300 dpi rendering of every page.
"""

import io
import json
import re
from urllib.parse import quote

from odoo import http
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import SerialTrackingCase, WebClientDoors, post_json_rpc
from .label_pdf import decode_pdf_pages, pdf_reading_tools_missing

GTIN13 = "9521234543213"
GTIN14 = "0" + GTIN13
MM_PER_POINT = 25.4 / 72


def _encode(value):
    """``encodeURIComponent(JSON.stringify(value))``."""
    return quote(json.dumps(value, separators=(",", ":")), safe="-_.!~*'()")


def client_report_url(action, kind="pdf"):
    """The URL ``getReportUrl(action, kind)`` of the web client builds."""
    url = f"/report/{kind}/{action['report_name']}"
    context = action.get("context") or {}
    if action.get("data"):
        return url + f"?options={_encode(action['data'])}&context={_encode(context)}"
    if context.get("active_ids"):
        url += "/" + ",".join(str(record_id) for record_id in context["active_ids"])
    return url


@tagged("post_install", "-at_install")
class TestSerialLabelPrint(WebClientDoors, HttpCase, SerialTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.barcode = GTIN13
        cls.env.company.serial_resolver_url = "https://id.example.com"
        cls.stock_user.group_ids |= cls.env.ref("serial_tracking.group_serial_user")

    def setUp(self):
        super().setUp()
        if pdf_reading_tools_missing():
            self.skipTest("zxing-cpp and pdftoppm (poppler-utils) are needed")
        self.authenticate(self.stock_user.login, self.stock_user.login)
        self.user_context = {
            "lang": "en_US",
            "tz": "UTC",
            "uid": self.stock_user.id,
            "allowed_company_ids": [self.env.company.id],
        }

    # --- the client's side --------------------------------------------------------------

    def _rpc(self, route, params):
        response = post_json_rpc(self, route, params)
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return body["result"]

    def _open_wizard(self, action, **values):
        """The wizard of ``action`` as its form view saves it, ``values`` typed in."""
        self.assertEqual(action["res_model"], "serial.label.wizard")
        context = dict(self.user_context, **(action.get("context") or {}))
        form = Form(
            self.env["serial.label.wizard"].with_user(self.stock_user).with_context(**context)
        )
        for field, value in values.items():
            setattr(form, field, value)
        return form.save(), context

    def _press_print(self, wizard, context):
        """The report action the Print button returns, as the client receives it."""
        action = self._call_button("serial.label.wizard", "action_print", wizard.ids, context)
        self.assertEqual(action["type"], "ir.actions.report")
        return action

    def _download(self, action):
        """(PDF bytes, file name) that ``downloadReport`` gets for the report action.

        ``force_report_rendering``: in test mode Odoo answers HTML instead of running
        wkhtmltopdf unless asked.
        """
        response = self.url_open(
            "/report/download",
            data={
                "data": json.dumps([client_report_url(action), action["report_type"]]),
                "context": json.dumps(dict(self.user_context, force_report_rendering=True)),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:1000])
        self.assertTrue(response.content.startswith(b"%PDF"), response.content[:300])
        disposition = response.headers["Content-Disposition"]
        name = re.search(r"filename\*=UTF-8''([^;]+)|filename=\"?([^\";]+)", disposition)
        return response.content, (name.group(1) or name.group(2)).replace("%20", " ")

    # --- the PDF ------------------------------------------------------------------------

    def _page_sizes(self, pdf):
        """(width, height) of every page in whole millimetres."""
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return [
            (
                round(float(page.mediabox.width) * MM_PER_POINT),
                round(float(page.mediabox.height) * MM_PER_POINT),
            )
            for page in reader.pages
        ]

    def _symbols(self, pdf):
        """(symbology identifier, text) of every symbol decoded on every page, sorted."""
        return sorted(
            (result.symbology_identifier, result.text)
            for results in decode_pdf_pages(pdf)
            for result in results
        )

    def assertPdf(self, pdf, pages, size, symbols):  # noqa: N802 - unittest style
        self.assertEqual(self._page_sizes(pdf), [size] * pages)
        self.assertEqual(self._symbols(pdf), sorted(symbols))

    # --- the doors ----------------------------------------------------------------------

    def _gear_menu_action(self):
        """The "Print Serial Labels" entry of a serial's gear menu, run on ``lots``."""
        toolbar = (
            self.env["stock.lot"]
            .with_user(self.stock_user)
            .get_views([(False, "form")], {"toolbar": True})["views"]["form"]["toolbar"]
        )
        entries = [
            entry for entry in toolbar.get("action", []) if entry["name"] == "Print Serial Labels"
        ]
        self.assertEqual(len(entries), 1, toolbar)
        return self._rpc("/web/action/load", {"action_id": entries[0]["id"]})

    def _print_from_gear_menu(self, lots, **values):
        action = self._gear_menu_action()
        action["context"] = {
            "active_model": "stock.lot",
            "active_ids": lots.ids,
            "active_id": lots[:1].id,
        }
        wizard, context = self._open_wizard(action, **values)
        self.assertEqual(wizard.lot_ids, lots)
        return self._download(self._press_print(wizard, context))

    def test_single_50x25_labels_print_one_per_page_of_their_size(self):
        _picking, lots = self._receive(["G-50-1", "G-50-2"])
        pdf, name = self._print_from_gear_menu(lots, label_format="single_50x25")
        self.assertPdf(
            pdf, 2, (50, 25), [("]d2", f"01{GTIN14}21G-50-1"), ("]d2", f"01{GTIN14}21G-50-2")]
        )
        self.assertEqual(name, "Serial Labels 50 x 25 mm.pdf")

    def test_single_100x150_label_prints_on_its_size(self):
        _picking, lot = self._receive(["G-100-1"])
        pdf, name = self._print_from_gear_menu(
            lot, label_format="single_100x150", print_gs1_128=True
        )
        self.assertPdf(
            pdf, 1, (100, 150), [("]C1", f"01{GTIN14}21G-100-1"), ("]d2", f"01{GTIN14}21G-100-1")]
        )
        self.assertEqual(name, "Serial Labels 100 x 150 mm.pdf")

    def test_a4_4x12_sheet_prints_on_one_a4_page(self):
        names = [f"G-A4-{index:02d}" for index in range(5)]
        _picking, lots = self._receive(names)
        pdf, name = self._print_from_gear_menu(lots, label_format="a4_4x12", copies=2)
        self.assertPdf(
            pdf, 1, (210, 297), [("]d2", f"01{GTIN14}21{serial}") for serial in names] * 2
        )
        self.assertEqual(name, "Serial Labels A4 4 x 12.pdf")

    def test_a4_3x8_sheet_fills_a_second_a4_page(self):
        names = [f"G-38-{index:02d}" for index in range(25)]  # 24 labels per sheet
        _picking, lots = self._receive(names)
        pdf, name = self._print_from_gear_menu(
            lots, label_format="a4_3x8", print_gs1_datamatrix=False, print_code128=True
        )
        self.assertPdf(pdf, 2, (210, 297), [("]C0", serial) for serial in names])
        self.assertEqual(name, "Serial Labels A4 3 x 8.pdf")

    def test_scanner_print_label_prints_the_scanned_serial(self):
        _picking, lot = self._receive(["SCAN-LBL-1"])
        action = self._rpc(
            "/web/dataset/call_kw/serial.scanner/action_print_label",
            {
                "model": "serial.scanner",
                "method": "action_print_label",
                "args": [lot.id],
                "kwargs": {"context": self.user_context},
            },
        )
        wizard, context = self._open_wizard(action)
        self.assertEqual(wizard.lot_ids, lot)
        pdf, _name = self._download(self._press_print(wizard, context))
        self.assertPdf(pdf, 1, (50, 25), [("]d2", f"01{GTIN14}21SCAN-LBL-1")])

    def test_labels_of_a_receipt_print_from_its_print_labels_entry(self):
        """Print > Labels > Lot/SN Labels on a transfer of serials opens our wizard."""
        self.stock_user.group_ids |= self.env.ref("stock.group_production_lot")
        picking, lots = self._receive(["RCPT-L-1", "RCPT-L-2"])
        toolbar = (
            self.env["stock.picking"]
            .with_user(self.stock_user)
            .get_views([(False, "form")], {"toolbar": True})["views"]["form"]["toolbar"]
        )
        entry = next(entry for entry in toolbar["print"] if entry["name"] == "Labels")
        active = {
            "active_model": "stock.picking",
            "active_ids": picking.ids,
            "active_id": picking.id,
        }
        action = self._rpc(
            "/web/action/run",
            {"action_id": entry["id"], "context": dict(self.user_context, **active)},
        )
        self.assertEqual(action["res_model"], "picking.label.type")
        context = dict(self.user_context, **active, **action["context"])
        form = Form(
            self.env["picking.label.type"].with_user(self.stock_user).with_context(**context)
        )
        form.label_type = "lots"
        choice = form.save()
        action = self._call_button("picking.label.type", "process", choice.ids, context)
        wizard, context = self._open_wizard(action, label_format="single_100x150")
        self.assertEqual(wizard.lot_ids, lots)
        pdf, _name = self._download(self._press_print(wizard, context))
        self.assertPdf(
            pdf, 2, (100, 150), [("]d2", f"01{GTIN14}21RCPT-L-1"), ("]d2", f"01{GTIN14}21RCPT-L-2")]
        )

    def test_a_format_report_printed_with_record_ids_lays_out_its_own_format(self):
        """A report action without data (ids in the URL) prints the default labels, laid
        out for that report's paper."""
        _picking, lots = self._receive(["IDS-1", "IDS-2"])
        report = self.env.ref("serial_tracking.action_report_serial_label_a4_4x12")
        action = report.with_user(self.stock_user).report_action(lots, config=False)
        self.assertFalse(action["data"])
        self.assertRegex(
            client_report_url(action),
            r"^/report/pdf/serial_tracking\.report_serial_label_a4_4x12/\d+,\d+$",
        )
        pdf, _name = self._download(action)
        self.assertPdf(
            pdf, 1, (210, 297), [("]d2", f"01{GTIN14}21IDS-1"), ("]d2", f"01{GTIN14}21IDS-2")]
        )

    def test_code128_only_prints_a_serial_outside_gs1_characters(self):
        """'#' is not in GS1's character set 82; no GS1 symbol is asked for, so the GS1 data
        is not built and the serial prints in Code 128."""
        _picking, lot = self._receive(["SN#42"])
        pdf, _name = self._print_from_gear_menu(
            lot,
            label_format="single_100x150",
            print_gs1_datamatrix=False,
            print_code128=True,
            show_gtin=True,
        )
        self.assertPdf(pdf, 1, (100, 150), [("]C0", "SN#42")])

    def test_every_format_has_its_own_report_and_paper(self):
        reports = self.env["ir.actions.report"].search(
            [("report_name", "like", "serial_tracking.report_serial_label%")]
        )
        self.assertEqual(len(reports), 4)
        self.assertEqual(len(set(reports.mapped("report_name"))), 4)
        self.assertEqual(len(set(reports.mapped("name"))), 4)


@tagged("post_install", "-at_install")
class TestSerialLabelPrintMenu(SerialTrackingCase):
    """One label print per place: Odoo's own PDF lot label is left to lot-tracked lots."""

    def _print_entries(self, lots):
        """Names of the Print entries the client shows for ``lots`` (loadAvailablePrintItems)."""
        toolbar = (
            self.env["stock.lot"]
            .with_user(self.stock_user)
            .get_views([(False, "form")], {"toolbar": True})["views"]["form"]["toolbar"]
        )
        prints = toolbar.get("print", [])
        with_domain = [entry["id"] for entry in prints if "domain" in entry]
        valid = set(
            self.env["ir.actions.report"]
            .with_user(self.stock_user)
            .browse(with_domain)
            .get_valid_action_reports("stock.lot", lots.ids)
        )
        return {entry["name"] for entry in prints if "domain" not in entry or entry["id"] in valid}

    def test_odoo_pdf_lot_label_is_not_offered_beside_ours_on_a_serial(self):
        self.stock_user.group_ids |= self.env.ref("stock.group_production_lot")
        _picking, lot = self._receive(["MENU-1"])
        self.assertNotIn("Lot/Serial Number (PDF)", self._print_entries(lot))
        batch_product = self.env["product.product"].create(
            {"name": "Screws", "is_storable": True, "tracking": "lot"}
        )
        batch = self.env["stock.lot"].create({"name": "LOT-A", "product_id": batch_product.id})
        self.assertIn("Lot/Serial Number (PDF)", self._print_entries(batch))

    def test_lot_labels_of_a_transfer_of_lots_stay_odoos(self):
        batch_product = self.env["product.product"].create(
            {"name": "Screws", "is_storable": True, "tracking": "lot"}
        )
        picking = self._picking(self.warehouse.in_type_id, self.supplier_location, self.stock)
        self._add_move(picking, self.product, [{"lot_name": "MIX-1"}])
        self._add_move(picking, batch_product, [{"lot_name": "LOT-B"}])
        self._validate(picking)
        self.assertEqual(len(picking.move_line_ids.lot_id), 2)
        choice = self.env["picking.label.type"].create(
            {"picking_ids": picking.ids, "label_type": "lots"}
        )
        self.assertEqual(choice.process()["res_model"], "lot.label.layout")
