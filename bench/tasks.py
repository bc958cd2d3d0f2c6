"""Benchmark tasks, run inside Odoo by ``odoo_task.py``.

Each task measures the same operation the same way on any database, so the harness
can run it on a database with the suite and one without, in the same run, and report
the ratio. Timings are wall-clock seconds around flushed ORM work.
"""

import os
import time
from datetime import datetime

from generate import generate as generate_data

from odoo import Command


def _has_suite(env):
    return "lifecycle_state" in env["stock.lot"]._fields


def _timed(env, func, commit=False):
    """Seconds ``func`` takes, its pending writes flushed; with ``commit``, committed
    too, as the end of a request does (the next step then starts with a cold cache,
    as the next request would)."""
    started = time.perf_counter()
    result = func()
    env.flush_all()
    if commit:
        env.cr.commit()
    seconds = time.perf_counter() - started
    if commit:
        env.invalidate_all()
    return seconds, result


def receive_deliver(env, serials=5000):
    """Receive ``serials`` new serials on one receipt, then deliver them all.

    Odoo's own path: serial names typed on the receipt's move lines (what Odoo's
    "Generate Serials" and import produce), validate; then a delivery reserved by
    Odoo and validated.
    """
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    supplier = env.ref("stock.stock_location_suppliers")
    customer = env.ref("stock.stock_location_customers")
    product = env["product.product"].create(
        {
            "name": "Bench Laptop",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
        }
    )
    partner = env["res.partner"].create({"name": "Bench Customer"})
    env.flush_all()

    def receive():
        receipt = _confirmed_receipt(env, product, serials)
        move = receipt.move_ids
        move.move_line_ids.unlink()
        env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": receipt.id,
                    "product_id": product.id,
                    "lot_name": f"BENCH{number:07d}",
                    "quantity": 1,
                    "location_id": supplier.id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                }
                for number in range(serials)
            ]
        )
        move.picked = True
        assert receipt.button_validate() is True
        return receipt

    def deliver():
        delivery = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": partner.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customer.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": serials,
                            "product_uom": product.uom_id.id,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": customer.id,
                        }
                    )
                ],
            }
        )
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


def consistency_generate(env, serials=1000000, broken=50):
    """Serials with quants and hash-chained events, some broken (generate_consistency.py)."""
    from generate_consistency import generate_consistency

    return generate_consistency(env, serials=serials, broken=broken)


def consistency_check(env, planted_lots=(), python_verify=True):
    """The consistency check over every serial: the whole run, then each of its SQL
    checks alone; then Python's verification of every chain (tools/ledger.py, the
    'Verify History' path) for comparison with the chains checked in SQL."""
    Check = env["serial.consistency.check"]
    run_s, check = _timed(env, Check._run)
    kinds = dict.fromkeys(
        ("state_vs_quant", "state_vs_last_event", "broken_chain", "missing_state", "missing_event"),
        0,
    )
    for issue in check.issue_ids:
        kinds[issue.kind] += 1
    found_lots = sorted(set(check.issue_ids.lot_id.ids))
    scratch = Check.sudo().create({"trigger": "manual"})
    every = Check._scope("lot", None)
    parts = {}
    for name, func in (
        ("states_s", lambda: Check._insert_lot_issues(scratch, every, every)),
        ("broken_chain_sql_s", lambda: Check._insert_broken_chains(scratch, every)),
    ):
        parts[name] = round(_timed(env, func)[0], 2)
    result = {
        "serials": check.serial_count,
        "events": check.event_count,
        "issues": check.issue_count,
        "by_kind": kinds,
        "run_s": round(run_s, 2),
        "parts": parts,
        "found_exactly_the_planted": found_lots == sorted(planted_lots),
    }
    if python_verify:
        verify_s, broken = _timed(env, env["serial.event"]._find_broken_chains)
        result["broken_chain_python_s"] = round(verify_s, 2)
        result["python_agrees"] = sorted(broken) == sorted(
            check.issue_ids.filtered(lambda issue: issue.kind == "broken_chain").lot_id.ids
        )
    return result


def state_at(env, at=None, limit=100000, path="suite"):
    """Each serial's state and holder as of ``at``, for ``limit`` serials.

    ``path="suite"``: one query over the ledger. ``path="odoo"``: the nearest Odoo
    path, the last done move line of each serial up to that date, grouped with the ORM.
    """
    at = at or datetime.now().isoformat(sep=" ", timespec="seconds")
    lots = env["stock.lot"].search(
        [("product_id.tracking", "=", "serial")], limit=limit, order="id"
    )
    moment = datetime.fromisoformat(at)
    env.invalidate_all()
    if path == "suite":
        seconds, states = _timed(env, lambda: lots._serial_state_at(moment))
        return {"serials": len(lots), "answered": len(states), "state_at_s": round(seconds, 3)}

    def odoo_path():
        groups = env["stock.move.line"]._read_group(
            [("lot_id", "in", lots.ids), ("state", "=", "done"), ("date", "<=", moment)],
            ["lot_id"],
            ["id:max"],
        )
        last_lines = env["stock.move.line"].browse([line_id for _lot, line_id in groups])
        return {line.lot_id.id: line.location_dest_id.usage for line in last_lines}

    seconds, states = _timed(env, odoo_path)
    return {"serials": len(lots), "answered": len(states), "state_at_s": round(seconds, 3)}


