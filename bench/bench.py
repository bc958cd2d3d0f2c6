#!/usr/bin/env python3
"""Benchmark harness: run a named scenario against fresh databases in one run.

    python3 bench/bench.py receive_deliver [--serials 5000] [--repeat 2]
    python3 bench/bench.py backfill [--serials 100000]
    python3 bench/bench.py generate --serials 1000000 [--db NAME]
    python3 bench/bench.py genealogy [--serials 1000000] [--repeat 3] [--reuse]
    python3 bench/bench.py consistency [--serials 1000000] [--reuse]
    python3 bench/bench.py recall [--serials 10000] [--reuse]   (in-stock share of 1M)
    python3 bench/bench.py scanner [--reuse] [--workers 4] [--clients 10] [--seconds 60]
    python3 bench/bench.py soak [--workers 4]   (10 minutes; bench/soak.py --help for more)

Every scenario starts a private PostgreSQL cluster in ``.local/bench`` (the same
machinery as the test command), creates its databases from scratch, runs the same
task in each through ``odoo_task.py``, prints each figure with the ratio of the suite
to Odoo's own path, and writes the figures to ``bench/results/<scenario>.json``.
"""

import argparse
import json
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import harness  # noqa: E402

WORK_DIR = REPO_ROOT / ".local" / "bench"
SUITE_MODULES = ["serial_tracking", "serial_tracking_mrp"]
PLAIN_MODULES = ["stock", "mrp"]


class Bench:
    def __init__(self):
        info = harness.probe_odoo()
        if not harness.is_supported_odoo(info):
            sys.exit(f"bench: Odoo 19.0 is not importable: {info.get('error')}")
        self.paths = harness.addons_path(info)
        self.cluster = harness.Cluster(WORK_DIR / "cluster")
        self.cluster.start()
        self.config = harness.write_odoo_config(
            WORK_DIR / "odoo.conf",
            self.cluster.db_params(),
            self.paths,
            str(WORK_DIR / "data"),
            http_port=harness.free_port(18269),
        )

    def present(self, modules):
        return [m for m in modules if harness.find_module(m, self.paths)]

    def create_db(self, name, modules):
        """Drop and create ``name`` with ``modules`` installed, without demo data."""
        harness.db_query(self.cluster.db_params(), "drop", name)
        return self.odoo(name, "-i", ",".join(self.present(modules)))

    def odoo(self, name, *args):
        """Run Odoo once on ``name`` (stop after init); return (seconds, log text)."""
        started = time.perf_counter()
        proc = subprocess.run(
            harness.odoo_command(
                self.config, "-d", name, "--stop-after-init", "--log-level=info", *args
            ),
            capture_output=True,
            text=True,
            env=harness.odoo_env(),
            check=False,
            cwd=str(WORK_DIR),
        )
        seconds = time.perf_counter() - started
        log = proc.stdout + proc.stderr
        errors = [line for line in log.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)]
        if proc.returncode or errors:
            sys.exit(f"bench: odoo failed on {name}:\n" + "\n".join(errors or log[-3000:]))
        return seconds, log

    def task(self, name, task, **kwargs):
        proc = subprocess.run(
            [
                harness.python_executable(),
                str(BENCH_DIR / "odoo_task.py"),
                str(self.config),
                name,
                task,
                json.dumps(kwargs),
            ],
            capture_output=True,
            text=True,
            env=harness.odoo_env(),
            check=False,
            cwd=str(WORK_DIR),
        )
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH_RESULT "):
                return json.loads(line[len("BENCH_RESULT ") :])
        sys.exit(
            f"bench: task {task} failed on {name}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )


def _ratio(suite, plain):
    return round(suite / plain, 3) if plain else None


def _print_table(title, rows):
    print(f"\n{title}")
    print(f"{'figure':<28}{'Odoo alone':>14}{'with suite':>14}{'ratio':>10}")
    for figure, plain, suite in rows:
        ratio = _ratio(suite, plain) if isinstance(plain, (int, float)) else None
        plain_text = f"{plain:.3f}" if isinstance(plain, float) else str(plain)
        suite_text = f"{suite:.3f}" if isinstance(suite, float) else str(suite)
        ratio_text = f"{ratio:.3f}" if ratio is not None else "-"
        print(f"{figure:<28}{plain_text:>14}{suite_text:>14}{ratio_text:>10}")


def _save(scenario, payload):
    payload.update(
        {
            "scenario": scenario,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        }
    )
    out = BENCH_DIR / "results" / f"{scenario}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nfigures written to {out.relative_to(REPO_ROOT)}")


