"""The set-based paths: every write of the suite that goes behind Odoo's ORM.

Contract
--------
From ``BULK_MIN`` records on, a few operations are done with one SQL statement per step
instead of one ORM call per record. Each stands in for Odoo methods and guarantees that
the rows, caches and dependent fields end as those methods leave them; the tests of
``test_fast_path.py`` run the same receipt both ways and compare the rows field by field.

==================  ==========================================  ==============================
operation           stands in for                               where
==================  ==========================================  ==============================
create_serials      ``stock.lot.create``                        ``serial.numbering``
create_lines        ``stock.move.line.create`` / ``write``      ``serial.numbering``
receive_quants      ``stock.quant.create``,                     ``stock_move_line.py`` here
                    ``_update_available_quantity``, and
                    ``stock.move.line._synchronize_quant`` of
                    the copied lines (``_action_done`` itself
                    runs on every line)
relocate_quants     ``stock.quant`` ``create``, ``write``,     ``stock_move_line.py`` here
                    ``_update_available_quantity``,
                    ``_update_reserved_quantity``, and
                    ``_synchronize_quant`` of the moved lines
                    (a recall's transfer into quarantine)
quant_check         ``stock.quant.check_quantity``              ``stock_quant.py`` here
company_check       ``stock.move.line._check_company``          ``stock_move_line.py`` here
unique_serial_check ``stock.lot._check_unique_lot``             ``stock_lot.py`` here
sanity_check        ``stock.picking._get_lot_move_lines_for_     ``stock_picking.py`` here
                    sanity_check``
ledger_append       ``serial.event.create``                     ``serial_event.py`` here
backfill            ``stock.lot.write``, ``serial.event.create``  ``stock_lot.py`` here
                    (the states and ``imported`` events of
                    serials that existed before installation)
==================  ==========================================  ==============================

What stays the same: every default and hook of the first record (made by the ORM), the
stored computed fields (recomputed or copied where they cannot differ), the Python
constraints on the columns that vary, the access rights (``check_access`` first), the
one2many caches of the inverse fields, and Odoo's checks (run on the records that can
fail them).

The guard: ``serial.bulk`` reads the method resolution order of each model at registry
load. An operation runs only while every override of the methods it stands in for comes
from Odoo's ``stock`` and what it is built on, ``mrp``, ``product_expiry`` or this suite
(``tools/fast_path.py``). Any other module turns it off, with one INFO line naming the
module and the method, and Odoo's own path runs, so that module sees every record. The
setting "Set-based bulk operations" (Inventory > Settings) turns every operation off.
"""

from . import serial_bulk
from . import serial_event
from . import stock_lot
from . import stock_move_line
from . import stock_picking
from . import stock_quant