# --- numbering: generate and receive, validate pasted serials (issue 4) ---------------


def _confirmed_receipt(env, product, quantity):
    """A confirmed receipt of ``quantity`` units, with the lines Odoo makes at confirm."""
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    supplier = env.ref("stock.stock_location_suppliers")
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": supplier.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "product_uom": product.uom_id.id,
                        "location_id": supplier.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                    }
                )
            ],
        }
    )
    receipt.action_confirm()
    env.flush_all()
    return receipt


def generate_receive(env, serials=100000, path="wizard", requests=False, fast_path=True):
    """Make ``serials`` new serials for one receipt and validate it.

    ``path="wizard"`` (suite): the generation wizard's server code on the receipt move,
    with a numbering rule that has a check digit: numbers made, validated, serials and
    move lines written set-wise; then the receipt is validated.
    ``path="odoo"``: Odoo's own path, the serials created with the ORM, one move line per
    serial created with the ORM, then the receipt is validated.
    Both are timed from the confirmed receipt (whose placeholder lines each path
    replaces) to the validated receipt.

    ``fast_path=False`` (wizard only): the setting that turns the suite's set-based
    paths off, so the wizard's serials, lines and quants go through Odoo's methods.

    ``requests=False``: everything in one transaction, rolled back. ``requests=True``:
    confirming, making the serials and validating each commit, as the three requests
    of a user do (the database must be a scratch copy: the receipt is kept).
    """
    values = {"name": "Bench Phone", "type": "consu", "is_storable": True, "tracking": "serial"}
    if path == "wizard":
        rule = env["serial.format.rule"].create(
            {
                "name": "Bench IMEI-like",
                "pattern": "35{YY}{SEQ:10}{CHECK}",
                "check_algorithm": "luhn",
                "charset": "digits",
                "min_length": 15,
                "max_length": 15,
                "uniqueness": "company",
            }
        )
        values["serial_format_rule_id"] = rule.id
        env["ir.config_parameter"].set_param(
            "serial_tracking.bulk_fast_path", "on" if fast_path else "off"
        )
    product = env["product.product"].create(values)
    receipt = _confirmed_receipt(env, product, serials)
    move = receipt.move_ids
    if requests:
        env.cr.commit()
        env.invalidate_all()

    def make_serials():
        if path == "wizard":
            wizard = (
                env["serial.generate.wizard"]
                .with_context(default_move_id=move.id, default_product_id=product.id)
                .create({"mode": "rule", "quantity": serials})
            )
            wizard.action_apply()
            return
        move.move_line_ids.unlink()
        lots = env["stock.lot"].create(
            [{"product_id": product.id, "name": f"BENCH{number:07d}"} for number in range(serials)]
        )
        env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": receipt.id,
                    "product_id": product.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
                for lot in lots
            ]
        )

    def validate():
        assert receipt.button_validate() is True
        return receipt

    make_seconds, _made = _timed(env, make_serials, commit=requests)
    validate_seconds, _receipt = _timed(env, validate, commit=requests)
    total = make_seconds + validate_seconds
    lots = env["stock.lot"].search([("product_id", "=", product.id)])
    env.cr.execute(
        "SELECT count(*), sum(quantity) FROM stock_quant q JOIN stock_location l "
        "ON l.id = q.location_id WHERE q.product_id = %s AND l.usage = 'internal'",
        [product.id],
    )
    quants, on_hand = env.cr.fetchone()
    assert receipt.state == "done" and len(lots) == serials and on_hand == serials, (
        receipt.state,
        len(lots),
        on_hand,
    )
    result = {
        "path": path,
        "serials": serials,
        "transactions": "one per step" if requests else "one",
        "make_s": round(make_seconds, 3),
        "validate_s": round(validate_seconds, 3),
        "total_s": round(total, 3),
        "serials_per_s": round(serials / total, 1),
        "quants_in_stock": quants,
    }
    if _has_suite(env):
        result["states"] = sorted(set(lots.mapped("lifecycle_state")))
        result["events"] = env["serial.event"].search_count([("lot_id", "in", lots.ids)])
    if path == "wizard":
        result["ranges"] = move.serial_ranges
        result["set_based"] = {
            operation: env["serial.bulk"]._serial_fast_path(operation)
            for operation in ("create_serials", "create_lines", "receive_quants")
        }
    return result