# --- scenarios ----------------------------------------------------------------------


def scenario_receive_deliver(bench, args):
    """Receive then deliver N serials through standard pickings, plain vs suite."""
    bench.create_db("bench_plain", PLAIN_MODULES)
    bench.create_db("bench_suite", SUITE_MODULES)
    runs = {"plain": [], "suite": []}
    for _round in range(args.repeat):
        runs["plain"].append(bench.task("bench_plain", "receive_deliver", serials=args.serials))
        runs["suite"].append(bench.task("bench_suite", "receive_deliver", serials=args.serials))
    best = {side: min(results, key=lambda r: r["total_s"]) for side, results in runs.items()}
    _print_table(
        f"receive then deliver {args.serials} serials (best of {args.repeat})",
        [
            (key, best["plain"][key], best["suite"][key])
            for key in ("receive_s", "deliver_s", "total_s")
        ],
    )
    ratio = _ratio(best["suite"]["total_s"], best["plain"]["total_s"])
    print(f"events written by the suite: {best['suite'].get('events')}")
    print(f"ratio suite / Odoo alone: {ratio}  (target <= 1.15)")
    _save(
        "receive_deliver",
        {"serials": args.serials, "runs": runs, "best": best, "ratio_total": ratio},
    )


def scenario_backfill(bench, args):
    """Install the suite on a database with N serials of history; then 'state as of'."""
    bench.create_db("bench_backfill", PLAIN_MODULES)
    generated = bench.task("bench_backfill", "generate", serials=args.serials, commit=True)
    print(f"generated: {generated}")
    install_seconds, log = bench.odoo("bench_backfill", "-i", "serial_tracking")
    match = re.search(r"Back-filled (\d+) serials in ([\d.]+)s", log)
    backfill_seconds = float(match.group(2)) if match else None
    print(
        f"install of serial_tracking with back-fill: {install_seconds:.1f}s "
        f"(back-fill itself: {backfill_seconds}s for {match and match.group(1)} serials)"
    )
    odoo_path = bench.task("bench_backfill", "state_at", limit=args.serials, path="odoo")
    suite_path = bench.task("bench_backfill", "state_at", limit=args.serials, path="suite")
    _print_table(
        f"state as of a date for {args.serials} serials",
        [("state_at_s", odoo_path["state_at_s"], suite_path["state_at_s"])],
    )
    _save(
        "backfill",
        {
            "serials": args.serials,
            "generated": generated,
            "install_with_backfill_s": round(install_seconds, 1),
            "backfill_s": backfill_seconds,
            "state_at": {"odoo": odoo_path, "suite": suite_path},
        },
    )


def scenario_generate(bench, args):
    """Create (or reuse) a suite database and fill it with synthetic history."""
    if not args.reuse:
        bench.create_db(args.db, SUITE_MODULES)
    generated = bench.task(args.db, "generate", serials=args.serials, commit=True)
    print(f"generated: {generated}")
    if args.backfill:
        print(f"back-fill: {bench.task(args.db, 'backfill', commit=True)}")


