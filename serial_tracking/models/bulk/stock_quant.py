from odoo import models

from ...tools.fast_path import BULK_MIN


class StockQuant(models.Model):
    # apart from the model's other extensions: every set-based path lives in models/bulk
    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    def check_quantity(self):
        """Odoo's check that no serial is counted more than once, on a few groups.

        Odoo sums every (product, location, serial) group of these quants and compares
        each sum in Python: 100,000 groups after a big receipt. A group can only
        fail Odoo's comparison if its sum is beyond one unit either way, so on big
        sets the database returns one quant of each such group, and Odoo's own check
        runs on those.
        """
        if len(self) < BULK_MIN or not self.env["serial.bulk"]._serial_fast_path("quant_check"):
            return super().check_quantity()
        self.flush_model(["product_id", "location_id", "lot_id", "quantity"])
        self.env["product.template"].flush_model(["tracking"])
        self.env["stock.location"].flush_model(["usage"])
        self.env.cr.execute(
            """SELECT array_agg(DISTINCT quant.product_id),
                      array_agg(DISTINCT quant.location_id),
                      array_agg(DISTINCT quant.lot_id)
                 FROM stock_quant quant
                 JOIN product_product product ON product.id = quant.product_id
                 JOIN product_template template ON template.id = product.product_tmpl_id
                 JOIN stock_location location ON location.id = quant.location_id
                WHERE quant.id = ANY(%s) AND quant.lot_id IS NOT NULL
                  AND template.tracking = 'serial' AND location.usage <> 'inventory'""",
            [self.ids],
        )
        product_ids, location_ids, lot_ids = self.env.cr.fetchone()
        if not product_ids:
            return None
        groups = self._read_group(
            [
                ("product_id", "in", product_ids),
                ("location_id", "child_of", location_ids),
                ("lot_id", "in", lot_ids),
            ],
            ["product_id", "location_id", "lot_id"],
            ["id:min"],
            having=["|", ("quantity:sum", ">", 1), ("quantity:sum", "<", -1)],
        )
        return super(
            StockQuant, self.browse([quant_id for *_key, quant_id in groups])
        ).check_quantity()
