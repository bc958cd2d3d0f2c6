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

import logging
from datetime import date, datetime, time
from urllib.parse import quote

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize

from ..tools import digital_link, lifecycle, unit_proof

_logger = logging.getLogger(__name__)

# only a unit delivered to a customer can be registered by its buyer
_REGISTRABLE = frozenset({lifecycle.SHIPPED})
_MAX_NAME = 128


class SerialResolver(http.Controller):

    @http.route("/01/<path:rest>", type="http", auth="public", methods=["GET", "POST"],
                csrf=True)
    def serial_resolver(self, rest=None, **post):
        try:
            link = digital_link.parse_digital_link(self._serial_request_uri())
        except digital_link.DigitalLinkError as exc:
            return self._serial_render("serial_tracking.resolver_malformed",
                                       {"error": str(exc)}, status=400)
        post_request = request.httprequest.method == "POST"
        # counted before the unit is looked up: unknown serials cost the same as known ones
        if not request.env["serial.resolver.attempt"]._serial_allow(
                request.httprequest.remote_addr, "register" if post_request else "view",
                self._serial_key(link)):
            return self._serial_render("serial_tracking.resolver_rate_limited", {}, status=429)
        lot = self._serial_find(link)
        if not lot:
            return self._serial_render("serial_tracking.resolver_unknown", {}, status=404)
        proven = self._serial_proven(link, lot)
        values = {"form": {}, "errors": {}, "proven": proven}
        if post_request and not proven:
            # only who holds the label may register: nothing is written
            return self._serial_render("serial_tracking.resolver_page",
                                       dict(values, **self._serial_public_values(lot)),
                                       status=403)
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
        return request.env["serial.unit.proof"]._serial_check(
            link.elements["01"], lot.name, token)

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
        products = request.env["product.product"].sudo().with_context(
            active_test=False, skip_preprocess_gs1=True).search(
            [("barcode", "in", list(candidates))])
        products = products.filtered(lambda product: report._serial_gtin(product) == gtin)
        if not products:
            return request.env["stock.lot"]
        lot = request.env["stock.lot"].sudo().search(
            [("product_id", "in", products.ids), ("name", "=", serial)], limit=1)
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
                company.email, quote(request.env._("Service request for serial %s", lot.name)))
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
        return dict(cls._serial_public_values(lot), **{
            "lot": lot,
            "warranty_state": lot.warranty_state,
            "warranty_state_label": dict(
                lot._fields["warranty_state"]._description_selection(request.env)
            ).get(lot.warranty_state),
            "warranty_end_date": lot.warranty_end_date,
            "registered": registered,
            "can_register": not registered and lot.lifecycle_state in _REGISTRABLE,
            "today": fields.Date.context_today(lot),
        })

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
        """Validate the form and record a ``registered`` event (which starts coverages)."""
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
            return {"form": form, "errors": {"form": env._(
                "Only a product delivered to a customer can be registered. Please contact us.")}}
        day = self._serial_parse_date(form["date"])
        today = fields.Date.context_today(lot)
        shipped = self._serial_shipment_date(lot)
        if not day or day > today or (shipped and day < shipped):
            errors["date"] = env._(
                "Enter the purchase date: not in the future, nor before %(date)s, when we "
                "shipped this product.", date=shipped or today)
        if errors:
            return {"form": form, "errors": errors}
        if lot.event_ids.filtered(lambda e: e.event_type == "registered"):
            return {"form": form, "errors": {"form": env._("This unit is already registered.")}}
        try:
            with env.cr.savepoint():
                # never an existing partner: an e-mail address typed by anyone proves nothing
                partner = env["res.partner"].sudo().create({
                    "name": name, "email": email, "company_id": lot.company_id.id})
                env["stock.lot"].sudo()._serial_apply_events([{
                    "lot": lot,
                    "event_type": "registered",
                    "date": datetime.combine(day, time(12, 0)),
                    "partner_id": partner.id,
                    "document_ref": env._("Online registration"),
                    "note": env._("Registered on the public serial page by %(name)s <%(email)s>",
                                  name=name, email=email),
                }])
        except (UserError, ValidationError) as exc:
            _logger.info("Online registration of serial %s refused: %s", lot.name, exc)
            return {"form": form, "errors": {"form": env._(
                "This unit cannot be registered online. Please contact us.")}}
        lot.invalidate_recordset()
        return {"form": {}, "errors": {}, "registered_now": True}

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
