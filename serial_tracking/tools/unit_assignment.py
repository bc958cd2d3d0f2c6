"""Which consumed component goes into which finished unit of one production.

A manufacturing order that builds several serialized units consumes its components
together. To know what is inside each unit, the consumed components are assigned to
the units: every consumed serial to exactly one unit, every consumed lot quantity in
full, and every unit gets each tracked component it needs.

:func:`even_split` proposes an assignment (components in consumption order, an even
share per unit); :func:`check` lists everything that is wrong with one, so that the
whole list can be shown at once.
"""

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Consumed:
    """A lot or serial the production consumes, with the total consumed quantity."""

    lot: object
    product: object
    serial: bool
    quantity: float = 1.0


@dataclass(frozen=True)
class Row:
    """``quantity`` of component ``lot`` went into finished ``unit``."""

    unit: object
    lot: object
    quantity: float = 1.0


@dataclass(frozen=True)
class Problem:
    """One reason an assignment cannot be accepted.

    ``kind`` is one of:

    - ``unassigned``: a consumed serial (``lot``) is in no unit;
    - ``duplicate``: a serial (``lot``) is in several units (``units``) or counted
      more than once;
    - ``not_consumed``: a component (``lot``) is assigned to ``units`` but the
      production does not consume it;
    - ``quantity``: a consumed lot (``lot``) is assigned ``assigned`` of ``consumed``;
    - ``unknown_unit``: ``unit`` is not produced by the production (``lots`` are
      assigned to it);
    - ``missing``: ``unit`` has ``assigned`` of ``product`` and needs ``needed``.
    """

    kind: str
    lot: object = None
    unit: object = None
    product: object = None
    units: tuple = ()
    lots: tuple = ()
    consumed: float = 0.0
    assigned: float = 0.0
    needed: float = 0.0


def _round(value, rounding):
    return round(round(value / rounding) * rounding, 10)


def _by_product(consumed):
    """``{product: [Consumed, ...]}`` keeping the first-seen order of products and lots."""
    merged = {}
    for item in consumed:
        key = (item.product, item.lot)
        if key in merged:
            previous = merged[key]
            merged[key] = Consumed(
                item.lot, item.product, item.serial, previous.quantity + item.quantity
            )
        else:
            merged[key] = item
    groups = defaultdict(list)
    for item in merged.values():
        groups[item.product].append(item)
    return groups


def even_split(units, consumed, rounding=0.01):
    """Share the consumed components evenly between the units, in consumption order.

    Serials: the first units get the first serials of each product, in blocks; when the
    count does not divide evenly, the first units get one more. Lots: each unit gets the
    same quantity (in steps of ``rounding``; the first units take the steps that do not
    divide evenly), taken from the lots in consumption order, so a lot may be shared by
    two units.

    :param units: the finished units, in order.
    :param consumed: :class:`Consumed` items in consumption order.
    :returns: list of :class:`Row`.
    """
    units = list(units)
    if not units:
        return []
    rows = []
    for items in _by_product(consumed).values():
        if items[0].serial:
            rows += _split_serials(units, items)
        else:
            rows += _split_lots(units, items, rounding)
    return rows


def _split_serials(units, items):
    base, extra = divmod(len(items), len(units))
    rows, position = [], 0
    for index, unit in enumerate(units):
        count = base + (1 if index < extra else 0)
        rows += [Row(unit, item.lot, 1.0) for item in items[position : position + count]]
        position += count
    return rows


def _split_lots(units, items, rounding):
    # Count in rounding steps so that every unit gets a share whenever there are enough
    # steps for all: the first units take the steps that do not divide evenly.
    steps = round(sum(item.quantity for item in items) / rounding)
    base, extra = divmod(steps, len(units))
    wanted = [
        _round((base + (1 if index < extra else 0)) * rounding, rounding)
        for index in range(len(units))
    ]
    rows = []
    lots = [[item.lot, item.quantity] for item in items]
    position = 0
    for unit, need in zip(units, wanted, strict=True):
        while need > rounding / 2 and position < len(lots):
            lot, available = lots[position]
            taken = _round(min(need, available), rounding)
            if taken > rounding / 2:
                rows.append(Row(unit, lot, taken))
            need = _round(need - taken, rounding)
            lots[position][1] = _round(available - taken, rounding)
            if lots[position][1] <= rounding / 2:
                position += 1
    return rows


def check(units, consumed, rows, needs=None, rounding=0.01):
    """Every problem of ``rows`` as an assignment of ``consumed`` to ``units``.

    :param needs: ``{product: quantity per unit}`` of the tracked components the bill
        of materials asks for. A serial component is required in full per unit when the
        production consumed enough for every unit, otherwise at least one; a lot
        component is required in some quantity.
    :returns: list of :class:`Problem`, empty when the assignment is complete.
    """
    units = list(units)
    needs = needs or {}
    known_units = set(units)
    problems = []
    groups = _by_product(consumed)
    consumed_by_lot = {item.lot: item for items in groups.values() for item in items}

    assigned = defaultdict(float)
    units_of = defaultdict(list)
    lots_of_unknown = defaultdict(list)
    for row in rows:
        if row.unit not in known_units:
            lots_of_unknown[row.unit].append(row.lot)
            continue
        assigned[row.lot] += row.quantity
        units_of[row.lot].append(row.unit)
    for unit, lots in lots_of_unknown.items():
        problems.append(Problem("unknown_unit", unit=unit, lots=tuple(lots)))

    for lot, unit_list in units_of.items():
        if lot not in consumed_by_lot:
            problems.append(Problem("not_consumed", lot=lot, units=tuple(unit_list)))

    for items in groups.values():
        for item in items:
            total = assigned.get(item.lot, 0.0)
            if item.serial:
                if not units_of.get(item.lot):
                    problems.append(Problem("unassigned", lot=item.lot, product=item.product))
                elif len(units_of[item.lot]) > 1 or abs(total - 1.0) > rounding / 2:
                    problems.append(
                        Problem(
                            "duplicate",
                            lot=item.lot,
                            product=item.product,
                            units=tuple(units_of[item.lot]),
                            assigned=total,
                        )
                    )
            elif abs(total - item.quantity) > rounding / 2:
                problems.append(
                    Problem(
                        "quantity",
                        lot=item.lot,
                        product=item.product,
                        consumed=item.quantity,
                        assigned=_round(total, rounding),
                    )
                )

    per_unit = defaultdict(float)
    for row in rows:
        item = consumed_by_lot.get(row.lot)
        if item and row.unit in known_units:
            per_unit[row.unit, item.product] += row.quantity
    for product, items in groups.items():
        serial = items[0].serial
        total = sum(item.quantity for item in items)
        need = needs.get(product, 0.0)
        if serial and need and total + rounding / 2 >= need * len(units):
            required = need
        else:
            required = rounding  # some of it
        for unit in units:
            has = _round(per_unit.get((unit, product), 0.0), rounding)
            if has + rounding / 2 < required:
                problems.append(
                    Problem(
                        "missing",
                        unit=unit,
                        product=product,
                        assigned=has,
                        needed=need if serial else 0.0,
                    )
                )
    return problems
