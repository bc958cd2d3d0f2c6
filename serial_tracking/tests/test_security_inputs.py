"""Issue 20, items 5, 6, 13 and 14: inputs that reached too far, each tried through the
door an attacker has: the export downloaded over HTTP, JSON-RPC calls as a plain stock
user, a portal user or a user of another company, the wizards' buttons, the public page."""

import base64
import csv
import io
import json
import zipfile
from datetime import datetime, timedelta

import openpyxl
import xlsxwriter

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..models.report_serial_label import MAX_LABELS
from ..models.serial_numbering import MAX_SERIALS
from ..tools.spreadsheet import FORMULA_STARTS
from ..wizards.serial_generate_wizard import XLSX_MAX_ROWS
from .common import SerialTrackingCase, post_json_rpc
from .test_traceability import TraceabilityCase

HYPERLINK = '=HYPERLINK("http://x","y")'
GTIN = "09521234543213"


class RpcMixin:
    """JSON-RPC as the web client sends it, keeping the error the server answered."""

    def rpc(self, route, params):
        self.env.flush_all()  # the request reads through its own cursor
        response = post_json_rpc(self, route, params)
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.env.invalidate_all()
        return response.json()

    def call_kw(self, model, method, args, kwargs=None):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def call_button(self, model, method, ids):
        return self.rpc(
            f"/web/dataset/call_button/{model}/{method}",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def assertRefused(self, body, error, *fragments):  # noqa: N802 - unittest style
        self.assertIn("error", body, f"accepted: {str(body)[:300]}")
        data = body["error"]["data"]
        self.assertEqual(data["name"], f"odoo.exceptions.{error}", data["message"])
        for fragment in fragments:
            self.assertIn(fragment, data["message"])
        return data["message"]

    def assertAnswered(self, body):  # noqa: N802 - unittest style
        self.assertNotIn("error", body, body.get("error", {}).get("data", {}).get("message"))
        return body["result"]


# --- item 5: formula injection in the traceability export ------------------------------


@tagged("post_install", "-at_install")
class TestExportCellsArePlain(HttpCase, TraceabilityCase):
    def setUp(self):
        super().setUp()
        # what a partner or a supplier can name itself, and a serial as a label may read
        self.customer.name = HYPERLINK
        self.lots["CELL-1"].name = "+CELL-1"
        self.env.flush_all()
        self.authenticate(self.stock_user.login, self.stock_user.login)

    def _download(self, file_format):
        """Fill the export wizard as the user does, press Export, download the file."""
        car = self.lots["CAR-1"]
        action = car.with_user(self.stock_user).action_serial_traceability_export()
        wizard = self.env[action["res_model"]].with_user(self.stock_user)
        form = Form(wizard.with_context(**action["context"]))
        form.file_format = file_format
        download = form.save().action_export()
        response = self.url_open(download["url"])
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_csv_cells_never_start_a_formula(self):
        content = self._download("csv").decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(content)))
        by_serial = {row["Serial / Lot"]: row for row in rows}
        self.assertEqual(by_serial["CAR-1"]["Customer"], "'" + HYPERLINK)
        self.assertEqual(by_serial["CAR-1"]["Location / Holder"], "'" + HYPERLINK)
        self.assertIn("'+CELL-1", by_serial)
        cells = [cell for row in csv.reader(io.StringIO(content)) for cell in row]
        self.assertFalse([cell for cell in cells if cell.startswith(FORMULA_STARTS)])

    def test_xlsx_cells_are_typed_and_text_stays_text(self):
        book = openpyxl.load_workbook(io.BytesIO(self._download("xlsx")))
        cells = [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        self.assertFalse([cell.coordinate for cell in cells if cell.data_type == "f"])
        self.assertFalse([cell.coordinate for cell in cells if cell.hyperlink])
        texts = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
        self.assertEqual(texts[HYPERLINK].data_type, "s")
        self.assertEqual(texts["+CELL-1"].data_type, "s")

        def column(sheet, title):
            header = [cell.value for cell in book[sheet][1]]
            index = header.index(title)
            return [row[index] for row in book[sheet].iter_rows(min_row=2, values_only=True)]

        dates = column("Events", "Date") + column("Receipts and deliveries", "Date")
        self.assertTrue(dates)
        self.assertTrue(all(isinstance(value, datetime) for value in dates), dates)
        quantities = column("Receipts and deliveries", "Quantity")
        self.assertTrue(all(isinstance(value, (int, float)) for value in quantities), quantities)
        levels = column("Genealogy", "Level")
        self.assertTrue(all(isinstance(value, int) for value in levels), levels)


# --- item 6: installation and registration dates ---------------------------------------


@tagged("post_install", "-at_install")
class TestTransitionDates(RpcMixin, HttpCase, SerialTrackingCase):
    """A stock user creates the Change State wizard and presses Apply, as the client does
    (``web_save``, then ``call_button``)."""

    def setUp(self):
        super().setUp()
        _picking, self.lot = self._receive(["TD-1"])
        self._deliver(self.lot)
        self.shipped = (
            self.env["serial.event"]
            .search([("lot_id", "=", self.lot.id), ("event_type", "=", "shipped")])
            .date
        )
        self.authenticate(self.stock_user.login, self.stock_user.login)

    def _apply(self, action, when, reason=False):
        saved = self.assertAnswered(
            self.call_kw(
                "serial.transition.wizard",
                "web_save",
                [
                    [],
                    {
                        "lot_ids": [Command.set(self.lot.ids)],
                        "action": action,
                        "date": fields.Datetime.to_string(when),
                        "reason_id": reason,
                    },
                ],
                {"specification": {"id": {}}},
            )
        )
        return self.call_button("serial.transition.wizard", "action_apply", [saved[0]["id"]])

    def _events(self, event_type):
        return self.env["serial.event"].search_count(
            [("lot_id", "=", self.lot.id), ("event_type", "=", event_type)]
        )

    def test_a_user_cannot_date_a_registration_before_the_shipment(self):
        body = self._apply("register", self.shipped - timedelta(days=400))
        self.assertRefused(
            body, "AccessError", "before the shipment of TD-1", "Serial Tracking Manager"
        )
        self.assertEqual(self._events("registered"), 0)

    def test_a_user_cannot_date_an_installation_in_the_future(self):
        body = self._apply("install", fields.Datetime.now() + timedelta(days=30))
        self.assertRefused(body, "AccessError", "is in the future")
        self.assertEqual(self._events("installed"), 0)

    def test_a_user_records_a_date_between_shipment_and_now(self):
        self.assertAnswered(self._apply("install", self.shipped))
        self.assertEqual(self._events("installed"), 1)

    def test_a_manager_may_date_it_otherwise_with_a_reason(self):
        manager = new_test_user(self.env, login="td_manager", groups="stock.group_stock_manager")
        self.authenticate(manager.login, manager.login)
        early = self.shipped - timedelta(days=10)
        self.assertRefused(self._apply("register", early), "UserError", "Choose a reason")
        reason = self.env["serial.reason"].search(
            [("applies_to", "in", ("any", "register"))], limit=1
        )
        self.assertTrue(reason)
        self.assertAnswered(self._apply("register", early, reason.id))
        self.assertEqual(self._events("registered"), 1)


# --- item 13: sizes ----------------------------------------------------------------------


@tagged("post_install", "-at_install")
class TestSizeLimits(RpcMixin, HttpCase, SerialTrackingCase):
    def setUp(self):
        super().setUp()
        self.rule = self.env["serial.format.rule"].create(
            {
                "name": "Limited laptops",
                "pattern": "LL{SEQ:8}",
            }
        )
        self.product.serial_format_rule_id = self.rule
        self.authenticate(self.stock_user.login, self.stock_user.login)

    def test_generate_dialog_refuses_more_than_the_limit_before_taking_numbers(self):
        move = self._confirmed_receipt(self.product, 1).move_ids
        first = self.rule.next_number
        context = {
            "default_product_id": self.product.id,
            "default_location_dest_id": move.location_dest_id.id,
            "default_tracking": "serial",
            "default_company_id": move.company_id.id,
        }
        body = self.call_kw(
            "stock.move",
            "action_generate_lot_line_vals",
            [context, "generate", "", MAX_SERIALS + 1, False],
        )
        self.assertRefused(body, "UserError", f"limit of {MAX_SERIALS:,}")
        self.assertEqual(self.rule.next_number, first)  # no number burnt

    def test_an_xlsx_upload_stops_at_the_last_excel_row(self):
        """A 5 kB workbook whose second value claims row 5,000,000: openpyxl yields every
        empty row before it, so the row number bounds the work, not the file's size."""
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer)
        sheet = book.add_worksheet()
        sheet.write_string(0, 0, "LL00000001")
        sheet.write_string(XLSX_MAX_ROWS - 1, 0, "LL00000002")
        book.close()
        source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
        forged = io.BytesIO()
        with zipfile.ZipFile(forged, "w") as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    # the row, its cell and the sheet's dimension A1:A1048576
                    content = content.replace(b'r="1048576"', b'r="5000000"').replace(
                        b"A1048576", b"A5000000"
                    )
                target.writestr(item, content)
        move = self._confirmed_receipt(self.product, 2).move_ids
        action = move.with_user(self.stock_user).action_open_serial_generate_wizard()
        wizard = self.env[action["res_model"]].with_user(self.stock_user)
        form = Form(wizard.with_context(**action["context"]))
        form.mode = "file"
        form.file = base64.b64encode(forged.getvalue())
        wizard = form.save()
        wizard.action_check()  # Check shows the refusal in the wizard
        self.assertFalse(wizard.check_ok)
        self.assertIn("rows past row 1,048,576", wizard.check_result)
        with self.assertRaisesRegex(UserError, "rows past row 1,048,576"):
            wizard.action_apply()
        self.assertFalse(move.move_line_ids.lot_id)

    def test_labels_refuse_more_than_the_limit(self):
        self.product.barcode = GTIN[1:]  # printable labels: only the count is wrong
        lots = self.env["stock.lot"]
        for number in range(MAX_LABELS // 1000 + 1):
            lots |= self._receive([f"LB-{number}"])[1]
        form = Form(
            self.env["serial.label.wizard"]
            .with_user(self.stock_user)
            .with_context(active_model="stock.lot", active_ids=lots.ids)
        )
        form.copies = 1000
        wizard = form.save()
        with self.assertRaisesRegex(UserError, f"limit of {MAX_LABELS:,}"):
            wizard.action_print()


# --- item 14: verify history, scanner card, service link ---------------------------------


@tagged("post_install", "-at_install")
class TestUnguardedPaths(RpcMixin, HttpCase, SerialTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(cls.env, login="si_portal", groups="base.group_portal")
        cls.manager = new_test_user(cls.env, login="si_manager", groups="stock.group_stock_manager")
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_lot = cls.env["stock.lot"].create(
            {
                "name": "OTHER-UNIT-77",
                "product_id": cls.product.id,
                "company_id": cls.other_company.id,
            }
        )

    def test_verify_history_is_for_managers_and_their_serials(self):
        _picking, lot = self._receive(["VH-1"])
        for login, ids in (
            ("si_portal", lot.ids),
            (self.stock_user.login, lot.ids),
            ("si_manager", self.other_lot.ids),
        ):
            with self.subTest(login=login):
                self.authenticate(login, login)
                body = self.call_button("stock.lot", "action_verify_history", ids)
                self.assertRefused(body, "AccessError")
        self.authenticate("si_manager", "si_manager")
        result = self.assertAnswered(
            self.call_button("stock.lot", "action_verify_history", lot.ids)
        )
        self.assertEqual(result["params"]["type"], "success")

    def test_the_scanner_card_hides_a_unit_of_another_company(self):
        # a component shared between companies, built into another company's unit
        component_product = self.env["product.product"].create(
            {"name": "Shared Cell", "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        component = self.env["stock.lot"].create(
            {"name": "SHARED-CELL-1", "product_id": component_product.id, "company_id": False}
        )
        self.env["serial.genealogy"].create(
            {
                "parent_lot_id": component.id,
                "child_lot_id": self.other_lot.id,
                "date_from": fields.Datetime.now(),
                "link_type": "built_in",
            }
        )
        self.authenticate(self.stock_user.login, self.stock_user.login)
        body = self.call_kw("serial.scanner", "scan", ["lookup", component.name, {}])
        card = self.assertAnswered(body)["card"]
        self.assertEqual(card["serial"], "SHARED-CELL-1")
        self.assertFalse(card["parent"])
        self.assertNotIn("OTHER-UNIT-77", json.dumps(body))

    def test_the_service_link_is_a_web_address(self):
        admin = self.env.ref("base.user_admin")
        admin.password = "si-admin-pw"
        self.authenticate(admin.login, "si-admin-pw")
        for url in (
            "javascript:alert(document.cookie)",
            "data:text/html,<script>1</script>",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
        ):
            with self.subTest(url=url):
                body = self.call_kw(
                    "res.company", "write", [self.env.company.ids, {"serial_service_url": url}]
                )
                self.assertRefused(body, "ValidationError", "not a web address")
        self.assertAnswered(
            self.call_kw(
                "res.company",
                "write",
                [self.env.company.ids, {"serial_service_url": "https://example.com/support"}],
            )
        )

    def test_a_stored_script_link_is_not_rendered(self):
        """A value stored before the check (or by SQL) still never reaches the page. QWeb
        blanks a plain ``javascript:`` href itself, but not these: a browser drops the tab
        and runs the first; the second is a page of the attacker's."""
        self.product.barcode = GTIN[1:]
        _picking, lot = self._receive(["SL-1"])
        self._deliver(lot)
        # the visitor holds the unit: the page as its label's QR code opens it, in full
        proof = self.env["serial.unit.proof"]._serial_token(GTIN, "SL-1")
        for url, trace in (
            ("java\tscript:alert(document.cookie)", "script:alert"),
            ("data:text/html,<script>alert(1)</script>", "data:text/html"),
        ):
            with self.subTest(url=url):
                self.env.flush_all()
                self.env.cr.execute(
                    "UPDATE res_company SET serial_service_url = %s WHERE id = %s",
                    [url, self.env.company.id],
                )
                self.env.invalidate_all()
                self.authenticate(None, None)
                response = self.url_open(f"/01/{GTIN}/21/SL-1?k={proof}")
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_resolver_warranty", response.text)  # the full page
                self.assertNotIn(trace, response.text)
