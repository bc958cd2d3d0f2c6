#!/usr/bin/env python3
"""Uninstall the bridges one by one, then the core, on a populated database.

Usage::

    python3 scripts/check_uninstall.py -c ODOO_CONFIG -d DATABASE [--no-populate]
        [--odoo-log FILE]

On a database where the suite is installed (with Odoo's demo data, as
``scripts/harness.py`` builds it), it

1. adds serial history through the normal APIs (``populate``, run in an Odoo process of
   its own): receipts and deliveries, warranty coverages (from a shipment, and one of the
   ``invoice`` trigger the account bridge adds), a genealogy link, a recall activated
   (quarantines), a consistency check run, and -- for each bridge installed -- a
   manufacturing order that builds a serial from a serial, a repair order, a helpdesk
   ticket about a serial;
2. uninstalls ``serial_tracking_account``, ``serial_tracking_helpdesk``,
   ``serial_tracking_repair``, ``serial_tracking_mrp`` (those installed), one by one, then
   ``serial_tracking``, each with ``odoo module uninstall`` in a process of its own, and
   after each one checks that

   - the process exited 0 and logged no ERROR / CRITICAL record nor a traceback;
   - Odoo's stock data is intact: lots, moves, move lines, quants, pickings, locations,
     products, manufacturing orders, repair orders, tickets (count and a digest of ids);
   - the module is uninstalled (the others still installed), none of its external ids is
     left, and the tables of the models it defined, the columns of the fields it added
     to other models and its many2many tables are gone;
   - the database still loads, every view of Odoo's stock models (with the extensions
     still in the database) is valid, and their forms and lists still render and read
     (``verify``, in an Odoo process of its own).

It reads the database with psycopg2 (an Odoo dependency) using the config's connection
options; run it with the interpreter that runs Odoo. Prints one line per check and
``uninstall check: OK`` or ``FAILED``; exit status 0 when all is well.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORE = "serial_tracking"
BRIDGES = (
    "serial_tracking_account",
    "serial_tracking_helpdesk",
    "serial_tracking_repair",
    "serial_tracking_mrp",
)
# Odoo's own data that no uninstallation of ours may touch: (table, digest expression).
STOCK_TABLES = (
    ("stock_lot", "md5(string_agg(id || ':' || name || ':' || product_id, ',' ORDER BY id))"),
    ("stock_move", "md5(string_agg(id || ':' || state, ',' ORDER BY id))"),
    (
        "stock_move_line",
        "md5(string_agg(id || ':' || COALESCE(lot_id, 0) || ':' || quantity, ',' ORDER BY id))",
    ),
    (
        "stock_quant",
        "md5(string_agg(id || ':' || COALESCE(lot_id, 0) || ':' || location_id "
        "|| ':' || quantity, ',' ORDER BY id))",
    ),
    ("stock_picking", "md5(string_agg(id || ':' || state, ',' ORDER BY id))"),
    ("stock_location", "md5(string_agg(id::text, ',' ORDER BY id))"),
    ("product_product", "md5(string_agg(id::text, ',' ORDER BY id))"),
    ("mrp_production", "md5(string_agg(id || ':' || state, ',' ORDER BY id))"),
    ("mrp_bom", "md5(string_agg(id::text, ',' ORDER BY id))"),
    ("repair_order", "md5(string_agg(id || ':' || state, ',' ORDER BY id))"),
    ("helpdesk_ticket", "md5(string_agg(id::text, ',' ORDER BY id))"),
    ("account_move", "md5(string_agg(id || ':' || state, ',' ORDER BY id))"),
)
# Models whose views and first records are loaded after each step (when installed).
VERIFY_MODELS = (
    "stock.picking",
    "stock.lot",
    "stock.quant",
    "stock.move",
    "stock.move.line",
    "stock.location",
    "product.template",
    "product.product",
    "mrp.production",
    "repair.order",
    "helpdesk.ticket",
    "account.move",
)
# Models whose views are validated after each step (Odoo renders a view with an unknown
# field without complaint; validating it is what finds a view left behind): those above
# and the other models of Odoo whose views the suite extends.
VIEW_MODELS = (
    *VERIFY_MODELS,
    "product.category",
    "stock.warehouse",
    "stock.return.picking",
    "res.config.settings",
)
# an ERROR / CRITICAL record, a traceback, Odoo's warning about views it cannot validate,
# or a view ``verify`` found invalid
PROBLEM_RE = re.compile(
    r"^\S+ \S+ \d+ (ERROR|CRITICAL) |^Traceback \(most recent call last\)"
    r"|^\S+ \S+ \d+ WARNING \S+ \S+: invalid custom view|^INVALID VIEW "
)


# --------------------------------------------------------------------------------------------
# database facts (psycopg2 only)
# --------------------------------------------------------------------------------------------


def connect(config_path, database):
    import psycopg2  # noqa: PLC0415 - an Odoo dependency, needed only here

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config_path)
    options = parser["options"] if parser.has_section("options") else {}
    params = {}
    for option, key in (
        ("db_host", "host"),
        ("db_port", "port"),
        ("db_user", "user"),
        ("db_password", "password"),
    ):
        value = (options.get(option) or "").strip()
        if value and value.lower() not in ("false", "none"):
            params[key] = value
    conn = psycopg2.connect(dbname=database, **params)
    conn.autocommit = True
    return conn


def _one(cur, query, params=()):
    cur.execute(query, params)
    return cur.fetchone()[0]


def _exists(cur, table):
    return _one(cur, "SELECT to_regclass(%s) IS NOT NULL", [table])


def stock_figures(cur):
    figures = {}
    for table, digest in STOCK_TABLES:
        if _exists(cur, table):
            figures[table] = _one(
                cur,
                f"SELECT count(*) || ' ' || COALESCE({digest}, '-') "  # noqa: S608
                f"FROM {table}",
            )
    return figures


def module_states(cur, names):
    cur.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [list(names)])
    return dict(cur.fetchall())


def _table(model):
    return model.replace(".", "_")


def owned(cur, module):
    """What ``module`` alone brought: tables of its models, columns of its fields on
    models that stay, its many2many tables (only those present now)."""
    others = """NOT EXISTS (
        SELECT 1 FROM ir_model_data other
          JOIN ir_module_module mm ON mm.name = other.module AND mm.state = 'installed'
         WHERE other.model = d.model AND other.res_id = d.res_id AND other.module != d.module)"""
    cur.execute(
        f"""SELECT m.model FROM ir_model_data d JOIN ir_model m ON m.id = d.res_id
                     WHERE d.model = 'ir.model' AND d.module = %s AND {others}""",
        [module],
    )  # noqa: S608
    models = sorted(model for (model,) in cur.fetchall())
    tables = [_table(model) for model in models if _exists(cur, _table(model))]
    cur.execute(
        f"""SELECT f.model, f.name FROM ir_model_data d
                      JOIN ir_model_fields f ON f.id = d.res_id
                     WHERE d.model = 'ir.model.fields' AND d.module = %s AND {others}""",  # noqa: S608
        [module],
    )
    columns = sorted(
        (_table(model), name)
        for model, name in cur.fetchall()
        if model not in models and _column_exists(cur, _table(model), name)
    )
    cur.execute(
        """SELECT DISTINCT r.name FROM ir_model_relation r
                     JOIN ir_module_module mm ON mm.id = r.module
                    WHERE mm.name = %s
                      AND NOT EXISTS (SELECT 1 FROM ir_model_relation r2
                                        JOIN ir_module_module m2 ON m2.id = r2.module
                                       WHERE r2.name = r.name AND m2.name != %s
                                         AND m2.state = 'installed')""",
        [module, module],
    )
    relations = sorted(name for (name,) in cur.fetchall() if _exists(cur, name))
    xmlids = _one(cur, "SELECT count(*) FROM ir_model_data WHERE module = %s", [module])
    return {"tables": tables, "columns": columns, "relations": relations, "xmlids": xmlids}


def _column_exists(cur, table, column):
    return (
        _one(
            cur,
            """SELECT count(*) FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = %s
                           AND column_name = %s""",
            [table, column],
        )
        > 0
    )


def leftovers(cur, module, before):
    """What of ``before`` (see :func:`owned`) is still in the database."""
    return {
        "tables": [table for table in before["tables"] if _exists(cur, table)],
        "columns": [
            f"{table}.{column}"
            for table, column in before["columns"]
            if _exists(cur, table) and _column_exists(cur, table, column)
        ],
        "relations": [name for name in before["relations"] if _exists(cur, name)],
        "xmlids": _one(cur, "SELECT count(*) FROM ir_model_data WHERE module = %s", [module]),
    }


# --------------------------------------------------------------------------------------------
# Odoo processes
# --------------------------------------------------------------------------------------------


def run_odoo(argv, log_path, title):
    """Run ``argv`` (an Odoo process); append its output to ``log_path``; return
    ``(exit status, problem records)``."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ODOO_") and not k.startswith("PG")
    }
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        errors="replace",
        env=env,
        cwd=tempfile.gettempdir(),
        check=False,
    )
    output = proc.stdout + proc.stderr
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"\n### {title}\n$ {' '.join(argv)}\n{output}")
    problems = [line for line in output.splitlines() if PROBLEM_RE.search(line)]
    return proc.returncode, problems


