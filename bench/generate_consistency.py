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

from generate import QUANT_COLUMNS, _copy, _reserve_ids

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
            prev_hash, from_state = ledger.GENESIS, None
            for step, event_type in enumerate(flow):
                to_state = _TO_STATE[event_type]
                content = {
                    "lot_id": lot_id,
                    "product_id": product,
                    "company_id": company,
                    "event_type": event_type,
                    "from_state": from_state,
                    "to_state": to_state,
                    "date": day + timedelta(days=step),
                    "create_date": now,
                    "user_id": uid,
                    "location_id": None,
                    "location_dest_id": None,
                    "partner_id": partner if event_type in ("shipped", "returned") else None,
                    "document_ref": f"{prefix}/{event_type[:3].upper()}/{index // 1000:05d}",
                    "reason_id": None,
                    "note": None,
                    "picking_ref": None,
                    "move_line_ref": None,
                }
                digest = ledger.event_hash(content, prev_hash, key)
                events.append(
                    (
                        lot_id,
                        product,
                        company,
                        event_type,
                        from_state,
                        to_state,
                        content["date"],
                        uid,
                        content["partner_id"],
                        content["document_ref"],
                        prev_hash,
                        digest,
                        now,
                    )
                )
                prev_hash, from_state = digest, to_state
            holder = partner if state == "shipped" else None
            lots.append(
                (lot_id, f"{prefix}{index:08d}", product, company, state, day, holder, *audit)
            )
            quants.append((product, locations[place], lot_id, 1, 0, day, company, *audit))
        _copy(
            cr,
            "stock_lot",
            (
                "id",
                "name",
                "product_id",
                "company_id",
                "lifecycle_state",
                "lifecycle_date",
                "current_partner_id",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ),
            lots,
        )
        _copy(
            cr,
            "serial_event",
            (
                "lot_id",
                "product_id",
                "company_id",
                "event_type",
                "from_state",
                "to_state",
                "date",
                "user_id",
                "partner_id",
                "document_ref",
                "prev_hash",
                "hash",
                "create_date",
            ),
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
    return {
        "serials": serials,
        "events": events_total,
        "planted": planted,
        "lot_start": lot_start,
        "seconds": round(time.perf_counter() - started, 1),
    }


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
