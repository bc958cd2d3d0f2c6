"""Public page answering the GS1 Digital Link URIs printed on serial labels.

``/01/<GTIN>/21/<serial>`` (and the other forms GS1 Digital Link allows, with the batch and
expiry in the path or the query) shows the product, whether the unit is genuine and a link to
request service. Only with the proof token printed in the label's link (``k=``, see
``tools/unit_proof.py``) does it show the warranty status and end date, whether the unit is
registered, and the registration form: GTIN and serial alone are guessable. Nothing else about
the unit or anyone who held it. A unit that is not known (unknown serial, wrong GTIN, batch
that does not match) gets one neutral page, the same whatever the reason. Malformed URIs get a
400 page. Page views and registrations are rate-limited per address, per unit and overall
(``serial.resolver.attempt``).
"""

from datetime import date
from urllib.parse import quote

from odoo import fields, http
from odoo.http import request
from odoo.tools import email_normalize

from ..models import tools_messages
from ..models.serial_ownership_claim import CLAIMABLE as _REGISTRABLE
from ..tools import digital_link, unit_proof

_MAX_NAME = 128


class SerialResolver(http.Controller):
    @http.route("/01/<path:rest>", type="http", auth="public", methods=["GET", "POST"], csrf=True)
    def serial_resolver(self, rest=None, **post):
        try:
            link = digital_link.parse_digital_link(self._serial_request_uri())
        except digital_link.DigitalLinkError as exc:
            error = tools_messages.translate(request.env, exc)
            return self._serial_render(
                "serial_tracking.resolver_malformed", {"error": error}, status=400
            )
        post_request = request.httprequest.method == "POST"
        # counted before the unit is looked up: unknown serials cost the same as known ones
        if not request.env["serial.resolver.attempt"]._serial_allow(
            request.httprequest.remote_addr,
            "register" if post_request else "view",
            self._serial_key(link),
        ):
            return self._serial_render("serial_tracking.resolver_rate_limited", {}, status=429)
        lot = self._serial_find(link)
        if not lot:
            return self._serial_render("serial_tracking.resolver_unknown", {}, status=404)
        proven = self._serial_proven(link, lot)
        values = {"form": {}, "errors": {}, "proven": proven}
        if post_request and not proven:
            # only who holds the label may register: nothing is written
            return self._serial_render(
                "serial_tracking.resolver_page",
                dict(values, **self._serial_public_values(lot)),
                status=403,
            )
        if post_request:
            values.update(self._serial_register(lot, post))
        page = self._serial_page_values(lot) if proven else self._serial_public_values(lot)
        return self._serial_render("serial_tracking.resolver_page", dict(values, **page))

    # --- reading the request ----------------------------------------------------------------

    @staticmethod
    def _serial_request_uri():
        """The URI as requested, with its percent-encoding intact (``%2F`` in a serial)."""
        httprequest = request.httprequest
        environ = httprequest.environ
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if not raw:
            raw = quote(httprequest.path, safe="/")
            if httprequest.query_string:
                raw += "?" + httprequest.query_string.decode("latin-1")
        return httprequest.host_url.rstrip("/") + raw

    @staticmethod
    def _serial_key(link):
        """The unit asked for, as rate limits count it (known or not)."""
        elements = link.elements
        return "%s/%s" % (elements.get("01") or "", elements.get("21") or "")

    @staticmethod
    def _serial_proven(link, lot):
        """Whether the link carries the proof token printed on the unit's label."""
        token = dict(link.extensions).get(unit_proof.TOKEN_PARAM)
        if not token:
            return False
        return request.env["serial.unit.proof"]._serial_check(link.elements["01"], lot.name, token)

    @staticmethod
    def _serial_find(link):
        """The known unit of the link, or an empty recordset; read as superuser."""
        elements = link.elements
        gtin, serial = elements.get("01"), elements.get("21")
        if not gtin or not serial:
            return request.env["stock.lot"]
        report = request.env["report.serial_tracking.report_serial_label"].sudo()
        # the product's barcode may hold the GTIN-8, -12, -13 or -14 form
        candidates = {gtin, gtin[1:], gtin[2:], gtin[6:]}
        products = (
            request.env["product.product"]
            .sudo()
            .with_context(active_test=False, skip_preprocess_gs1=True)
            .search([("barcode", "in", list(candidates))])
        )
        products = products.filtered(lambda product: report._serial_gtin(product) == gtin)
        if not products:
            return request.env["stock.lot"]
        lot = (
            request.env["stock.lot"]
            .sudo()
            .search([("product_id", "in", products.ids), ("name", "=", serial)], limit=1)
        )
        batch = elements.get("10")
        if lot and batch and lot.batch_code and lot.batch_code != batch:
            return request.env["stock.lot"]
        return lot

    # --- page -------------------------------------------------------------------------------

    @staticmethod
    def _serial_public_values(lot):
        """What anyone who knows the GTIN and serial may see: genuine, product, service."""
        company = lot.company_id or request.env.company
        service_url = company.sudo().serial_service_url
        if not service_url and company.email:
            service_url = "mailto:%s?subject=%s" % (
                company.email,
                quote(request.env._("Service request for serial %s", lot.name)),
            )
        return {
            "product_name": lot.product_id.display_name,
            "serial": lot.name,
            "service_url": service_url,
            "company_name": company.name,
        }

    @classmethod
    def _serial_page_values(cls, lot):
        """The page of who holds the label: warranty, registration."""
        registered = bool(lot.event_ids.filtered(lambda e: e.event_type == "registered"))
        return dict(
            cls._serial_public_values(lot),
            **{
                "lot": lot,
                "warranty_state": lot.warranty_state,
                "warranty_state_label": dict(
                    lot._fields["warranty_state"]._description_selection(request.env)
                ).get(lot.warranty_state),
                "warranty_end_date": lot.warranty_end_date,
                "registered": registered,
                "can_register": not registered and lot.lifecycle_state in _REGISTRABLE,
                "today": fields.Date.context_today(lot),
            },
        )

    @staticmethod
    def _serial_render(template, values, status=200):
        response = request.render(template, values, status=status)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        # the proof token is in the URL: never send it on to the service link's site
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    # --- registration -----------------------------------------------------------------------

    def _serial_register(self, lot, post):
        """Validate the form and record an ownership claim, confirmed by e-mail, then
        accepted by a manager; only then are the holder and coverages changed."""
        env = request.env
        name = (post.get("name") or "").strip()
        email = email_normalize(post.get("email") or "")
        form = {"name": name, "email": post.get("email") or "", "date": post.get("date") or ""}
        errors = {}
        if not name or len(name) > _MAX_NAME:
            errors["name"] = env._("Enter your name (up to %s characters).", _MAX_NAME)
        if not email:
            errors["email"] = env._("Enter a valid e-mail address.")
        if lot.lifecycle_state not in _REGISTRABLE:
            return {
                "form": form,
                "errors": {
                    "form": env._(
                        "Only a product delivered to a customer can be registered. "
                        "Please contact us."
                    )
                },
            }
        day = self._serial_parse_date(form["date"])
        today = fields.Date.context_today(lot)
        shipped = self._serial_shipment_date(lot)
        if not day or day > today or (shipped and day < shipped):
            errors["date"] = env._(
                "Enter the purchase date: not in the future, nor before %(date)s, when we "
                "shipped this product.",
                date=shipped or today,
            )
        if errors:
            return {"form": form, "errors": errors}
        if lot.event_ids.filtered(lambda e: e.event_type == "registered"):
            return {"form": form, "errors": {"form": env._("This unit is already registered.")}}
        # a claim only: the unit changes once the e-mail is confirmed and a manager accepts
        env["serial.ownership.claim"]._serial_submit(lot, name, email, day)
        return {"form": {}, "errors": {}, "claim_sent": True, "claim_email": email}

    # --- e-mail confirmation of a claim -----------------------------------------------------

    @http.route(
        "/serial/claim/<int:claim_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=True,
    )
    def serial_claim_confirm(self, claim_id, token, **post):
        """GET asks to confirm (mail scanners open links), POST confirms."""
        claims = request.env["serial.ownership.claim"]
        if not request.env["serial.resolver.attempt"]._serial_allow(
            request.httprequest.remote_addr, "register", f"claim/{claim_id}"
        ):
            return self._serial_render("serial_tracking.resolver_rate_limited", {}, status=429)
        claim = claims._serial_find_pending(claim_id, token)
        if not claim:
            return self._serial_render("serial_tracking.claim_invalid", {}, status=404)
        values = {
            "product_name": claim.lot_id.product_id.display_name,
            "serial": claim.lot_id.name,
            "confirmed": False,
        }
        if request.httprequest.method == "POST":
            claim._serial_confirm_email()
            values["confirmed"] = True
        return self._serial_render("serial_tracking.claim_confirm_page", values)

    @staticmethod
    def _serial_shipment_date(lot):
        """Day of the unit's last delivery to a customer (in the company's sense of today)."""
        shipped = lot.event_ids.filtered(lambda e: e.event_type == "shipped")
        if not shipped:
            return None
        return fields.Date.context_today(lot, max(shipped.mapped("date")))

    @staticmethod
    def _serial_parse_date(text):
        try:
            return date.fromisoformat(text)
        except (TypeError, ValueError):
            return None
