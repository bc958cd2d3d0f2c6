"""Synthetic stock history, written set-based with COPY.

Fills a database (with or without the suite) with serial-tracked products, serials,
done receipts, internal moves, deliveries, customer returns and scraps, and the quants
they leave, fast enough for a million serials in minutes. The rows are what Odoo itself
would have written for the same flows; nothing goes through the ORM except the few
products, so the suite's hooks do not run and serials come out without a lifecycle
state, exactly like a database the suite is installed on later.

Flows per serial ``i`` (deterministic, so runs are comparable):
    received from the vendor              every serial
    moved to a shelf                      every serial
    delivered to a customer               i % 10 < 7
    returned by the customer              i % 10 in (0, 1)    (after delivery)
    scrapped from the shelf               i % 10 == 9
That is 3.0 done move lines per serial on average.
"""

import io
import time
from datetime import datetime, timedelta

BLOCK = 1000  # serials per picking; one product per block
FLOWS = ("receipt", "shelve", "deliver", "return", "scrap")


def _reserve_ids(cr, table, count):
    """Take ``count`` consecutive ids from ``table``'s sequence."""
    cr.execute(f"SELECT nextval('{table}_id_seq')")  # noqa: S608 - table names are ours
    start = cr.fetchone()[0]
    cr.execute(f"SELECT setval('{table}_id_seq', %s)", [start + count])  # noqa: S608
    return start


# The columns every generated row ends with, filled by ``*audit`` (who and when).
AUDIT_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")

# The columns the generators write of a quant, in this order.
QUANT_COLUMNS = (
    "product_id",
    "location_id",
    "lot_id",
    "quantity",
    "reserved_quantity",
    "in_date",
    "company_id",
    *AUDIT_COLUMNS,
)
# What a serial's lifecycle leaves on it: its state, since when, and who holds it.
LIFECYCLE_COLUMNS = ("lifecycle_state", "lifecycle_date", "current_partner_id")


def lot_columns(*columns):
    """The columns of a generated serial (``stock_lot``): id, name, product and company,
    then ``columns``, then the audit columns."""
    return ("id", "name", "product_id", "company_id", *columns, *AUDIT_COLUMNS)


def with_seconds(figures, started, digits=1):
    """A generator's ``figures``, then the seconds it took since ``started``
    (``time.perf_counter()``)."""
    return {**figures, "seconds": round(time.perf_counter() - started, digits)}


def _copy(cr, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cr.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN",
        buffer,  # noqa: S608
    )


def _flows_of(index):
    flows = ["receipt", "shelve"]
    bucket = index % 10
    if bucket < 7:
        flows.append("deliver")
        if bucket in (0, 1):
            flows.append("return")
    elif bucket == 9:
        flows.append("scrap")
    return flows


class BulkGenerator:
    """A generator's run: a few records through the ORM (``_setup``), then the rows
    written set-based (``_write``, which returns the figures), then the ``TABLES``
    written to are analyzed; who writes and when is the same on every row."""

    TABLES = ()

    def __init__(self, env, serials, prefix, start=None):
        self.env = env
        self.cr = env.cr
        self.serials = serials
        self.prefix = prefix
        self.start = start or datetime(2025, 1, 1)
        self.uid = env.uid
        self.now = datetime.now().replace(microsecond=0)

    def run(self):
        started = time.perf_counter()
        self._setup()
        figures = self._write()
        self.env.invalidate_all()
        self.cr.execute(f"ANALYZE {', '.join(self.TABLES)}")
        return with_seconds(figures, started, 2)

    def _setup(self):
        raise NotImplementedError

    def _write(self):
        raise NotImplementedError

    def _audit(self):
        return (self.uid, self.now, self.uid, self.now)


