"""Synthetic five-level genealogy, written set-based with COPY.

Battery-like material flow, for ``serials`` serials (default 1,000,000)::

    electrolyte lot ──> cell ──> module ──> pack ──> vehicle
      (lot, 50)        (60 %)    (3 cells)  (2 modules) (1 pack)

Cells are 60 % of the serials, modules 19.8 %, packs and vehicles 9.9 % each; what is
left are spare cells (for repairs) and loose modules. One electrolyte lot, the *big
lot*, goes into the first 64,000 cells, so that its descendants are more than 100,000
units; the other lots share the remaining cells. One module in a hundred had a cell
swapped in a repair: the old link is closed with a ``removed`` row and the spare cell
is ``installed``, so as-of-date questions have something to answer.

Only ``stock_lot`` and ``serial_genealogy`` rows are written (plus five products through
the ORM): the genealogy queries read nothing else.
"""

from datetime import timedelta

from generate import (
    AUDIT_COLUMNS,
    LIFECYCLE_COLUMNS,
    BulkGenerator,
    _copy,
    _reserve_ids,
    lot_columns,
)

BIG_LOT_CELLS = 64000
LOTS = 50
CELLS_PER_MODULE = 3
MODULES_PER_PACK = 2
SWAP_EVERY = 100  # one module in SWAP_EVERY gets a cell replaced


