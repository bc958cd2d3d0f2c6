from odoo import api, models

from ..tools import genealogy_tree
from .serial_traceability import REPORT_MAX_EVENTS, REPORT_MAX_NODES


class SerialTraceabilityReport(models.AbstractModel):
    """Values of the traceability report (screen and PDF) of serials."""

    _name = "report.serial_tracking.report_serial_traceability"
    _description = "Serial Traceability Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        return self._report_values(lots, at=(data or {}).get("at"))

    @api.model
    def _report_values(self, lots, at=None):
        gathered = self.env["serial.traceability"]._gather(
            lots,
            at=at,
            max_nodes=REPORT_MAX_NODES,
            max_events=REPORT_MAX_EVENTS,
        )
        moves_by_lot = {}
        for move in gathered["moves"]:
            moves_by_lot.setdefault(move["lot_id"], []).append(move)
        sections = []
        for root in gathered["roots"]:
            # Every lot once, in display order: the unit, its components, then the units
            # it is part of.
            order = []
            seen = set()
            for tree in (root["up"], root["down"]):
                for node in genealogy_tree.walk(tree):
                    if node.lot not in seen:
                        seen.add(node.lot)
                        order.append(node.lot)
            moves = sorted(
                (move for lot_id in order for move in moves_by_lot.get(lot_id, [])),
                key=lambda move: move["date"],
            )
            sections.append(
                {
                    "root": root,
                    "lot": gathered["lots"][root["lot"]],
                    "order": order,
                    "receipts": [m for m in moves if m["kind"] in ("receipt", "vendor_return")],
                    "deliveries": [
                        m for m in moves if m["kind"] in ("delivery", "customer_return")
                    ],
                }
            )
        return {
            "doc_ids": lots.ids,
            "doc_model": "stock.lot",
            "docs": lots,
            "sections": sections,
            "lots": gathered["lots"],
            "events": gathered["events"],
            "at": at,
            "max_events": REPORT_MAX_EVENTS,
            "links": False,
        }