class Generator(BulkGenerator):
    TABLES = ("stock_lot", "stock_move", "stock_move_line", "stock_quant", "stock_picking")

    def __init__(self, env, serials, products=None, prefix="GEN", start=None):
        super().__init__(env, serials, prefix, start=start)
        self.product_count = products or max(1, min(200, serials // 5000))

    # --- setup through the ORM (a handful of records) ---------------------------------

    def _setup(self):
        env = self.env
        self.company = env.company
        self.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.stock = self.warehouse.lot_stock_id
        self.shelf = env["stock.location"].create(
            {
                "name": f"{self.prefix} Shelf",
                "usage": "internal",
                "location_id": self.stock.id,
            }
        )
        self.supplier = env.ref("stock.stock_location_suppliers")
        self.customer = env.ref("stock.stock_location_customers")
        self.scrap = env["stock.location"].search(
            [("usage", "=", "inventory"), ("company_id", "in", [self.company.id, False])],
            limit=1,
        )
        self.vendor = env["res.partner"].create({"name": f"{self.prefix} Vendor"})
        self.customers = env["res.partner"].create(
            [{"name": f"{self.prefix} Customer {n}"} for n in range(20)]
        )
        self.products = env["product.product"].create(
            [
                {
                    "name": f"{self.prefix} Product {n}",
                    "default_code": f"{self.prefix}-P{n}",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "serial",
                }
                for n in range(self.product_count)
            ]
        )
        self.uom_id = self.products[:1].uom_id.id
        self.routes = {
            "receipt": (self.supplier.id, self.stock.id, self.warehouse.in_type_id.id),
            "shelve": (self.stock.id, self.shelf.id, self.warehouse.int_type_id.id),
            "deliver": (self.shelf.id, self.customer.id, self.warehouse.out_type_id.id),
            "return": (self.customer.id, self.stock.id, self.warehouse.in_type_id.id),
            "scrap": (self.shelf.id, self.scrap.id, self.warehouse.int_type_id.id),
        }
        env.flush_all()

    # --- bulk rows ------------------------------------------------------------------

    def _write(self):
        lot_start = _reserve_ids(self.cr, "stock_lot", self.serials)
        blocks = range(0, self.serials, BLOCK)
        # One picking and one move per (block, flow): pickings carry the partner.
        picking_keys = [(block, flow) for block in blocks for flow in FLOWS]
        picking_start = _reserve_ids(self.cr, "stock_picking", len(picking_keys))
        move_start = _reserve_ids(self.cr, "stock_move", len(picking_keys))
        picking_id = {key: picking_start + n for n, key in enumerate(picking_keys)}
        move_id = {key: move_start + n for n, key in enumerate(picking_keys)}

        lines, quants, lots, move_qty = [], [], [], dict.fromkeys(picking_keys, 0)
        for index in range(self.serials):
            block = index - index % BLOCK
            product = self.products[(index // BLOCK) % self.product_count].id
            lot_id = lot_start + index
            day = self.start + timedelta(seconds=(index * 37) % (300 * 86400))
            flows = _flows_of(index)
            location = None
            for step, flow in enumerate(flows):
                source, destination, _type = self.routes[flow]
                date = day + timedelta(days=step * 7)
                lines.append((lot_id, product, flow, block, source, destination, date))
                move_qty[block, flow] += 1
                location = destination
            lots.append((lot_id, f"{self.prefix}{index:08d}", product, location))
            quants.append((product, location, lot_id, self.start + timedelta(days=1)))

        self._write_lots(lots)
        self._write_pickings(picking_keys, picking_id, move_qty)
        self._write_moves(picking_keys, picking_id, move_id, move_qty)
        self._write_lines(lines, picking_id, move_id)
        self._write_quants(quants)
        return {
            "serials": self.serials,
            "products": self.product_count,
            "move_lines": len(lines),
            "pickings": sum(1 for qty in move_qty.values() if qty),
        }

    def _write_lots(self, lots):
        audit = self._audit()
        _copy(
            self.cr,
            "stock_lot",
            lot_columns("location_id"),
            (
                (lot_id, name, product, self.company.id, location, *audit)
                for lot_id, name, product, location in lots
            ),
        )

    def _picking_name(self, block, flow):
        return f"{self.prefix}/{flow.upper()}/{block // BLOCK:06d}"

    def _picking_partner(self, block, flow):
        if flow in ("deliver", "return"):
            return self.customers[(block // BLOCK) % len(self.customers)].id
        return self.vendor.id if flow == "receipt" else None

    def _write_pickings(self, keys, picking_id, move_qty):
        audit = self._audit()
        rows = []
        for block, flow in keys:
            if not move_qty[block, flow]:
                continue
            source, destination, picking_type = self.routes[flow]
            date = self.start + timedelta(seconds=block)
            rows.append(
                (
                    picking_id[block, flow],
                    self._picking_name(block, flow),
                    source,
                    destination,
                    picking_type,
                    "direct",
                    "done",
                    self.company.id,
                    self._picking_partner(block, flow),
                    date,
                    date,
                    *audit,
                )
            )
        _copy(
            self.cr,
            "stock_picking",
            (
                "id",
                "name",
                "location_id",
                "location_dest_id",
                "picking_type_id",
                "move_type",
                "state",
                "company_id",
                "partner_id",
                "date_done",
                "scheduled_date",
                *AUDIT_COLUMNS,
            ),
            rows,
        )

    def _write_moves(self, keys, picking_id, move_id, move_qty):
        audit = self._audit()
        rows = []
        for block, flow in keys:
            qty = move_qty[block, flow]
            if not qty:
                continue
            source, destination, picking_type = self.routes[flow]
            product = self.products[(block // BLOCK) % self.product_count].id
            date = self.start + timedelta(seconds=block)
            rows.append(
                (
                    move_id[block, flow],
                    self.company.id,
                    product,
                    self.uom_id,
                    source,
                    destination,
                    destination,
                    "make_to_stock",
                    qty,
                    qty,
                    qty,
                    date,
                    "done",
                    picking_id[block, flow],
                    picking_type,
                    self._picking_name(block, flow),
                    "t",
                    *audit,
                )
            )
        _copy(
            self.cr,
            "stock_move",
            (
                "id",
                "company_id",
                "product_id",
                "product_uom",
                "location_id",
                "location_dest_id",
                "location_final_id",
                "procure_method",
                "product_uom_qty",
                "quantity",
                "product_qty",
                "date",
                "state",
                "picking_id",
                "picking_type_id",
                "reference",
                "picked",
                *AUDIT_COLUMNS,
            ),
            rows,
        )

    def _write_lines(self, lines, picking_id, move_id):
        audit = self._audit()
        _copy(
            self.cr,
            "stock_move_line",
            (
                "company_id",
                "product_id",
                "product_uom_id",
                "location_id",
                "location_dest_id",
                "date",
                "lot_id",
                "quantity",
                "quantity_product_uom",
                "move_id",
                "picking_id",
                "state",
                "picked",
                *AUDIT_COLUMNS,
            ),
            (
                (
                    self.company.id,
                    product,
                    self.uom_id,
                    source,
                    destination,
                    date,
                    lot_id,
                    1,
                    1,
                    move_id[block, flow],
                    picking_id[block, flow],
                    "done",
                    "t",
                    *audit,
                )
                for lot_id, product, flow, block, source, destination, date in lines
            ),
        )

    def _write_quants(self, quants):
        audit = self._audit()
        _copy(
            self.cr,
            "stock_quant",
            QUANT_COLUMNS,
            (
                (product, location, lot_id, 1, 0, in_date, self.company.id, *audit)
                for product, location, lot_id, in_date in quants
            ),
        )


def generate(env, serials, products=None, prefix="GEN"):
    return Generator(env, serials, products=products, prefix=prefix).run()