def odoo_script(args, action, *extra):
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        action,
        "-c",
        str(Path(args.config).resolve()),
        "-d",
        args.database,
        *extra,
    ]


def _bootstrap(config_path, database):
    """An Odoo environment (superuser) on ``database``, logging as Odoo does."""
    import odoo  # noqa: PLC0415,F401 - the Odoo process of populate/verify only
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", config_path, "-d", database, "--no-http"], setup_logging=True)
    return Registry(database)


def populate(config_path, database):
    """Serial history through the normal APIs of every addon installed (see the module
    docstring); committed."""
    from odoo import SUPERUSER_ID, Command, api, fields  # noqa: PLC0415

    registry = _bootstrap(config_path, database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        installed = set(
            env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        )
        admin = env.ref("base.user_admin")
        admin.group_ids |= env.ref("serial_tracking.group_serial_manager")
        env = env(user=admin, su=True)
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        builder = env["serial.demo.builder"]
        Partner, Product = env["res.partner"], env["product.product"]
        supplier = Partner.create({"name": "Uninstall Check Supplier"})
        customer = Partner.create({"name": "Uninstall Check Customer", "email": "uc@example.com"})
        policy = env["serial.warranty.policy"].create(
            {
                "name": "Uninstall check: 12 months from shipment",
                "line_ids": [
                    Command.create(
                        {
                            "coverage_type": "full",
                            "duration": 12,
                            "duration_unit": "month",
                            "trigger": "shipment",
                        }
                    )
                ],
            }
        )

        def product(name):
            return Product.create(
                {
                    "name": name,
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "serial",
                    "serial_warranty_policy_id": policy.id,
                }
            )

        def done(picking):
            picking.move_ids.picked = True
            picking.button_validate()
            return picking

        unit, part = product("Uninstall Check Unit"), product("Uninstall Check Part")
        units = [f"UC-{n:04d}" for n in range(1, 13)]
        parts = [f"UCP-{n:04d}" for n in range(1, 9)]
        done(builder._picking(warehouse.in_type_id, supplier, {unit: units, part: parts}))
        done(builder._picking(warehouse.out_type_id, customer, {unit: units[:4]}))
        Lot = env["stock.lot"]
        lot = {lot.name: lot for lot in Lot.search([("name", "in", units + parts)])}
        env["serial.genealogy"].create(
            {
                "parent_lot_id": lot["UCP-0008"].id,
                "child_lot_id": lot["UC-0012"].id,
                "date_from": fields.Datetime.now(),
                "link_type": "built_in",
            }
        )
        if "serial_tracking_mrp" in installed:
            assembly = product("Uninstall Check Assembly")
            bom = env["mrp.bom"].create(
                {
                    "product_tmpl_id": assembly.product_tmpl_id.id,
                    "product_qty": 1.0,
                    "bom_line_ids": [Command.create({"product_id": part.id, "product_qty": 1})],
                }
            )
            production = env["mrp.production"].create({"bom_id": bom.id, "product_qty": 1})
            production.action_confirm()
            move = production.move_raw_ids
            move.move_line_ids.unlink()
            env["stock.move.line"].create(
                {
                    "move_id": move.id,
                    "product_id": part.id,
                    "lot_id": lot["UCP-0001"].id,
                    "quantity": 1.0,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
            )
            move.picked = True
            production.lot_producing_ids = Lot.create(
                {"name": "UCA-0001", "product_id": assembly.id}
            )
            production.qty_producing = 1
            production.button_mark_done()
        if "serial_tracking_repair" in installed:
            repair = env["repair.order"].create(
                {
                    "product_id": unit.id,
                    "lot_id": lot["UC-0005"].id,
                    "partner_id": customer.id,
                    "picking_type_id": warehouse.repair_type_id.id,
                }
            )
            repair.action_validate()
            repair.action_repair_start()
        if "serial_tracking_helpdesk" in installed:
            team = env["helpdesk.ticket.team"].search([], limit=1) or env[
                "helpdesk.ticket.team"
            ].create({"name": "Uninstall Check Team"})
            env["helpdesk.ticket"].create(
                {
                    "name": "Unit does not start",
                    "description": "<p>Uninstall check</p>",
                    "team_id": team.id,
                    "partner_id": customer.id,
                    "lot_id": lot["UC-0001"].id,
                }
            )
        if "serial_tracking_account" in installed:
            env["serial.warranty.policy.line"].create(
                {
                    "policy_id": policy.id,
                    "coverage_type": "parts",
                    "duration": 6,
                    "duration_unit": "month",
                    "trigger": "invoice",
                }
            )
            env["serial.warranty"]._engine().create(
                {
                    "lot_id": lot["UC-0002"].id,
                    "coverage_type": "parts",
                    "trigger": "invoice",
                }
            )
        recall = env["serial.recall"].create(
            {
                "reason": "Uninstall check: faulty part",
                "severity": "high",
                "product_ids": [Command.set(part.ids)],
            }
        )
        recall.action_simulate()
        recall.action_activate()
        check = env["serial.consistency.check"]._run()
        env.flush_all()
        cr.execute("SELECT count(*) FROM serial_event")
        events = cr.fetchone()[0]
        print(
            json.dumps(
                {
                    "events": events,
                    "coverages": env["serial.warranty"].search_count([]),
                    "genealogy_links": env["serial.genealogy"].search_count([]),
                    "recall_units": len(recall.unit_ids),
                    "quarantined": Lot.search_count([("lifecycle_state", "=", "quarantined")]),
                    "consistency_issues": check.issue_count,
                }
            ),
            flush=True,
        )


def verify(config_path, database):
    """Load the registry; validate every view of Odoo's stock models (with all their
    extensions), render their form, list and search views and read their first records
    (what a leftover view or field would break). Returns 1 when a view is invalid."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = _bootstrap(config_path, database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        checked, invalid = [], []
        for model in VERIFY_MODELS:
            if model not in env:
                continue
            Model = env[model]
            Model.get_views([(False, "form"), (False, "list"), (False, "search")])
            records = Model.search([], limit=20)
            records.read(
                [
                    name
                    for name, field in Model._fields.items()
                    if field.store and field.type not in ("binary",)
                ]
            )
            records._compute_display_name()
            checked.append(model)
        views = env["ir.ui.view"].search(
            [
                ("model", "in", [model for model in VIEW_MODELS if model in env]),
                ("mode", "=", "primary"),
                ("type", "!=", "qweb"),
            ]
        )
        for view in views:  # each primary view with all the extensions it combines
            try:
                with cr.savepoint():
                    view._check_xml()
            except Exception as error:  # noqa: BLE001 - reported, then the process fails
                invalid.append(
                    f"{view.model} view {view.id} ({view.xml_id or view.name}): "
                    f"{str(error).strip().splitlines()[-1][:300]}"
                )
        print(
            json.dumps(
                {"verified": checked, "views_validated": len(views), "invalid_views": invalid}
            ),
            flush=True,
        )
        for line in invalid:
            print(f"INVALID VIEW {line}", flush=True)
        return 1 if invalid else 0


# --------------------------------------------------------------------------------------------
# the check
# --------------------------------------------------------------------------------------------


def check(args):
    log_path = Path(args.odoo_log or Path(tempfile.gettempdir()) / "check_uninstall.log")
    log_path.write_text("")
    conn = connect(args.config, args.database)
    cur = conn.cursor()
    states = module_states(cur, (CORE, *BRIDGES))
    if states.get(CORE) != "installed":
        print(f"{CORE} is not installed on {args.database} (state {states.get(CORE)})")
        return 1
    order = [m for m in BRIDGES if states.get(m) == "installed"] + [CORE]
    ok = True
    started = time.perf_counter()
    print(f"uninstall check on {args.database}: {' -> '.join(order)} (Odoo log: {log_path})")

    if not args.no_populate:
        t0 = time.perf_counter()
        rc, problems = run_odoo(odoo_script(args, "populate"), log_path, "populate")
        ok &= _report(
            f"populate serial history ({time.perf_counter() - t0:.0f} s)",
            rc,
            problems,
            log_path,
            "populate",
        )
    figures = stock_figures(cur)
    print(
        "  stock data: "
        + ", ".join(f"{table} {value.split()[0]}" for table, value in figures.items())
    )

    for module in order:
        t0 = time.perf_counter()
        before = owned(cur, module)
        rc, problems = run_odoo(
            [
                sys.executable,
                "-m",
                "odoo",
                "module",
                "uninstall",
                "-c",
                str(Path(args.config).resolve()),
                "-d",
                args.database,
                module,
            ],
            log_path,
            f"uninstall {module}",
        )
        after_states = module_states(cur, order)
        remaining = order[order.index(module) + 1 :]
        wrong_states = {
            m: s
            for m, s in after_states.items()
            if s != ("uninstalled" if m not in remaining else "installed")
        }
        left = leftovers(cur, module, before)
        now = stock_figures(cur)
        changed = {
            table: f"{figures[table].split()[0]} -> {now.get(table, 'gone')}"
            for table in figures
            if now.get(table) != figures[table]
        }
        v_rc, v_problems = run_odoo(odoo_script(args, "verify"), log_path, f"verify after {module}")
        step_ok = not (
            rc or problems or wrong_states or changed or v_rc or v_problems or any(left.values())
        )
        ok &= step_ok
        print(
            f"  {'ok    ' if step_ok else 'FAILED'} uninstall {module} "
            f"({time.perf_counter() - t0:.0f} s): dropped {len(before['tables'])} tables, "
            f"{len(before['columns'])} columns on other models, "
            f"{len(before['relations'])} many2many tables, {before['xmlids']} external ids"
        )
        if rc or problems:
            _report(f"    odoo module uninstall {module}", rc, problems, log_path, module)
        if v_rc or v_problems:
            _report(
                f"    reload and render stock views after {module}",
                v_rc,
                v_problems,
                log_path,
                module,
            )
        if wrong_states:
            print(f"    module states: {wrong_states}")
        if changed:
            print(f"    stock data changed: {changed}")
        if any(left.values()):
            print(f"    left behind: { {k: v for k, v in left.items() if v} }")
        if rc:
            break
        figures = now  # each uninstallation answers for its own changes
    print(f"uninstall check: {'OK' if ok else 'FAILED'} in {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


def _report(title, rc, problems, log_path, where):
    good = not rc and not problems
    if not title.startswith("    "):
        print(f"  {'ok    ' if good else 'FAILED'} {title}")
    else:
        print(
            f"{title}: exit {rc}, {len(problems)} problem line(s) (ERROR, CRITICAL, "
            "traceback, invalid view)"
        )
    for line in problems[:10]:
        print(f"      {line[:300]}")
    if not good:
        print(f"      (see {log_path}, section '{where}')")
    return good


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "action",
        nargs="?",
        default="check",
        choices=["check", "populate", "verify"],
        help="check (default); populate and verify run inside Odoo and are called by check",
    )
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--no-populate", action="store_true", help="do not add serial history first"
    )
    parser.add_argument("--odoo-log", help="file for the output of the Odoo processes")
    args = parser.parse_args(argv)
    if args.action == "populate":
        populate(args.config, args.database)
        return 0
    if args.action == "verify":
        return verify(args.config, args.database)
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
