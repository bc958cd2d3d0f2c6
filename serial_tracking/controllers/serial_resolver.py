"""Public page answering the GS1 Digital Link URIs printed on serial labels.

``/01/<GTIN>/21/<serial>`` (and the other forms GS1 Digital Link allows, with the batch and
expiry in the path or the query) shows the product, whether the unit is genuine, its warranty
status and end date, a registration form and a link to request service. Nothing else about
the unit or anyone who held it. A unit that is not known (unknown serial, wrong GTIN, batch
that does not match) gets one neutral page, the same whatever the reason, so that serial
numbers cannot be enumerated. Malformed URIs get a 400 page.
"""

import logging
from datetime import date, datetime, time
from urllib.parse import quote

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize

from ..tools import digital_link, lifecycle

_logger = logging.getLogger(__name__)

_REGISTRABLE = frozenset({lifecycle.SHIPPED, lifecycle.IN_STOCK, lifecycle.RETURNED})
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
        if post_request and not request.env["serial.resolver.attempt"]._serial_allow(
                request.httprequest.remote_addr):
            return self._serial_render("serial_tracking.resolver_rate_limited", {}, status=429)
        lot = self._serial_find(link)
        if not lot:
            return self._serial_render("serial_tracking.resolver_unknown", {}, status=404)
        values = {"form": {}, "errors": {}}
        if post_request:
            values.update(self._serial_register(lot, post))
        return self._serial_render("serial_tracking.resolver_page",
                                   dict(values, **self._serial_page_values(lot)))

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
    def _serial_page_values(lot):
        company = lot.company_id or request.env.company
        registered = bool(lot.event_ids.filtered(lambda e: e.event_type == "registered"))
        service_url = company.sudo().serial_service_url
        if not service_url and company.email:
            service_url = "mailto:%s?subject=%s" % (
                company.email, quote(request.env._("Service request for serial %s", lot.name)))
        return {
            "lot": lot,
            "product_name": lot.product_id.display_name,
            "serial": lot.name,
            "warranty_state": lot.warranty_state,
            "warranty_state_label": dict(
                lot._fields["warranty_state"]._description_selection(request.env)
            ).get(lot.warranty_state),
            "warranty_end_date": lot.warranty_end_date,
            "registered": registered,
            "can_register": not registered and lot.lifecycle_state in _REGISTRABLE,
            "service_url": service_url,
            "company_name": company.name,
            "today": fields.Date.context_today(lot),
        }

    @staticmethod
    def _serial_render(template, values, status=200):
        response = request.render(template, values, status=status)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
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
        day = self._serial_parse_date(form["date"])
        today = fields.Date.context_today(lot)
        if not day or day > today or day.year < 2000:
            errors["date"] = env._("Enter the purchase date (not in the future).")
        if errors:
            return {"form": form, "errors": errors}
        if lot.event_ids.filtered(lambda e: e.event_type == "registered"):
            return {"form": form, "errors": {"form": env._("This unit is already registered.")}}
        try:
            with env.cr.savepoint():
                partner = env["res.partner"].sudo().search(
                    [("email_normalized", "=", email)], limit=1
                ) or env["res.partner"].sudo().create({"name": name, "email": email})
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
    def _serial_parse_date(text):
        try:
            return date.fromisoformat(text)
        except (TypeError, ValueError):
            return None
