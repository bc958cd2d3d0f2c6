import re
from datetime import date, datetime, timedelta
from unittest.mock import patch
from urllib.parse import unquote, urlsplit

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import config

from odoo.addons.serial_tracking.models.serial_ownership_claim import CLAIM_WRITE

from .translation_common import use_french
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
        cls.registration_policy = cls._make_policy(
            "Drill: register for labour",
            [
                {
                    "coverage_type": "parts",
                    "duration": 12,
                    "duration_unit": "month",
                    "trigger": "shipment",
                },
                {
                    "coverage_type": "labour",
                    "duration": 24,
                    "duration_unit": "month",
                    "trigger": "registration",
                },
            ],
        )
        cls.drill = cls._make_product(
            "Cordless Drill 18V", cls.registration_policy, barcode=GTIN[1:], list_price=149.0
        )
        cls.env.company.email = "service@example.com"

    def setUp(self):
        super().setUp()
        _picking, self.lot = self._receive(["DR/0001"], product=self.drill)
        self.lot.batch_code = "B7"
        self._deliver(self.lot)

    def _get(self, path, **kwargs):
        return self.url_open(path, allow_redirects=False, **kwargs)

    def _proof(self, serial="DR/0001"):
        return self.env["serial.unit.proof"]._serial_token(GTIN, serial)

    def _page(self, serial="DR%2F0001", gtin=GTIN, query="", proof=True, headers=None):
        """GET the page; with ``proof``, as the label's QR code links it (``k=<token>``)."""
        if proof:
            query += ("&" if query else "?") + "k=" + self._proof(unquote(serial))
        return self._get(RESOLVER.format(gtin=gtin, serial=serial) + query, headers=headers)

    def _csrf(self, html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _register(self, token=None, proof=True, serial="DR%2F0001", headers=None, **values):
        html = self._page(serial=serial, headers=headers).text
        data = {
            "csrf_token": token or self._csrf(html),
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "date": date.today().isoformat(),
        }
        data.update(values)
        query = "?k=" + self._proof(unquote(serial)) if proof else ""
        return self.url_open(
            RESOLVER.format(gtin=GTIN, serial=serial) + query,
            data=data,
            allow_redirects=False,
            headers=headers,
        )

    def _behind_proxy(self, address):
        """Headers of a request forwarded by a reverse proxy for the client ``address``."""
        return {"X-Forwarded-For": address, "X-Forwarded-Host": urlsplit(self.base_url()).netloc}

    def _set_limit(self, name, value):
        self.env["ir.config_parameter"].sudo().set_param(f"serial_tracking.{name}", str(value))

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
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        for secret in ("Customer Inc", "Vendor Ltd", "149.0", self.stock.name, "B7"):
            self.assertNotIn(secret, html)

    def test_typed_link_without_proof_shows_only_that_the_unit_is_genuine(self):
        """GTIN + sequential serials are guessable: without the label's token, no warranty,
        no registration status, no form (issue 20, items 1 and 4)."""
        no_token = self._page(proof=False)
        wrong_token = self._page(query="?k=" + self._proof("DR/0002"), proof=False)
        for response in (no_token, wrong_token):
            self.assertEqual(response.status_code, 200)
            html = response.text
            self.assertIn("o_resolver_genuine", html)
            self.assertIn("o_resolver_no_proof", html)
            self.assertIn("Cordless Drill 18V", html)
            for detail in (
                "o_resolver_warranty",
                "data-state",
                "o_resolver_registered",
                "o_resolver_register",
                "csrf_token",
            ):
                self.assertNotIn(detail, html)

    def test_link_printed_on_the_label_shows_the_details(self):
        link = self.env["report.serial_tracking.report_serial_label"]._serial_unit_data(self.lot)[
            "link"
        ]
        parts = urlsplit(link)
        self.assertIn("k=" + self._proof(), parts.query)
        html = self._get(f"{parts.path}?{parts.query}").text
        self.assertIn('data-state="active"', html)
        self.assertIn("o_resolver_register", html)

    def test_short_gtin_forms_and_path_qualifiers_are_understood(self):
        self.assertEqual(self._page(gtin=GTIN[1:]).status_code, 200)  # GTIN-13 in the URI
        self.assertEqual(self._get(f"/01/{GTIN}/10/B7/21/DR%2F0001").status_code, 200)

    def test_gs1_nomenclature_users_are_served_too(self):
        """barcodes_gs1_nomenclature rewrites barcode searches; the page does not depend on it."""
        gs1_nomenclature = self.env.ref(
            "barcodes_gs1_nomenclature.default_gs1_nomenclature", raise_if_not_found=False
        )
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

    def test_malformed_uri_is_explained_in_the_visitors_language(self):
        use_french(
            self,
            {
                "digital_link.value_where": "%(error)s (%(where)s)",
                "digital_link.in_path": "dans le chemin",
                "gs1.wrong_check": "le chiffre de contrôle devrait être %(expected)s, pas %(got)s",
            },
        )
        path = f"/01/{GTIN[:-1]}4/21/X"
        french = self._get(path, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        self.assertEqual(french.status_code, 400)
        self.assertIn(
            "AI 01: le chiffre de contrôle devrait être 3, pas 4 (dans le chemin)", french.text
        )
        english = self._get(path, headers={"Accept-Language": "en-US"})
        self.assertIn("AI 01: check digit should be 3, got 4 (in the path)", english.text)

    # --- registration ------------------------------------------------------------------------

    def _claim_link(self, email="ada@example.com"):
        """The confirmation link as the claimant reads it in the e-mail we sent."""
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("email_to", "=", email)], order="id desc", limit=1)
        )
        self.assertTrue(mail, "no confirmation e-mail was sent")
        url = re.search(r'class="o_claim_confirm_link" href="([^"]+)"', mail.body_html).group(1)
        return urlsplit(url).path

    def _confirm(self, path):
        csrf = self._csrf(self._get(path).text)
        return self.url_open(path, data={"csrf_token": csrf}, allow_redirects=False)

    def _claim(self):
        return self.env["serial.ownership.claim"].search([("lot_id", "=", self.lot.id)])

    def _registered(self, lot=None):
        lot = lot or self.lot
        lot.invalidate_recordset()
        return lot.event_ids.filtered(lambda e: e.event_type == "registered")

    def _call_kw(self, model, method, args, context=None):
        """A JSON-RPC call as the web client (or a script with its session) makes it."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": {"context": context or {}},
                },
            },
        )
        return response.json()

    def test_registration_is_a_claim_confirmed_by_email_then_accepted(self):
        """Double opt-in, then a manager: coverage and holder change only at the end, and
        the holder change is in the ledger (issue 20, item 1)."""
        labour = self._coverages(self.lot, coverage_type="labour")
        self.assertEqual(labour.state, "pending")
        response = self._register()
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_resolver_claim_sent", response.text)
        claim = self._claim()
        self.assertEqual(claim.state, "email")
        self.assertFalse(self._registered())
        self.assertEqual(self.lot.current_partner_id, self.customer)
        # the link in the e-mail: opening it (as mail scanners do) confirms nothing
        path = self._claim_link()
        self.assertIn("o_claim_confirm", self._get(path).text)
        claim.invalidate_recordset()
        self.assertEqual(claim.state, "email")
        confirmed = self._confirm(path)
        self.assertIn("o_claim_confirmed", confirmed.text)
        claim.invalidate_recordset()
        self.assertEqual(claim.state, "review")
        labour.invalidate_recordset()
        self.assertEqual(labour.state, "pending")
        self.assertFalse(self._registered())
        self.assertEqual(self._get(path).status_code, 404)  # used once
        # the manager accepts, from the claim's button
        claim.with_user(self.stock_manager).action_accept()
        self.assertEqual(claim.state, "accepted")
        labour.invalidate_recordset()
        self.assertEqual(labour.state, "active")
        self.assertEqual(labour.start_date, date.today())
        event = self._registered()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.partner_id, claim.partner_id)
        self.assertEqual(event.partner_id.email, "ada@example.com")
        self.assertEqual(event.document_ref, "Online registration")
        self.assertEqual(self.lot.current_partner_id, claim.partner_id)
        self.assertEqual(claim.event_id, event)
        # once registered, the page says so and offers no second registration
        again = self._page().text
        self.assertIn("o_resolver_registered", again)
        self.assertNotIn('o_resolver_register"', again)

    def test_refused_claim_changes_nothing(self):
        self._register()
        self._confirm(self._claim_link())
        claim = self._claim()
        claim.with_user(self.stock_manager).action_refuse()
        self.assertEqual(claim.state, "refused")
        self.assertFalse(self._registered())
        self.assertEqual(self.lot.current_partner_id, self.customer)
        self.assertEqual(self._coverages(self.lot, coverage_type="labour").state, "pending")
        with self.assertRaisesRegex(UserError, "cannot be accepted in their state"):
            claim.with_user(self.stock_manager).action_accept()

    def test_confirmation_link_needs_its_token_and_expires(self):
        self._register()
        path = self._claim_link()
        claim = self._claim()
        forged = path.rsplit("/", 1)[0] + "/" + "A" * 43
        self.assertEqual(self._get(forged).status_code, 404)
        csrf = self._csrf(self._page().text)
        self.assertEqual(
            self.url_open(forged, data={"csrf_token": csrf}, allow_redirects=False).status_code, 404
        )
        claim.sudo().with_context(serial_claim_write=CLAIM_WRITE).confirm_deadline = (
            datetime.now() - timedelta(minutes=1)
        )
        self.assertEqual(self._get(path).status_code, 404)
        claim.invalidate_recordset()
        self.assertEqual(claim.state, "email")

    def test_claims_change_only_through_their_buttons_and_for_managers(self):
        """Over JSON-RPC: a plain user cannot accept; nobody writes a claim's state, even
        with the context key its own methods use."""
        self._register()
        self._confirm(self._claim_link())
        claim = self._claim()
        self.authenticate("st_stock_user", "st_stock_user")
        result = self._call_kw("serial.ownership.claim", "action_accept", [claim.ids])
        self.assertIn("error", result)
        self.authenticate("st_stock_manager", "st_stock_manager")
        for context in ({}, {"serial_claim_write": True}, {"serial_lifecycle_write": True}):
            result = self._call_kw(
                "serial.ownership.claim", "write", [claim.ids, {"state": "accepted"}], context
            )
            self.assertIn("error", result, context)
        result = self._call_kw(
            "serial.ownership.claim",
            "create",
            [
                {
                    "lot_id": self.lot.id,
                    "claimant_name": "X",
                    "email": "x@example.com",
                    "purchase_date": date.today().isoformat(),
                    "state": "review",
                }
            ],
        )
        self.assertIn("error", result)
        claim.invalidate_recordset()
        self.assertEqual(claim.state, "review")
        self.assertFalse(self._registered())
        with self.assertRaises(AccessError):
            claim.with_user(self.stock_user).action_accept()

    def test_registration_form_errors_write_nothing(self):
        response = self._register(name="", email="not-an-email", date="2999-01-01")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count('class="o_error"'), 3)
        self.assertFalse(self._claim() or self._registered())

    def test_registration_without_proof_is_refused(self):
        html = self._page(proof=False).text
        self.assertNotIn("csrf_token", html)
        response = self._register(token=self._csrf(self._page().text), proof=False)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("o_resolver_claim_sent", response.text)
        self.assertFalse(self._claim() or self._registered())
        forged = self._register(proof=False, serial="DR%2F0001")
        self.assertEqual(forged.status_code, 403)

    def test_registration_never_attaches_the_unit_to_an_existing_partner(self):
        customer = self.env["res.partner"].create(
            {"name": "Real Customer", "email": "ada@example.com"}
        )
        self.assertIn("o_resolver_claim_sent", self._register().text)
        self._confirm(self._claim_link())
        self._claim().with_user(self.stock_manager).action_accept()
        event = self._registered()
        self.assertTrue(event.partner_id)
        self.assertNotEqual(event.partner_id, customer)
        self.assertEqual(event.partner_id.company_id, self.lot.company_id)

    def test_unit_in_stock_or_returned_cannot_be_registered(self):
        _picking, lot = self._receive(["DR-STOCK"], product=self.drill)
        html = self._page(serial="DR-STOCK").text
        self.assertIn("data-state=", html)
        self.assertNotIn('o_resolver_register"', html)
        # the form is not shown, and a forged POST is refused all the same
        csrf = self._csrf(self._page().text)
        response = self._register(token=csrf, serial="DR-STOCK")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Only a product delivered to a customer", response.text)
        self.assertFalse(self.env["serial.ownership.claim"].search([("lot_id", "=", lot.id)]))

    def test_purchase_date_before_the_shipment_is_refused(self):
        before = (date.today() - timedelta(days=400)).isoformat()
        response = self._register(date=before)
        self.assertEqual(response.status_code, 200)
        self.assertIn("when we shipped this product", response.text)
        self.assertFalse(self._claim() or self._registered())

    def test_page_views_are_rate_limited_per_address(self):
        """Enumeration by GET: one address gets a limited number of pages, known or not."""
        self._set_limit("resolver_view_limit", 3)
        self.assertEqual(self._page().status_code, 200)
        self.assertEqual(self._page(serial="DR%2F0002").status_code, 404)
        self.assertEqual(self._page(proof=False).status_code, 200)
        limited = self._page()
        self.assertEqual(limited.status_code, 429)
        self.assertIn("o_resolver_rate_limited", limited.text)
        self.assertNotIn("Cordless Drill", limited.text)

    def test_ipv6_addresses_of_one_64_network_count_together(self):
        """Behind a proxy (proxy_mode, X-Forwarded-For and -Host) the client's address is
        counted, an IPv6 one per /64: rotating the interface identifier does not help."""
        self._set_limit("resolver_view_limit", 2)
        with patch.dict(config.options, {"proxy_mode": True}):
            for address in ("2001:db8:1:2::1", "2001:db8:1:2:aaaa::7"):
                response = self._page(headers=self._behind_proxy(address))
                self.assertEqual(response.status_code, 200, address)
            same_network = self._page(headers=self._behind_proxy("2001:db8:1:2:ffff::1"))
            self.assertEqual(same_network.status_code, 429)
            other_network = self._page(headers=self._behind_proxy("2001:db8:1:3::1"))
            self.assertEqual(other_network.status_code, 200)
        keys = set(self.env["serial.resolver.attempt"].search([]).mapped("remote_addr"))
        self.assertEqual(keys, {"2001:db8:1:2::/64", "2001:db8:1:3::/64"})

    def test_page_views_have_a_global_cap(self):
        self._set_limit("resolver_view_global_limit", 3)
        with patch.dict(config.options, {"proxy_mode": True}):
            for index in range(3):
                response = self._page(headers=self._behind_proxy(f"198.51.100.{index + 1}"))
                self.assertEqual(response.status_code, 200)
            response = self._page(headers=self._behind_proxy("198.51.100.99"))
            self.assertEqual(response.status_code, 429)

    def test_registrations_are_capped_per_unit_and_overall(self):
        """Many addresses POSTing for one unit (a botnet guessing) hit the unit's cap."""
        self._set_limit("resolver_registration_serial_limit", 2)
        with patch.dict(config.options, {"proxy_mode": True}):
            for index in range(2):
                response = self._register(
                    email="bad", headers=self._behind_proxy(f"198.51.100.{index + 1}")
                )
                self.assertEqual(response.status_code, 200)
            response = self._register(headers=self._behind_proxy("198.51.100.50"))
            self.assertEqual(response.status_code, 429)
            self.assertFalse(self._claim() or self._registered())
            self._set_limit("resolver_registration_serial_limit", 100)
            self._set_limit("resolver_registration_global_limit", 2)
            response = self._register(email="bad", headers=self._behind_proxy("198.51.100.60"))
            self.assertEqual(response.status_code, 429)

    def test_registration_without_csrf_token_is_refused(self):
        response = self._register(token="forged")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._claim() or self._registered())

    def test_registration_is_rate_limited_per_address(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.resolver_registration_limit", "2"
        )
        for _attempt in range(2):
            self.assertEqual(self._register(email="bad").status_code, 200)
        limited = self._register()
        self.assertEqual(limited.status_code, 429)
        self.assertIn("o_resolver_rate_limited", limited.text)
        self.assertFalse(self._claim() or self._registered())
        # the count is per address: another address is still allowed
        attempts = self.env["serial.resolver.attempt"]
        self.assertTrue(attempts._serial_allow("203.0.113.9"))
        self.assertFalse(attempts._serial_allow("127.0.0.1"))

    def test_unit_that_cannot_be_registered_gets_no_form(self):
        _picking, lot = self._receive(["DR-NEW"], product=self.drill)
        self._transition(lot, "scrap", user=self.stock_manager, reason=self.reason_scrap)
        html = self._page(serial="DR-NEW").text
        self.assertIn("o_resolver_genuine", html)
        self.assertIn("o_resolver_warranty", html)  # with the proof: details, but no form
        self.assertNotIn("o_resolver_register", html)
