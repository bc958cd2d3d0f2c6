"""The scanner screen's server side, split by mode over the ``serial_scanner_*`` files.

This file defines the model: the public calls of the screen, which dispatch to the
mode's methods (``_scan_<mode>``, ``_undo_<mode>``...), and what every mode shares
(access, parameters, answers, reading a scan, facts about a unit). Each mode's file
extends the same model, as Odoo's own addons split a model over files.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import numbering as numbering_tools
from ..tools import scan_input
from . import tools_messages

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
COLOURS = {"ok": "success", "warning": "warning", "info": "info", "error": "danger"}
# Fields read by every scan of a serial, fetched with the search that finds it.
_LOT_FIELDS = ["name", "product_id", "company_id", "lifecycle_state"]
# How many documents or locations a list on the screen shows.
LISTED = 50


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
            raise UserError(
                self.env._(
                    "This scan holds characters no barcode carries (NUL or broken Unicode); "
                    "scan the label again."
                )
            )
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
            return self._error(
                self.env._("Look up changes nothing: there is nothing to take back.")
            )
        handler = getattr(self, f"_undo_{mode}", None)
        if handler is None or not undo:
            return {
                "status": "ok",
                "colour": COLOURS["ok"],
                "message": self.env._("Scan taken back."),
            }
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
        action["context"] = {
            "active_model": "stock.lot",
            "active_ids": lot.ids,
            "active_id": lot.id,
        }
        return action

    # --- access -----------------------------------------------------------------------

    def _check_mode(self, mode):
        if not isinstance(mode, str) or mode not in MODES:
            raise UserError(self.env._("Unknown scanner mode %(mode)s.", mode=mode))
        user = self.env.user
        if not user.has_group(USER_GROUP):
            raise AccessError(
                self.env._(
                    "The scanner is for Inventory users. Ask your administrator for the "
                    "Inventory / User access."
                )
            )
        group = MODES[mode]
        if group and not user.has_group(group):
            raise AccessError(
                self.env._(
                    "Only a Serial Tracking Manager may quarantine or release units. Ask a "
                    "manager to scan them."
                )
            )

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
        message = self.env._(
            "The scanner sent %(name)s = %(value)s where %(expected)s is expected. Reload "
            "the scanner screen and try again; if it happens again, tell your administrator.",
            name=error.name,
            value=error.value,
            expected=expected,
        )
        return UserError(message)

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
            values["product"] = self._product_labels(lot.product_id.ids).get(lot.product_id.id, "")
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
            self._refuse(
                self.env._(
                    "%(code)s is not valid GS1 data: %(problem)s. Scan the label again; if it "
                    "still fails, type the serial number.",
                    code=scan.text,
                    problem=tools_messages.translate(self.env, scan.problem),
                )
            )
        product = self.env["product.product"]
        if scan.gtin:
            product = self._product_by_codes(scan.product_codes)
            if not product:
                self._refuse(
                    self.env._(
                        "No product has the GTIN %(gtin)s of this label. Add it as the product's "
                        "barcode, or scan the serial number alone.",
                        gtin=scan.gtin,
                    )
                )
            if not scan.serial:
                return scan, product, None, self.env["stock.lot"]
        elif scan.kind == scan_input.GS1 and not scan.serial:
            self._refuse(
                self.env._(
                    "This GS1 label has neither a GTIN (01) nor a serial number (21). Scan the "
                    "label of the unit itself."
                )
            )
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
            self._refuse(
                self.env._(
                    "%(serial)s is the serial number of several products (%(products)s). Scan "
                    "the product barcode first, then the serial number.",
                    serial=serial,
                    products=", ".join(lots.product_id.mapped("display_name")),
                )
            )
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
        # its fields with it: every scan of a product reads them next
        return self.env["product.product"].search_fetch([("barcode", "in", codes)], None, limit=1)

    def _require_lot(self, serial, lots, product=None):
        """The one serial scanned, or a refusal; an unknown number of a product with a
        numbering rule is checked against it, to tell a misread label from a missing
        serial."""
        if not lots and product:
            rule = product._serial_format_rules()[product.id]
            problems = rule and numbering_tools.validate_batch([serial], rule._validation_spec())
            if problems:
                self._refuse(
                    self.env._(
                        '%(problem)s (numbering rule "%(rule)s" of %(product)s): the label was '
                        "misread or is wrong. Scan it again; if it still fails, put the unit "
                        "aside.",
                        problem=tools_messages.translate(self.env, problems[0]),
                        rule=rule.name,
                        product=product.display_name,
                    )
                )
        if not lots:
            self._refuse(
                self.env._(
                    "%(serial)s is not a known serial number. Check the label; if it is right, "
                    "put the unit aside and tell your manager.",
                    serial=serial,
                )
            )
        return lots

    def _read_unit(self, code, params):
        """``(lot, answer)`` of a scan: the one serial it names, or for a product's
        barcode the answer asking for its serial numbers."""
        _scan, product, serial, lots = self._read(code, params)
        if serial is None:
            return lots, self._product_scan(
                product,
                self.env._(
                    "%(product)s: now scan its serial numbers.", product=product.display_name
                ),
            )
        return self._require_lot(serial, lots), None

    def _current_product(self, params):
        return self.env["product.product"].browse(params.get("product_id") or []).exists()

    def _product_scan(self, product, message):
        return self._result(
            "info", message, params={"product_id": product.id}, product=product.display_name
        )

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

    def _refuse_recalled(self, lot, mode):
        """Refuse ``lot`` while a recall is active on it: the unit stays in quarantine.
        The message says what to do with it in ``mode`` (``pick`` or ``release``)."""
        recalls = self._active_recalls(lot)
        if not recalls:
            return
        names = {"serial": lot.name, "recalls": self._recall_names(recalls)}
        if mode == "release":
            self._refuse(
                self.env._(
                    "%(serial)s is under recall %(recalls)s: it stays in quarantine until "
                    "the recall is closed. Put it back.",
                    **names,
                )
            )
        self._refuse(
            self.env._(
                "%(serial)s is quarantined by recall %(recalls)s; put it aside and pick "
                "another unit.",
                **names,
            )
        )

    def _stock_quants(self, lot):
        return self.env["stock.quant"].search_fetch(
            [
                ("lot_id", "=", lot.id),
                ("quantity", ">", 0),
                ("location_id.usage", "in", ("internal", "transit")),
            ],
            ["location_id", "quantity"],
        )

    def _where(self, lot, quants=None):
        """Where the unit is, in words: a location, or who holds it (``quants``: its
        quants in stock, when the caller has them)."""
        if quants is None:
            quants = self._stock_quants(lot)
        if quants:
            return ", ".join(quants.location_id.mapped("display_name"))
        if lot.current_partner_id:
            return lot.current_partner_id.display_name
        return self._state_label(lot)

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