def scenario_genealogy(bench, args):
    """Five-level genealogy of N serials: descendants of a lot reaching 100,000 units, the
    ancestors of one unit, and the traceability report of a 505-unit vehicle built through
    real MOs against Odoo's stock.traceability.report fully expanded, on one database."""
    db = "bench_genealogy"
    ids_file = WORK_DIR / "genealogy_ids.json"
    if args.reuse and ids_file.exists():
        ids = json.loads(ids_file.read_text())
    else:
        bench.create_db(db, SUITE_MODULES)
        generated = bench.task(db, "generate_genealogy", serials=args.serials, commit=True)
        print(f"generated: {generated}")
        built = bench.task(db, "build_report_unit", commit=True)
        print(f"report unit built through MOs: {built}")
        ids = {"generated": generated, "built": built}
        ids_file.write_text(json.dumps(ids))
    generated, built = ids["generated"], ids["built"]
    measured = bench.task(
        db,
        "genealogy",
        big_lot=generated["big_lot"],
        sample_vehicle=generated["sample_vehicle"],
        sample_cell=generated["sample_cell"],
        report_unit=built["vehicle"],
        repeat=max(args.repeat, 3),
    )
    desc, anc, chain = measured["descendants"], measured["ancestors"], measured["parent_chain"]
    print(f"\ngenealogy of {generated['serials']:,} serials, {generated['links']:,} links")
    print(
        f"descendants of the big lot:  {desc['units']:,} units in {desc['best_s']:.3f}s "
        f"(first {desc['first_s']:.3f}s, {desc['queries']} queries; target < 1 s)"
    )
    print(
        f"ancestors of one vehicle:    {anc['units']} units in {anc['best_ms']:.2f} ms "
        f"(first {anc['first_ms']:.2f} ms; target < 20 ms)"
    )
    print(
        f"parent chain of one cell:    {chain['units']} units in {chain['best_ms']:.2f} ms "
        f"(first {chain['first_ms']:.2f} ms)"
    )
    odoo = measured["odoo_expanded"]
    gather, html = measured["suite_gather"], measured["suite_report_html"]
    _print_table(
        f"traceability of one vehicle of {built['units']} units (best of runs, seconds)",
        [
            ("data (suite: _gather)", odoo["best_s"], gather["best_s"]),
            ("report (suite: HTML)", odoo["best_s"], html["best_s"]),
            ("queries", odoo["queries"], gather["queries"]),
        ],
    )
    print(
        f"Odoo's report fully expanded: {odoo['lines']} lines over {odoo['lots']} lots; "
        f"suite: {gather['nodes']} units, {gather['events']} events"
    )
    ratio = _ratio(html["best_s"], odoo["best_s"])
    print(f"ratio suite report / Odoo expanded report: {ratio}")
    _save(
        "genealogy",
        {
            "serials": generated["serials"],
            "generated": generated,
            "report_unit": built,
            "measured": measured,
            "ratio_report_suite_over_odoo": ratio,
        },
    )


def scenario_warranty(bench, args):
    """Eligibility of one serial and the daily warranty job, on N serials with five
    ledger events and one coverage each (written with COPY)."""
    db = "bench_warranty"
    if not args.reuse:
        bench.create_db(db, SUITE_MODULES)
        generated = bench.task(db, "warranty_generate", serials=args.serials, commit=True)
        print(f"generated: {generated}")
    check = bench.task(db, "warranty_eligibility", samples=200)
    daily = bench.task(db, "warranty_cron", days_ahead=30)
    catch_up = bench.task(db, "warranty_cron", days_ahead=365)
    print(
        f"\neligibility check of one serial ({check['samples']} serials, cold cache): "
        f"median {check['median_ms']} ms, p95 {check['p95_ms']} ms, max {check['max_ms']} ms, "
        f"{check['queries_median']} queries (target < 20 ms)"
    )
    for label, run in (("30 days later", daily), ("a year later", catch_up)):
        print(
            f"daily job over {run['coverages']:,} coverages, {label}: {run['cron_s']} s "
            f"(started {run['started']:,}, serials expired {run['expired_lots']:,}, "
            f"serials refreshed {run['refreshed']:,}, reminders {run['activities']}; "
            f"target < 60 s)"
        )
    _save(
        "warranty",
        {
            "serials": args.serials,
            "eligibility": check,
            "cron_30_days": daily,
            "cron_365_days": catch_up,
        },
    )


