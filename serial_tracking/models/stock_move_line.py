from collections import defaultdict
from typing import NamedTuple

from odoo import api, models
from odoo.exceptions import UserError

from ..tools import lifecycle
from ..tools.fast_path import BULK_MIN

# Move line fields whose change can reserve or free a serial on a delivery.
_ALLOCATION_FIELDS = frozenset({"lot_id", "quantity", "move_id", "location_id"})
# The manual transitions a move records, and the reasons (``applies_to``) that fit each.
_REASON_KINDS = {
    "quarantined": frozenset({"any", "quarantine"}),
    "released": frozenset({"any", "release"}),
    "scrapped": frozenset({"any", "scrap"}),
}
# Longest note a move's event keeps.
NOTE_MAX = 2000


class SerialEventExtra(NamedTuple):
    """Reason and note that server code (a recall, a transition) gives the events of the
    moves it makes, in the context key ``serial_event_extra``. A client can send any
    context over RPC, but not an instance of this class."""

    reason_id: int = False
    note: str = False

    @classmethod
    def of(cls, values):
        """From ``{"serial_reason_id", "serial_note"}`` (None gives None)."""
        if not values:
            return None
        return cls(values.get("serial_reason_id") or False, values.get("serial_note") or False)


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # --- reservations: allocated / deallocated -------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._serial_check_recall_on_create(vals_list)
        self.env["serial.numbering"]._validate_typed_serials(vals_list)
        lines = super().create(vals_list)
        lines._serial_delivery_lines().lot_id._serial_sync_allocation()
        return lines

    def write(self, vals):
        self._serial_check_recall_on_write(vals)
        if vals.get("lot_name") and not vals.get("lot_id"):
            self.env["serial.numbering"]._validate_typed_serial_write(self, vals["lot_name"])
        if not _ALLOCATION_FIELDS & set(vals):
            return super().write(vals)
        before = self._serial_delivery_lines()
        pickings = {line.lot_id.id: line.picking_id for line in before}
        # Read the old serials now: after the write, before.lot_id is the new one.
        lots_before = before.lot_id
        result = super().write(vals)
        lots = lots_before | self._serial_delivery_lines().lot_id
        lots._serial_sync_allocation(pickings)
        return result

    def unlink(self):
        before = self._serial_delivery_lines()
        pickings = {line.lot_id.id: line.picking_id for line in before}
        lots = before.lot_id
        result = super().unlink()
        lots.exists()._serial_sync_allocation(pickings)
        return result

    # --- recalls: a recalled serial is neither reserved on nor shipped by a delivery ----
    # Every check runs before anything is written and costs one query, only for lines
    # that name a serial.

    def _serial_check_recall_on_create(self, vals_list):
        move_ids = {
            vals["move_id"] for vals in vals_list if vals.get("lot_id") and vals.get("move_id")
        }
        if not move_ids:
            return
        delivery_moves = self.env["stock.move"].browse(move_ids)._serial_delivery_moves()
        delivery_ids = set(delivery_moves.ids)
        lots = self.env["stock.lot"].browse(
            {
                vals["lot_id"]
                for vals in vals_list
                if vals.get("lot_id") and vals.get("move_id") in delivery_ids
            }
        )
        if lots:
            lots._serial_check_not_recalled(", ".join(delivery_moves.picking_id.mapped("name")))

    def _serial_check_recall_on_write(self, vals):
        if not (vals.get("lot_id") or vals.get("quantity")):
            return
        if vals.get("lot_id"):
            delivery_moves = self.move_id._serial_delivery_moves()
            lines = self.filtered(lambda ml: ml.move_id in delivery_moves)
            lots = self.env["stock.lot"].browse(vals["lot_id"])
        else:
            lines = self._serial_delivery_lines()
            lots = lines.lot_id
        if lines and lots:
            lots._serial_check_not_recalled(", ".join(lines.picking_id.mapped("name")))

    def _serial_check_recall_on_done(self):
        lines = self._serial_delivery_lines().filtered(lambda ml: ml.quantity > 0)
        if lines:
            lines.lot_id._serial_check_not_recalled(", ".join(lines.picking_id.mapped("name")))

    def _serial_delivery_lines(self):
        """Serial lines that can reserve for a customer: only those can change
        allocation, so receipts and internal moves cost nothing here."""
        delivery_moves = self.move_id._serial_delivery_moves()
        if not delivery_moves:
            return self.browse()
        return self.filtered(
            lambda ml: (
                ml.lot_id and ml.product_id.tracking == "serial" and ml.move_id in delivery_moves
            )
        )

    # --- done moves: one event per line ---------------------------------------------

    def _action_done(self):
        self._serial_check_recall_on_done()
        self._serial_check_customer_returns()
        result = super()._action_done()
        self.exists()._serial_record_done_moves()
        return result

    def _serial_check_customer_returns(self):
        """Serials coming back from a customer on a transfer made without the return
        wizard (a receipt from the customer location typed by hand, a serial changed on
        a return) are checked as the wizard checks them: ineligible ones are refused
        with their reasons, unless a Serial Tracking Manager validates with an override
        reason (context ``serial_return_override_reason_id``, optional
        ``serial_return_override_note``). Serials the wizard checked for this transfer
        are not checked again. Every verdict is kept on the transfer.
        """
        if "customer" not in self.location_id.mapped("usage"):
            return  # receipts, deliveries, production: one look at a few locations
        lines = self.filtered(
            lambda ml: (
                ml.location_id.usage == "customer"
                and ml.location_dest_id.usage in ("internal", "transit")
                and ml.lot_id
                and ml.product_id.tracking == "serial"
                and ml.quantity > 0
            )
        )
        if not lines:
            return
        Check = self.env["serial.eligibility.check"]
        checked = Check.sudo().search(
            [
                ("picking_id", "in", lines.picking_id.ids),
                ("lot_id", "in", lines.lot_id.ids),
                "|",
                ("verdict", "!=", "ineligible"),
                ("overridden", "=", True),
            ]
        )
        done = {(check.picking_id.id, check.lot_id.id) for check in checked}
        todo = defaultdict(self.browse)
        for line in lines:
            if (line.picking_id.id, line.lot_id.id) not in done:
                todo[line.picking_id, line._serial_partner()] |= line
        context = self.env.context
        reason = (
            self.env["serial.reason"]
            .browse(context.get("serial_return_override_reason_id"))
            .exists()
        )
        for (picking, partner), picking_lines in todo.items():
            document = picking.name or picking_lines[0].reference
            checks = Check._evaluate_batch(
                [(line.lot_id, partner, line.product_id) for line in picking_lines],
                "return",
                document_ref=document,
            )
            checks.sudo().write({"picking_id": picking.id})
            checks._refuse_or_override(
                partner,
                document,
                reason,
                context.get("serial_return_override_note"),
                how_to=self.env._(
                    "Return only the eligible serials; or return them with the Return "
                    "button of their delivery, where a Serial Tracking Manager can accept "
                    "them with an override reason."
                ),
            )

    def _serial_record_done_moves(self):
        """Emit one ledger event per done serial line and move the states.

        Runs inside the validation: a refused unit raises before the transaction
        commits, so nothing of the operation is kept.
        """
        lines = self._serial_done_lines()
        if not lines:
            return
        self.env["stock.lot"]._serial_apply_events(lines._serial_done_event_items())

    def _serial_done_lines(self):
        """These lines that move a serial-tracked unit, in id order (one query on big
        batches: three field reads per line add up on 100,000 lines)."""
        if len(self) < BULK_MIN:
            return self.filtered(
                lambda ml: ml.lot_id and ml.product_id.tracking == "serial" and ml.quantity > 0
            ).sorted("id")
        self.flush_recordset(["lot_id", "product_id", "quantity"])
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["tracking"])
        self.env.cr.execute(
            """SELECT ml.id
                 FROM stock_move_line ml
                 JOIN product_product product ON product.id = ml.product_id
                 JOIN product_template template ON template.id = product.product_tmpl_id
                WHERE ml.id = ANY(%s) AND ml.lot_id IS NOT NULL AND ml.quantity > 0
                  AND template.tracking = 'serial'
             ORDER BY ml.id""",
            [self.ids],
        )
        return self.browse([line_id for (line_id,) in self.env.cr.fetchall()])

    def _serial_done_event_items(self):
        """The event items of these lines, in their order.

        Lines of one move between the same locations differ only by their serial: the
        item of the first one is made once and copied for the others, which matters
        on a receipt of 100,000 serials. Lines whose item depends on their serial
        (``_serial_event_item_per_line``) get their own.
        """
        self.flush_recordset(["move_id", "location_id", "location_dest_id", "picking_id", "lot_id"])
        # one read instead of five field reads per line
        self.env.cr.execute(
            """SELECT id, move_id, location_id, location_dest_id, picking_id, lot_id
                 FROM stock_move_line WHERE id = ANY(%s)""",
            [self.ids],
        )
        rows = {row[0]: row for row in self.env.cr.fetchall()}
        # records iterated from one recordset share its prefetching
        lot_of = {
            lot.id: lot for lot in self.env["stock.lot"].browse({row[5] for row in rows.values()})
        }
        shared = {}
        items = []
        for line_id in self.ids:
            key = rows[line_id][1:5]
            item = shared.get(key)
            if item is None:
                line = self.browse(line_id)
                item = line._serial_done_event_item()
                if line._serial_event_item_per_line():
                    items.append(item)
                    continue
                shared[key] = item
            items.append(dict(item, lot=lot_of[rows[line_id][5]], move_line_id=line_id))
        return items

    def _serial_event_item_per_line(self):
        """Whether this line's event item depends on its serial, not only on its move
        and locations (bridges that name the serial's unit in the note say so)."""
        return False

    def _serial_done_event_item(self):
        src, dest = self.location_id, self.location_dest_id
        event_type = lifecycle.classify_move(
            src.usage, dest.usage, src.serial_quarantine, dest.serial_quarantine
        )
        reason, note = self._serial_event_extra(event_type)
        return {
            "lot": self.lot_id,
            "event_type": event_type,
            "location_id": src.id,
            "location_dest_id": dest.id,
            "partner_id": self._serial_partner().id,
            "document_ref": self._serial_document_ref(),
            "picking_id": self.picking_id.id,
            "move_line_id": self.id,
            "reason_id": reason.id or False,
            "note": note,
        }

    def _serial_event_extra(self, event_type):
        """``(serial.reason, note)`` of this line's event, from the context.

        Server code passes a :class:`SerialEventExtra`; the plain keys ``serial_reason_id``
        and ``serial_note`` are what a client could send with any validation, so a note
        there counts only beside a valid reason. Either way the reason must belong to the
        line's company and fit the transition (``applies_to``).
        """
        context = self.env.context
        extra = context.get("serial_event_extra")
        trusted = isinstance(extra, SerialEventExtra)
        if not trusted:
            extra = SerialEventExtra.of(context)
        reason = self.env["serial.reason"]
        if not extra or not (extra.reason_id or trusted):
            return reason, False
        if extra.reason_id:
            reason = (
                reason.browse(extra.reason_id if isinstance(extra.reason_id, int) else 0)
                .sudo()
                .exists()
            )
            company = self.company_id or self.lot_id.company_id
            if (
                not reason
                or reason.company_id not in (company, reason.company_id.browse())
                or reason.applies_to not in _REASON_KINDS.get(event_type, ())
            ):
                raise UserError(
                    self.env._(
                        "%(serial)s: the reason %(reason)s cannot explain a %(event)s move on "
                        "%(document)s. Use a reason of %(company)s made for this transition.",
                        serial=self.lot_id.display_name,
                        reason=reason.display_name or repr(extra.reason_id),
                        event=event_type,
                        document=self._serial_document_ref(),
                        company=company.display_name,
                    )
                )
            reason = reason.sudo(False)
        note = extra.note if isinstance(extra.note, str) else False
        return reason, (note or "")[:NOTE_MAX] or False

    def _serial_partner(self):
        """The partner on the other side of the move: vendor, customer or holder."""
        return self.picking_id.partner_id or self.move_id.partner_id or self.env["res.partner"]

    def _serial_document_ref(self):
        return self.picking_id.name or self.move_id.scrap_id.name or self.reference or ""
