from odoo import models
from odoo.fields import Domain


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_gather_domain(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False
    ):
        """Quants in a quarantine location are not taken when Odoo looks for stock
        under a location (reservation, availability), even where the quarantine
        location sits inside it. Asking for the quarantine location itself, or for an
        exact location (``strict``: a line that names it), still finds them."""
        domain = super()._get_gather_domain(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )
        if strict or location_id.serial_quarantine:
            return domain
        return domain & Domain("location_id.serial_quarantine", "=", False)