def validate_pasted(env, serials=100000, existing=1000000):
    """Check ``serials`` pasted vendor serials against ``existing`` serials (suite).

    The existing serials are written with ``generate.py``. The pasted list holds valid
    new numbers, and 1% each of wrong check characters, repeats within the list and
    numbers that already exist. Timed: the wizard's Check (parse, format, check
    character, duplicates in the batch and against the database), nothing written.
    """
    from stdnum.iso7064 import mod_37_36

    generated = generate_data(env, existing, prefix="GEN")
    rule = env["serial.format.rule"].create(
        {
            "name": "Vendor serials",
            "charset": "alnum_upper",
            "min_length": 11,
            "max_length": 12,
            "check_algorithm": "iso7064_mod37_36",
            "uniqueness": "company",
        }
    )
    product = env["product.product"].create(
        {
            "name": "Bench Vendor Part",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "serial_format_rule_id": rule.id,
        }
    )
    step = 100
    values = []
    for number in range(serials):
        body = f"VP{number:08d}"
        if number % step == 1:
            values.append(body + "0" if mod_37_36.calc_check_digit(body) != "0" else body + "1")
        elif number % step == 2 and number > 2:
            values.append(values[-2])  # a repeat within the list
        elif number % step == 3:
            values.append(f"GEN{number % existing:08d}")  # already exists
        else:
            values.append(body + mod_37_36.calc_check_digit(body))
    wizard = env["serial.generate.wizard"].create(
        {
            "product_id": product.id,
            "mode": "paste",
            "pasted_serials": "\n".join(values),
        }
    )
    env.flush_all()
    env.invalidate_all()
    seconds, _action = _timed(env, wizard.action_check)
    problems = wizard._problems(wizard._serial_names(reserve=False))
    codes = {}
    for _batch, messages in problems:
        for message in messages:
            kind = (
                "exists"
                if "already exists" in message
                else "duplicate"
                if "duplicate" in message
                else "check"
                if "check character" in message
                else "other"
            )
            codes[kind] = codes.get(kind, 0) + 1
    return {
        "serials": serials,
        "existing": generated["serials"],
        "check_s": round(seconds, 3),
        "serials_per_s": round(serials / seconds, 1),
        "problems": codes,
        "first_lines": wizard.check_result.splitlines()[:4],
    }


# --- genealogy (issue 7) --------------------------------------------------------------


def generate_genealogy(env, serials=1000000, prefix="G5"):
    """Five-level synthetic genealogy of ``serials`` serials (see ``generate_genealogy.py``)."""
    from generate_genealogy import generate_genealogy as generate_links

    return generate_links(env, serials, prefix=prefix)


def build_report_unit(env, cells_per_module=24, modules_per_pack=5, packs=4, prefix="RPT"):
    """One vehicle built through real manufacturing orders, for the report comparison.

    ``packs`` packs of ``modules_per_pack`` modules of ``cells_per_module`` cells: with the
    defaults 1 + 4 + 20 + 480 = 505 units. The cells are received from a vendor, every
    level is a done MO (so Odoo's ``consume_line_ids`` link them as Odoo does), and the
    vehicle is delivered to a customer.
    """
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    stock = warehouse.lot_stock_id
    supplier = env.ref("stock.stock_location_suppliers")
    customer_location = env.ref("stock.stock_location_customers")
    vendor = env["res.partner"].create({"name": f"{prefix} Cell Vendor"})
    customer = env["res.partner"].create({"name": f"{prefix} Customer"})
    products = {
        name: env["product.product"].create(
            {
                "name": f"{prefix} {name}",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        for name in ("Cell", "Module", "Pack", "Vehicle")
    }

    def bom(product, component, count):
        return env["mrp.bom"].create(
            {
                "product_tmpl_id": product.product_tmpl_id.id,
                "product_qty": 1.0,
                "bom_line_ids": [
                    Command.create({"product_id": component.id, "product_qty": count})
                ],
            }
        )

    boms = {
        "Module": bom(products["Module"], products["Cell"], cells_per_module),
        "Pack": bom(products["Pack"], products["Module"], modules_per_pack),
        "Vehicle": bom(products["Vehicle"], products["Pack"], packs),
    }
    cells = packs * modules_per_pack * cells_per_module
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": vendor.id,
            "location_id": supplier.id,
            "location_dest_id": stock.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": products["Cell"].id,
                        "product_uom_qty": cells,
                        "product_uom": products["Cell"].uom_id.id,
                        "location_id": supplier.id,
                        "location_dest_id": stock.id,
                    }
                )
            ],
        }
    )
    receipt.action_confirm()
    move = receipt.move_ids
    move.move_line_ids.unlink()
    env["stock.move.line"].create(
        [
            {
                "move_id": move.id,
                "picking_id": receipt.id,
                "product_id": products["Cell"].id,
                "lot_name": f"{prefix}-C{number:04d}",
                "quantity": 1,
                "location_id": supplier.id,
                "location_dest_id": stock.id,
            }
            for number in range(cells)
        ]
    )
    move.picked = True
    receipt.button_validate()

    def build(name, lot_name):
        production = env["mrp.production"].create({"bom_id": boms[name].id, "product_qty": 1})
        production.action_confirm()
        production.action_assign()
        production.lot_producing_ids = env["stock.lot"].create(
            {
                "name": lot_name,
                "product_id": products[name].id,
            }
        )
        production.qty_producing = 1
        production.set_qty_producing()  # what the form does: consume what is reserved
        production.button_mark_done()
        assert production.state == "done", production.name
        return production.lot_producing_ids

    started = time.perf_counter()
    for number in range(packs * modules_per_pack):
        build("Module", f"{prefix}-M{number:03d}")
    for number in range(packs):
        build("Pack", f"{prefix}-P{number:02d}")
    vehicle = build("Vehicle", f"{prefix}-V0")
    delivery = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": customer.id,
            "location_id": stock.id,
            "location_dest_id": customer_location.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": products["Vehicle"].id,
                        "product_uom_qty": 1,
                        "product_uom": products["Vehicle"].uom_id.id,
                        "location_id": stock.id,
                        "location_dest_id": customer_location.id,
                    }
                )
            ],
        }
    )
    delivery.action_confirm()
    delivery.action_assign()
    delivery.move_ids.picked = True
    delivery.button_validate()
    assert delivery.state == "done"
    return {
        "vehicle": vehicle.id,
        "units": 1 + packs + packs * modules_per_pack + cells,
        "build_s": round(time.perf_counter() - started, 1),
    }


