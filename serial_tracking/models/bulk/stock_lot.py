from odoo import api, models
from odoo.tools import SQL

from ...tools import ledger
from ...tools.fast_path import BULK_MIN

# The ledger columns an ``imported`` event of the back-fill fills: its content, chained.
_IMPORTED_COLUMNS = (*ledger.HASHED_FIELDS_V2, "prev_hash", "hash")


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
            "unique_serial_check"
        ):
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
        shared = self.browse([lot_id for (lot_id,) in self.env.cr.fetchall()])
        return super(StockLot, shared)._check_unique_lot() if shared else None

    # --- back-fill of serials that existed before installation --------------------------

    def _serial_backfill_save(self, events, states, now):
        """Write the back-fill's ``imported`` events (hash-chained contents) and the
        serials' states, with a few statements per batch; through the ORM when the
        set-based path is off.

        :param events: ``[(product_id, company_id, content)]``
        :param states: ``[(lot_id, state, partner_id)]``
        """
        if not self.env["serial.bulk"]._serial_fast_path("backfill"):
            self._serial_backfill_save_orm(events, states)
            return
        self.env.flush_all()
        rows = [
            tuple(content[column] for column in _IMPORTED_COLUMNS)
            for _product_id, _company_id, content in events
        ]
        insert = SQL(
            "INSERT INTO serial_event (%s)", SQL(", ").join(map(SQL.identifier, _IMPORTED_COLUMNS))
        )
        self.env.cr.execute_values(insert.code + " VALUES %s", rows, page_size=5000)
        self.env.cr.execute_values(
            """UPDATE stock_lot AS lot
                  SET lifecycle_state = v.state, current_partner_id = v.partner_id,
                      lifecycle_date = v.since
                 FROM (VALUES %s) AS v(id, state, partner_id, since)
                WHERE lot.id = v.id""",
            [(lot_id, state, partner_id, now) for lot_id, state, partner_id in states],
            template="(%s, %s, %s::integer, %s::timestamp)",
            page_size=5000,
        )
        self.env["serial.event"].invalidate_model()
        self.invalidate_model(
            ["lifecycle_state", "current_partner_id", "lifecycle_date", "event_ids"]
        )

    def _serial_backfill_save_orm(self, events, states):
        """The same rows through ``serial.event.create`` and ``stock.lot.write``."""
        self.env["serial.event"].sudo().with_context(serial_ledger_append=True).create(
            [
                {
                    column: value if value is not None else False
                    for column, value in content.items()
                    if column not in ("product_id", "company_id")
                }  # related to the serial
                for _product_id, _company_id, content in events
            ]
        )
        self.browse()._serial_write_states(
            {
                self.browse(lot_id): (state, partner_id or False)
                for lot_id, state, partner_id in states
            }
        )