def scenario_numbering(bench, args):
    """Generate and receive serials: the suite's wizard vs Odoo's own path; then the
    validation of N pasted vendor serials against 1,000,000 existing ones."""
    bench.create_db("bench_plain", PLAIN_MODULES)
    bench.create_db("bench_suite", SUITE_MODULES)
    odoo_path = bench.task("bench_plain", "generate_receive", serials=5000, path="odoo")
    wizard_small = bench.task("bench_suite", "generate_receive", serials=5000, path="wizard")
    wizard = bench.task("bench_suite", "generate_receive", serials=args.serials, path="wizard")
    # the wizard with the set-based paths turned off in the settings: Odoo's methods
    wizard_orm = bench.task(
        "bench_suite", "generate_receive", serials=5000, path="wizard", fast_path=False
    )
    # the same, each step committed as the user's requests are, on scratch copies
    odoo_requests = _task_on_copy(
        bench, "bench_plain", "generate_receive", serials=5000, path="odoo", requests=True
    )
    wizard_requests = _task_on_copy(
        bench, "bench_suite", "generate_receive", serials=args.serials, path="wizard", requests=True
    )
    pasted = bench.task("bench_suite", "validate_pasted", serials=args.serials, existing=1000000)
    print("\ngenerate, validate and receive serials on one receipt")
    print(f"{'run':<44}{'make_s':>10}{'validate_s':>12}{'total_s':>10}{'serials/s':>12}")
    for label, run in (
        (f"Odoo path, {odoo_path['serials']}, one transaction", odoo_path),
        (f"wizard, {wizard_small['serials']}, one transaction", wizard_small),
        (f"wizard, {wizard['serials']}, one transaction", wizard),
        (f"wizard, set-based off, {wizard_orm['serials']}, one tr.", wizard_orm),
        (f"Odoo path, {odoo_requests['serials']}, one per step", odoo_requests),
        (f"wizard, {wizard_requests['serials']}, one per step", wizard_requests),
    ):
        print(
            f"{label:<44}{run['make_s']:>10.1f}{run['validate_s']:>12.1f}"
            f"{run['total_s']:>10.1f}{run['serials_per_s']:>12.1f}"
        )
    ratio = round(wizard["serials_per_s"] / odoo_path["serials_per_s"], 2)
    ratio_small = round(wizard_small["serials_per_s"] / odoo_path["serials_per_s"], 2)
    ratio_requests = round(wizard_requests["serials_per_s"] / odoo_requests["serials_per_s"], 2)
    print(
        f"throughput ratio wizard@{wizard['serials']} / Odoo@5000, one transaction: "
        f"{ratio}  (target >= 10)"
    )
    print(
        f"throughput ratio wizard@{wizard['serials']} / Odoo@5000, one transaction per "
        f"step: {ratio_requests}  (target >= 10)"
    )
    print(f"throughput ratio wizard@5000 / Odoo@5000: {ratio_small}")
    ratio_orm = round(wizard_small["serials_per_s"] / wizard_orm["serials_per_s"], 2)
    print(f"throughput ratio wizard@5000 set-based / set-based off: {ratio_orm}")
    print(
        f"wizard@{wizard['serials']} total: {wizard['total_s']}s / "
        f"{wizard_requests['total_s']}s  (target < 120s)"
    )
    print(
        f"validate {pasted['serials']} pasted against {pasted['existing']} existing: "
        f"{pasted['check_s']}s (target < 10s); problems found: {pasted['problems']}"
    )
    _save(
        "numbering",
        {
            "serials": args.serials,
            "odoo_5000": odoo_path,
            "wizard_5000": wizard_small,
            "wizard": wizard,
            "wizard_5000_set_based_off": wizard_orm,
            "throughput_ratio_set_based_over_off_5000": ratio_orm,
            "throughput_ratio": ratio,
            "throughput_ratio_5000": ratio_small,
            "odoo_5000_per_step": odoo_requests,
            "wizard_per_step": wizard_requests,
            "throughput_ratio_per_step": ratio_requests,
            "validate_pasted": pasted,
        },
    )