def _measure(env, func, repeat):
    """``(first seconds, best seconds, queries of the first run, result)``, cold caches."""
    times, queries, result = [], None, None
    for _round in range(repeat):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
        if queries is None:
            queries = env.cr.sql_log_count - before
    return times[0], min(times), queries, result


def _timings(first, best, queries, unit="s"):
    """The figures of a measured call (see :func:`_measure`), in seconds or milliseconds."""
    if unit == "ms":
        return {
            "first_ms": round(first * 1000, 2),
            "best_ms": round(best * 1000, 2),
            "queries": queries,
        }
    return {"first_s": round(first, 4), "best_s": round(best, 4), "queries": queries}


def odoo_traceability_expanded(env, lot_id, max_lines=100000):
    """Odoo's ``stock.traceability.report`` for a lot, every line unfolded, as its client
    does: the main lines, then ``get_lines`` once per unfoldable line."""
    report = env["stock.traceability.report"].with_context(active_id=lot_id, model="stock.lot")
    lines = report.get_lines()
    queue = [line for line in lines if line["unfoldable"]]
    while queue and len(lines) < max_lines:
        line = queue.pop(0)
        children = report.get_lines(
            line["id"],
            model_id=line["model_id"],
            model_name=line["model"],
            level=line["level"] + 30,
        )
        lines += children
        queue += [child for child in children if child["unfoldable"]]
    return lines


