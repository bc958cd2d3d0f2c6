import base64
import re

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SerialTrackingCase
from .translation_common import use_french

GTIN13 = "9521234543213"  # GS1 General Specifications example GTIN, as an EAN-13
GTIN14 = "0" + GTIN13
GS = "\x1d"


@tagged("post_install", "-at_install")
class TestSerialLabels(SerialTrackingCase):
    """The label wizard, the data put in the symbols and the refusals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.barcode = GTIN13
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://erp.example")
        cls.env.company.serial_resolver_url = False
        cls.report = cls.env["report.serial_tracking.report_serial_label"]

    def _wizard(self, lots, **values):
        form = Form(
            self.env["serial.label.wizard"].with_context(
                active_model="stock.lot", active_ids=lots.ids
            )
        )
        for field, value in values.items():
            setattr(form, field, value)
        return form.save()

    def _symbols(self, html):
        return re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)

    def test_unit_data_carries_gtin_serial_batch_and_digital_link(self):
        _picking, lots = self._receive(["SN/0001"])
        lots.batch_code = "B-7"
        unit = self.report._serial_unit_data(lots)
        self.assertEqual(unit["gtin"], GTIN14)
        self.assertEqual(unit["pairs"], [("01", GTIN14), ("21", "SN/0001"), ("10", "B-7")])
        # k: the proof that the visitor holds the unit (issue 20), URL-safe as printed
        token = self.env["serial.unit.proof"]._serial_token(GTIN14, "SN/0001")
        self.assertRegex(token, r"^[A-Za-z0-9_-]{16}$")
        self.assertEqual(
            unit["link"], f"https://erp.example/01/{GTIN14}/21/SN%2F0001?10=B-7&k={token}"
        )
        self.env.company.serial_resolver_url = "https://id.example.com/"
        self.assertEqual(
            self.report._serial_unit_data(lots)["link"],
            f"https://id.example.com/01/{GTIN14}/21/SN%2F0001?10=B-7&k={token}",
        )

    def test_gtin_is_the_barcode_only_when_it_is_a_valid_gtin(self):
        product = self.env["product.product"].create({"name": "P", "barcode": "12345670"})
        self.assertEqual(self.report._serial_gtin(product), "00000012345670")  # GTIN-8
        product.barcode = "036000291452"  # UPC-A (GTIN-12)
        self.assertEqual(self.report._serial_gtin(product), "00036000291452")
        for barcode in ("9521234543214", "ABC", False, "123456789"):
            product.barcode = barcode
            self.assertFalse(self.report._serial_gtin(product), barcode)

    def test_wizard_starts_with_the_serials_of_a_receipt(self):
        picking, lots = self._receive(["R-1", "R-2"])
        wizard = (
            self.env["serial.label.wizard"]
            .with_context(active_model="stock.picking", active_ids=picking.ids)
            .create({})
        )
        self.assertEqual(wizard.lot_ids, lots)

    def test_wizard_prints_copies_with_the_chosen_symbols_and_texts(self):
        _picking, lots = self._receive(["C-1", "C-2"])
        lots[0].batch_code = "LOT9"
        wizard = self._wizard(
            lots,
            label_format="a4_3x8",
            copies=3,
            print_code128=True,
            print_qr_link=True,
            show_gtin=True,
            show_batch=True,
        )
        self.assertEqual(wizard.label_count, 6)
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "serial_tracking.report_serial_label_a4_3x8")
        options = action["data"]["serial_label_options"]
        self.assertEqual(options["symbologies"], ["code128", "qr_link", "gs1_datamatrix"])
        self.assertEqual(options["copies"], 3)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_tracking.action_report_serial_label_a4_3x8", lots.ids, data=action["data"]
        )
        html = html.decode()
        self.assertEqual(html.count('class="o_serial_label"'), 6)
        symbols = [base64.b64decode(data).decode() for data in self._symbols(html)]
        self.assertEqual(len(symbols), 18)
        self.assertTrue(all(svg.startswith("<svg") for svg in symbols))
        self.assertIn("LOT9", html)
        self.assertIn(GTIN14, html)
        self.assertNotIn("Customer Inc", html)

    def test_printing_straight_from_the_report_uses_the_defaults(self):
        _picking, lots = self._receive(["D-1"])
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_tracking.action_report_serial_label_50x25", lots.ids
        )
        self.assertEqual(len(self._symbols(html.decode())), 1)

    def test_gs1_symbols_need_a_gtin_and_every_offending_serial_is_named(self):
        product = self.env["product.product"].create(
            {
                "name": "No GTIN",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "INTERNAL-1",
            }
        )
        _picking, lots = self._receive(["NG-1", "NG-2"], product=product)
        wizard = self._wizard(lots)
        with self.assertRaises(UserError) as caught:
            wizard.action_print()
        message = str(caught.exception)
        for expected in (
            "NG-1",
            "NG-2",
            "No GTIN",
            "INTERNAL-1",
            "GTIN-8, -12, -13 or -14",
            "Code 128 only",
        ):
            self.assertIn(expected, message)
        wizard.write({"print_gs1_datamatrix": False, "print_code128": True})
        self.assertEqual(wizard.action_print()["type"], "ir.actions.report")

    def test_serial_that_gs1_refuses_is_reported(self):
        _picking, lots = self._receive(["Sérial 1"])
        with self.assertRaises(UserError) as caught:
            self._wizard(lots).action_print()
        self.assertIn("Sérial 1", str(caught.exception))
        self.assertIn("AI 21", str(caught.exception))

    def test_label_refusals_read_in_the_users_language(self):
        use_french(
            self,
            {
                "label_symbols.code128_charset": "Code 128 ne peut pas porter %(chars)r de "
                "%(text)r : seulement de l'ASCII imprimable",
            },
        )
        _picking, lots = self._receive(["Sérial 2"])
        wizard = self._wizard(lots, print_gs1_datamatrix=False, print_code128=True)
        with self.assertRaises(UserError) as caught:
            wizard.with_context(lang="fr_FR").action_print()
        self.assertIn(
            "Sérial 2: Code 128 ne peut pas porter 'é' de 'Sérial 2' : seulement "
            "de l'ASCII imprimable",
            str(caught.exception),
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_print()
        self.assertIn(
            "Sérial 2: Code 128 cannot carry 'é' of 'Sérial 2': use printable ASCII only",
            str(caught.exception),
        )

    def test_gs1_data_is_built_only_for_gs1_symbols(self):
        """'#' is outside GS1's character set 82: refused in a GS1 symbol, printed in Code 128."""
        _picking, lots = self._receive(["HASH#1"])
        wizard = self._wizard(lots, show_gtin=True)
        with self.assertRaises(UserError) as caught:
            wizard.action_print()
        self.assertIn("HASH#1", str(caught.exception))
        self.assertIn("AI 21", str(caught.exception))
        wizard.write({"print_gs1_datamatrix": False, "print_code128": True})
        action = wizard.action_print()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            action["report_name"], None, data=action["data"]
        )
        self.assertEqual(len(self._symbols(html.decode())), 1)
        self.assertIn(GTIN14, html.decode())  # the GTIN text still prints

    def test_symbol_too_dense_for_the_format_is_refused(self):
        _picking, lots = self._receive(["LONG-SERIAL-00000001"])
        wizard = self._wizard(lots, print_gs1_datamatrix=False, print_gs1_128=True)
        with self.assertRaises(UserError) as caught:
            wizard.action_print()
        self.assertIn(
            "LONG-SERIAL-00000001: GS1-128 would print with 0.129 mm modules", str(caught.exception)
        )
        wizard.label_format = "single_100x150"  # 0.259 mm modules
        self.assertEqual(wizard.action_print()["type"], "ir.actions.report")

    def test_nothing_to_print_is_refused(self):
        _picking, lots = self._receive(["E-1"])
        wizard = self._wizard(lots, print_gs1_datamatrix=False)
        with self.assertRaises(UserError):
            wizard.action_print()
        for copies in (0, 1001):
            wizard.write({"print_gs1_datamatrix": True, "copies": copies})
            with self.assertRaises(UserError):
                wizard.action_print()

    def test_label_content_reads_with_odoo_gs1_nomenclature(self):
        """Users of barcodes_gs1_nomenclature scan our GS1 data with Odoo's own parser."""
        if "barcodes_gs1_nomenclature" not in self.env.registry._init_modules:
            self.skipTest("barcodes_gs1_nomenclature is not installed")
        _picking, lots = self._receive(["GS1-42"])
        lots.batch_code = "L7"
        symbol = self.env["report.serial_tracking.report_serial_label"]._serial_label(
            lots,
            ["gs1_128"],
            [],
            self.env["report.serial_tracking.report_serial_label"]._serial_layout_for(
                "single_100x150", 1, 0, 0
            ),
        )["linear"][0]
        nomenclature = self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")
        parsed = {
            row["ai"]: (row["type"], row["value"])
            for row in nomenclature.parse_barcode("]C1" + symbol.content)
        }
        self.assertEqual(
            parsed, {"01": ("product", GTIN14), "21": ("lot", "GS1-42"), "10": ("lot", "L7")}
        )
        self.assertEqual(symbol.content, f"01{GTIN14}21GS1-42{GS}10L7")

    def test_wizard_starts_with_the_affected_units_of_a_recall(self):
        _picking, lots = self._receive(["RC-1", "RC-2", "RC-3"])
        recall = self.env["serial.recall"].create(
            {
                "reason": "Faulty capacitor",
                "severity": "high",
                "lot_ids": [Command.set(lots[:2].ids)],
            }
        )
        recall.action_simulate()
        wizard = (
            self.env["serial.label.wizard"]
            .with_context(active_model="serial.recall", active_ids=recall.ids)
            .create({})
        )
        self.assertEqual(wizard.lot_ids, lots[:2])

    def test_label_action_is_offered_on_serials_and_recalls(self):
        """Transfers print labels with Odoo's Print > Labels, which opens the wizard."""
        bound = self.env["ir.actions.act_window"].search(
            [("res_model", "=", "serial.label.wizard"), ("binding_model_id", "!=", False)]
        )
        self.assertEqual(
            set(bound.binding_model_id.mapped("model")),
            {"stock.lot", "serial.recall"}
            | ({"mrp.production"} if "mrp.production" in self.env else set()),
        )

    def test_wizard_starts_with_the_serials_a_manufacturing_order_produces(self):
        if "mrp.production" not in self.env:
            self.skipTest("mrp is not installed")
        lots = self.env["stock.lot"].create(
            [{"name": name, "product_id": self.product.id} for name in ("MO-1", "MO-2")]
        )
        production = self.env["mrp.production"].create(
            {
                "product_id": self.product.id,
                "product_qty": 2,
                "product_uom_id": self.product.uom_id.id,
            }
        )
        production.lot_producing_ids = lots
        wizard = (
            self.env["serial.label.wizard"]
            .with_context(active_model="mrp.production", active_ids=production.ids)
            .create({})
        )
        self.assertEqual(wizard.lot_ids, lots)

    def test_expiry_comes_from_product_expiry_when_installed(self):
        if "expiration_date" not in self.env["stock.lot"]._fields:
            self.skipTest("product_expiry is not installed")
        _picking, lot = self._receive(["EXP-1"])
        lot.write({"batch_code": "B1", "expiration_date": "2027-03-31 10:00:00"})
        unit = self.report._serial_unit_data(lot)
        self.assertEqual(unit["pairs"][2:], [("10", "B1"), ("17", "270331")])
        self.assertIn(f"/01/{GTIN14}/21/EXP-1?10=B1&17=270331&k=", unit["link"])
        label = self.report._serial_label(
            lot, ["gs1_datamatrix"], ["expiry"], self.report._serial_layout_for("a4_3x8", 0, 1, 1)
        )
        self.assertEqual(label["square"][0].content, f"01{GTIN14}17270331" + f"21EXP-1{GS}10B1")
        self.assertEqual(label["texts"], [("expiry", "EXP 2027-03-31")])

    def test_inventory_user_prints_labels(self):
        _picking, lots = self._receive(["U-1"])
        wizard = (
            self.env["serial.label.wizard"]
            .with_user(self.stock_user)
            .with_context(active_model="stock.lot", active_ids=lots.ids)
            .create({})
        )
        action = wizard.action_print()
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.stock_user)
            ._render_qweb_html(action["report_name"], lots.ids, data=action["data"])
        )
        self.assertEqual(len(self._symbols(html.decode())), 1)

    def test_resolver_address_is_a_company_setting(self):
        settings = Form(self.env["res.config.settings"])
        settings.serial_resolver_url = "https://id.example.org"
        settings.save().execute()
        self.assertEqual(self.env.company.serial_resolver_url, "https://id.example.org")
        _picking, lots = self._receive(["S-1"])
        self.assertTrue(
            self.report._serial_unit_data(lots)["link"].startswith(
                f"https://id.example.org/01/{GTIN14}/21/S-1"
            )
        )
