import re
from datetime import date

from odoo.tests import HttpCase, tagged

from .warranty_common import WarrantyCase

GTIN = "09521234543213"
OTHER_GTIN = "04006381333931"  # valid check digit, no product of ours
RESOLVER = "/01/{gtin}/21/{serial}"


@tagged("post_install", "-at_install")
class TestSerialResolver(HttpCase, WarrantyCase):
    """The public page behind the Digital Link on labels, as an anonymous visitor sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registration_policy = cls._make_policy("Drill: register for labour", [
            {"coverage_type": "parts", "duration": 12, "duration_unit": "month",
             "trigger": "shipment"},
            {"coverage_type": "labour", "duration": 24, "duration_unit": "month",
             "trigger": "registration"},
        ])
        cls.drill = cls._make_product("Cordless Drill 18V", cls.registration_policy,
                                      barcode=GTIN[1:], list_price=149.0)
        cls.env.company.email = "service@example.com"

    def setUp(self):
        super().setUp()
        _picking, self.lot = self._receive(["DR/0001"], product=self.drill)
        self.lot.batch_code = "B7"
        self._deliver(self.lot)

    def _get(self, path, **kwargs):
        return self.url_open(path, allow_redirects=False, **kwargs)

    def _page(self, serial="DR%2F0001", gtin=GTIN, query=""):
        return self._get(RESOLVER.format(gtin=gtin, serial=serial) + query)

    def _csrf(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _register(self, token=None, **values):
        html = self._page().text
        data = {"csrf_token": token or self._csrf(html), "name": "Ada Lovelace",
                "email": "ada@example.com", "date": date.today().isoformat()}
        data.update(values)
        return self.url_open(RESOLVER.format(gtin=GTIN, serial="DR%2F0001"), data=data,
                             allow_redirects=False)

    # --- reading -----------------------------------------------------------------------------

    def test_known_unit_shows_product_genuineness_and_warranty_only(self):
        response = self._page(query="?10=B7")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Cordless Drill 18V", html)
        self.assertIn("o_resolver_genuine", html)
        self.assertIn("DR/0001", html)
        self.assertIn('data-state="active"', html)
        self.assertIn("o_resolver_warranty_end", html)
        self.assertIn("o_resolver_register", html)
        self.assertIn("mailto:service@example.com", html)
        for secret in ("Customer Inc", "Vendor Ltd", "149.0", self.stock.name, "B7"):
            self.assertNotIn(secret, html)

    def test_short_gtin_forms_and_path_qualifiers_are_understood(self):
        self.assertEqual(self._page(gtin=GTIN[1:]).status_code, 200)  # GTIN-13 in the URI
        self.assertEqual(self._get(f"/01/{GTIN}/10/B7/21/DR%2F0001").status_code, 200)

    def test_gs1_nomenclature_users_are_served_too(self):
        """barcodes_gs1_nomenclature rewrites barcode searches; the page does not depend on it."""
        gs1_nomenclature = self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature",
                                        raise_if_not_found=False)
        if not gs1_nomenclature:
            self.skipTest("barcodes_gs1_nomenclature is not installed")
        self.env.company.nomenclature_id = gs1_nomenclature
        self.assertIn("o_resolver_genuine", self._page().text)
        self.assertEqual(self._page(serial="NOPE").status_code, 404)

    def test_unknown_serial_wrong_gtin_and_wrong_batch_look_the_same(self):
        unknown = self._page(serial="DR%2F9999")
        wrong_gtin = self._page(gtin=OTHER_GTIN)
        wrong_batch = self._page(query="?10=OTHER")
        no_serial = self._get(f"/01/{GTIN}")
        for response in (unknown, wrong_gtin, wrong_batch, no_serial):
            self.assertEqual(response.status_code, 404)
            self.assertIn("o_resolver_unknown", response.text)
            self.assertNotIn("Cordless Drill", response.text)
        self.assertEqual(unknown.text, wrong_gtin.text)
        self.assertEqual(unknown.text, wrong_batch.text)

    def test_malformed_uris_are_client_errors(self):
        for path in (
            f"/01/{GTIN[:-1]}4/21/X",  # GTIN check digit
            "/01/123/21/X",  # not a GTIN
            f"/01/{GTIN}/21/{'X' * 21}",  # serial longer than 20
            f"/01/{GTIN}/21/A%20B",  # space: not in GS1 character set 82
            f"/01/{GTIN}/21/%C3%A9",  # nor is a letter with an accent
            f"/01/{GTIN}/21/DR%2F0001?17=251340",  # impossible date
            f"/01/{GTIN}/21/DR%2F0001/10/B7",  # qualifiers out of order
        ):
            response = self._get(path)
            self.assertEqual(response.status_code, 400, path)
            self.assertIn("o_resolver_malformed", response.text, path)

    # --- registration ------------------------------------------------------------------------

    def test_registration_starts_coverage_and_writes_the_ledger(self):
        labour = self._coverages(self.lot, coverage_type="labour")
        self.assertEqual(labour.state, "pending")
        response = self._register()
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_resolver_registered_now", response.text)
        self.lot.invalidate_recordset()
        labour.invalidate_recordset()
        self.assertEqual(labour.state, "active")
        self.assertEqual(labour.start_date, date.today())
        event = self.lot.event_ids.filtered(lambda e: e.event_type == "registered")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.partner_id.email, "ada@example.com")
        self.assertEqual(event.document_ref, "Online registration")
        # once registered, the page says so and offers no second registration
        again = self._page().text
        self.assertIn("o_resolver_registered", again)
        self.assertNotIn("o_resolver_register\"", again)

    def test_registration_form_errors_write_nothing(self):
        response = self._register(name="", email="not-an-email", date="2999-01-01")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count('class="o_error"'), 3)
        self.assertFalse(self.lot.event_ids.filtered(lambda e: e.event_type == "registered"))

    def test_registration_without_csrf_token_is_refused(self):
        response = self._register(token="forged")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.lot.event_ids.filtered(lambda e: e.event_type == "registered"))

    def test_registration_is_rate_limited_per_address(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.resolver_registration_limit", "2")
        for _attempt in range(2):
            self.assertEqual(self._register(email="bad").status_code, 200)
        limited = self._register()
        self.assertEqual(limited.status_code, 429)
        self.assertIn("o_resolver_rate_limited", limited.text)
        self.assertFalse(self.lot.event_ids.filtered(lambda e: e.event_type == "registered"))
        # the count is per address: another address is still allowed
        attempts = self.env["serial.resolver.attempt"]
        self.assertTrue(attempts._serial_allow("203.0.113.9"))
        self.assertFalse(attempts._serial_allow("127.0.0.1"))

    def test_unit_that_cannot_be_registered_gets_no_form(self):
        _picking, lot = self._receive(["DR-NEW"], product=self.drill)
        self._transition(lot, "scrap", user=self.stock_manager, reason=self.reason_scrap)
        html = self._page(serial="DR-NEW").text
        self.assertIn("o_resolver_genuine", html)
        self.assertNotIn("o_resolver_register", html)