def genealogy(env, big_lot, sample_vehicle, sample_cell, report_unit, repeat=5):
    """Descendants of the big lot, ancestors of one unit, and the traceability report of
    a 505-unit vehicle against Odoo's report fully expanded, in one run."""
    lots = env["stock.lot"]
    result = {}

    # (figure, lot, method, rounds, unit): the short walks are timed in milliseconds
    for figure, lot_id, method, rounds, unit in (
        ("descendants", big_lot, "_serial_descendants", repeat, "s"),
        ("ancestors", sample_vehicle, "_serial_ancestors", max(repeat, 20), "ms"),
        ("parent_chain", sample_cell, "_serial_descendants", max(repeat, 20), "ms"),
    ):
        walk = getattr(lots.browse(lot_id), method)
        first, best, queries, found = _measure(env, walk, rounds)
        result[figure] = {"units": len(found), **_timings(first, best, queries, unit)}

    unit = lots.browse(report_unit)
    first, best, queries, gathered = _measure(
        env, lambda: env["serial.traceability"]._gather(unit, max_nodes=None), repeat
    )
    result["suite_gather"] = {
        "nodes": len(gathered["shown"]),
        **_timings(first, best, queries),
        "events": sum(len(e) for e in gathered["events"].values()),
    }
    first, best, queries, rendered = _measure(
        env,
        lambda: env["ir.actions.report"]._render_qweb_html(
            "serial_tracking.report_serial_traceability", [report_unit]
        )[0],
        repeat,
    )
    result["suite_report_html"] = {"bytes": len(rendered), **_timings(first, best, queries)}
    first, best, queries, lines = _measure(
        env, lambda: odoo_traceability_expanded(env, report_unit), max(1, repeat // 2)
    )
    result["odoo_expanded"] = {
        "lines": len(lines),
        "lots": len({line["lot_id"] for line in lines}),
        **_timings(first, best, queries),
    }
    return result


# --- warranty ---------------------------------------------------------------------------

_WARRANTY_EVENTS = (  # (event type, from state, to state, days after receipt)
    ("received", None, "in_stock", 0),
    ("allocated", "in_stock", "allocated", 1),
    ("shipped", "allocated", "shipped", 2),
    ("installed", "shipped", "shipped", 10),
    ("registered", "shipped", "shipped", 12),
)
# The terms of the generated policy's one line, which the coverages written with COPY repeat
_WARRANTY_MONTHS = 24
_RETURN_WINDOW_DAYS = 30


def warranty_generate(env, serials=1000000, products=200, prefix="WAR", chunk=100000):
    """A suite database with ``serials`` shipped serials, five ledger events each and one
    coverage each, written with COPY (see ``generate.py``).

    Serials were shipped over the last three years, so about a third of the coverages
    (24 months from shipment) have expired and the others end over the next two years.
    Every fiftieth coverage waits for an installation with a 90-day cap, like a policy
    "from installation, but no later than 90 days after shipment" would leave it.
    """
    from datetime import date, timedelta

    from generate import (
        AUDIT_COLUMNS,
        LIFECYCLE_COLUMNS,
        _copy,
        _reserve_ids,
        lot_columns,
        with_seconds,
    )
    from generate_consistency import LedgerEvents

    from odoo.addons.serial_tracking.tools import warranty

    started = time.perf_counter()
    cr = env.cr
    today = date.today()
    policy = env["serial.warranty.policy"].create(
        {
            "name": f"{prefix} 24 months",
            "line_ids": [
                Command.create(
                    {
                        "coverage_type": "full",
                        "duration": _WARRANTY_MONTHS,
                        "duration_unit": warranty.MONTH,
                        "trigger": "shipment",
                        "return_window_days": _RETURN_WINDOW_DAYS,
                        "pause_in_repair": True,
                    }
                )
            ],
        }
    )
    line = policy.line_ids
    manager = env["res.users"].search([("login", "=", "admin")], limit=1)
    product_recs = env["product.product"].create(
        [
            {
                "name": f"{prefix} Product {n}",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "serial_warranty_policy_id": policy.id,
                "responsible_id": manager.id,
            }
            for n in range(products)
        ]
    )
    customers = (
        env["res.partner"].create([{"name": f"{prefix} Customer {n}"} for n in range(50)]).ids
    )
    env.flush_all()
    company = env.company.id
    uid = env.uid
    now = datetime.now().replace(microsecond=0)
    audit = (uid, now, uid, now)
    ledger_events = LedgerEvents(prefix, company, uid, now)
    product_ids = product_recs.ids
    lot_start = _reserve_ids(cr, "stock_lot", serials)
    for first in range(0, serials, chunk):
        lots, events, coverages = [], [], []
        for index in range(first, min(first + chunk, serials)):
            lot_id = lot_start + index
            product = product_ids[index % products]
            partner = customers[index % len(customers)]
            received = today - timedelta(days=12 + (index * 37) % 1095)
            shipped = received + timedelta(days=2)
            steps = [
                (
                    event_type,
                    from_state,
                    to_state,
                    datetime.combine(received + timedelta(days=offset), datetime.min.time())
                    + timedelta(hours=9),
                    partner if to_state == "shipped" else None,
                )
                for event_type, from_state, to_state, offset in _WARRANTY_EVENTS
            ]
            contents = ledger_events.of_serial(index, lot_id, product, steps)
            events += [ledger_events.row(content) for content in contents]
            if index % 50 == 3:
                start, latest = None, shipped + timedelta(days=90)
                trigger, end = "installation", None
                state = warranty.state_on(warranty.capped_start(None, latest), None, today)
                if state != warranty.PENDING:  # the daily job started it on its cap
                    start = latest
                    end = warranty.coverage_end(start, _WARRANTY_MONTHS, warranty.MONTH)
                    state = warranty.state_on(start, end, today)
            else:
                start, latest, trigger = shipped, None, "shipment"
                end = warranty.coverage_end(start, _WARRANTY_MONTHS, warranty.MONTH)
                state = warranty.state_on(start, end, today)
            coverages.append(
                (
                    lot_id,
                    product,
                    company,
                    policy.id,
                    line.id,
                    "policy",
                    "full",
                    trigger,
                    _WARRANTY_MONTHS,
                    warranty.MONTH,
                    _RETURN_WINDOW_DAYS,
                    "t",
                    "continue",
                    partner,
                    start,
                    latest,
                    end,
                    0,
                    state,
                    *audit,
                )
            )
            lot_state, lot_end = warranty.lot_summary([("full", state, end)], today)
            lots.append(
                (
                    lot_id,
                    f"{prefix}{index:08d}",
                    product,
                    company,
                    "shipped",
                    now,
                    partner,
                    lot_state,
                    lot_end,
                    *audit,
                )
            )
        _copy(
            cr,
            "stock_lot",
            lot_columns(*LIFECYCLE_COLUMNS, "warranty_state", "warranty_end_date"),
            lots,
        )
        _copy(
            cr,
            "serial_event",
            LedgerEvents.COLUMNS,
            events,
        )
        _copy(
            cr,
            "serial_warranty",
            (
                "lot_id",
                "product_id",
                "company_id",
                "policy_id",
                "policy_line_id",
                "source",
                "coverage_type",
                "trigger",
                "duration",
                "duration_unit",
                "return_window_days",
                "pause_in_repair",
                "resale_rule",
                "partner_id",
                "start_date",
                "latest_start_date",
                "end_date",
                "paused_days",
                "state",
                *AUDIT_COLUMNS,
            ),
            coverages,
        )
    cr.execute("ANALYZE stock_lot, serial_event, serial_warranty")
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM serial_event")
    event_count = cr.fetchone()[0]
    return with_seconds(
        {"serials": serials, "events": event_count, "coverages": serials, "products": products},
        started,
    )


def warranty_eligibility(env, samples=200, prefix="WAR"):
    """Time ``serial.eligibility.check.evaluate`` on single serials spread over the
    database: server time per check (facts, verdict, stored check, flushed), cold cache."""
    import statistics

    lots = env["stock.lot"].search([("name", "=like", f"{prefix}%")], order="id", limit=1)
    env.cr.execute("SELECT max(id) FROM stock_lot")
    last = env.cr.fetchone()[0]
    first = lots.id
    step = max(1, (last - first) // samples)
    check = env["serial.eligibility.check"]
    timings, queries, verdicts = [], [], {}
    for lot_id in range(first, last + 1, step)[:samples]:
        env.invalidate_all()
        lot = env["stock.lot"].browse(lot_id)
        before = env.cr.sql_log_count
        started = time.perf_counter()
        result = check.evaluate(lot, lot.current_partner_id, "repair")
        env.flush_all()
        timings.append((time.perf_counter() - started) * 1000)
        queries.append(env.cr.sql_log_count - before)
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    timings.sort()
    return {
        "samples": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "queries_median": statistics.median(queries),
        "verdicts": verdicts,
    }


def warranty_cron(env, days_ahead=30):
    """The daily warranty job, run as if ``days_ahead`` days had passed since the data
    was current: start capped coverages, expire, refresh serials, remind managers."""
    from datetime import date, timedelta

    today = date.today() + timedelta(days=days_ahead)
    env.cr.execute("SELECT count(*) FROM serial_warranty")
    coverages = env.cr.fetchone()[0]
    seconds, figures = _timed(env, lambda: env["serial.warranty"]._run_daily(today=today))
    return dict(figures, coverages=coverages, days_ahead=days_ahead, cron_s=round(seconds, 2))


def _scan_figures(timings, queries, statuses, cpu=()):
    import statistics

    timings = sorted(timings)
    figures = {
        "scans": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(int(len(timings) * 0.95) - 1, 0)], 2),
        "max_ms": round(timings[-1], 2),
        "queries_median": statistics.median(queries),
        "statuses": statuses,
    }
    if cpu:
        # CPU time of the Odoo process alone (PostgreSQL's share excluded): it moves far
        # less than wall time when other work shares the machine.
        cpu = sorted(cpu)
        figures["cpu_median_ms"] = round(statistics.median(cpu), 2)
        figures["cpu_p95_ms"] = round(cpu[max(int(len(cpu) * 0.95) - 1, 0)], 2)
    return figures


