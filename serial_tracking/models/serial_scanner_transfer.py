from odoo import models

from ..tools import scan_input
from .serial_scanner import LISTED, _Refused

_OPEN = ("draft", "waiting", "confirmed", "partially_available", "assigned")


class SerialScanner(models.AbstractModel):
    """What receive and pick share: the receipt or delivery a scan works on, its
    opening step, its progress, taking a scan back and validating it."""

    # one model split by mode over files (see serial_scanner.py)
    _inherit = "serial.scanner"  # pylint: disable=consider-merging-classes-inherited

    # --- the document on screen ---------------------------------------------------------

    def _picking_code(self, mode):
        return "incoming" if mode == "receive" else "outgoing"

    def _open_pickings(self, mode):
        pickings = self.env["stock.picking"].search(
            [
                ("picking_type_code", "=", self._picking_code(mode)),
                ("state", "in", _OPEN),
            ],
            order="scheduled_date, id",
            limit=LISTED,
        )
        return [
            {
                "id": picking.id,
                "name": picking.name,
                "partner": picking.partner_id.display_name or "",
                "origin": picking.origin or "",
            }
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
        return self.env["stock.picking"].search(
            [
                ("name", "=", scan.text),
                ("picking_type_code", "=", self._picking_code(mode)),
            ],
            limit=1,
        )

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
        for (
            move_id,
            product_id,
            demand,
            quantity,
            tracking,
            done,
            code,
            combination,
            name,
        ) in self.env.cr.fetchall():
            if product_id not in labels:
                labels[product_id] = self._product_label(product_id, code, combination, name)
            lines.append(
                {
                    "move_id": move_id,
                    "product_id": product_id,
                    "product": labels[product_id],
                    "demand": demand,
                    "done": done if tracking == "serial" else quantity,
                }
            )
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

    def _check_picking_open(self, picking):
        if picking.state in ("done", "cancel"):
            self._refuse(
                self.env._(
                    "%(picking)s is already %(state)s. Choose an open one.",
                    picking=picking.name,
                    state=picking.state,
                )
            )

    def _select_picking(self, picking):
        self._check_picking_open(picking)
        return self._result(
            "info",
            self.env._("%(picking)s: scan the units.", picking=picking.name),
            params={"picking_id": picking.id, "product_id": False, "scanned": []},
            document=self._document(picking),
        )

    def _current_picking(self, mode, params, code):
        """``(picking, selection result)``: a scanned reference switches documents."""
        picking = self._picking(mode, params.get("picking_id"))
        scanned = (
            self._picking_by_name(mode, self._classify(code))
            if (not picking or "/" in code)
            else self.env["stock.picking"]
        )
        if scanned:
            return scanned, self._select_picking(scanned)
        if not picking:
            self._refuse(
                self.env._(
                    "Choose a %(document)s, or scan its reference, before scanning units.",
                    document=self._document_word(mode),
                )
            )
        self._check_picking_open(picking)
        return picking, None

    # --- a scan on the document -----------------------------------------------------------

    def _scan_transfer(self, mode, code, params, on_unit):
        """The opening step of a scan on a receipt or delivery: a scanned reference
        chooses the document, a product barcode the product (which must be on it); the
        serial of a unit goes to ``on_unit(picking, scan, product, serial, lots, params)``,
        the mode's own step."""
        picking, selected = self._current_picking(mode, params, code)
        if selected:
            return selected
        scan, product, serial, lots = self._read(code, params)
        if serial is None:
            if not self._open_moves(picking, product):
                self._not_on_document(picking, product)
            if mode == "receive":
                prompt = self.env._(
                    "%(product)s: now scan its serial numbers.", product=product.display_name
                )
            else:
                prompt = self.env._(
                    "%(product)s: now scan the units.", product=product.display_name
                )
            return self._product_scan(product, prompt)
        return on_unit(picking, scan, product, serial, lots, params)

    def _open_moves(self, picking, product):
        """The open moves of ``product`` on ``picking``, in the document's order: one
        query for them and their fields (not every move of a long document). A search
        reading them later cost a receive scan one more query and about 24 ms of CPU
        instead of 20 on the scanner benchmark (issue 21). Their source and destination
        are read together too: the scan asks for both, which would otherwise cost a query
        each (18 queries a receive scan on that benchmark instead of 17)."""
        moves = self.env["stock.move"].search_fetch(
            [
                ("picking_id", "=", picking.id),
                ("product_id", "=", product.id),
                ("state", "not in", ("done", "cancel")),
            ],
            None,
        )
        (moves.location_id | moves.location_dest_id).fetch()
        return moves

    def _keeping_picked(self, moves):
        """Context for marking one more line picked on ``moves``: Odoo would read every
        line of each move again to find it picked, but a move already marked picked stays
        so (exactly), so its flag is kept out of that recount. A long receipt's scan
        then costs no more than a short one's.

        ``env.protecting`` is the ORM's own tool, not a stock API, and no plain ORM call
        keeps a stored compute from running; it stays because the scanner benchmark
        (issue 21: 300-unit documents, 100,000 serials) measured scans without it at
        about 37 ms of CPU instead of 20 (receive) and 21 instead of 12 (pick), with
        two more queries each. The result is the same with or without it."""
        return self.env.protecting([moves._fields["picked"]], moves.filtered("picked"))

    def _label(self, document, product_id):
        return next(
            (line["product"] for line in document["lines"] if line["product_id"] == product_id), ""
        )

    def _not_on_document(self, picking, product, serial=None):
        labels = self._product_labels({*picking.move_ids.product_id.ids, product.id})
        products = ", ".join(labels[product_id] for product_id in picking.move_ids.product_id.ids)
        self._refuse(
            self.env._(
                "%(what)s is not on %(picking)s (%(products)s). Put the unit aside and check "
                "the paperwork, or choose the right document.",
                what=(
                    self.env._(
                        "%(serial)s (%(product)s)", serial=serial, product=labels[product.id]
                    )
                    if serial
                    else labels[product.id]
                ),
                picking=picking.name,
                products=products,
            )
        )

    def _scanned_again(self, lot, picking, params, message):
        """Refuse a unit already scanned on ``picking``: calmly when it was scanned in
        this session of the screen (``scanned``), which makes it the same unit scanned
        twice; with ``message`` otherwise, as it may be another unit with the same
        label."""
        if lot and lot.id in params.get("scanned", ()):
            raise _Refused(
                self._result(
                    "info",
                    self.env._(
                        "%(serial)s was already scanned on %(picking)s: it counts once. Scan the "
                        "next unit.",
                        serial=lot.name,
                        picking=picking.name,
                    ),
                )
            )
        self._refuse(message)

    def _serial_names(self, lines, limit=10):
        names = [line.lot_id.name or line.lot_name for line in lines]
        shown = ", ".join(names[:limit])
        return shown + ("…" if len(names) > limit else "")

    # --- taking a scan back --------------------------------------------------------------

    def _undo_line(self, mode, undo, params):
        """``(line, picking)`` of the scan to take back, or a refusal: the line must
        still be open, on the document on screen, and picked with the unit scanned."""
        line = self.env["stock.move.line"].browse(undo.get("line_id") or []).exists()
        if not line or line.state in ("done", "cancel"):
            self._refuse(
                self.env._(
                    "This scan can no longer be taken back: its %(document)s is done.",
                    document=self._document_word(mode),
                )
            )
        picking = self._line_picking(line)
        if picking != self._picking(mode, params.get("picking_id")):
            self._refuse(
                self.env._(
                    "This scan was made on %(picking)s, not on the %(document)s on screen: "
                    "choose %(picking)s to take it back.",
                    picking=picking.name,
                    document=self._document_word(mode),
                )
            )
        if not line.picked or (undo.get("lot_id") and line.lot_id.id != undo["lot_id"]):
            self._refuse(
                self.env._(
                    "This scan was taken back already, or its line was changed in %(picking)s "
                    "since: nothing to take back.",
                    picking=picking.name,
                )
            )
        return line, picking

    def _document_word(self, mode):
        return self.env._("receipt") if mode == "receive" else self.env._("delivery")

    def _line_picking(self, line):
        """The transfer of a move line: its move's (see ``_receipt_line``)."""
        return line.move_id.picking_id or line.picking_id

    # --- validation -----------------------------------------------------------------------

    def _validate_picking(self, mode, params):
        picking = self._picking(mode, params.get("picking_id"))
        if not picking:
            self._refuse(self.env._("Choose the document to validate first."))
        self._check_picking_open(picking)
        # the lines the screen counts: those of the document's moves (see _receipt_line)
        lines = picking.move_ids.move_line_ids | picking.move_line_ids
        scanned = lines.filtered(lambda ml: ml.picked and ml.lot_id)
        if not scanned:
            self._refuse(
                self.env._("Nothing was scanned on %(picking)s yet.", picking=picking.name)
            )
        unpicked = lines.filtered(lambda ml: not ml.picked)
        listed = unpicked.filtered(lambda ml: ml.lot_id or ml.lot_name)
        if mode == "receive" and listed:
            self._refuse(
                self.env._(
                    "%(count)s serial(s) listed on %(picking)s were not scanned: %(serials)s. "
                    "Scan them; if they did not come, take them off the receipt in Inventory, "
                    "then validate.",
                    count=len(listed),
                    picking=picking.name,
                    serials=self._serial_names(listed),
                )
            )
        unpicked.unlink()  # a delivery's reservations not picked are given back
        # lines of its moves left without it (see _receipt_line) join it: Odoo's form and
        # delivery slip list the document's lines by it
        lines.exists().filtered(lambda ml: not ml.picking_id).write({"picking_id": picking.id})
        result = picking.button_validate()
        if isinstance(result, dict):  # backorder or other confirmation wizard
            return self._result(
                "info",
                self.env._("Confirm how to finish %(picking)s.", picking=picking.name),
                action=result,
            )
        return self._result(
            "ok",
            self.env._(
                "%(picking)s validated: %(count)s serial(s).",
                picking=picking.name,
                count=len(scanned),
            ),
            document=self._document(picking),
            params={"picking_id": False, "product_id": False, "scanned": []},
        )
