from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from ..tools import lifecycle, scan_input
from ..tools import numbering as numbering_tools
from . import tools_messages
from .serial_numbering import NUMBERS_CHECKED, Batch

# Mode -> group needed on top of Inventory user.
MODES = {
    "lookup": None,
    "receive": None,
    "pick": None,
    "count": None,
    "quarantine": "serial_tracking.group_serial_manager",
    "release": "serial_tracking.group_serial_manager",
}
USER_GROUP = "stock.group_stock_user"
# Applying a count writes inventory quantities, which Odoo keeps for Inventory managers.
COUNT_APPLY_GROUP = "stock.group_stock_manager"
COLOURS = {"ok": "success", "warning": "warning", "info": "info", "error": "danger"}
# States from which a unit may leave on a delivery (see tools/lifecycle.py, "shipped").
_SHIPPABLE = frozenset({lifecycle.IN_STOCK, lifecycle.ALLOCATED, lifecycle.RETURNED})
# States of a serial that exists only as a number: it may still be received.
_RECEIVABLE = frozenset({False, None, lifecycle.PLANNED})
_OPEN = ("draft", "waiting", "confirmed", "partially_available", "assigned")
EVENTS_ON_CARD = 5
# Fields read by every scan of a serial, fetched with the search that finds it.
_LOT_FIELDS = ["name", "product_id", "company_id", "lifecycle_state"]
LISTED = 50
# What a receiving scan reads of the product's template and of the move, fetched alone:
# not the dozens of other columns of these wide rows (building and reading them was a
# tenth of a scan's time). A column missing here costs one more query, nothing else.
_TEMPLATE_FIELDS = ["tracking", "is_storable", "company_id", "categ_id", "serial_format_rule_id",
                    "uom_id", "type", "name"]
_RECEIPT_MOVE_FIELDS = [
    "location_id", "location_dest_id", "picked", "picking_id", "picking_type_id", "product_id",
    "production_id", "raw_material_production_id", "state", "product_uom_qty", "quantity",
    "product_uom", "company_id",
]