def scanner(env, samples=300):
    """Server time of one ``serial.scanner.scan`` call, per mode, on this database.

    As the admin user (record rules apply), cold ORM cache before every scan: receive
    ``samples`` new serials from GS1 strings on one receipt, look up random existing
    serials and the received ones, pick half of them on a delivery (plus as many refused
    scans of units that are not in stock), count the rest in the stock location.
    Everything is rolled back afterwards.
    """
    import random

    from odoo.addons.serial_tracking.tools import gs1

    load_at_start = os.getloadavg()  # timings depend on the machine's load; keep it
    env = env(user=env.ref("base.user_admin").id)
    scanner_model = env["serial.scanner"]
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    body = "95012345" + f"{random.randrange(10**4):04d}"
    gtin = "0" + body + gs1.gs1_check_digit(body)
    product = env["product.product"].create(
        {
            "name": "Scanner Bench Unit",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "barcode": gtin[1:],
        }
    )
    supplier = env.ref("stock.stock_location_suppliers")
    customers = env.ref("stock.stock_location_customers")

    def picking(picking_type, source, destination, quantity):
        record = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        record.action_confirm()
        return record

    figures = {}

    def run(mode, codes, params):
        timings, queries, statuses, cpu = [], [], {}, []
        for code in codes:
            env.invalidate_all()
            before = env.cr.sql_log_count
            started, cpu_started = time.perf_counter(), time.process_time()
            result = scanner_model.scan(mode, code, params)
            env.flush_all()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            queries.append(env.cr.sql_log_count - before)
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
            params.update(result.get("params") or {})
            if mode == "count" and result.get("entry"):
                params.setdefault("scanned", []).append(result["entry"]["lot_id"])
        return _scan_figures(timings, queries, statuses, cpu)

    stamp = datetime.now().strftime("%H%M%S")
    names = [f"SCB{stamp}-{index:05d}" for index in range(samples)]
    receipt = picking(warehouse.in_type_id, supplier, warehouse.lot_stock_id, samples)
    figures["receive"] = run(
        "receive",
        ["]d2" + f"01{gtin}10B{stamp}" + gs1.GS + f"21{name}" for name in names],
        {"picking_id": receipt.id},
    )
    started = time.perf_counter()
    scanner_model.validate("receive", {"picking_id": receipt.id})
    env.flush_all()
    figures["receive_validate_s"] = round(time.perf_counter() - started, 3)

    # Odoo's own step for the same thing: a serial name typed on a new detailed-operation
    # line of the receipt (the serial itself is only created at validation).
    plain = picking(warehouse.in_type_id, supplier, warehouse.lot_stock_id, samples)
    move = plain.move_ids
    plain.move_line_ids.unlink()
    timings, queries, cpu = [], [], []
    for name in names:
        env.invalidate_all()
        before = env.cr.sql_log_count
        started, cpu_started = time.perf_counter(), time.process_time()
        vals = move._prepare_move_line_vals(quantity=1)
        vals.update(lot_name=f"O{name}", picked=True)
        env["stock.move.line"].create(vals)
        env.flush_all()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        queries.append(env.cr.sql_log_count - before)
    figures["odoo_typed_line"] = _scan_figures(timings, queries, {}, cpu)
    figures["ratio_receive_p95_over_odoo_line"] = round(
        figures["receive"]["p95_ms"] / figures["odoo_typed_line"]["p95_ms"], 2
    )

    env.cr.execute("SELECT count(*) FROM stock_lot")
    figures["serials_in_database"] = env.cr.fetchone()[0]
    env.cr.execute("SELECT name FROM stock_lot TABLESAMPLE SYSTEM (1) LIMIT %s", [samples])
    existing = [name for (name,) in env.cr.fetchall()]
    figures["lookup"] = run("lookup", existing + names[: samples // 2], {})

    half = samples // 2
    delivery = picking(warehouse.out_type_id, warehouse.lot_stock_id, customers, half)
    figures["pick"] = run("pick", names[:half], {"picking_id": delivery.id})
    figures["pick_refused"] = run("pick", existing[:half], {"picking_id": delivery.id})

    warehouse.lot_stock_id.barcode = f"SCB-LOC-{stamp}"
    figures["count"] = run("count", [warehouse.lot_stock_id.barcode, *names[half:]], {})

    every = []
    for mode in ("receive", "lookup", "pick", "pick_refused", "count"):
        every.append(figures[mode]["p95_ms"])
    figures["worst_p95_ms"] = max(every)
    figures["load_average"] = {
        "start": [round(load, 2) for load in load_at_start],
        "end": [round(load, 2) for load in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    return figures


# --- recall campaigns ----------------------------------------------------------------


def recall_prepare(env, big_lot, in_stock=10000, prefix="G5"):
    """Put ``in_stock`` of the vehicles built from the big lot back in the warehouse,
    with real quants, so that a recall of the lot has an in-stock share to quarantine."""
    from generate import QUANT_COLUMNS, _copy  # noqa: PLC0415 - bench helper, imported where used

    vehicle = env["product.product"].search([("name", "=", f"{prefix} Vehicle")], limit=1)
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    warehouse._serial_ensure_quarantine_locations()
    stock = warehouse.lot_stock_id
    reached = env["serial.genealogy"]._walk([big_lot], "down")
    env.cr.execute(
        """SELECT id FROM stock_lot WHERE id = ANY(%s) AND product_id = %s
                AND NOT EXISTS (SELECT 1 FROM stock_quant q WHERE q.lot_id = stock_lot.id)
           ORDER BY id LIMIT %s""",
        [list(reached), vehicle.id, in_stock],
    )
    lot_ids = [row[0] for row in env.cr.fetchall()]
    now = datetime.now().replace(microsecond=0)
    env.cr.execute(
        """UPDATE stock_lot SET lifecycle_state = 'in_stock', current_partner_id = NULL,
                  location_id = %s, lifecycle_date = %s
            WHERE id = ANY(%s)""",
        [stock.id, now, lot_ids],
    )
    audit = (env.uid, now, env.uid, now)
    _copy(
        env.cr,
        "stock_quant",
        QUANT_COLUMNS,
        ((vehicle.id, stock.id, lot_id, 1, 0, now, env.company.id, *audit) for lot_id in lot_ids),
    )
    env.cr.execute("ANALYZE stock_lot, stock_quant")
    env.invalidate_all()
    return {"in_stock": len(lot_ids), "descendants": len(reached)}


def _cpu_seconds(env):
    """CPU seconds used so far by this process and by its database backend (the bench
    cluster is local): on a busy machine, wall time says more about the neighbours."""
    env.cr.execute("SELECT pg_backend_pid()")
    pid = env.cr.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields_ = stat.read().rsplit(")", 1)[1].split()
        server = (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        server = 0.0
    return time.process_time(), server


def _cpu_since(env, before):
    client, server = _cpu_seconds(env)
    return {
        "client_cpu_s": round(client - before[0], 2),
        "server_cpu_s": round(server - before[1], 2),
    }


def _big_lot_recall(env, big_lot):
    """A draft recall of every unit containing ``big_lot``."""
    recall = env["serial.recall"].create(
        {
            "reason": "Bench: contaminated electrolyte",
            "component_lot_ids": [Command.set([big_lot])],
        }
    )
    env.flush_all()
    return recall


def _simulations(env, recall, repeat):
    """Simulate ``recall`` ``repeat`` times (at least once), cold caches; return
    ``(seconds, cpu)`` of each run, ``cpu`` as :func:`_cpu_since` gives it."""
    runs = []
    for _run in range(max(1, repeat)):
        env.invalidate_all()
        before = _cpu_seconds(env)
        started = time.perf_counter()
        recall.action_simulate()
        env.flush_all()
        runs.append((time.perf_counter() - started, _cpu_since(env, before)))
    return runs


def recall(env, big_lot, repeat=3, batch=2000):
    """Simulate a recall of the big lot (every unit containing it, five levels deep),
    then activate it step by step as the cron does, timing the in-stock share."""
    recall = _big_lot_recall(env, big_lot)
    times, cpu = zip(*_simulations(env, recall, repeat), strict=True)
    simulation = recall.simulation_ids[:1]
    result = {
        "units": simulation.total,
        "by_bucket": {k: v for k, v in simulation.summary["by_bucket"].items() if v},
        "simulate_first_s": round(times[0], 3),
        "simulate_best_s": round(min(times), 3),
        "simulate_cpu_first": cpu[0],
    }
    env["ir.config_parameter"].sudo().set_param("serial_tracking.recall_sync_limit", 0)
    activation_cpu = _cpu_seconds(env)
    started = time.perf_counter()
    recall.action_activate()  # re-simulates, then leaves the work to the cron
    env.flush_all()
    result["activate_request_s"] = round(time.perf_counter() - started, 3)
    in_stock_todo = recall.in_stock_count + recall.allocated_count
    steps = []
    in_stock_done_s = None
    while True:
        step_started = time.perf_counter()
        done = recall._activation_step(batch)
        env.flush_all()
        env.invalidate_all()
        if not done:
            break
        steps.append(round(time.perf_counter() - step_started, 3))
        env.cr.execute(
            """SELECT count(*) FROM serial_recall_unit
                WHERE recall_id = %s AND todo AND bucket IN ('in_stock', 'allocated')""",
            [recall.id],
        )
        if in_stock_done_s is None and not env.cr.fetchone()[0]:
            in_stock_done_s = result["activate_request_s"] + sum(steps)
            result["quarantine_in_stock_cpu"] = _cpu_since(env, activation_cpu)
    recall.invalidate_recordset()
    result.update(
        {
            "in_stock_share": in_stock_todo,
            "quarantine_in_stock_s": round(in_stock_done_s or 0.0, 2),
            "activation_total_s": round(result["activate_request_s"] + sum(steps), 2),
            "activation_total_cpu": _cpu_since(env, activation_cpu),
            "steps": len(steps),
            "batch": batch,
            "slowest_step_s": max(steps) if steps else 0,
            "quarantined": recall.quarantined_count,
            "outside_quarantine": recall.outside_quarantine_count,
            "errors": recall.error_count,
            "still_at_customer": recall.still_at_customer_count,
        }
    )
    return result


def recall_simulate(env, big_lot, repeat=3):
    """Only the simulation part of :func:`recall`: the first simulation (every unit
    inserted) then re-simulations (only differences written), each with the CPU
    seconds of this process and of its database backend, for quick before/after
    figures without the activation."""
    recall = _big_lot_recall(env, big_lot)
    load_before = os.getloadavg()
    runs = [
        {"wall_s": round(seconds, 3), **cpu} for seconds, cpu in _simulations(env, recall, repeat)
    ]
    started = time.perf_counter()
    written = recall._write_units()
    env.flush_all()
    return {
        "units": recall.simulation_ids[:1].total,
        "runs": runs,
        "unchanged_resimulation": {
            "seconds": round(time.perf_counter() - started, 3),
            **{key: written[key] for key in ("added", "changed", "removed")},
        },
        "loadavg_before": load_before,
        "loadavg": os.getloadavg(),
    }


def odoo_internal_transfer(env, big_lot, units=2000, prefix="G5"):
    """Odoo's own path for the same physical work: one internal transfer of ``units``
    in-stock serials to the quarantine location, reserved by Odoo and validated."""
    vehicle = env["product.product"].search([("name", "=", f"{prefix} Vehicle")], limit=1)
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    stock = warehouse.lot_stock_id
    destination = warehouse.quarantine_location_id
    started = time.perf_counter()
    picking = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.int_type_id.id,
            "location_id": stock.id,
            "location_dest_id": destination.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": vehicle.id,
                        "product_uom_qty": units,
                        "product_uom": vehicle.uom_id.id,
                        "location_id": stock.id,
                        "location_dest_id": destination.id,
                    }
                )
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    picking.move_ids.picked = True
    picking.button_validate()
    env.flush_all()
    seconds = time.perf_counter() - started
    return {
        "units": int(sum(picking.move_ids.mapped("quantity"))),
        "state": picking.state,
        "seconds": round(seconds, 2),
        "units_per_s": round(units / seconds, 1),
    }


def ledger_append(env, events=100000):
    """Seconds ``serial.event._append`` takes to write ``events`` prepared events of as
    many fresh serials (one bulk receipt's ledger rows), and of those the seconds of
    ``_insert_events`` (the multi-row INSERTs and the ORM's bookkeeping after them).
    One event in ten has a note with a tab, a backslash and a newline, read back."""
    Event = env["serial.event"]
    product = env["product.product"].create(
        {"name": "Ledger Bench", "type": "consu", "is_storable": True, "tracking": "serial"}
    )
    env.cr.execute(
        """INSERT INTO stock_lot (name, product_id, company_id, lifecycle_state,
                                  create_uid, create_date, write_uid, write_date)
           SELECT 'LB-' || g, %s, %s, 'in_stock', 1, now(), 1, now()
             FROM generate_series(1, %s) g RETURNING id""",
        [product.id, env.company.id, events],
    )
    lot_ids = [row[0] for row in env.cr.fetchall()]
    note = "tab\there, back\\slash\nnewline"
    vals_list = [
        {
            "lot_id": lot_id,
            "event_type": "received",
            "from_state": False,
            "to_state": "in_stock",
            "location_id": env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": env.ref("stock.stock_location_stock").id,
            "partner_id": env.company.partner_id.id,
            "document_ref": "WH/IN/BENCH",
            "note": note if index % 10 == 0 else False,
        }
        for index, lot_id in enumerate(lot_ids)
    ]
    env.flush_all()
    model = type(Event)
    insert = model._insert_events
    inserting = []

    def timed_insert(self, rows):
        started = time.perf_counter()
        result = insert(self, rows)
        inserting.append(time.perf_counter() - started)
        return result

    model._insert_events = timed_insert
    try:
        seconds, written = _timed(env, lambda: Event._append(vals_list))
    finally:
        model._insert_events = insert
    env.cr.execute(
        "SELECT count(*) FILTER (WHERE note = %s), count(*) FILTER (WHERE note IS NULL) "
        "FROM serial_event WHERE lot_id = ANY(%s)",
        [note, lot_ids],
    )
    notes, empty = env.cr.fetchone()
    return {
        "events": len(written),
        "notes_kept": notes,
        "null_notes": empty,
        "append_s": round(seconds, 3),
        "insert_s": round(sum(inserting), 3),
    }