def scenario_consistency(bench, args):
    """The consistency check over N serials with quants and hash-chained events
    (written with COPY), a few of them broken with SQL: the whole run, each SQL check
    alone, and Python's verification of every chain for comparison."""
    db = "bench_consistency"
    ids_file = WORK_DIR / "consistency_ids.json"
    if args.reuse and ids_file.exists():
        generated = json.loads(ids_file.read_text())
    else:
        bench.create_db(db, SUITE_MODULES)
        generated = bench.task(db, "consistency_generate", serials=args.serials, commit=True)
        ids_file.write_text(json.dumps(generated))
    planted = generated["planted"]
    print(
        f"generated: {generated['serials']:,} serials, {generated['events']:,} events in "
        f"{generated['seconds']} s; broken on purpose: state over the ledger "
        f"{planted['state_vs_last_event']}, quants {planted['state_vs_quant']}, "
        f"edited events {planted['broken_chain']}"
    )
    measured = bench.task(db, "consistency_check", planted_lots=planted["lots"])
    parts = measured["parts"]
    print(
        f"\nconsistency check of {measured['serials']:,} serials, {measured['events']:,} "
        f"events: {measured['run_s']} s (target < 60 s)"
    )
    print(
        f"  states vs quants and last events (one pass) {parts['states_s']} s, hash "
        f"chains in SQL {parts['broken_chain_sql_s']} s"
    )
    print(
        f"  issues {measured['issues']} {measured['by_kind']}; found exactly the broken "
        f"ones: {measured['found_exactly_the_planted']}"
    )
    if "broken_chain_python_s" in measured:
        ratio = _ratio(parts["broken_chain_sql_s"], measured["broken_chain_python_s"])
        print(
            f"  hash chains in Python (Verify History path): "
            f"{measured['broken_chain_python_s']} s, same result: "
            f"{measured['python_agrees']}; ratio SQL / Python: {ratio}"
        )
    _save(
        "consistency",
        {"serials": generated["serials"], "generated": generated, "measured": measured},
    )


