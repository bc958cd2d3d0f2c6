from collections import defaultdict

from odoo import api, fields, models

from ..tools import genealogy_tree, lifecycle
from ..tools.genealogy_tree import DOWN, UP, Edge

# Nodes drawn in the tree on the serial form; the report and the export show more.
FORM_MAX_NODES = 200
REPORT_MAX_NODES = 20000
# Events listed per unit in the report (the most recent ones).
REPORT_MAX_EVENTS = 50


class SerialTraceability(models.AbstractModel):
    """Traceability of serials: the full genealogy up and down, each unit's ledger,
    receipts from suppliers and deliveries to customers.

    Everything is gathered with a fixed number of set-based queries, whatever the size
    of the tree: two recursive walks, one read of the lots, one of the events and one
    of the stock moves with partners (Odoo's own report runs several per line).
    """

    _name = "serial.traceability"
    _description = "Serial Traceability"

    @api.model
    def _gather(
        self, lots, at=None, max_nodes=REPORT_MAX_NODES, with_history=True, max_events=None
    ):
        """Collect the traceability of ``lots``.

        :param lots: ``stock.lot`` records, each the root of its own trees.
        :param at: optional datetime: the genealogy as it was then.
        :param max_nodes: most nodes per tree (``None``: all).
        :param with_history: also read the events, receipts and deliveries.
        :param max_events: most recent events kept per unit (``None``: all).
        :returns: dict with ``roots`` (per root: ``lot``, ``up``/``down`` trees of
            :class:`~..tools.genealogy_tree.Node` and their stats), ``lots`` (display
            data per lot id), ``events`` (per lot id, newest first), ``moves``
            (receipts, deliveries and returns with their partners) and ``at``.
        """
        genealogy = self.env["serial.genealogy"]
        root_ids = lots.ids
        edges = {
            UP: [self._edge(row) for row in genealogy._walk_edges(root_ids, UP, at)],
            DOWN: [self._edge(row) for row in genealogy._walk_edges(root_ids, DOWN, at)],
        }
        # Trees first (siblings in link order), then the lots actually shown: a lot used
        # in 100,000 units costs the form 200 lots, not 100,000.
        roots = []
        for lot_id in root_ids:
            up, up_stats = genealogy_tree.build_tree(lot_id, edges[UP], UP, max_nodes)
            down, down_stats = genealogy_tree.build_tree(lot_id, edges[DOWN], DOWN, max_nodes)
            roots.append(
                {
                    "lot": lot_id,
                    "up": up,
                    "down": down,
                    "up_stats": up_stats,
                    "down_stats": down_stats,
                }
            )
        shown = {
            node.lot
            for root in roots
            for tree in (root["up"], root["down"])
            for node in genealogy_tree.walk(tree)
        }
        info = self._lot_info(shown)
        if at:
            self._set_state_at(info, at)
        self._add_places(info, edges[DOWN] + edges[UP], at)
        result = {"roots": roots, "lots": info, "events": {}, "moves": [], "at": at, "shown": shown}
        if with_history:
            result["events"] = self._events(sorted(shown), at, max_events)
            result["moves"] = self._partner_moves(sorted(shown), at)
        return result

    @api.model
    def _edge(self, row):
        link_id, parent, child, quantity, link_type, date_from, date_to, document = row
        return Edge(parent, child, quantity, link_type, date_from, date_to, document or "", link_id)

    # --- set-based reads ------------------------------------------------------------

    @api.model
    def _lot_info(self, lot_ids):
        """Display data of every lot, read with a few batched queries."""
        lots = self.env["stock.lot"].browse(sorted(lot_ids))
        states = dict(lifecycle.STATES)
        # One read of the lots; products, locations and partners come in batches.
        lots.fetch(
            [
                "name",
                "product_id",
                "lifecycle_state",
                "location_id",
                "current_partner_id",
                "lifecycle_date",
            ]
        )
        info = {}
        for lot in lots:
            state = lot.lifecycle_state or False
            info[lot.id] = {
                "id": lot.id,
                "name": lot.name,
                "product": lot.product_id.display_name,
                "tracking": lot.product_id.tracking,
                "uom": lot.product_id.uom_id.name,
                "state": state,
                "state_label": states.get(state, "") if state else "",
                "state_date": lot.lifecycle_date,
                "location": lot.location_id.display_name or "",
                "partner": lot.current_partner_id.display_name or "",
                "place": "",
                "record": lot,
            }
        return info

    @api.model
    def _set_state_at(self, info, at):
        """Replace today's state, holder and location of every lot of ``info`` with
        those of ``at``, read from the ledger: the state and holder of the last event by
        then, and the location it left the unit in. A lot with no event by then (a lot
        without serial lifecycle, or a serial not yet received) has neither."""
        lot_ids = list(info)
        states_at = self.env["stock.lot"].browse(lot_ids)._serial_state_at(at)
        self.env["serial.event"].flush_model()
        self.env.cr.execute(
            """SELECT DISTINCT ON (lot_id) lot_id,
                      COALESCE(location_dest_id, location_id), date
                 FROM serial_event
                WHERE lot_id = ANY(%s) AND date <= %s
             ORDER BY lot_id, date DESC, id DESC""",
            [lot_ids, fields.Datetime.to_datetime(at)],
        )
        places_at = {
            lot_id: (location_id, date) for lot_id, location_id, date in self.env.cr.fetchall()
        }
        partners = self.env["res.partner"].browse(
            {partner_id for _state, partner_id in states_at.values() if partner_id}
        )
        locations = self.env["stock.location"].browse(
            {location_id for location_id, _date in places_at.values() if location_id}
        )
        partners.fetch(["display_name"])
        locations.fetch(["display_name"])
        labels = dict(lifecycle.STATES)
        for lot_id, data in info.items():
            state, partner_id = states_at.get(lot_id, (False, False))
            location_id, date = places_at.get(lot_id, (False, False))
            data.update(
                {
                    "state": state or False,
                    "state_label": labels.get(state, "") if state else "",
                    "state_date": date,
                    "partner": partners.browse(partner_id).display_name if partner_id else "",
                    "location": locations.browse(location_id).display_name if location_id else "",
                }
            )

    @api.model
    def _add_places(self, info, edges, at=None):
        """Where each unit is: held by a partner, inside a unit, or in a location."""
        # The walks only return links in force (now, or at ``at``).
        inside = {}
        for edge in edges:
            inside.setdefault(edge.component, edge.unit)
        for lot_id, data in info.items():
            state = data["state"]
            # as of a date, a lot without lifecycle is only known by its links
            consumed = state == lifecycle.CONSUMED or (at and not state)
            if state in (lifecycle.SHIPPED, lifecycle.RETURNED_TO_VENDOR) and data["partner"]:
                data["place"] = data["partner"]
            elif consumed and inside.get(lot_id) in info:
                data["place"] = self.env._("in %(unit)s", unit=info[inside[lot_id]]["name"])
            else:
                data["place"] = data["location"] or data["partner"]

    @api.model
    def _events(self, lot_ids, at=None, max_events=None):
        """``{lot_id: [event values, newest first]}`` in one query (plus name batches)."""
        if not lot_ids:
            return {}
        domain = [("lot_id", "in", list(lot_ids))]
        if at:
            domain.append(("date", "<=", at))
        events = self.env["serial.event"].search(domain, order="lot_id, date desc, id desc")
        events.fetch(
            [
                "lot_id",
                "event_type",
                "from_state",
                "to_state",
                "date",
                "location_id",
                "location_dest_id",
                "partner_id",
                "document_ref",
                "note",
            ]
        )
        types = dict(lifecycle.EVENT_TYPES)
        states = dict(lifecycle.STATES)
        by_lot = defaultdict(list)
        for event in events:
            rows = by_lot[event.lot_id.id]
            if max_events is not None and len(rows) >= max_events:
                continue
            rows.append(
                {
                    "date": event.date,
                    "type": types.get(event.event_type, event.event_type),
                    "event_type": event.event_type,
                    "from_state": states.get(event.from_state, ""),
                    "to_state": states.get(event.to_state, ""),
                    "from": event.location_id.display_name or "",
                    "to": event.location_dest_id.display_name or "",
                    "partner": event.partner_id.display_name or "",
                    "document": event.document_ref or "",
                    "note": event.note or "",
                }
            )
        return dict(by_lot)

    @api.model
    def _partner_moves(self, lot_ids, at=None):
        """Receipts from suppliers, deliveries to customers and the returns of both,
        for all lots in one query."""
        if not lot_ids:
            return []
        for model in ("stock.move.line", "stock.move", "stock.picking", "stock.location"):
            self.env[model].flush_model()
        self.env.cr.execute(
            """SELECT ml.lot_id, ml.date, src.usage, dest.usage, ml.quantity,
                      COALESCE(pick.partner_id, m.partner_id) AS partner_id,
                      COALESCE(pick.name, m.reference) AS document
                 FROM stock_move_line ml
                 JOIN stock_move m ON m.id = ml.move_id
                 JOIN stock_location src ON src.id = ml.location_id
                 JOIN stock_location dest ON dest.id = ml.location_dest_id
            LEFT JOIN stock_picking pick ON pick.id = ml.picking_id
                WHERE ml.lot_id = ANY(%(ids)s) AND ml.state = 'done'
                  AND (src.usage IN ('supplier', 'customer')
                       OR dest.usage IN ('supplier', 'customer'))
                  AND src.usage != dest.usage
                  AND (%(at)s::timestamp IS NULL OR ml.date <= %(at)s)
             ORDER BY ml.date, ml.id""",
            {"ids": list(lot_ids), "at": at},
        )
        rows = self.env.cr.fetchall()
        partners = self.env["res.partner"].browse({row[5] for row in rows if row[5]})
        partners.fetch(["display_name"])
        labels = {
            ("supplier", None): self.env._("Receipt"),
            (None, "customer"): self.env._("Delivery"),
            ("customer", None): self.env._("Customer return"),
            (None, "supplier"): self.env._("Return to vendor"),
        }
        moves = []
        for lot_id, date, src, dest, quantity, partner_id, document in rows:
            if src == "supplier":
                kind = "receipt"
                label = labels["supplier", None]
            elif dest == "customer":
                kind = "delivery"
                label = labels[None, "customer"]
            elif src == "customer":
                kind = "customer_return"
                label = labels["customer", None]
            else:
                kind = "vendor_return"
                label = labels[None, "supplier"]
            moves.append(
                {
                    "lot_id": lot_id,
                    "date": date,
                    "kind": kind,
                    "label": label,
                    "quantity": quantity,
                    "document": document or "",
                    "partner": partners.browse(partner_id).display_name if partner_id else "",
                }
            )
        return moves

    # --- rendering ------------------------------------------------------------------

    @api.model
    def _render_tree_html(self, lot, max_nodes=FORM_MAX_NODES):
        """The genealogy tree of one serial as HTML, for its form."""
        data = self._gather(lot, max_nodes=max_nodes, with_history=False)
        return self.env["ir.qweb"]._render(
            "serial_tracking.serial_genealogy_tree",
            {
                "root": data["roots"][0],
                "lots": data["lots"],
                "links": True,
            },
        )

    @api.model
    def _rows(self, data):
        """The trees of ``_gather`` as flat rows, in display order, for exports."""
        relations = {
            UP: self.env._("Component"),
            DOWN: self.env._("Used in"),
        }
        link_types = dict(
            self.env["serial.genealogy"]._fields["link_type"]._description_selection(self.env)
        )
        rows = []
        for root in data["roots"]:
            root_name = data["lots"][root["lot"]]["name"]
            for direction in (UP, DOWN):
                for node in genealogy_tree.walk(root[direction]):
                    if node.depth == 0 and direction == DOWN:
                        continue  # the root is listed once, with the components
                    lot = data["lots"][node.lot]
                    edge = node.edge
                    rows.append(
                        {
                            "root": root_name,
                            "lot_id": node.lot,
                            "relation": relations[direction] if node.depth else "",
                            "level": node.depth,
                            "serial": lot["name"],
                            "product": lot["product"],
                            "quantity": edge.quantity if edge else "",
                            "uom": lot["uom"],
                            "state": lot["state_label"],
                            "place": lot["place"],
                            "link_type": link_types.get(edge.link_type, "") if edge else "",
                            "linked_since": edge.date_from if edge else "",
                            "document": edge.document if edge else "",
                            "repeated": node.repeated,
                        }
                    )
        return rows
