"""Benchmark tasks, run inside Odoo by ``odoo_task.py``.

Each task measures the same operation the same way on any database, so the harness
can run it on a database with the suite and one without, in the same run, and report
the ratio. Timings are wall-clock seconds around flushed ORM work.
"""

import time
from datetime import datetime

from generate import generate as generate_data

from odoo import Command


def _has_suite(env):
    return "lifecycle_state" in env["stock.lot"]._fields


def _timed(env, func):
    started = time.perf_counter()
    result = func()
    env.flush_all()
    return time.perf_counter() - started, result


def receive_deliver(env, serials=5000):
    """Receive ``serials`` new serials on one receipt, then deliver them all.

    Odoo's own path: serial names typed on the receipt's move lines (what Odoo's
    "Generate Serials" and import produce), validate; then a delivery reserved by
    Odoo and validated.
    """
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    supplier = env.ref("stock.stock_location_suppliers")
    customer = env.ref("stock.stock_location_customers")
    product = env["product.product"].create({
        "name": "Bench Laptop", "type": "consu", "is_storable": True, "tracking": "serial",
    })
    partner = env["res.partner"].create({"name": "Bench Customer"})
    env.flush_all()

    def receive():
        receipt = env["stock.picking"].create({
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": supplier.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "move_ids": [Command.create({
                "product_id": product.id, "product_uom_qty": serials,
                "product_uom": product.uom_id.id, "location_id": supplier.id,
                "location_dest_id": warehouse.lot_stock_id.id,
            })],
        })
        receipt.action_confirm()
        move = receipt.move_ids
        move.move_line_ids.unlink()
        env["stock.move.line"].create([
            {"move_id": move.id, "picking_id": receipt.id, "product_id": product.id,
             "lot_name": f"BENCH{number:07d}", "quantity": 1,
             "location_id": supplier.id, "location_dest_id": warehouse.lot_stock_id.id}
            for number in range(serials)
        ])
        move.picked = True
        assert receipt.button_validate() is True
        return receipt

    def deliver():
        delivery = env["stock.picking"].create({
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": partner.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": customer.id,
            "move_ids": [Command.create({
                "product_id": product.id, "product_uom_qty": serials,
                "product_uom": product.uom_id.id, "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customer.id,
            })],
        })
        delivery.action_confirm()
        delivery.action_assign()
        delivery.move_ids.picked = True
        assert delivery.button_validate() is True
        return delivery

    receive_seconds, receipt = _timed(env, receive)
    deliver_seconds, delivery = _timed(env, deliver)
    assert receipt.state == "done" and delivery.state == "done"
    result = {
        "serials": serials,
        "receive_s": round(receive_seconds, 3),
        "deliver_s": round(deliver_seconds, 3),
        "total_s": round(receive_seconds + deliver_seconds, 3),
    }
    if _has_suite(env):
        lots = delivery.move_line_ids.lot_id
        states = set(lots.mapped("lifecycle_state"))
        events = env["serial.event"].search_count([("lot_id", "in", lots.ids)])
        assert states == {"shipped"}, states
        result["events"] = events
    return result


def generate(env, serials=100000, products=None, prefix="GEN"):
    """Fill the database with synthetic history (see ``generate.py``)."""
    return generate_data(env, serials, products=products, prefix=prefix)


def backfill(env):
    """Derive states for every serial without one (the install-time back-fill)."""
    seconds, count = _timed(env, env["stock.lot"]._serial_backfill)
    return {"serials": count, "backfill_s": round(seconds, 3)}


def state_at(env, at=None, limit=100000, path="suite"):
    """Each serial's state and holder as of ``at``, for ``limit`` serials.

    ``path="suite"``: one query over the ledger. ``path="odoo"``: the nearest Odoo
    path, the last done move line of each serial up to that date, grouped with the ORM.
    """
    at = at or datetime.now().isoformat(sep=" ", timespec="seconds")
    lots = env["stock.lot"].search([("product_id.tracking", "=", "serial")], limit=limit,
                                   order="id")
    moment = datetime.fromisoformat(at)
    env.invalidate_all()
    if path == "suite":
        seconds, states = _timed(env, lambda: lots._serial_state_at(moment))
        return {"serials": len(lots), "answered": len(states), "state_at_s": round(seconds, 3)}

    def odoo_path():
        groups = env["stock.move.line"]._read_group(
            [("lot_id", "in", lots.ids), ("state", "=", "done"), ("date", "<=", moment)],
            ["lot_id"], ["id:max"],
        )
        last_lines = env["stock.move.line"].browse([line_id for _lot, line_id in groups])
        return {line.lot_id.id: line.location_dest_id.usage for line in last_lines}

    seconds, states = _timed(env, odoo_path)
    return {"serials": len(lots), "answered": len(states), "state_at_s": round(seconds, 3)}
