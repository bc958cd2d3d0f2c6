#!/usr/bin/env python3
"""Check that updating the addons (``-u``) on a populated database keeps its records.

Usage::

    python3 scripts/check_upgrade.py -c ODOO_CONFIG -d DATABASE \\
        [-u serial_tracking,serial_tracking_mrp] [--odoo "python3 -m odoo"]

Before and after ``odoo -u``, it reads (with ``psql`` on the database named in the
config) what the suite must never lose or change: every serial with its lifecycle
state and holder, every ledger event with its hash chain (a digest over the events in
id order), every coverage and genealogy link, and Odoo's own stock (quants, done
moves). It runs the update, fails on any ERROR or CRITICAL line in its log, and fails
if anything differs. Prints one line per figure; exit status 0 when all is kept.
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shlex
import subprocess
import sys
import time

# (figure, query): each query returns one row; tables that may not exist are guarded.
FIGURES = [
    ("serials", "SELECT count(*) FROM stock_lot WHERE lifecycle_state IS NOT NULL"),
    (
        "serial states",
        "SELECT md5(string_agg(id || ':' || lifecycle_state || ':' || "
        "COALESCE(current_partner_id, 0), ',' ORDER BY id)) FROM stock_lot "
        "WHERE lifecycle_state IS NOT NULL",
    ),
    ("events", "SELECT count(*) FROM serial_event"),
    (
        "event chain digest",
        "SELECT md5(string_agg(id || ':' || lot_id || ':' || "
        "COALESCE(hash, '') || ':' || COALESCE(prev_hash, ''), ',' "
        "ORDER BY id)) FROM serial_event",
    ),
    (
        "coverages",
        "SELECT count(*) || '/' || md5(COALESCE(string_agg(id || ':' || lot_id || "
        "':' || state || ':' || COALESCE(end_date::text, ''), ',' ORDER BY id), "
        "'')) FROM serial_warranty",
    ),
    ("genealogy links", "SELECT count(*) FROM serial_genealogy"),
    ("lots (all)", "SELECT count(*) FROM stock_lot"),
    ("quants", "SELECT count(*) || '/' || COALESCE(sum(quantity), 0) FROM stock_quant"),
    ("done moves", "SELECT count(*) FROM stock_move WHERE state = 'done'"),
    ("done move lines", "SELECT count(*) FROM stock_move_line WHERE state = 'done'"),
]


def _db_args(config_path):
    parser = configparser.ConfigParser()
    parser.read(config_path)
    options = parser["options"] if parser.has_section("options") else {}
    args = []
    for option, flag in (("db_host", "-h"), ("db_port", "-p"), ("db_user", "-U")):
        value = options.get(option)
        if value and value != "False":
            args += [flag, value]
    env = dict(os.environ)
    if options.get("db_password") and options.get("db_password") != "False":
        env["PGPASSWORD"] = options["db_password"]
    return args, env


def _table_exists(db_args, env, database, table):
    return _psql(db_args, env, database, f"SELECT to_regclass('{table}') IS NOT NULL") == "t"


def _psql(db_args, env, database, query):
    result = subprocess.run(
        ["psql", *db_args, "-d", database, "-Atc", query],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return result.stdout.strip()


def snapshot(db_args, env, database):
    figures = {}
    for name, query in FIGURES:
        table = re.search(r"FROM (\w+)", query).group(1)
        if not _table_exists(db_args, env, database, table):
            figures[name] = "(no table)"
            continue
        figures[name] = _psql(db_args, env, database, query)
    return figures


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-u", "--update", default="serial_tracking")
    parser.add_argument("--odoo", default=f"{sys.executable} -m odoo")
    parser.add_argument("--http-port", default="18260")
    args = parser.parse_args()
    db_args, env = _db_args(args.config)

    before = snapshot(db_args, env, args.database)
    started = time.perf_counter()
    command = [
        *shlex.split(args.odoo),
        "-c",
        args.config,
        "-d",
        args.database,
        "-u",
        args.update,
        "--stop-after-init",
        "--http-port",
        args.http_port,
        "--log-level=info",
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    log = run.stdout + run.stderr
    errors = [line for line in log.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)]
    after = snapshot(db_args, env, args.database)

    ok = run.returncode == 0 and not errors
    print(
        f"odoo -u {args.update} on {args.database}: exit {run.returncode}, "
        f"{len(errors)} ERROR line(s), {seconds:.1f} s"
    )
    for line in errors[:20]:
        print(f"  {line}")
    for name, _query in FIGURES:
        kept = before[name] == after[name]
        ok &= kept
        shown = before[name] if kept else f"{before[name]} -> {after[name]}"
        print(f"{'kept   ' if kept else 'CHANGED'} {name}: {shown}")
    print("upgrade check: " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
