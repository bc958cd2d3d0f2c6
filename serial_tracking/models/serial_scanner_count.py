from odoo import api, models
from odoo.exceptions import AccessError, UserError

from ..tools import scan_input
from .serial_scanner import LISTED

# Applying a count writes inventory quantities, which Odoo keeps for Inventory managers.
COUNT_APPLY_GROUP = "stock.group_stock_manager"


class SerialScanner(models.AbstractModel):
    """Count: the units found in a location against those Odoo expects there; applying
    the count writes off the missing ones and records the unexpected ones."""

    # one model split by mode over files (see serial_scanner.py)
    _inherit = "serial.scanner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def count_review(self, params=None):
        """Found, missing and unexpected units of the count in ``params``."""
        self._check_mode("count")
        params = self._params(params)
        location = self._location(params.get("location_id"))
        if not location:
            raise UserError(self.env._("Choose the location to count first."))
        return self._count_review(location, params.get("scanned") or [])

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
        return self.env["stock.quant"].search(
            [
                ("location_id", "child_of", location.id),
                ("quantity", ">", 0),
                ("lot_id", "!=", False),
                ("product_id.tracking", "=", "serial"),
            ]
        )

    def _location_summary(self, location):
        return {
            "id": location.id,
            "name": location.display_name,
            "expected": self.env["stock.quant"].search_count(
                [
                    ("location_id", "child_of", location.id),
                    ("quantity", ">", 0),
                    ("lot_id", "!=", False),
                    ("product_id.tracking", "=", "serial"),
                ]
            ),
        }

    def _scan_count(self, code, params):
        scan = self._classify(code)
        if scan.kind == scan_input.TEXT:
            location = self.env["stock.location"].search(
                [("barcode", "=", scan.text), ("usage", "in", ("internal", "transit"))],
                limit=1,
            )
            if location:
                return self._result(
                    "info",
                    self.env._(
                        "Counting %(location)s: scan every unit there.",
                        location=location.display_name,
                    ),
                    params={"location_id": location.id, "scanned": []},
                    location=self._location_summary(location),
                )
        location = self._location(params.get("location_id"))
        if not location:
            self._refuse(
                self.env._(
                    "Choose the location to count, or scan its barcode, before scanning units."
                )
            )
        lot, answer = self._read_unit(code, params)
        if answer:
            return answer
        if lot.id in params.get("scanned", ()):
            # the same unit scanned twice: harmless, it counts once
            return self._result(
                "info",
                self.env._(
                    "%(serial)s was already counted: it counts once. Scan the next unit.",
                    serial=lot.name,
                ),
            )
        quants = self._stock_quants(lot)
        if quants.filtered(lambda q: q.location_id._child_of(location)):
            return self._result(
                "ok",
                self.env._("%(serial)s found.", serial=lot.name),
                entry=self._entry(lot, "found", self.env._("Found")),
            )
        return self._result(
            "warning",
            self.env._(
                "%(serial)s is not expected here: Odoo has it in %(where)s. Keep it here; "
                "confirming the count records it in %(location)s.",
                serial=lot.name,
                where=self._where(lot),
                location=location.display_name,
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
            return [
                {
                    "lot_id": lot.id,
                    "serial": lot.name,
                    "product": lot.product_id.display_name,
                    "where": self._where(lot),
                }
                for lot in lots[: LISTED * 4]
            ]

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
            raise AccessError(
                self.env._(
                    "Only an Inventory manager may apply a count: it changes stock quantities. "
                    "Ask a manager to confirm it."
                )
            )
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
            quants = (
                self.env["stock.quant"]
                .with_context(inventory_mode=True)
                .create(
                    [
                        {
                            "product_id": lot.product_id.id,
                            "location_id": location.id,
                            "lot_id": lot.id,
                            "inventory_quantity": 1,
                        }
                        for lot in found_new
                    ]
                )
            )
            self._apply_inventory(quants, location)
        return self._result(
            "ok",
            self.env._(
                "Count of %(location)s applied: %(found)s found, %(missing)s missing written "
                "off, %(unexpected)s unexpected recorded here.",
                location=location.display_name,
                found=len(scanned) - len(unexpected),
                missing=len(missing_quants),
                unexpected=len(unexpected),
            ),
            params={"scanned": []},
            location=self._location_summary(location),
        )

    def _apply_inventory(self, quants, location):
        if isinstance(quants.action_apply_inventory(), dict):  # Odoo's conflict wizard
            self._refuse(
                self.env._(
                    "Quantities of %(location)s changed since they were read. Review the count "
                    "in Inventory > Physical Inventory, or start the count again.",
                    location=location.display_name,
                )
            )

    def _relocate(self, lots, location):
        """Record units found in ``location`` with real internal transfers from where
        Odoo had them (one per source location)."""
        if lots:
            lots._serial_move_to_location(
                lambda _lot: location,
                origin=self.env._("Count of %(location)s", location=location.display_name),
            )
