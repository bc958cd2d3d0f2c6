"""serial_tracking 19.0.1.0.0 -> 19.0.1.1.0, before the models are loaded.

Every database installed from earlier code says 19.0.1.0.0; each step below checks what is
there, so it does nothing where an earlier update did it already.

- ``serial_recall_unit.product_id``: units stored a copy of the serial's product, with a
  foreign key checked on every row a simulation writes. The product is now read from the
  serial (a related field, not stored), and Odoo leaves the column of a field that stopped
  being stored in place. Its values are the serials' products: nothing is lost.
- ``serial_event.create_uid``, ``write_uid``, ``write_date``: the ledger keeps no write
  metadata any more (``_log_access = False``: two foreign keys less to check per event of a
  100,000-serial receipt), but Odoo never drops these columns. An event is never written;
  who recorded it is ``user_id``, which the hash covers, and when is ``create_date``.
- The ledger's formula boundary (``serial_tracking.ledger_v1_last_id``): events recorded
  before the keyed hash carry the unkeyed one, accepted only up to this id. It was meant
  to be fixed on first use but never was (``get_param`` answers ``False``, not ``None``,
  for a missing key), so every such event read as forged. It is fixed here, before the
  update writes any event: the last event without a keyed hash.

Odoo's update does the rest of the schema by itself: new stored fields are added and
filled from their default or compute (``serial_consistency_check.company_id`` with the
main company, ``serial_resolver_attempt.kind`` with "register", which every earlier
attempt was), removed fields lose their column, changed indexes and constraints are
dropped and created again.
"""

from odoo.tools import SQL, sql

_LEGACY_PARAM = "serial_tracking.ledger_v1_last_id"  # models/serial_ledger_key.py
_DROPPED = {
    "serial_recall_unit": ("product_id",),
    "serial_event": ("create_uid", "write_uid", "write_date"),
}


def migrate(cr, version):
    cr.execute("SELECT 1 FROM ir_config_parameter WHERE key = %s", [_LEGACY_PARAM])
    if not cr.fetchone():
        cr.execute(
            """INSERT INTO ir_config_parameter (key, value, create_date, write_date)
               SELECT %s, COALESCE(max(id), 0)::text, now() at time zone 'UTC',
                      now() at time zone 'UTC'
                 FROM serial_event WHERE hash NOT LIKE %s""",
            [_LEGACY_PARAM, "v2:%"],
        )
    for table, columns in _DROPPED.items():
        for column in columns:
            if sql.column_exists(cr, table, column):
                cr.execute(
                    SQL(
                        "ALTER TABLE %s DROP COLUMN %s",
                        SQL.identifier(table),
                        SQL.identifier(column),
                    )
                )