def scenario_recall(bench, args):
    """Recall of the big electrolyte lot of the genealogy database (1,000,000 serials,
    five levels): every unit containing it. ``--serials`` vehicles built from it are put
    back in stock with real quants first (the in-stock share activation quarantines).
    The database is a copy of ``bench_genealogy`` (built first when missing)."""
    db = "bench_recall"
    ids_file = WORK_DIR / "genealogy_ids.json"
    if not (args.reuse and harness.db_query(bench.cluster.db_params(), "exists", db).get("exists")):
        if not ids_file.exists() or not harness.db_query(
            bench.cluster.db_params(), "exists", "bench_genealogy"
        ).get("exists"):
            scenario_genealogy(
                bench, argparse.Namespace(**{**vars(args), "serials": 1000000, "reuse": False})
            )
        harness.db_query(bench.cluster.db_params(), "drop", db)
        params = bench.cluster.db_params()
        subprocess.run(
            [
                "createdb",
                "-h",
                params["db_host"],
                "-p",
                str(params["db_port"]),
                "-U",
                params["db_user"],
                "-T",
                "bench_genealogy",
                db,
            ],
            check=True,
        )
        bench.odoo(db, "-u", "serial_tracking")
        ids = json.loads(ids_file.read_text())
        prepared = bench.task(
            db,
            "recall_prepare",
            big_lot=ids["generated"]["big_lot"],
            in_stock=args.serials,
            commit=True,
        )
        print(f"prepared: {prepared}")
    big_lot = json.loads(ids_file.read_text())["generated"]["big_lot"]
    measured = bench.task(db, "recall", big_lot=big_lot, repeat=max(args.repeat, 3), batch=2000)
    odoo = bench.task(db, "odoo_internal_transfer", big_lot=big_lot, units=2000)
    print(f"\nrecall of the big lot: {measured['units']:,} units {measured['by_bucket']}")
    print(
        f"simulate: best {measured['simulate_best_s']} s, first "
        f"{measured['simulate_first_s']} s (target < 5 s); CPU of the first: "
        f"{measured['simulate_cpu_first']}"
    )
    print(
        f"CPU to quarantine the in-stock share: {measured.get('quarantine_in_stock_cpu')}; "
        f"whole campaign: {measured['activation_total_cpu']}"
    )
    print(
        f"activate: request {measured['activate_request_s']} s; in-stock share of "
        f"{measured['in_stock_share']:,} quarantined after {measured['quarantine_in_stock_s']} s "
        f"(target < 180 s); whole campaign {measured['activation_total_s']} s in "
        f"{measured['steps']} cron steps of {measured['batch']} (slowest "
        f"{measured['slowest_step_s']} s); outside quarantine afterwards: "
        f"{measured['outside_quarantine']}, errors: {measured['errors']}"
    )
    rate = (
        measured["in_stock_share"] / measured["quarantine_in_stock_s"]
        if measured["quarantine_in_stock_s"]
        else None
    )
    print(
        f"Odoo's own internal transfer of {odoo['units']:,} serials to quarantine: "
        f"{odoo['seconds']} s ({odoo['units_per_s']} serials/s); recall activation: "
        f"{rate and round(rate, 1)} serials/s; ratio {_ratio(rate or 0, odoo['units_per_s'])}"
    )
    _save(
        "recall",
        {
            "measured": measured,
            "odoo_internal_transfer": odoo,
            "activation_rate_per_s": rate and round(rate, 1),
            "ratio_activation_over_odoo_rate": _ratio(rate or 0, odoo["units_per_s"]),
        },
    )


def _task_on_copy(bench, source, task, **kwargs):
    """Run ``task`` on a scratch copy of ``source`` (for tasks that commit), then drop it."""
    scratch = f"{source}_scratch"
    _clone_db(bench, source, scratch)
    try:
        return bench.task(scratch, task, **kwargs)
    finally:
        harness.db_query(bench.cluster.db_params(), "drop", scratch)


def _clone_db(bench, source, target):
    """``target`` as a copy of ``source`` (CREATE DATABASE ... TEMPLATE)."""
    harness.db_query(bench.cluster.db_params(), "drop", target)
    params = bench.cluster.db_params()
    subprocess.run(
        [
            harness.python_executable(),
            "-c",
            "import sys, psycopg2; c = psycopg2.connect(dbname='postgres', host=sys.argv[1], "
            "port=sys.argv[2], user=sys.argv[3]); c.autocommit = True; "
            'c.cursor().execute(f\'CREATE DATABASE "{sys.argv[5]}" TEMPLATE "{sys.argv[4]}"\')',
            str(params["db_host"]),
            str(params["db_port"]),
            str(params["db_user"]),
            source,
            target,
        ],
        check=True,
        env=harness.odoo_env(),
    )