class GenealogyGenerator(BulkGenerator):
    TABLES = ("stock_lot", "serial_genealogy")

    def __init__(self, env, serials=1000000, prefix="G5", start=None):
        super().__init__(env, serials, prefix, start=start)
        # Level sizes: vehicles = packs, packs = modules / 2, modules = cells / 3.
        self.vehicles = serials * 99 // 1000
        self.packs = self.vehicles
        self.modules = self.packs * MODULES_PER_PACK
        self.built_cells = self.modules * CELLS_PER_MODULE
        self.spare_cells = (self.modules + SWAP_EVERY - 1) // SWAP_EVERY
        self.loose_modules = serials - (
            self.vehicles + self.packs + self.modules + self.built_cells + self.spare_cells
        )

    def _setup(self):
        env = self.env
        self.company = env.company
        names = ("Electrolyte", "Cell", "Module", "Pack", "Vehicle")
        self.products = {
            name: env["product.product"].create(
                {
                    "name": f"{self.prefix} {name}",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "lot" if name == "Electrolyte" else "serial",
                }
            )
            for name in names
        }
        self.production = env["stock.location"].search(
            [("usage", "=", "production"), ("company_id", "in", [self.company.id, False])],
            limit=1,
        )
        self.stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", self.company.id)], limit=1)
            .lot_stock_id
        )
        self.customer_location = env.ref("stock.stock_location_customers")
        self.customer = env["res.partner"].create({"name": f"{self.prefix} Fleet Customer"})
        env.flush_all()

    def _write(self):
        lots = []  # (id, name, product, location, state, partner)
        links = []  # (parent, child, link_type, quantity, date_from, date_to, document)
        first = _reserve_ids(self.cr, "stock_lot", LOTS + self.serials)
        next_id = iter(range(first, first + LOTS + self.serials))
        product = {name: record.id for name, record in self.products.items()}

        electrolyte = [next(next_id) for _n in range(LOTS)]
        lots += [
            (lot_id, f"{self.prefix}-EL{n:03d}", product["Electrolyte"], self.stock.id, None, None)
            for n, lot_id in enumerate(electrolyte)
        ]
        cells = [next(next_id) for _n in range(self.built_cells + self.spare_cells)]
        modules = [next(next_id) for _n in range(self.modules + self.loose_modules)]
        packs = [next(next_id) for _n in range(self.packs)]
        vehicles = [next(next_id) for _n in range(self.vehicles)]

        def day(n):
            return self.start + timedelta(minutes=n)

        def part(lot_id, name, product_name, built):
            """A cell or a module: consumed once built into its parent, else a spare in stock."""
            if built:
                return (lot_id, name, product[product_name], self.production.id, "consumed", None)
            return (lot_id, name, product[product_name], self.stock.id, "in_stock", None)

        # electrolyte -> cells
        other_cells = max(1, (len(cells) - BIG_LOT_CELLS) // (LOTS - 1) + 1)
        for index, cell in enumerate(cells):
            if index < BIG_LOT_CELLS:
                lot = electrolyte[0]
            else:
                lot = electrolyte[1 + (index - BIG_LOT_CELLS) // other_cells]
            lots.append(part(cell, f"{self.prefix}-C{index:07d}", "Cell", index < self.built_cells))
            links.append(
                (
                    lot,
                    cell,
                    "built_in",
                    0.05,
                    day(index // 10),
                    None,
                    f"{self.prefix}/MO/CELL/{index // 1000:05d}",
                )
            )
        # cells -> modules, with one swap per SWAP_EVERY modules
        spares = iter(cells[self.built_cells :])
        for index, module in enumerate(modules):
            built = index < self.modules
            lots.append(part(module, f"{self.prefix}-M{index:07d}", "Module", built))
            if not built:
                continue
            when = day(10000 + index // 3)
            document = f"{self.prefix}/MO/MOD/{index:07d}"
            members = cells[index * CELLS_PER_MODULE : (index + 1) * CELLS_PER_MODULE]
            for position, cell in enumerate(members):
                if position == 0 and index % SWAP_EVERY == 0:
                    repaired = when + timedelta(days=200)
                    repair = f"{self.prefix}/RO/{index:07d}"
                    links.append((cell, module, "built_in", 1.0, when, repaired, document))
                    links.append((cell, module, "removed", 1.0, repaired, repaired, repair))
                    links.append((next(spares), module, "installed", 1.0, repaired, None, repair))
                else:
                    links.append((cell, module, "built_in", 1.0, when, None, document))
        # modules -> packs -> vehicles
        for index, pack in enumerate(packs):
            lots.append(
                (
                    pack,
                    f"{self.prefix}-P{index:07d}",
                    product["Pack"],
                    self.production.id,
                    "consumed",
                    None,
                )
            )
            when = day(80000 + index // 2)
            for module in modules[index * MODULES_PER_PACK : (index + 1) * MODULES_PER_PACK]:
                links.append(
                    (
                        module,
                        pack,
                        "built_in",
                        1.0,
                        when,
                        None,
                        f"{self.prefix}/MO/PACK/{index:07d}",
                    )
                )
        for index, vehicle in enumerate(vehicles):
            lots.append(
                (
                    vehicle,
                    f"{self.prefix}-V{index:07d}",
                    product["Vehicle"],
                    self.customer_location.id,
                    "shipped",
                    self.customer.id,
                )
            )
            links.append(
                (
                    packs[index],
                    vehicle,
                    "built_in",
                    1.0,
                    day(130000 + index),
                    None,
                    f"{self.prefix}/MO/VEH/{index:07d}",
                )
            )

        self._write_lots(lots)
        self._write_links(links)
        return {
            "serials": self.serials,
            "lots": len(lots),
            "links": len(links),
            "big_lot": electrolyte[0],
            "big_lot_cells": BIG_LOT_CELLS,
            "sample_vehicle": vehicles[0],
            "sample_cell": cells[1],  # cells[0] was swapped out in a repair
        }

    def _write_lots(self, lots):
        audit = self._audit()
        _copy(
            self.cr,
            "stock_lot",
            lot_columns("location_id", *LIFECYCLE_COLUMNS),
            (
                (
                    lot_id,
                    name,
                    product,
                    self.company.id,
                    location,
                    state,
                    self.now if state else None,
                    partner,
                    *audit,
                )
                for lot_id, name, product, location, state, partner in lots
            ),
        )

    def _write_links(self, links):
        audit = self._audit()
        _copy(
            self.cr,
            "serial_genealogy",
            (
                "parent_lot_id",
                "child_lot_id",
                "link_type",
                "quantity",
                "date_from",
                "date_to",
                "document_ref",
                "company_id",
                *AUDIT_COLUMNS,
            ),
            (
                (
                    parent,
                    child,
                    link_type,
                    quantity,
                    date_from,
                    date_to,
                    document,
                    self.company.id,
                    *audit,
                )
                for parent, child, link_type, quantity, date_from, date_to, document in links
            ),
        )


def generate_genealogy(env, serials=1000000, prefix="G5"):
    return GenealogyGenerator(env, serials, prefix=prefix).run()
