from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import UserError

from ..tools import recall as recall_tools
from .stock_move_line import SerialEventExtra

# Ledger events that settle an open recall unit, and the status they give it.
_STATUS_AFTER_EVENT = {
    "returned": recall_tools.RECOVERED,
    "quarantined": recall_tools.QUARANTINED,
    "scrapped": recall_tools.DESTROYED,
}


class StockLot(models.Model):
    _inherit = "stock.lot"

    recall_unit_ids = fields.One2many("serial.recall.unit", "lot_id", string="Recalls",
                                      readonly=True)
    recall_warning = fields.Char(compute="_compute_recall_warning")

    def _compute_recall_warning(self):
        recalls_by_lot = self._serial_active_recalls_by_lot()
        for lot in self:
            recalls = recalls_by_lot.get(lot.id)
            lot.recall_warning = self.env._(
                "%(serial)s is recalled by %(recalls)s: do not ship it; put it aside.",
                serial=lot.name, recalls=", ".join(recalls.mapped("name")),
            ) if recalls else False

    # --- recalls ------------------------------------------------------------------

    def _serial_active_recalls(self):
        """The active recalls that list one of these serials (or a unit built from one
        of them) with a status still open."""
        recalls = self.env["serial.recall"]
        for lot_recalls in self._serial_active_recalls_by_lot().values():
            recalls |= lot_recalls
        return recalls

    def _serial_active_recalls_by_lot(self):
        """``{lot_id: serial.recall}``, one query for the whole set."""
        ids = [lot_id for lot_id in self.ids if lot_id]
        if not ids:
            return {}
        self.env["serial.recall.unit"].flush_model(["lot_id", "parent_lot_id", "status",
                                                   "recall_id"])
        self.env["serial.recall"].flush_model(["state"])
        # two index lookups (the unit itself, or a unit built from it), not one OR join
        self.env.cr.execute(
            """SELECT hit.lot_id, array_agg(DISTINCT hit.recall_id)
                 FROM (SELECT u.lot_id, u.recall_id, u.status FROM serial_recall_unit u
                        WHERE u.lot_id = ANY(%(ids)s)
                       UNION ALL
                       SELECT u.parent_lot_id, u.recall_id, u.status FROM serial_recall_unit u
                        WHERE u.parent_lot_id = ANY(%(ids)s)) hit
                 JOIN serial_recall r ON r.id = hit.recall_id
                WHERE r.state = 'active' AND hit.status = ANY(%(open)s)
             GROUP BY hit.lot_id""",
            {"ids": ids, "open": list(recall_tools.OPEN_STATUSES)},
        )
        recalls = self.env["serial.recall"].sudo()
        return {lot_id: recalls.browse(recall_ids).sudo(False)
                for lot_id, recall_ids in self.env.cr.fetchall()}

    def _serial_check_not_recalled(self, document=""):
        """Refuse to ship or reserve serials of an active recall, naming each one."""
        recalls_by_lot = self._serial_active_recalls_by_lot()
        if not recalls_by_lot:
            return
        where = self.env._(" on %s", document) if document else ""
        lines = [
            self.env._(
                "%(serial)s cannot be shipped or reserved%(where)s: it is quarantined by "
                "recall %(recalls)s. Put it aside and pick another unit.",
                serial=lot.display_name, where=where,
                recalls=", ".join(recalls_by_lot[lot.id].sudo().mapped("name")),
            )
            for lot in self.browse(list(recalls_by_lot))[:20]
        ]
        if len(recalls_by_lot) > 20:
            lines.append(self.env._("... and %(count)s more.", count=len(recalls_by_lot) - 20))
        raise UserError("\n".join(lines))

    def _serial_apply_events(self, items, warranty_void=None):
        events = super()._serial_apply_events(items, warranty_void=warranty_void)
        if events:
            self._serial_recall_follow_events(events)
        return events

    def _serial_recall_follow_events(self, events):
        """A return, quarantine or scrap of a unit of an active recall settles it."""
        # one query: a receipt of 100,000 serials settles nothing and reads no event
        self.env["serial.event"].flush_model(["event_type", "lot_id"])
        self.env.cr.execute(
            """SELECT event_type, array_agg(lot_id) FROM serial_event
                WHERE id = ANY(%s) AND event_type = ANY(%s) GROUP BY event_type""",
            [events.ids, list(_STATUS_AFTER_EVENT)],
        )
        by_status = defaultdict(set)
        for event_type, lot_ids in self.env.cr.fetchall():
            by_status[_STATUS_AFTER_EVENT[event_type]].update(lot_ids)
        if not by_status:
            return
        self.env["serial.recall.unit"].flush_model()
        for status, lot_ids in by_status.items():
            allowed_from = [old for old, news in recall_tools.STATUS_CHANGES.items()
                            if status in news]
            self.env.cr.execute(
                """UPDATE serial_recall_unit u
                      SET status = %s, write_date = now() at time zone 'UTC'
                     FROM serial_recall r
                    WHERE r.id = u.recall_id AND r.state = 'active'
                      AND u.lot_id = ANY(%s) AND u.status = ANY(%s)""",
                [status, list(lot_ids), allowed_from],
            )
        self.env["serial.recall.unit"].invalidate_model(["status"])

    # --- moving units through real transfers --------------------------------------

    def _serial_routes(self, destination_of):
        """Group these serials by (current location, destination).

        :returns: ``(routes, problems)``: ``{(source, destination): stock.lot}`` and
            ``{lot: message}`` for serials that cannot be moved.
        """
        route_ids = defaultdict(list)
        problems = {}
        for lot in self:
            source = lot.location_id
            if source.usage not in ("internal", "transit"):
                problems[lot] = self.env._(
                    "%(serial)s: not in a single stock location; count the unit first.",
                    serial=lot.display_name)
                continue
            destination = destination_of(lot)
            if not destination:
                problems[lot] = self.env._(
                    "%(serial)s: its warehouse has no quarantine location. Open the "
                    "warehouse and save it once to create one.", serial=lot.display_name)
                continue
            route_ids[source, destination].append(lot.id)
        routes = {route: self.browse(ids) for route, ids in route_ids.items()}
        return routes, problems

    def _serial_move_to_location(self, destination_of, origin=False, event_context=None):
        """Move these serials through real internal transfers, one per route.

        :param destination_of: function of a serial giving its destination location.
        :raises UserError: naming every serial that cannot move, before anything moves.
        :returns: the done transfers.
        """
        routes, problems = self._serial_routes(destination_of)
        if problems:
            raise UserError("\n".join(list(problems.values())[:20]))
        pickings = self.env["stock.picking"]
        for (source, destination), lots in routes.items():
            pickings |= lots._serial_transfer(source, destination, origin, event_context)
        return pickings

    def _serial_transfer(self, source, destination, origin=False, event_context=None):
        """One done internal transfer moving exactly these serials."""
        warehouse = source.warehouse_id
        lot_ids_by_product = defaultdict(list)
        for lot in self:
            lot_ids_by_product[lot.product_id].append(lot.id)
        picking_type = warehouse.int_type_id or self.env["stock.picking.type"].search(
            [("code", "=", "internal"), ("company_id", "=", source.company_id.id)], limit=1)
        # The serial lines are written on the draft moves, so that confirming them
        # reserves nothing that would have to be undone.
        picking = self.env["stock.picking"].create({
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "origin": origin or False,
            "move_ids": [
                Command.create({
                    "product_id": product.id,
                    "product_uom_qty": len(lot_ids),
                    "product_uom": product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "picked": True,
                })
                for product, lot_ids in lot_ids_by_product.items()
            ],
        })
        # Odoo reserves each new line's quant; hand it the quants read at once, as its own
        # validation does, instead of one search per serial.
        quants_cache = self.env["stock.quant"]._get_quants_by_products_locations(
            picking.move_ids.product_id, source, extra_domain=[("lot_id", "in", self.ids)])
        self.env["stock.quant"].union(*quants_cache.values()).fetch(
            ["quantity", "reserved_quantity", "lot_id", "in_date", "location_id",
             "product_id", "package_id", "owner_id"])
        self.env["stock.move.line"].with_context(quants_cache=quants_cache).create([
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": move.product_id.id,
                "lot_id": lot_id,
                "quantity": 1.0,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "picked": True,
            }
            for move in picking.move_ids
            for lot_id in lot_ids_by_product[move.product_id]
        ])
        picking.move_ids._action_confirm(merge=False)
        # reason and note as server code gives them: clients cannot send this object
        picking.with_context(serial_relocate=True,
                             serial_event_extra=SerialEventExtra.of(event_context),
                             )._action_done()
        return picking