def scenario_scanner(bench, args):
    """Server time per scan of the serial scanner on a copy of the 1,000,000-serial
    genealogy database (made first when missing), then simulated scanners against a
    multi-worker Odoo (bench/scanner_load.py)."""
    db = "bench_scanner"
    if not args.reuse:
        if not harness.db_query(bench.cluster.db_params(), "exists", "bench_genealogy").get(
            "exists"
        ):
            bench.create_db("bench_genealogy", SUITE_MODULES)
            bench.task("bench_genealogy", "generate_genealogy", serials=args.serials, commit=True)
        _clone_db(bench, "bench_genealogy", db)
        bench.odoo(db, "-u", "serial_tracking")
    latency = bench.task(db, "scanner", samples=300)
    print(
        f"\nserver time per scan, {latency['serials_in_database']:,} serials in the "
        "database (cold ORM cache; target p95 < 30 ms)"
    )
    print(f"{'mode':<16}{'scans':>7}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'queries':>9}")
    for mode in ("lookup", "receive", "odoo_typed_line", "pick", "pick_refused", "count"):
        run = latency[mode]
        print(
            f"{mode:<16}{run['scans']:>7}{run['median_ms']:>11}{run['p95_ms']:>9}"
            f"{run['max_ms']:>9}{run['queries_median']:>9}"
        )
    print(
        "odoo_typed_line: Odoo's own step, a serial typed on a new line of a receipt; "
        f"ratio receive p95 / it: {latency['ratio_receive_p95_over_odoo_line']}"
    )
    proc = subprocess.run(
        [
            harness.python_executable(),
            str(BENCH_DIR / "scanner_load.py"),
            "--config",
            str(bench.config),
            "--db",
            db,
            "--workers",
            str(args.workers),
            "--clients",
            str(args.clients),
            "--seconds",
            str(args.seconds),
        ],
        capture_output=True,
        text=True,
        env=harness.odoo_env(),
        check=False,
        cwd=str(WORK_DIR),
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if not lines:
        sys.exit(f"bench: scanner load test failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    load = json.loads(lines[-1][len("BENCH_RESULT ") :])
    print(
        f"\n{load['clients']} simulated scanners, {load['workers']} workers, "
        f"{load['seconds']} s: {load['scans']} scans ({load['scans_per_s']}/s), "
        f"{load['errors']} error(s), {load['server_error_lines']} server error line(s); "
        f"client latency median {load['latency_ms']['median']} ms, "
        f"p95 {load['latency_ms']['p95']} ms"
    )
    _save("scanner", {"latency": latency, "load": load})


def scenario_soak(bench, args):
    """Mixed load from 8 clients on a multi-worker Odoo for 10 minutes, then the
    consistency check (bench/soak.py writes bench/results/soak.json)."""
    proc = subprocess.run(
        [harness.python_executable(), str(BENCH_DIR / "soak.py"), "--workers", str(args.workers)],
        env=harness.odoo_env(),
        check=False,
        cwd=str(REPO_ROOT),
    )
    if proc.returncode:
        sys.exit(f"bench: soak run failed with code {proc.returncode}")


SCENARIOS = {
    "soak": scenario_soak,
    "scanner": scenario_scanner,
    "recall": scenario_recall,
    "consistency": scenario_consistency,
    "receive_deliver": scenario_receive_deliver,
    "backfill": scenario_backfill,
    "generate": scenario_generate,
    "genealogy": scenario_genealogy,
    "warranty": scenario_warranty,
    "numbering": scenario_numbering,
}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--serials", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--db", default="bench_data")
    parser.add_argument("--reuse", action="store_true", help="generate into an existing db")
    parser.add_argument(
        "--backfill", action="store_true", help="generate: derive lifecycle states afterwards"
    )
    parser.add_argument("--workers", type=int, default=4, help="scanner: Odoo workers")
    parser.add_argument("--clients", type=int, default=10, help="scanner: simulated scanners")
    parser.add_argument("--seconds", type=int, default=60, help="scanner: load test length")
    args = parser.parse_args()
    defaults = {
        "receive_deliver": 5000,
        "backfill": 100000,
        "generate": 100000,
        "consistency": 1000000,
        "genealogy": 1000000,
        "warranty": 1000000,
        "soak": 0,
        "numbering": 100000,
        "recall": 10000,
        "scanner": 1000000,
    }
    args.serials = args.serials or defaults[args.scenario]
    SCENARIOS[args.scenario](Bench(), args)


if __name__ == "__main__":
    main()