def _has_surrogate(text):
    """Whether ``text`` holds a lone surrogate, which no database can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _Refused(Exception):
    """A wrong scan: carries the result to send back once the savepoint is rolled back."""

    def __init__(self, result):
        super().__init__(result["message"])
        self.result = result


class SerialScanner(models.AbstractModel):
    """The scanner screen's server side: one call per scan, JSON-able answers.

    Every scan is read by ``tools/scan_input.py`` (GS1 element strings, Digital Link,
    product barcodes, plain serials), checked against the numbering rules, the lifecycle
    and the recalls, and applied to the document of the mode. A wrong scan answers with
    ``status`` ``error`` and a message saying what to do; whatever it may have started
    to write is rolled back to a savepoint, so nothing of it is kept.
    """

    _name = "serial.scanner"
    _description = "Serial Scanner"

    # --- public API (one round trip each) -------------------------------------------

    @api.model
    def load(self, mode, params=None):
        """What the screen needs to start a mode: modes allowed, documents, reasons,
        and the state of the chosen receipt, delivery or location."""
        self._check_mode(mode)
        params = self._params(params)
        data = {"modes": self._allowed_modes(), "mode": mode}
        if mode in ("receive", "pick"):
            data["documents"] = self._open_pickings(mode)
            picking = self._picking(mode, params.get("picking_id"))
            data["document"] = self._document(picking) if picking else False
        elif mode == "count":
            data["locations"] = self._count_locations()
            location = self._location(params.get("location_id"))
            data["location"] = self._location_summary(location) if location else False
        elif mode in ("quarantine", "release"):
            data["reasons"] = self._reasons(mode)
        return data

    @api.model
    def scan(self, mode, code=None, params=None):
        """Read one scan in ``mode`` and apply it; see the class documentation."""
        self._check_mode(mode)
        if not isinstance(code, str):
            raise UserError(self.env._("A scan is text."))
        if "\x00" in code or (not code.isprintable() and _has_surrogate(code)):
            raise UserError(self.env._(
                "This scan holds characters no barcode carries (NUL or broken Unicode); "
                "scan the label again."))
        params = self._params(params)
        handler = getattr(self, f"_scan_{mode}")
        return self._guarded(handler, code, params)

    def _guarded(self, handler, *args):
        """Run ``handler`` in a savepoint: a refusal or a user error rolls back whatever
        it wrote and becomes an ``error`` answer."""
        try:
            with self.env.cr.savepoint():
                return handler(*args)
        except _Refused as refused:
            return refused.result
        except (UserError, ValidationError) as error:
            return self._error(str(error.args[0] if error.args else error))

    @api.model
    def undo(self, mode, entry, params=None):
        """Take back the last scan of the running list (``entry`` as ``scan`` gave it)."""
        self._check_mode(mode)
        params = self._params(params)
        undo = self._undo_data(entry)
        if mode == "lookup":
            return self._error(self.env._("Look up changes nothing: there is nothing to take "
                                          "back."))
        handler = getattr(self, f"_undo_{mode}", None)
        if handler is None or not undo:
            return {"status": "ok", "colour": COLOURS["ok"],
                    "message": self.env._("Scan taken back.")}
        return self._guarded(handler, undo, params)

    @api.model
    def validate(self, mode, params=None):
        """Validate the receipt or delivery, or apply the count."""
        self._check_mode(mode)
        params = self._params(params)
        if mode not in ("receive", "pick", "count"):
            raise UserError(self.env._("Nothing to validate in this mode."))
        if mode == "count":
            return self._guarded(self._apply_count, params)
        return self._guarded(self._validate_picking, mode, params)

    @api.model
    def count_review(self, params=None):
        """Found, missing and unexpected units of the count in ``params``."""
        self._check_mode("count")
        params = self._params(params)
        location = self._location(params.get("location_id"))
        if not location:
            raise UserError(self.env._("Choose the location to count first."))
        return self._count_review(location, params.get("scanned") or [])

    @api.model
    def action_open_serial(self, lot_id):
        lot = self.env["stock.lot"].browse(lot_id).exists()
        lot.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.lot",
            "res_id": lot.id,
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def action_print_label(self, lot_id):
        lot = self.env["stock.lot"].browse(lot_id).exists()
        lot.check_access("read")
        wizard_xmlid = "serial_tracking.action_serial_label_wizard"
        if not self.env.ref(wizard_xmlid, raise_if_not_found=False):
            return self.env.ref("stock.action_report_lot_label").report_action(lot)
        action = self.env["ir.actions.act_window"]._for_xml_id(wizard_xmlid)
        action["context"] = {"active_model": "stock.lot", "active_ids": lot.ids,
                             "active_id": lot.id}
        return action

    # --- access -----------------------------------------------------------------------

    def _check_mode(self, mode):
        if not isinstance(mode, str) or mode not in MODES:
            raise UserError(self.env._("Unknown scanner mode %(mode)s.", mode=mode))
        user = self.env.user
        if not user.has_group(USER_GROUP):
            raise AccessError(self.env._(
                "The scanner is for Inventory users. Ask your administrator for the "
                "Inventory / User access."
            ))
        group = MODES[mode]
        if group and not user.has_group(group):
            raise AccessError(self.env._(
                "Only a Serial Tracking Manager may quarantine or release units. Ask a "
                "manager to scan them."
            ))

    # --- parameters ------------------------------------------------------------------

    def _params(self, params):
        """``params`` of a call, checked: a wrong type is a business error naming it,
        never a Python or SQL error (see ``tools/scan_input.py``)."""
        try:
            return scan_input.clean_params(params)
        except scan_input.ParameterError as error:
            raise self._parameter_error(error) from None

    def _undo_data(self, entry):
        """The ``undo`` data of the running list's ``entry``, checked as ``_params``."""
        try:
            return scan_input.clean_undo(entry)
        except scan_input.ParameterError as error:
            raise self._parameter_error(error) from None

    def _parameter_error(self, error):
        expected = {
            scan_input.ID: self.env._("a record id (a whole number)"),
            scan_input.IDS: self.env._("a list of record ids (whole numbers)"),
            scan_input.TEXT_VALUE: self.env._("text"),
            scan_input.FLAG: self.env._("true or false"),
        }.get(error.expected, self.env._("a mapping of names to values"))
        return UserError(self.env._(
            "The scanner sent %(name)s = %(value)s where %(expected)s is expected. Reload "
            "the scanner screen and try again; if it happens again, tell your administrator.",
            name=error.name, value=error.value, expected=expected,
        ))

    def _allowed_modes(self):
        user = self.env.user
        return [mode for mode, group in MODES.items() if not group or user.has_group(group)]

    # --- results ----------------------------------------------------------------------

    def _result(self, status, message, **values):
        return dict(values, status=status, colour=COLOURS[status], message=message)

    def _error(self, message, **values):
        return self._result("error", message, **values)

    def _refuse(self, message, **values):
        raise _Refused(self._error(message, **values))

    def _entry(self, lot, outcome, label, undo=None, **values):
        if not values.get("product"):
            values["product"] = self._product_labels(lot.product_id.ids).get(
                lot.product_id.id, "")
        return dict(
            values,
            key=f"{outcome}-{lot.id}-{fields.Datetime.now().timestamp()}",
            lot_id=lot.id,
            serial=lot.name,
            outcome=outcome,
            label=label,
            undo=undo or {},
        )

    # --- reading a scan ----------------------------------------------------------------

    def _classify(self, code):
        return scan_input.classify(code, today=fields.Date.context_today(self))

    def _read(self, code, params):
        """``(scan, product, serial, lots)`` of a scan, or a refusal.

        ``product`` comes from the GTIN of GS1 data or a product barcode; ``serial`` is
        None for a product-only scan; ``lots`` are the serials of that number (of that
        product when GS1 data named it, the current product's first otherwise).
        """
        scan = self._classify(code)
        if scan.kind == scan_input.EMPTY:
            self._refuse(self.env._("Nothing was read. Scan the label again."))
        if scan.kind == scan_input.MALFORMED:
            self._refuse(self.env._(
                "%(code)s is not valid GS1 data: %(problem)s. Scan the label again; if it "
                "still fails, type the serial number.", code=scan.text,
                problem=tools_messages.translate(self.env, scan.problem),
            ))
        product = self.env["product.product"]
        if scan.gtin:
            product = self._product_by_codes(scan.product_codes)
            if not product:
                self._refuse(self.env._(
                    "No product has the GTIN %(gtin)s of this label. Add it as the product's "
                    "barcode, or scan the serial number alone.", gtin=scan.gtin,
                ))
            if not scan.serial:
                return scan, product, None, self.env["stock.lot"]
        elif scan.kind == scan_input.GS1 and not scan.serial:
            self._refuse(self.env._(
                "This GS1 label has neither a GTIN (01) nor a serial number (21). Scan the "
                "label of the unit itself."
            ))
        serial = scan.serial or scan.text
        lots = self._lots(serial, product)
        if scan.kind == scan_input.TEXT and not lots:
            by_barcode = self._product_by_codes((scan.text, *scan.product_codes))
            if by_barcode:
                return scan, by_barcode, None, lots
        current = self.env["product.product"].browse(params.get("product_id") or [])
        if len(lots) > 1 and current:
            lots = lots.filtered(lambda lot: lot.product_id == current) or lots
        if len(lots) > 1:
            self._refuse(self.env._(
                "%(serial)s is the serial number of several products (%(products)s). Scan "
                "the product barcode first, then the serial number.",
                serial=serial, products=", ".join(lots.product_id.mapped("display_name")),
            ))
        return scan, product, serial, lots

    def _lots(self, serial, product):
        domain = [("name", "=", serial)]
        if product:
            domain.append(("product_id", "=", product.id))
        return self.env["stock.lot"].search_fetch(domain, _LOT_FIELDS, limit=5)

    def _product_by_codes(self, codes):
        codes = [code for code in dict.fromkeys(codes) if code]
        if not codes:
            return self.env["product.product"]
        # The multi-company rule of products reads the companies' hierarchy: that column
        # alone, not the whole company rows.
        self.env.companies.fetch(["parent_path"])
        # its fields with it: every scan of a product reads them next
        return self.env["product.product"].search_fetch([("barcode", "in", codes)], None,
                                                        limit=1)

    def _require_lot(self, serial, lots, product=None):
        """The one serial scanned, or a refusal; an unknown number of a product with a
        numbering rule is checked against it, to tell a misread label from a missing
        serial."""
        if not lots and product:
            rule = product._serial_format_rules()[product.id]
            problems = rule and numbering_tools.validate_batch([serial], rule._validation_spec())
            if problems:
                self._refuse(self.env._(
                    '%(problem)s (numbering rule "%(rule)s" of %(product)s): the label was '
                    "misread or is wrong. Scan it again; if it still fails, put the unit "
                    "aside.", problem=tools_messages.translate(self.env, problems[0]),
                    rule=rule.name,
                    product=product.display_name,
                ))
        if not lots:
            self._refuse(self.env._(
                "%(serial)s is not a known serial number. Check the label; if it is right, "
                "put the unit aside and tell your manager.", serial=serial,
            ))
        return lots

    def _current_product(self, params):
        return self.env["product.product"].browse(params.get("product_id") or []).exists()

    def _product_scan(self, product, message):
        return self._result("info", message, params={"product_id": product.id},
                            product=product.display_name)

    # --- facts about a unit --------------------------------------------------------------

    def _state_label(self, lot):
        labels = dict(lot._fields["lifecycle_state"]._description_selection(self.env))
        return labels.get(lot.lifecycle_state) or self.env._("no state")

    def _active_recalls(self, lot):
        if "serial.recall" not in self.env:
            return self.env["stock.lot"].browse()
        return lot._serial_active_recalls()

    def _recall_names(self, recalls):
        return ", ".join(recalls.sudo().mapped("name"))

    def _stock_quants(self, lot):
        return self.env["stock.quant"].search_fetch([
            ("lot_id", "=", lot.id), ("quantity", ">", 0),
            ("location_id.usage", "in", ("internal", "transit")),
        ], ["location_id", "quantity"])

    def _where(self, lot):
        """Where the unit is, in words: a location, or who holds it."""
        quants = self._stock_quants(lot)
        if quants:
            return ", ".join(quants.location_id.mapped("display_name"))
        if lot.current_partner_id:
            return lot.current_partner_id.display_name
        return self._state_label(lot)

    # One query for the whole card: the scanner answers within a few milliseconds on
    # databases with millions of serials. The lot itself was found through the ORM, so
    # the user may read it; what is read here belongs to it.
    _CARD_QUERY = """
        SELECT lot.lifecycle_state, lot.batch_code, lot.warranty_state,
               lot.warranty_end_date, lot.product_id, partner.complete_name,
               (SELECT string_agg(DISTINCT loc.complete_name, ', ')
                  FROM stock_quant quant
                  JOIN stock_location loc ON loc.id = quant.location_id
                 WHERE quant.lot_id = lot.id AND quant.quantity > 0
                   AND loc.usage IN ('internal', 'transit')),
               (SELECT json_agg(json_build_array(e.date, e.event_type, e.document_ref))
                  FROM (SELECT date, event_type, document_ref FROM serial_event
                         WHERE lot_id = lot.id
                      ORDER BY date DESC, id DESC LIMIT %(events)s) e),
               parent.id, parent.name
          FROM stock_lot lot
     LEFT JOIN res_partner partner ON partner.id = lot.current_partner_id
     LEFT JOIN LATERAL (
                SELECT child.id, child.name
                  FROM serial_genealogy link
                  JOIN stock_lot child ON child.id = link.child_lot_id
                 WHERE link.parent_lot_id = lot.id AND link.link_type != 'removed'
                   AND link.date_to IS NULL
                   AND (child.company_id IS NULL OR child.company_id = ANY(%(companies)s))
              ORDER BY link.date_from DESC, link.id DESC LIMIT 1) parent ON TRUE
         WHERE lot.id = %(lot)s"""

    def _card(self, lot):
        """Everything the look-up card shows about one unit."""
        self.env.flush_all()
        # SQL skips record rules: the unit it is built into shows only if the user's
        # companies may see it
        self.env.cr.execute(self._CARD_QUERY, {"lot": lot.id, "events": EVENTS_ON_CARD,
                                               "companies": self.env.companies.ids})
        (state, batch, warranty_state, warranty_end, product_id, partner, locations, events,
         parent_id, parent_name) = self.env.cr.fetchone()
        recalls = self._active_recalls(lot)
        selection = self.env["serial.event"]._fields["event_type"]
        event_labels = dict(selection._description_selection(self.env))
        warranty_labels = dict(lot._fields["warranty_state"]._description_selection(self.env))
        state_labels = dict(lot._fields["lifecycle_state"]._description_selection(self.env))
        return {
            "lot_id": lot.id,
            "serial": lot.name,
            "product": self._product_labels([product_id])[product_id],
            "product_id": product_id,
            "state": state or False,
            "state_label": state_labels.get(state) or self.env._("no state"),
            "location": locations or False,
            "partner": partner or False,
            "batch": batch or False,
            "warranty_state": warranty_labels.get(warranty_state) or False,
            "warranty_end_date": fields.Date.to_string(warranty_end) or False,
            "recalls": recalls.sudo().mapped("name"),
            "parent": parent_name or False,
            "parent_id": parent_id or False,
            "events": [
                {
                    "date": fields.Datetime.context_timestamp(
                        self, fields.Datetime.to_datetime(date[:19].replace("T", " "))
                    ).strftime("%Y-%m-%d %H:%M"),
                    "type": event_labels.get(event_type, event_type),
                    "document": document or "",
                }
                for date, event_type, document in events or []
            ],
        }

    def _product_labels(self, product_ids):
        """``{product_id: name as Odoo shows it}`` with one light query; variants with
        attribute values get Odoo's own display name."""
        self.env.cr.execute(
            """SELECT pp.id, pp.default_code, pp.combination_indices,
                      COALESCE(pt.name->>%s, pt.name->>'en_US')
                 FROM product_product pp
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE pp.id = ANY(%s)""",
            [self._lang(), list(product_ids)],
        )
        return {row[0]: self._product_label(*row) for row in self.env.cr.fetchall()}

    def _lang(self):
        return self.env.lang or "en_US"

    def _product_label(self, product_id, code, combination, name):
        """A product's name as Odoo shows it, from its row (see ``_product_labels``)."""
        if combination:
            return self.env["product.product"].browse(product_id).display_name
        return f"[{code}] {name}" if code else name

    # --- look up ----------------------------------------------------------------------

    def _scan_lookup(self, code, params):
        _scan, product, serial, lots = self._read(code, params)
        if serial is None:
            return self._product_scan(product, self.env._(
                "%(product)s: now scan a serial number.", product=product.display_name))
        lot = self._require_lot(serial, lots, product or self._current_product(params))
        card = self._card(lot)
        status = "warning" if card["recalls"] or lot.lifecycle_state == "quarantined" else "ok"
        message = self.env._("%(serial)s: %(state)s", serial=lot.name,
                             state=card["state_label"])
        if card["recalls"]:
            message = self.env._("%(serial)s is under recall %(recalls)s: put it aside.",
                                 serial=lot.name, recalls=", ".join(card["recalls"]))
        return self._result(status, message, card=card,
                            entry=self._entry(lot, "lookup", card["state_label"],
                                              product=card["product"]))

    # --- receipts and deliveries ----------------------------------------------------------

    def _picking_code(self, mode):
        return "incoming" if mode == "receive" else "outgoing"

    def _open_pickings(self, mode):
        pickings = self.env["stock.picking"].search([
            ("picking_type_code", "=", self._picking_code(mode)),
            ("state", "in", _OPEN),
        ], order="scheduled_date, id", limit=LISTED)
        return [
            {"id": picking.id, "name": picking.name,
             "partner": picking.partner_id.display_name or "",
             "origin": picking.origin or ""}
            for picking in pickings
        ]

    def _picking(self, mode, picking_id):
        if not picking_id:
            return self.env["stock.picking"]
        # One query: the type is checked in SQL, and only what a scan reads is fetched.
        return self.env["stock.picking"].search_fetch(
            [("id", "=", picking_id), ("picking_type_code", "=", self._picking_code(mode))],
            ["name", "state", "company_id", "partner_id", "location_id", "location_dest_id"],
            limit=1,
        )

    def _picking_by_name(self, mode, scan):
        if scan.kind != scan_input.TEXT:
            return self.env["stock.picking"]
        return self.env["stock.picking"].search([
            ("name", "=", scan.text), ("picking_type_code", "=", self._picking_code(mode)),
        ], limit=1)

    def _document(self, picking):
        """The document's progress per move, counted in SQL: a receipt of thousands of
        serials costs each scan no more than a small one."""
        self.env.flush_all()
        # the products' names come with it (as _product_labels reads them)
        self.env.cr.execute(
            """SELECT move.id, move.product_id, move.product_uom_qty, move.quantity,
                      template.tracking,
                      count(line.id) FILTER (WHERE line.lot_id IS NOT NULL
                                               AND line.picked),
                      product.default_code, product.combination_indices,
                      COALESCE(template.name->>%(lang)s, template.name->>'en_US')
                 FROM stock_move move
                 JOIN product_product product ON product.id = move.product_id
                 JOIN product_template template ON template.id = product.product_tmpl_id
            LEFT JOIN stock_move_line line ON line.move_id = move.id
                WHERE move.picking_id = %(picking)s AND move.state != 'cancel'
             GROUP BY move.id, product.id, template.id
             ORDER BY move.id""",
            {"picking": picking.id, "lang": self._lang()},
        )
        labels = {}
        lines = []
        for (move_id, product_id, demand, quantity, tracking, done,
             code, combination, name) in self.env.cr.fetchall():
            if product_id not in labels:
                labels[product_id] = self._product_label(product_id, code, combination, name)
            lines.append({
                "move_id": move_id,
                "product_id": product_id,
                "product": labels[product_id],
                "demand": demand,
                "done": done if tracking == "serial" else quantity,
            })
        return {
            "id": picking.id,
            "name": picking.name,
            "state": picking.state,
            "partner": picking.partner_id.display_name or "",
            # a location's display name is its complete name: one read, not two
            "source": picking.location_id.complete_name,
            "destination": picking.location_dest_id.complete_name,
            "lines": lines,
            "done": sum(line["done"] for line in lines),
            "demand": sum(line["demand"] for line in lines),
        }

    def _select_picking(self, picking):
        if picking.state in ("done", "cancel"):
            self._refuse(self.env._("%(picking)s is already %(state)s. Choose an open one.",
                                    picking=picking.name, state=picking.state))
        return self._result(
            "info", self.env._("%(picking)s: scan the units.", picking=picking.name),
            params={"picking_id": picking.id, "product_id": False, "scanned": []},
            document=self._document(picking),
        )

    def _current_picking(self, mode, params, code):
        """``(picking, selection result)``: a scanned reference switches documents."""
        picking = self._picking(mode, params.get("picking_id"))
        scanned = self._picking_by_name(mode, self._classify(code)) if (
            not picking or "/" in code) else self.env["stock.picking"]
        if scanned:
            return scanned, self._select_picking(scanned)
        if not picking:
            self._refuse(self.env._(
                "Choose a %(document)s, or scan its reference, before scanning units.",
                document=self._document_word(mode),
            ))
        if picking.state in ("done", "cancel"):
            self._refuse(self.env._("%(picking)s is already %(state)s. Choose an open one.",
                                    picking=picking.name, state=picking.state))
        return picking, None

    def _known_fields(self, model, fnames):
        """``fnames`` of ``model`` in this database (some come with optional modules)."""
        fields_ = self.env[model]._fields
        return [fname for fname in fnames if fname in fields_]

    def _open_moves(self, picking, product, fnames=None):
        """The open moves of ``product`` on ``picking``, in the document's order: one
        query for them and their fields (``fnames``, all by default; not every move of a
        long document)."""
        return self.env["stock.move"].search_fetch([
            ("picking_id", "=", picking.id), ("product_id", "=", product.id),
            ("state", "not in", ("done", "cancel")),
        ], fnames)

    def _keeping_picked(self, moves):
        """Context for marking one more line picked on ``moves``: Odoo would read every
        line of each move again to find it picked, but a move already marked picked stays
        so (exactly), so its flag is kept out of that recount. A long receipt's scan
        then costs no more than a short one's."""
        return self.env.protecting([moves._fields["picked"]], moves.filtered("picked"))

    def _label(self, document, product_id):
        return next((line["product"] for line in document["lines"]
                     if line["product_id"] == product_id), "")

    def _not_on_document(self, picking, product, serial=None):
        labels = self._product_labels({*picking.move_ids.product_id.ids, product.id})
        products = ", ".join(labels[product_id] for product_id in picking.move_ids.product_id.ids)
        self._refuse(self.env._(
            "%(what)s is not on %(picking)s (%(products)s). Put the unit aside and check "
            "the paperwork, or choose the right document.",
            what=(self.env._("%(serial)s (%(product)s)", serial=serial,
                             product=labels[product.id]) if serial
                  else labels[product.id]),
            picking=picking.name, products=products,
        ))

    # --- receive ----------------------------------------------------------------------

    def _scan_receive(self, code, params):
        picking, selected = self._current_picking("receive", params, code)
        if selected:
            return selected
        scan, product, serial, lots = self._read(code, params)
        if serial is None:
            if not self._open_moves(picking, product):
                self._not_on_document(picking, product)
            return self._product_scan(product, self.env._(
                "%(product)s: now scan its serial numbers.", product=product.display_name))
        product = self._receipt_product(picking, product, lots, params)
        moves = self._open_moves(picking, product, self._known_fields("stock.move",
                                                                     _RECEIPT_MOVE_FIELDS))
        if not moves:
            self._not_on_document(picking, product, serial)
        product.product_tmpl_id.fetch(self._known_fields("product.template", _TEMPLATE_FIELDS))
        if product.tracking != "serial":
            self._refuse(self.env._(
                "%(product)s is not tracked by serial number: receive it in the receipt form.",
                product=product.display_name,
            ))
        move = moves[:1]
        if move.state == "draft":
            move._action_confirm()
        line = self._receipt_line(picking, product, moves, serial)
        listed = bool(line.lot_id or line.lot_name)
        if listed and line.picked:
            self._scanned_again(line.lot_id, picking, params, self.env._(
                "%(serial)s is already received on %(picking)s. If you scanned the same unit "
                "again, there is nothing to do; if it is another unit with the same label, "
                "put it aside and tell your manager.", serial=serial, picking=picking.name,
            ))
        if not line:
            self._check_receipt_room(picking, product, moves, serial)
        lot = line.lot_id or lots.filtered(lambda lot: lot.product_id == product)
        created = not lot
        if lot:
            self._check_receivable(lot)
        else:
            # the vendor's line naming it is where it goes, not another entry of it
            self._check_new_serial(product, picking.company_id, serial, line.ids)
            lot = self._create_lot(product, picking.company_id, serial, scan)
        undo = {"lot_id": lot.id, "lot_created": created, "listed": listed,
                "previous_lot_id": line.lot_id.id}
        line = self._add_receipt_line(picking, line.move_id or move, lot, line)
        document = self._document(picking)
        return self._result(
            "ok",
            self.env._("%(serial)s received on %(picking)s.", serial=serial,
                       picking=picking.name),
            document=document,
            params={"product_id": product.id},
            entry=self._entry(lot, "received", self.env._("Received"),
                              undo=dict(undo, line_id=line.id),
                              product=self._label(document, product.id)),
        )

    def _scanned_again(self, lot, picking, params, message):
        """Refuse a unit already scanned on ``picking``: calmly when it was scanned in
        this session of the screen (``scanned``), which makes it the same unit scanned
        twice; with ``message`` otherwise, as it may be another unit with the same
        label."""
        if lot and lot.id in params.get("scanned", ()):
            raise _Refused(self._result("info", self.env._(
                "%(serial)s was already scanned on %(picking)s: it counts once. Scan the "
                "next unit.", serial=lot.name, picking=picking.name,
            )))
        self._refuse(message)

    def _receipt_product(self, picking, product, lots, params):
        if product:
            return product
        open_products = picking.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.has_tracking == "serial"
        ).product_id
        known = lots.product_id & open_products
        if len(known) == 1:
            return known
        current = self.env["product.product"].browse(params.get("product_id") or [])
        if current and current in open_products:
            return current
        if len(open_products) == 1:
            return open_products
        if not open_products:
            self._refuse(self.env._("%(picking)s has nothing left to receive by serial.",
                                    picking=picking.name))
        self._refuse(self.env._(
            "%(picking)s has several products (%(products)s): scan the product barcode or "
            "the unit's GS1 label first.", picking=picking.name,
            products=", ".join(open_products.mapped("display_name")),
        ))
        return product

    def _check_receivable(self, lot):
        if lot.lifecycle_state in _RECEIVABLE and not self._stock_quants(lot):
            return
        self._refuse(self.env._(
            "%(serial)s already exists for %(product)s (%(state)s, %(where)s). A unit cannot "
            "be received twice: put it aside and tell your manager.",
            serial=lot.name, product=lot.product_id.display_name,
            state=self._state_label(lot), where=self._where(lot),
        ))

    def _check_new_serial(self, product, company, serial, own_line_ids=()):
        """The numbering rule's checks, as the generation wizard and lot creation run them;
        ``own_line_ids`` are lines naming ``serial`` that the scan fills."""
        numbering = self.env["serial.numbering"]
        rule = product._serial_format_rules()[product.id]
        batch = Batch(product, numbering._batch_company(product, company.id), rule, [serial])
        found = numbering._find_problems([batch], typed=True, exclude_line_ids=own_line_ids)
        if not found:
            return
        problems = found[0][1]
        if rule:
            self._refuse(self.env._(
                '%(problem)s (numbering rule "%(rule)s" of %(product)s). Check the label and '
                "scan again; if it is wrong, put the unit aside.",
                problem=problems[0], rule=rule.name, product=product.display_name,
            ))
        self._refuse(self.env._(
            "%(problem)s (%(product)s). Check the label and scan again; if it is wrong, put "
            "the unit aside.", problem=problems[0], product=product.display_name,
        ))

    def _create_lot(self, product, company, serial, scan):
        vals = {"name": serial, "product_id": product.id, "company_id": company.id,
                "batch_code": scan.batch or False}
        lot_fields = self.env["stock.lot"]._fields
        if scan.expiry and "expiration_date" in lot_fields:
            vals["expiration_date"] = fields.Datetime.to_datetime(scan.expiry)
        # No "created" note in the serial's chatter, as the suite's bulk creation of
        # serials: who created it and when is on the record, and its history is the ledger.
        # Nor value tracking: the serial's chatter posts nothing on creation, and this
        # spares the scan the look-ups of that empty post.
        return self.env["stock.lot"].with_context(
            serial_numbers_checked=NUMBERS_CHECKED, mail_create_nolog=True, mail_notrack=True,
        ).create(vals).with_env(self.env)

    def _receipt_line(self, picking, product, moves, serial):
        """The line of ``picking`` that names ``serial`` (listed by the vendor, or
        scanned already), else a line Odoo made on ``moves`` for a unit still without
        serial, else nothing.

        One query answers both: a line naming a serial sorts first (before an empty name
        too), so the serial's own line is the one found. A line belongs to the receipt
        by its move as well: Odoo leaves ``picking_id`` empty on the lines of a move
        that joined the receipt after they were made. The line's fields come with it:
        the write reads them all.
        """
        return self.env["stock.move.line"].search_fetch(Domain.OR([
            [("product_id", "=", product.id),
             "|", ("picking_id", "=", picking.id), ("move_id", "in", moves.ids),
             "|", ("lot_id.name", "=", serial), ("lot_name", "=", serial)],
            [("move_id", "in", moves.ids), ("lot_id", "=", False), ("lot_name", "=", False),
             ("picked", "=", False)],
        ]), None, order="lot_id.id NULLS LAST, lot_name DESC NULLS LAST, id", limit=1)

    def _check_receipt_room(self, picking, product, moves, serial):
        """Refuse ``serial`` when no line of ``moves`` is left for it: the units still
        expected are listed with other serials, or all of them are received."""
        lines = self.env["stock.move.line"].search_fetch(
            [("move_id", "in", moves.ids)], ["lot_id", "lot_name", "picked", "quantity"])
        listed = lines.filtered(lambda ml: not ml.picked and (ml.lot_id or ml.lot_name))
        if listed:
            self._refuse(self.env._(
                "%(serial)s is not one of the serials listed for %(product)s on %(picking)s "
                "(still expected: %(listed)s). Check the label; if it is right, put the unit "
                "aside and tell your manager: the receipt must be corrected first.",
                serial=serial, product=product.display_name, picking=picking.name,
                listed=self._serial_names(listed),
            ))
        demand = sum(moves.mapped("product_uom_qty"))
        received = sum(lines.filtered("picked").mapped("quantity"))
        if received >= demand:
            self._refuse(self.env._(
                "All %(count)s units of %(product)s expected on %(picking)s are received: "
                "%(serial)s is one more. Put it aside and tell your manager; the receipt "
                "must be changed to take it.", count=int(demand),
                product=product.display_name, picking=picking.name, serial=serial,
            ))

    def _serial_names(self, lines, limit=10):
        names = [line.lot_id.name or line.lot_name for line in lines]
        shown = ", ".join(names[:limit])
        return shown + ("…" if len(names) > limit else "")

    def _add_receipt_line(self, picking, move, lot, placeholder):
        if placeholder:
            vals = {"lot_id": lot.id, "picked": True}
            if placeholder.quantity != 1:
                # only a real change of quantity makes Odoo recount the move's lines
                vals["quantity"] = 1
            if not placeholder.picking_id:
                vals["picking_id"] = picking.id  # so the receipt's form lists it
            # the write looks at where the line comes from and where the move goes, the
            # answer names them: one read, of those two columns
            self.env["stock.location"].browse(
                {placeholder.location_id.id, move.location_dest_id.id},
            ).fetch(["usage", "complete_name"])
            # and its recall check at the operation type's code: that column alone
            move.picking_type_id.fetch(["code"])
            with self._keeping_picked(move):
                placeholder.write(vals)
            return placeholder
        vals = move._prepare_move_line_vals(quantity=1)
        vals.pop("lot_name", None)
        vals.update(lot_id=lot.id, picked=True)
        with self._keeping_picked(move):
            return self.env["stock.move.line"].create(vals)

    def _undo_line(self, mode, undo, params):
        """``(line, picking)`` of the scan to take back, or a refusal: the line must
        still be open, on the document on screen, and picked with the unit scanned."""
        line = self.env["stock.move.line"].browse(undo.get("line_id") or []).exists()
        if not line or line.state in ("done", "cancel"):
            self._refuse(self.env._(
                "This scan can no longer be taken back: its %(document)s is done.",
                document=self._document_word(mode)))
        picking = self._line_picking(line)
        if picking != self._picking(mode, params.get("picking_id")):
            self._refuse(self.env._(
                "This scan was made on %(picking)s, not on the %(document)s on screen: "
                "choose %(picking)s to take it back.", picking=picking.name,
                document=self._document_word(mode)))
        if not line.picked or (undo.get("lot_id") and line.lot_id.id != undo["lot_id"]):
            self._refuse(self.env._(
                "This scan was taken back already, or its line was changed in %(picking)s "
                "since: nothing to take back.", picking=picking.name))
        return line, picking

    def _document_word(self, mode):
        return self.env._("receipt") if mode == "receive" else self.env._("delivery")

    def _line_picking(self, line):
        """The transfer of a move line: its move's (see ``_receipt_line``)."""
        return line.move_id.picking_id or line.picking_id

    def _undo_receive(self, undo, params):
        line, picking = self._undo_line("receive", undo, params)
        lot = line.lot_id
        serial = lot.name
        if undo.get("listed"):  # the vendor's line: back to its listed serial, unscanned
            line.write({"picked": False, "lot_id": undo.get("previous_lot_id")})
        else:
            line.unlink()
        if undo.get("lot_created") and lot.id == undo.get("lot_id") and not lot.event_ids:
            others = self.env["stock.move.line"].search_count([("lot_id", "=", lot.id)])
            if not others and not lot.quant_ids:
                lot.unlink()
        return self._result("ok", self.env._("%(serial)s taken off %(picking)s.",
                                              serial=serial, picking=picking.name),
                            document=self._document(picking))

    # --- pick and ship ------------------------------------------------------------------

    def _scan_pick(self, code, params):
        picking, selected = self._current_picking("pick", params, code)
        if selected:
            return selected
        _scan, product, serial, lots = self._read(code, params)
        if serial is None:
            if not self._open_moves(picking, product):
                self._not_on_document(picking, product)
            return self._product_scan(product, self.env._(
                "%(product)s: now scan the units.", product=product.display_name))
        lot = self._require_lot(serial, lots, product or self._current_product(params))
        moves = self._open_moves(picking, lot.product_id)
        if not moves:
            self._not_on_document(picking, lot.product_id, lot.name)
        lines = self._unit_lines(picking, moves, lot)
        if any(lines.mapped("picked")):
            self._scanned_again(lot, picking, params, self.env._(
                "%(serial)s is already picked for %(picking)s. If you scanned the same unit "
                "again, there is nothing to do.", serial=lot.name, picking=picking.name,
            ))
        self._check_shippable(lot, picking, lines)
        line, undo = self._pick_line(picking, moves, lot, lines)
        document = self._document(picking)
        return self._result(
            "ok",
            self.env._("%(serial)s picked for %(picking)s.", serial=lot.name,
                       picking=picking.name),
            document=document,
            entry=self._entry(lot, "picked", self.env._("Picked"),
                              undo=dict(undo, line_id=line.id),
                              product=self._label(document, lot.product_id.id)),
        )

    def _unit_lines(self, picking, moves, lot):
        """The unit's lines on the delivery, read once for the checks and the pick: by
        the delivery, or by its ``moves`` (see ``_receipt_line``)."""
        return self.env["stock.move.line"].search_fetch(
            [("lot_id", "=", lot.id),
             "|", ("picking_id", "=", picking.id), ("move_id", "in", moves.ids)], None)

    def _check_shippable(self, lot, picking, lines=None):
        """Refuse ``lot`` on ``picking`` unless it may leave; ``lines`` are its lines
        on ``picking`` when the caller has them already."""
        recalls = self._active_recalls(lot)
        if recalls:
            self._refuse(self.env._(
                "%(serial)s is quarantined by recall %(recalls)s; put it aside and pick "
                "another unit.", serial=lot.name, recalls=self._recall_names(recalls),
            ))
        if lot.lifecycle_state == lifecycle.QUARANTINED:
            self._refuse(self.env._(
                "%(serial)s is quarantined (%(where)s); put it aside and pick another unit.",
                serial=lot.name, where=self._where(lot),
            ))
        if lot.lifecycle_state not in _SHIPPABLE:
            self._refuse(self.env._(
                "%(serial)s is %(state)s (%(where)s): only a unit in stock can be shipped. "
                "Pick another unit.", serial=lot.name, state=self._state_label(lot),
                where=self._where(lot),
            ))
        quants = self._stock_quants(lot)
        source = picking.location_id
        if not quants:
            self._refuse(self.env._(
                "%(serial)s is not in stock according to Odoo. Put it aside and ask for a "
                "count of its location.", serial=lot.name,
            ))
        if not quants.filtered(lambda q: q.location_id._child_of(source)):
            self._refuse(self.env._(
                "%(serial)s is recorded in %(where)s, outside %(source)s where %(picking)s "
                "picks from. Pick a unit from %(source)s, or move this one there first.",
                serial=lot.name, where=self._where(lot), source=source.display_name,
                picking=picking.name,
            ))
        reserved = lot._serial_reserved_for_delivery().get(lot.id)
        if reserved and reserved not in (lines or ()) and (
                self._line_picking(reserved) != picking):
            self._refuse(self.env._(
                "%(serial)s is reserved for %(other)s. Pick another unit, or unreserve it "
                "there first.", serial=lot.name,
                other=self._line_picking(reserved).name or reserved.reference,
            ))

    def _pick_line(self, picking, moves, lot, lines=None):
        """Mark the unit picked on the delivery; ``(line, undo data)``. ``lines`` are the
        unit's lines on ``picking`` (searched when not given)."""
        if lines is None:
            lines = self._unit_lines(picking, moves, lot)
        line = lines[:1]
        lines = self.env["stock.move.line"]
        if line:
            vals = {"picked": True}
            if not line.picking_id:
                vals["picking_id"] = picking.id  # so the delivery's form lists it
            with self._keeping_picked(line.move_id):
                line.write(vals)
            return line, {"previous_lot_id": lot.id, "created": False}
        free = lines.search([("move_id", "in", moves.ids), ("picked", "=", False)], limit=1)
        if free:
            previous = free.lot_id
            vals = {"lot_id": lot.id, "picked": True}
            if free.quantity != 1:  # an unchanged quantity would only make Odoo recount
                vals["quantity"] = 1
            if not free.picking_id:
                vals["picking_id"] = picking.id
            with self._keeping_picked(free.move_id):
                free.write(vals)  # the write frees the unit swapped out
            return free, {"previous_lot_id": previous.id, "created": False}
        picked = dict(lines._read_group([("move_id", "in", moves.ids), ("picked", "=", True)],
                                         ["move_id"], ["__count"]))
        move = moves.filtered(lambda m: picked.get(m, 0) < m.product_uom_qty)[:1]
        if not move:
            self._refuse(self.env._(
                "All %(count)s units of %(product)s on %(picking)s are picked already. Put "
                "this one back.", count=int(sum(moves.mapped("product_uom_qty"))),
                product=lot.product_id.display_name, picking=picking.name,
            ))
        vals = move._prepare_move_line_vals(quantity=1)
        vals.pop("lot_name", None)
        vals.update(lot_id=lot.id, picked=True, location_id=self._stock_quants(lot)[:1]
                    .location_id.id or move.location_id.id)
        with self._keeping_picked(move):
            line = self.env["stock.move.line"].create(vals)
        return line, {"created": True}

    def _undo_pick(self, undo, params):
        line, picking = self._undo_line("pick", undo, params)
        serial = line.lot_id.name
        if undo.get("created"):
            line.unlink()
        elif undo.get("previous_lot_id") and undo["previous_lot_id"] != line.lot_id.id:
            line.write({"picked": False, "lot_id": undo["previous_lot_id"]})
        else:
            line.picked = False
        return self._result("ok", self.env._("%(serial)s taken off %(picking)s.",
                                              serial=serial, picking=picking.name),
                            document=self._document(picking))

    # --- validation -----------------------------------------------------------------------

    def _validate_picking(self, mode, params):
        picking = self._picking(mode, params.get("picking_id"))
        if not picking:
            self._refuse(self.env._("Choose the document to validate first."))
        if picking.state in ("done", "cancel"):
            self._refuse(self.env._("%(picking)s is already %(state)s. Choose an open one.",
                                    picking=picking.name, state=picking.state))
        # the lines the screen counts: those of the document's moves (see _receipt_line)
        lines = picking.move_ids.move_line_ids | picking.move_line_ids
        scanned = lines.filtered(lambda ml: ml.picked and ml.lot_id)
        if not scanned:
            self._refuse(self.env._("Nothing was scanned on %(picking)s yet.",
                                    picking=picking.name))
        unpicked = lines.filtered(lambda ml: not ml.picked)
        listed = unpicked.filtered(lambda ml: ml.lot_id or ml.lot_name)
        if mode == "receive" and listed:
            self._refuse(self.env._(
                "%(count)s serial(s) listed on %(picking)s were not scanned: %(serials)s. "
                "Scan them; if they did not come, take them off the receipt in Inventory, "
                "then validate.", count=len(listed), picking=picking.name,
                serials=self._serial_names(listed),
            ))
        unpicked.unlink()  # a delivery's reservations not picked are given back
        # lines of its moves left without it (see _receipt_line) join it: Odoo's form and
        # delivery slip list the document's lines by it
        lines.exists().filtered(lambda ml: not ml.picking_id).write({"picking_id": picking.id})
        result = picking.button_validate()
        if isinstance(result, dict):  # backorder or other confirmation wizard
            return self._result("info", self.env._("Confirm how to finish %(picking)s.",
                                                   picking=picking.name), action=result)
        return self._result(
            "ok",
            self.env._("%(picking)s validated: %(count)s serial(s).", picking=picking.name,
                       count=len(scanned)),
            document=self._document(picking),
            params={"picking_id": False, "product_id": False, "scanned": []},
        )

    # --- quarantine and release ---------------------------------------------------------

    def _reasons(self, mode):
        reasons = self.env["serial.reason"].search([("applies_to", "in", ("any", mode))])
        return [{"id": reason.id, "name": reason.display_name} for reason in reasons]

    def _scan_quarantine(self, code, params):
        return self._scan_transition("quarantine", code, params)

    def _scan_release(self, code, params):
        return self._scan_transition("release", code, params)

    def _scan_transition(self, action, code, params):
        reason = self.env["serial.reason"].browse(params.get("reason_id") or []).exists()
        if not reason:
            self._refuse(self.env._(
                "Choose a reason first: it is recorded in the history of each unit."))
        _scan, product, serial, lots = self._read(code, params)
        if serial is None:
            return self._product_scan(product, self.env._(
                "%(product)s: now scan its serial numbers.", product=product.display_name))
        lot = self._require_lot(serial, lots)
        if action == "quarantine" and lot.lifecycle_state == lifecycle.QUARANTINED:
            self._refuse(self.env._("%(serial)s is already quarantined (%(where)s).",
                                    serial=lot.name, where=self._where(lot)))
        if action == "release":
            if lot.lifecycle_state != lifecycle.QUARANTINED:
                self._refuse(self.env._(
                    "%(serial)s is not quarantined (%(state)s): there is nothing to release.",
                    serial=lot.name, state=self._state_label(lot),
                ))
            recalls = self._active_recalls(lot)
            if recalls:
                self._refuse(self.env._(
                    "%(serial)s is under recall %(recalls)s: it stays in quarantine until "
                    "the recall is closed. Put it back.",
                    serial=lot.name, recalls=self._recall_names(recalls),
                ))
        self._transition(lot, action, reason, params.get("note"))
        label = self.env._("Quarantined") if action == "quarantine" else self.env._("Released")
        return self._result(
            "ok",
            self.env._("%(serial)s %(done)s: now in %(where)s.", serial=lot.name,
                       done=label.lower(), where=self._where(lot)),
            card=self._card(lot),
            entry=self._entry(lot, action, label, undo={"lot_id": lot.id, "action": action}),
        )

    def _transition(self, lot, action, reason, note=None):
        wizard = self.env["serial.transition.wizard"].create({
            "lot_ids": [fields.Command.set(lot.ids)],
            "action": action,
            "reason_id": reason.id,
            "note": note or False,
        })
        wizard.action_apply()
        lot.invalidate_recordset()

    def _undo_transition(self, undo):
        lot = self.env["stock.lot"].browse(undo.get("lot_id")).exists()
        opposite = "release" if undo.get("action") == "quarantine" else "quarantine"
        reason = self.env["serial.reason"].search([("applies_to", "in", (opposite, "any"))],
                                                  limit=1)
        if not lot or not reason:
            self._refuse(self.env._("This scan cannot be taken back: no reason applies to "
                                    "%(action)s. Ask a manager to add one.", action=opposite))
        self._transition(lot, opposite, reason, self.env._("Undo of a scan"))
        return self._result("ok", self.env._("%(serial)s: scan taken back, now in %(where)s.",
                                              serial=lot.name, where=self._where(lot)),
                            card=self._card(lot))

    def _undo_quarantine(self, undo, params):
        return self._undo_transition(undo)

    def _undo_release(self, undo, params):
        return self._undo_transition(undo)

    # --- count ------------------------------------------------------------------------------

    def _count_locations(self):
        locations = self.env["stock.location"].search(
            [("usage", "=", "internal")], order="complete_name", limit=LISTED * 2
        )
        return [{"id": location.id, "name": location.display_name} for location in locations]

    def _location(self, location_id):
        if not location_id:
            return self.env["stock.location"]
        location = self.env["stock.location"].browse(location_id).exists()
        return location if location.usage in ("internal", "transit") else location.browse()

    def _expected_quants(self, location):
        return self.env["stock.quant"].search([
            ("location_id", "child_of", location.id), ("quantity", ">", 0),
            ("lot_id", "!=", False), ("product_id.tracking", "=", "serial"),
        ])

    def _location_summary(self, location):
        return {"id": location.id, "name": location.display_name,
                "expected": self.env["stock.quant"].search_count([
                    ("location_id", "child_of", location.id), ("quantity", ">", 0),
                    ("lot_id", "!=", False), ("product_id.tracking", "=", "serial"),
                ])}

    def _scan_count(self, code, params):
        scan = self._classify(code)
        if scan.kind == scan_input.TEXT:
            location = self.env["stock.location"].search(
                [("barcode", "=", scan.text), ("usage", "in", ("internal", "transit"))],
                limit=1,
            )
            if location:
                return self._result(
                    "info", self.env._("Counting %(location)s: scan every unit there.",
                                       location=location.display_name),
                    params={"location_id": location.id, "scanned": []},
                    location=self._location_summary(location),
                )
        location = self._location(params.get("location_id"))
        if not location:
            self._refuse(self.env._(
                "Choose the location to count, or scan its barcode, before scanning units."))
        _scan, product, serial, lots = self._read(code, params)
        if serial is None:
            return self._product_scan(product, self.env._(
                "%(product)s: now scan its serial numbers.", product=product.display_name))
        lot = self._require_lot(serial, lots)
        if lot.id in params.get("scanned", ()):
            # the same unit scanned twice: harmless, it counts once
            return self._result("info", self.env._(
                "%(serial)s was already counted: it counts once. Scan the next unit.",
                serial=lot.name))
        quants = self._stock_quants(lot)
        if quants.filtered(lambda q: q.location_id._child_of(location)):
            return self._result(
                "ok", self.env._("%(serial)s found.", serial=lot.name),
                entry=self._entry(lot, "found", self.env._("Found")),
            )
        return self._result(
            "warning",
            self.env._(
                "%(serial)s is not expected here: Odoo has it in %(where)s. Keep it here; "
                "confirming the count records it in %(location)s.",
                serial=lot.name, where=self._where(lot), location=location.display_name,
            ),
            entry=self._entry(lot, "unexpected", self.env._("Unexpected")),
        )

    def _count_review(self, location, scanned_ids):
        scanned = self.env["stock.lot"].browse(scanned_ids).exists()
        expected = self._expected_quants(location)
        expected_lots = expected.lot_id
        missing = expected_lots - scanned
        unexpected = scanned - expected_lots

        def rows(lots):
            return [{"lot_id": lot.id, "serial": lot.name,
                     "product": lot.product_id.display_name,
                     "where": self._where(lot)} for lot in lots[:LISTED * 4]]

        return {
            "location": self._location_summary(location),
            "found": len(scanned & expected_lots),
            "missing": rows(missing),
            "missing_count": len(missing),
            "unexpected": rows(unexpected),
            "unexpected_count": len(unexpected),
        }

    def _apply_count(self, params):
        if not self.env.user.has_group(COUNT_APPLY_GROUP):
            raise AccessError(self.env._(
                "Only an Inventory manager may apply a count: it changes stock quantities. "
                "Ask a manager to confirm it."
            ))
        location = self._location(params.get("location_id"))
        if not location:
            self._refuse(self.env._("Choose the location to count first."))
        scanned = self.env["stock.lot"].browse(params.get("scanned") or []).exists()
        expected = self._expected_quants(location)
        missing_quants = expected.filtered(lambda q: q.lot_id not in scanned)
        unexpected = scanned - expected.lot_id
        if missing_quants:
            quants = missing_quants.with_context(inventory_mode=True)
            quants.inventory_quantity = 0
            self._apply_inventory(quants, location)
        elsewhere = unexpected.filtered(self._stock_quants)
        self._relocate(elsewhere, location)
        found_new = unexpected - elsewhere
        if found_new:
            quants = self.env["stock.quant"].with_context(inventory_mode=True).create([
                {"product_id": lot.product_id.id, "location_id": location.id,
                 "lot_id": lot.id, "inventory_quantity": 1}
                for lot in found_new
            ])
            self._apply_inventory(quants, location)
        return self._result(
            "ok",
            self.env._(
                "Count of %(location)s applied: %(found)s found, %(missing)s missing written "
                "off, %(unexpected)s unexpected recorded here.",
                location=location.display_name, found=len(scanned) - len(unexpected),
                missing=len(missing_quants), unexpected=len(unexpected),
            ),
            params={"scanned": []},
            location=self._location_summary(location),
        )

    def _apply_inventory(self, quants, location):
        if isinstance(quants.action_apply_inventory(), dict):  # Odoo's conflict wizard
            self._refuse(self.env._(
                "Quantities of %(location)s changed since they were read. Review the count "
                "in Inventory > Physical Inventory, or start the count again.",
                location=location.display_name,
            ))

    def _relocate(self, lots, location):
        """Record units found in ``location`` with real internal transfers from where
        Odoo had them (one per source location)."""
        if lots:
            lots._serial_move_to_location(
                lambda _lot: location,
                origin=self.env._("Count of %(location)s", location=location.display_name),
            )
