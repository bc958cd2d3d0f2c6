from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    quarantine_location_id = fields.Many2one(
        "stock.location",
        check_company=True,
        help="Where this warehouse keeps quarantined units. It sits outside the stock "
        "location, so nothing in it is reserved.",
    )

    def _get_locations_values(self, vals, code=False):
        values = super()._get_locations_values(vals, code=code)
        code = (vals.get("code") or code or "").replace(" ", "").upper()
        company_id = vals.get("company_id", self.default_get(["company_id"])["company_id"])
        values["quarantine_location_id"] = {
            "name": self.env._("Quarantine"),
            "active": True,
            "usage": "internal",
            "serial_quarantine": True,
            "barcode": self._valid_barcode(code + "QUARANTINE", company_id),
        }
        return values

    def _serial_ensure_quarantine_locations(self):
        """Give warehouses created before the suite their quarantine location."""
        for warehouse in self.filtered(lambda wh: not wh.quarantine_location_id):
            warehouse._create_missing_locations({})
