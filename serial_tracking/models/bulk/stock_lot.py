from odoo import api, models

from ...tools.fast_path import BULK_MIN


class StockLot(models.Model):
    # apart from the model's other extensions: every set-based path lives in models/bulk
    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    @api.constrains("name", "product_id", "company_id")
    def _check_unique_lot(self):
        """Odoo's uniqueness check, on big batches only for the serials that can break it.

        Odoo groups every name of the batch in Python: 100,000 groups for a big
        receipt. Only a name that another serial of the same product carries (in any
        company) can be a duplicate, so the database names those and Odoo's own check
        runs on them.
        """
        if len(self) < BULK_MIN or not self.env["serial.bulk"]._serial_fast_path(
                "unique_serial_check"):
            return super()._check_unique_lot()
        self.flush_model(["name", "product_id", "company_id"])
        self.env.cr.execute(
            """SELECT lot.id FROM stock_lot lot
                WHERE lot.id = ANY(%s)
                  AND EXISTS (SELECT 1 FROM stock_lot other
                               WHERE other.name = lot.name
                                 AND other.product_id = lot.product_id
                                 AND other.id <> lot.id)""",
            [self.ids],
        )
        shared = self.browse([lot_id for lot_id, in self.env.cr.fetchall()])
        return super(StockLot, shared)._check_unique_lot() if shared else None
