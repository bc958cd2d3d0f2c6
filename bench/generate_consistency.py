"""Synthetic serials for the consistency check, written set-based with COPY.

``serials`` serials of 20 products, each with the quants and the hash-chained ledger
events real flows leave (events hashed with ``tools/ledger.py``, keyed with the
database's ledger key, as the suite hashes them)::

    40 %  in stock     received                               quant in WH/Stock
    40 %  shipped      received, allocated, shipped            quant at the customer
    10 %  quarantined  received, quarantined                  quant in the quarantine
    10 %  returned     received, allocated, shipped, returned  quant in WH/Stock

Then ``broken`` units of each kind are broken with plain SQL, as a faulty import or a
hand-edited database would: a state written over the ledger (it disagrees with the
quants and with the last event), a quant that vanished, an event whose content was
edited. The check must find exactly those.
"""

import time
from datetime import datetime, timedelta

from generate import (
    LIFECYCLE_COLUMNS,
    QUANT_COLUMNS,
    _copy,
    _reserve_ids,
    lot_columns,
    with_seconds,
)

from odoo.addons.serial_tracking.tools import ledger

_FLOWS = {  # bucket (index % 10) -> (final state, events, where the quant is)
    **dict.fromkeys(range(4), ("in_stock", ("received",), "stock")),
    **dict.fromkeys(range(4, 8), ("shipped", ("received", "allocated", "shipped"), "customer")),
    8: ("quarantined", ("received", "quarantined"), "quarantine"),
    9: ("returned", ("received", "allocated", "shipped", "returned"), "stock"),
}
_TO_STATE = {
    "received": "in_stock",
    "allocated": "allocated",
    "shipped": "shipped",
    "returned": "returned",
    "quarantined": "quarantined",
}


class LedgerEvents:
    """Generated ledger events (``serial_event``), shared by the generators that write
    them: every column the hash covers (``ledger.HASHED_FIELDS_V2``), so that the row
    written is the content hashed; what a flow does not fill stays empty."""

    COLUMNS = ledger.HASHED_FIELDS_V2

    def __init__(self, prefix, company, uid, now):
        self.prefix, self.company, self.uid, self.now = prefix, company, uid, now

    def of_serial(self, index, lot_id, product, steps):
        """The contents of the events of serial number ``index``, oldest first: one per
        step ``(event_type, from_state, to_state, date, partner_id)``, each with the
        document of its batch of 1000 serials."""
        return [
            dict.fromkeys(self.COLUMNS)
            | {
                "lot_id": lot_id,
                "product_id": product,
                "company_id": self.company,
                "event_type": event_type,
                "from_state": from_state,
                "to_state": to_state,
                "date": date,
                "create_date": self.now,
                "user_id": self.uid,
                "partner_id": partner,
                "document_ref": f"{self.prefix}/{event_type[:3].upper()}/{index // 1000:05d}",
            }
            for event_type, from_state, to_state, date, partner in steps
        ]

    @classmethod
    def row(cls, content):
        """The values of ``content`` in the order of :attr:`COLUMNS`."""
        return tuple(content[name] for name in cls.COLUMNS)


def generate_consistency(env, serials=1000000, broken=50, prefix="CON", chunk=100000):
    started = time.perf_counter()
    cr = env.cr
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    warehouse._serial_ensure_quarantine_locations()
    locations = {
        "stock": warehouse.lot_stock_id.id,
        "quarantine": warehouse.quarantine_location_id.id,
        "customer": env.ref("stock.stock_location_customers").id,
        "supplier": env.ref("stock.stock_location_suppliers").id,
    }
    products = (
        env["product.product"]
        .create(
            [
                {
                    "name": f"{prefix} Product {n}",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "serial",
                }
                for n in range(20)
            ]
        )
        .ids
    )
    customers = (
        env["res.partner"].create([{"name": f"{prefix} Customer {n}"} for n in range(20)]).ids
    )
    env.flush_all()
    company, uid = env.company.id, env.uid
    keys = env["serial.ledger.key"]
    key = keys._serial_chain_key()
    keys._serial_legacy_last_id()  # fixed before the first keyed event exists
    now = datetime.now().replace(microsecond=0)
    audit = (uid, now, uid, now)
    ledger_events = LedgerEvents(prefix, company, uid, now)
    lot_start = _reserve_ids(cr, "stock_lot", serials)
    events_total = 0
    for first in range(0, serials, chunk):
        lots, events, quants = [], [], []
        for index in range(first, min(first + chunk, serials)):
            lot_id = lot_start + index
            product = products[index % len(products)]
            partner = customers[index % len(customers)]
            state, flow, place = _FLOWS[index % 10]
            day = now - timedelta(days=400 - index % 365, hours=index % 24)
            steps, from_state = [], None
            for step, event_type in enumerate(flow):
                to_state = _TO_STATE[event_type]
                date = day + timedelta(days=step)
                customer = partner if event_type in ("shipped", "returned") else None
                steps.append((event_type, from_state, to_state, date, customer))
                from_state = to_state
            contents = ledger_events.of_serial(index, lot_id, product, steps)
            for content, hashes in zip(contents, ledger.chain(contents, key), strict=True):
                events.append((*ledger_events.row(content), *hashes))
            holder = partner if state == "shipped" else None
            lots.append(
                (lot_id, f"{prefix}{index:08d}", product, company, state, day, holder, *audit)
            )
            quants.append((product, locations[place], lot_id, 1, 0, day, company, *audit))
        _copy(
            cr,
            "stock_lot",
            lot_columns(*LIFECYCLE_COLUMNS),
            lots,
        )
        _copy(
            cr,
            "serial_event",
            (*LedgerEvents.COLUMNS, "prev_hash", "hash"),
            events,
        )
        _copy(
            cr,
            "stock_quant",
            QUANT_COLUMNS,
            quants,
        )
        events_total += len(events)
    planted = _break_some(cr, lot_start, serials, broken)
    cr.execute("ANALYZE stock_lot, serial_event, stock_quant")
    env.invalidate_all()
    return with_seconds(
        {"serials": serials, "events": events_total, "planted": planted, "lot_start": lot_start},
        started,
    )


def _break_some(cr, lot_start, serials, broken):
    """Break ``broken`` units of each kind, spread over the whole range of serials."""
    step = max(serials // (broken * 10), 1) * 10  # a multiple of 10: same bucket

    def pick(bucket, offset):
        return [lot_start + index for index in range(bucket + offset * 10, serials, step)][:broken]

    state_over_ledger = pick(0, 0)  # in stock, written 'shipped'
    vanished_quant = pick(1, 0)  # in stock, quant deleted
    edited_event = pick(4, 0)  # shipped, first event edited
    cr.execute(
        "UPDATE stock_lot SET lifecycle_state = 'shipped' WHERE id = ANY(%s)", [state_over_ledger]
    )
    cr.execute("DELETE FROM stock_quant WHERE lot_id = ANY(%s)", [vanished_quant])
    cr.execute(
        """UPDATE serial_event SET note = 'edited'
            WHERE id IN (SELECT DISTINCT ON (lot_id) id FROM serial_event
                          WHERE lot_id = ANY(%s) ORDER BY lot_id, id)""",
        [edited_event],
    )
    return {
        "state_vs_quant": len(state_over_ledger) + len(vanished_quant),
        "state_vs_last_event": len(state_over_ledger),
        "broken_chain": len(edited_event),
        "missing": 0,
        "lots": sorted(state_over_ledger + vanished_quant + edited_event),
    }
