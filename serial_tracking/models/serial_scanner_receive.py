from odoo import fields, models
from odoo.fields import Domain

from ..tools import lifecycle
from .serial_numbering import NUMBERS_CHECKED, Batch

# States of a serial that exists only as a number: it may still be received.
_RECEIVABLE = frozenset({False, None, lifecycle.PLANNED})


class SerialScanner(models.AbstractModel):
    """Receive: each scan puts one unit, new or listed by the vendor, on a receipt."""

    # one model split by mode over files (see serial_scanner.py)
    _inherit = "serial.scanner"  # pylint: disable=consider-merging-classes-inherited

    def _scan_receive(self, code, params):
        return self._scan_transfer("receive", code, params, self._receive_unit)

    def _receive_unit(self, picking, scan, product, serial, lots, params):
        """Receive the unit ``serial`` on ``picking`` (see ``_scan_transfer``)."""
        product = self._receipt_product(picking, product, lots, params)
        moves = self._open_moves(picking, product)
        if not moves:
            self._not_on_document(picking, product, serial)
        if product.tracking != "serial":
            self._refuse(
                self.env._(
                    "%(product)s is not tracked by serial number: receive it in the receipt form.",
                    product=product.display_name,
                )
            )
        move = moves[:1]
        if move.state == "draft":
            move._action_confirm()
        line = self._receipt_line(picking, product, moves, serial)
        listed = bool(line.lot_id or line.lot_name)
        if listed and line.picked:
            self._scanned_again(
                line.lot_id,
                picking,
                params,
                self.env._(
                    "%(serial)s is already received on %(picking)s. If you scanned the same unit "
                    "again, there is nothing to do; if it is another unit with the same label, "
                    "put it aside and tell your manager.",
                    serial=serial,
                    picking=picking.name,
                ),
            )
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
        undo = {
            "lot_id": lot.id,
            "lot_created": created,
            "listed": listed,
            "previous_lot_id": line.lot_id.id,
        }
        line = self._add_receipt_line(picking, line.move_id or move, lot, line)
        document = self._document(picking)
        return self._result(
            "ok",
            self.env._("%(serial)s received on %(picking)s.", serial=serial, picking=picking.name),
            document=document,
            params={"product_id": product.id},
            entry=self._entry(
                lot,
                "received",
                self.env._("Received"),
                undo=dict(undo, line_id=line.id),
                product=self._label(document, product.id),
            ),
        )

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
            self._refuse(
                self.env._(
                    "%(picking)s has nothing left to receive by serial.", picking=picking.name
                )
            )
        self._refuse(
            self.env._(
                "%(picking)s has several products (%(products)s): scan the product barcode or "
                "the unit's GS1 label first.",
                picking=picking.name,
                products=", ".join(open_products.mapped("display_name")),
            )
        )
        return product

    def _check_receivable(self, lot):
        if lot.lifecycle_state in _RECEIVABLE and not self._stock_quants(lot):
            return
        self._refuse(
            self.env._(
                "%(serial)s already exists for %(product)s (%(state)s, %(where)s). A unit cannot "
                "be received twice: put it aside and tell your manager.",
                serial=lot.name,
                product=lot.product_id.display_name,
                state=self._state_label(lot),
                where=self._where(lot),
            )
        )

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
        values = {"problem": problems[0], "product": product.display_name}
        if rule:
            self._refuse(
                self.env._(
                    '%(problem)s (numbering rule "%(rule)s" of %(product)s). Check the label and '
                    "scan again; if it is wrong, put the unit aside.",
                    rule=rule.name,
                    **values,
                )
            )
        self._refuse(
            self.env._(
                "%(problem)s (%(product)s). Check the label and scan again; if it is wrong, put "
                "the unit aside.",
                **values,
            )
        )

    def _create_lot(self, product, company, serial, scan):
        vals = {
            "name": serial,
            "product_id": product.id,
            "company_id": company.id,
            "batch_code": scan.batch or False,
        }
        lot_fields = self.env["stock.lot"]._fields
        if scan.expiry and "expiration_date" in lot_fields:
            vals["expiration_date"] = fields.Datetime.to_datetime(scan.expiry)
        # No "created" note in the serial's chatter, as the suite's bulk creation of
        # serials: who created it and when is on the record, and its history is the ledger.
        # Nor value tracking: the serial's chatter posts nothing on creation, and this
        # spares the scan the look-ups of that empty post.
        return (
            self.env["stock.lot"]
            .with_context(
                serial_numbers_checked=NUMBERS_CHECKED,
                mail_create_nolog=True,
                mail_notrack=True,
            )
            .create(vals)
            .with_env(self.env)
        )

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
        return self.env["stock.move.line"].search_fetch(
            Domain.OR(
                [
                    [
                        ("product_id", "=", product.id),
                        "|",
                        ("picking_id", "=", picking.id),
                        ("move_id", "in", moves.ids),
                        "|",
                        ("lot_id.name", "=", serial),
                        ("lot_name", "=", serial),
                    ],
                    [
                        ("move_id", "in", moves.ids),
                        ("lot_id", "=", False),
                        ("lot_name", "=", False),
                        ("picked", "=", False),
                    ],
                ]
            ),
            None,
            order="lot_id.id NULLS LAST, lot_name DESC NULLS LAST, id",
            limit=1,
        )

    def _check_receipt_room(self, picking, product, moves, serial):
        """Refuse ``serial`` when no line of ``moves`` is left for it: the units still
        expected are listed with other serials, or all of them are received."""
        lines = self.env["stock.move.line"].search_fetch(
            [("move_id", "in", moves.ids)], ["lot_id", "lot_name", "picked", "quantity"]
        )
        listed = lines.filtered(lambda ml: not ml.picked and (ml.lot_id or ml.lot_name))
        if listed:
            self._refuse(
                self.env._(
                    "%(serial)s is not one of the serials listed for %(product)s on %(picking)s "
                    "(still expected: %(listed)s). Check the label; if it is right, put the unit "
                    "aside and tell your manager: the receipt must be corrected first.",
                    serial=serial,
                    product=product.display_name,
                    picking=picking.name,
                    listed=self._serial_names(listed),
                )
            )
        demand = sum(moves.mapped("product_uom_qty"))
        received = sum(lines.filtered("picked").mapped("quantity"))
        if received >= demand:
            self._refuse(
                self.env._(
                    "All %(count)s units of %(product)s expected on %(picking)s are received: "
                    "%(serial)s is one more. Put it aside and tell your manager; the receipt "
                    "must be changed to take it.",
                    count=int(demand),
                    product=product.display_name,
                    picking=picking.name,
                    serial=serial,
                )
            )

    def _add_receipt_line(self, picking, move, lot, placeholder):
        if placeholder:
            vals = {"lot_id": lot.id, "picked": True}
            if placeholder.quantity != 1:
                # only a real change of quantity makes Odoo recount the move's lines
                vals["quantity"] = 1
            if not placeholder.picking_id:
                vals["picking_id"] = picking.id  # so the receipt's form lists it
            with self._keeping_picked(move):
                placeholder.write(vals)
            return placeholder
        vals = move._prepare_move_line_vals(quantity=1)
        vals.pop("lot_name", None)
        vals.update(lot_id=lot.id, picked=True)
        with self._keeping_picked(move):
            return self.env["stock.move.line"].create(vals)

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
        return self._result(
            "ok",
            self.env._("%(serial)s taken off %(picking)s.", serial=serial, picking=picking.name),
            document=self._document(picking),
        )
