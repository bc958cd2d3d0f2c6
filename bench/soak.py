#!/usr/bin/env python3
"""Soak run: a multi-worker Odoo on loopback under a mixed load, then the consistency check.

    python3 bench/soak.py [--minutes 10] [--workers 4] [--clients 8] [--port 18390]
                          [--reuse-base]

Makes (in the bench cluster ``.local/bench/cluster``, as bench/bench.py does) a template
database ``bench_soak_base`` with serial_tracking installed (kept with ``--reuse-base``),
copies it to a fresh ``bench_soak``, seeds it over JSON-RPC (a vendor, customers, three
serial-tracked products, one of them under a numbering rule and a warranty policy, some
stock), starts Odoo with ``--workers`` processes on loopback and lets ``--clients``
simulated users work for ``--minutes``, each with its own session
(``/web/dataset/call_kw``), one operation after the other:

- receipts of new serials: a receipt is created and confirmed, each unit is scanned in
  with ``serial.scanner.scan("receive", ...)`` and the receipt is validated with
  ``serial.scanner.validate``;
- deliveries of serials in stock: a delivery is created, the units are scanned with
  ``scan("pick", ...)`` and it is validated the same way;
- customer returns of delivered units through Odoo's return wizard
  (``stock.return.picking``, ``action_create_returns_all``) and ``button_validate``;
- look-ups of known serials with ``scan("lookup", ...)``;
- deliberate bad input: unknown serials, malformed GS1 data, a number that breaks the
  numbering rule on a receipt, a delivered unit scanned on a delivery, an unknown scanner
  mode. These must be refused (``status: error`` or a UserError answer); they are
  counted as expected refusals, and an acceptance counts as an error;
- one recall (product "Soak Recall Unit") is created, simulated and activated by the
  first client at 40 % of the run, while the others keep working.

Any other answer is an error: transport or HTTP failure, a server exception, a refusal of
good input. A concurrency conflict that Odoo could not resolve by retrying itself
("could not serialize") is counted apart and reported. Afterwards the consistency check
(``serial.consistency.check.action_run_check``) runs on the soaked database and its
findings are reported. Figures go to ``bench/results/soak.json`` and are printed.
"""

import argparse
import itertools
import json
import os
import platform
import random
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402
import rpc  # noqa: E402
from rpc import RpcError, gtin_check, wait_ready  # noqa: E402

import bench as bench_tools  # noqa: E402

DB = "bench_soak"
BASE_DB = "bench_soak_base"
MODULES = ["serial_tracking"]
GS = "\x1d"
RULE_PREFIX = "SK"
SERIALS = itertools.count(1)  # next() of a count is atomic: one number per unit received
EXPECTED_NAMES = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
CONCURRENCY_MARKS = (
    "could not serialize",
    "concurrent update",
    "deadlock detected",
    "SerializationFailure",
    "LockNotAvailable",
)


def is_expected(error):
    """A refusal the soak provokes on purpose (deliberate bad input)."""
    return error.name in EXPECTED_NAMES


def is_concurrency(error):
    """A conflict between concurrent transactions (Odoo retries those itself)."""
    return any(mark in f"{error.name} {error.message}" for mark in CONCURRENCY_MARKS)


class Client(rpc.Client):
    """One user's JSON-RPC session; every call is timed under a kind."""

    def __init__(self, base, stats):
        super().__init__(base)
        self.stats = stats

    def timed(self, kind, model, method, *args, **kwargs):
        """``model.method(*args)`` timed as ``kind``; exceptions go to the caller."""
        started = time.perf_counter()
        try:
            return self.model(model, method, *args, **kwargs)
        finally:
            self.stats.record(kind, (time.perf_counter() - started) * 1000)


class Stats:
    """Counters shared by the clients (under a lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {}
        self.operations = {}
        self.errors = []
        self.expected = {}
        self.concurrency = []

    def record(self, kind, ms):
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)

    def done(self, operation):
        with self.lock:
            self.operations[operation] = self.operations.get(operation, 0) + 1

    def refusal(self, kind):
        with self.lock:
            self.expected[kind] = self.expected.get(kind, 0) + 1

    def error(self, text):
        with self.lock:
            self.errors.append(text)

    def conflict(self, text):
        with self.lock:
            self.concurrency.append(text)


class Stock:
    """What the clients know of the units: in stock, delivered; recalled product."""

    def __init__(self):
        self.lock = threading.Lock()
        self.in_stock = {}  # product id -> list of serial names
        self.delivered = []  # (picking id, product id, [serials])
        self.known = []
        self.recalled_product = None

    def add(self, product, serials):
        with self.lock:
            self.in_stock.setdefault(product, []).extend(serials)
            self.known.extend(serials)

    def take(self, count):
        """Up to ``count`` in-stock serials of one product, not of the recalled one."""
        with self.lock:
            products = [
                p for p, names in self.in_stock.items() if names and p != self.recalled_product
            ]
            if not products:
                return None, []
            product = random.choice(products)
            names = self.in_stock[product]
            random.shuffle(names)
            taken, self.in_stock[product] = names[:count], names[count:]
            return product, taken

    def give_back(self, product, serials):
        with self.lock:
            self.in_stock.setdefault(product, []).extend(serials)

    def ship(self, picking, product, serials):
        with self.lock:
            self.delivered.append((picking, product, serials))

    def take_delivered(self):
        with self.lock:
            if not self.delivered:
                return None
            return self.delivered.pop(random.randrange(len(self.delivered)))

    def some_delivered_serial(self):
        with self.lock:
            return random.choice(self.delivered)[2][0] if self.delivered else None

    def some_known(self):
        with self.lock:
            return random.choice(self.known) if self.known else None


def seed(admin, stamp):
    """Partners, products, rule, policy; returns the facts the clients need."""
    rule = admin.model(
        "serial.format.rule",
        "create",
        {
            "name": "Soak rule",
            "pattern": RULE_PREFIX + "{SEQ:7}",
            "match_pattern": True,
        },
    )
    policy = admin.model(
        "serial.warranty.policy",
        "create",
        {
            "name": "Soak warranty",
            "line_ids": [(0, 0, {"coverage_type": "full", "duration": 24})],
        },
    )
    vendor = admin.model("res.partner", "create", {"name": "Soak Vendor", "is_company": True})
    customers = admin.model(
        "res.partner", "create", [{"name": f"Soak Customer {index}"} for index in range(12)]
    )
    products = {}
    for key, name, extra in (
        (
            "ruled",
            "Soak Ruled Unit",
            {"serial_format_rule_id": rule, "serial_warranty_policy_id": policy},
        ),
        ("gs1", "Soak GS1 Unit", {}),
        ("recall", "Soak Recall Unit", {}),
    ):
        body = "9506" + f"{random.randrange(10**8):08d}"
        gtin = "0" + body + gtin_check(body)
        products[key] = {
            "id": admin.model(
                "product.product",
                "create",
                dict(
                    extra,
                    name=f"{name} {stamp}",
                    type="consu",
                    is_storable=True,
                    tracking="serial",
                    barcode=gtin[1:],
                ),
            ),
            "gtin": gtin,
        }
    warehouse = admin.model(
        "stock.warehouse", "search_read", [], ["in_type_id", "out_type_id", "lot_stock_id"], limit=1
    )[0]
    # deliveries reserve nothing by themselves: the scanned unit is the one that leaves
    admin.model(
        "stock.picking.type",
        "write",
        [warehouse["out_type_id"][0]],
        {"reservation_method": "manual"},
    )
    supplier = admin.model(
        "ir.model.data", "check_object_reference", "stock", "stock_location_suppliers"
    )[1]
    customer = admin.model(
        "ir.model.data", "check_object_reference", "stock", "stock_location_customers"
    )[1]
    return {
        "vendor": vendor,
        "customers": customers,
        "products": products,
        "in_type": warehouse["in_type_id"][0],
        "out_type": warehouse["out_type_id"][0],
        "stock": warehouse["lot_stock_id"][0],
        "supplier": supplier,
        "customer": customer,
        "uom": admin.model("product.product", "read", [products["gs1"]["id"]], ["uom_id"])[0][
            "uom_id"
        ][0],
    }


class Worker(threading.Thread):
    """One simulated user working until the deadline."""

    def __init__(self, index, base, facts, stock, stats, deadline, recall_at, stamp):
        super().__init__(daemon=True)
        self.index, self.facts, self.stock, self.stats = index, facts, stock, stats
        self.deadline, self.recall_at, self.stamp = deadline, recall_at, stamp
        self.client = Client(base, stats)
        self.recall = None

    # --- helpers ------------------------------------------------------------------

    def serial(self, key):
        number = next(SERIALS)
        if key == "ruled":
            return f"{RULE_PREFIX}{number:07d}"
        return f"SOAK{self.stamp}-{number:06d}"

    def code(self, key, serial):
        if key == "gs1":
            return "]d2" + f"01{self.facts['products'][key]['gtin']}21{serial}"
        return serial

    def scan(self, kind, mode, code, params, expect_ok=True):
        """One scan; True when it answered as expected."""
        result = self.client.timed(kind, "serial.scanner", "scan", mode, code, params)
        if expect_ok and result["status"] == "error":
            self.stats.error(f"{kind} {code!r}: refused: {result['message']}")
            return False
        if not expect_ok:
            if result["status"] == "error":
                self.stats.refusal(kind)
                return True
            self.stats.error(f"{kind} {code!r}: bad input accepted: {result['message']}")
            return False
        return True

    def picking(self, kind, picking_type, source, dest, product, quantity, partner):
        picking = self.client.timed(
            f"{kind}_create",
            "stock.picking",
            "create",
            {
                "picking_type_id": picking_type,
                "location_id": source,
                "location_dest_id": dest,
                "partner_id": partner,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product,
                            "product_uom_qty": quantity,
                            "product_uom": self.facts["uom"],
                            "location_id": source,
                            "location_dest_id": dest,
                        },
                    )
                ],
            },
        )
        self.client.timed(f"{kind}_create", "stock.picking", "action_confirm", [picking])
        return picking

    def validate(self, kind, mode, picking):
        result = self.client.timed(
            f"{kind}_validate", "serial.scanner", "validate", mode, {"picking_id": picking}
        )
        if result["status"] != "ok":
            self.stats.error(f"{kind}_validate {picking}: {result['status']} {result['message']}")
            return False
        return True

    # --- operations ------------------------------------------------------------------

    def op_receive(self):
        key = random.choice(
            ("ruled", "gs1", "recall") if not self.stock.recalled_product else ("ruled", "gs1")
        )
        product = self.facts["products"][key]["id"]
        count = random.randint(1, 3)
        picking = self.picking(
            "receipt",
            self.facts["in_type"],
            self.facts["supplier"],
            self.facts["stock"],
            product,
            count,
            self.facts["vendor"],
        )
        params = {"picking_id": picking}
        if key == "ruled" and random.random() < 0.3:
            # a misread label: breaks the numbering rule, must be refused
            self.scan("scan_bad", "receive", f"XX{next(SERIALS)}-?", params, expect_ok=False)
        serials = [self.serial(key) for _unit in range(count)]
        for serial in serials:
            if not self.scan("scan_receive", "receive", self.code(key, serial), params):
                return
        if key != "ruled" and random.random() < 0.3:
            # the same label scanned twice on the receipt: a duplicate
            self.scan("scan_bad", "receive", self.code(key, serials[0]), params, expect_ok=False)
        if self.validate("receipt", "receive", picking):
            self.stock.add(product, serials)
            self.stats.done("receipt")

    def op_deliver(self):
        product, serials = self.stock.take(random.randint(1, 2))
        if not serials:
            return self.op_receive()
        picking = self.picking(
            "delivery",
            self.facts["out_type"],
            self.facts["stock"],
            self.facts["customer"],
            product,
            len(serials),
            random.choice(self.facts["customers"]),
        )
        params = {"picking_id": picking}
        gone = self.stock.some_delivered_serial()
        if gone and random.random() < 0.3:
            # a unit that is at a customer cannot leave again
            self.scan("scan_bad", "pick", gone, params, expect_ok=False)
        for serial in serials:
            result = self.client.timed(
                "scan_pick", "serial.scanner", "scan", "pick", serial, params
            )
            if result["status"] == "error":
                if "recall" in result["message"]:
                    # activated while this delivery was being picked: a right refusal
                    self.stats.refusal("scan_pick_recalled")
                    self.client.timed(
                        "delivery_cancel", "stock.picking", "action_cancel", [picking]
                    )
                    return None
                self.stats.error(f"scan_pick {serial!r}: refused: {result['message']}")
                self.stock.give_back(product, serials)
                return None
        if self.validate("delivery", "pick", picking):
            self.stock.ship(picking, product, serials)
            self.stats.done("delivery")
        return None

    def op_return(self):
        delivered = self.stock.take_delivered()
        if not delivered:
            return self.op_deliver()
        picking, product, serials = delivered
        context = {"active_id": picking, "active_ids": [picking], "active_model": "stock.picking"}
        wizard = self.client.timed(
            "return_wizard",
            "stock.return.picking",
            "create",
            {"picking_id": picking},
            context=context,
        )
        action = self.client.timed(
            "return_wizard",
            "stock.return.picking",
            "action_create_returns_all",
            [wizard],
            context=context,
        )
        back = action["res_id"]
        lines = self.client.timed(
            "return_validate",
            "stock.move.line",
            "search_read",
            [("picking_id", "=", back)],
            ["lot_id"],
        )
        lots = sorted(line["lot_id"][1] for line in lines if line["lot_id"])
        if lots != sorted(serials):
            self.stats.error(f"return of {serials} prepared lines for {lots}")
            return None
        self.client.timed(
            "return_validate",
            "stock.move.line",
            "write",
            [line["id"] for line in lines],
            {"picked": True},
        )
        result = self.client.timed("return_validate", "stock.picking", "button_validate", [back])
        if result is not True:
            self.stats.error(f"return {back}: validation asked {result!r}")
            return None
        if product != self.stock.recalled_product:
            self.stock.give_back(product, serials)
        self.stats.done("return")
        return None

    def op_lookup(self):
        serial = self.stock.some_known()
        if not serial:
            return self.op_receive()
        self.scan("scan_lookup", "lookup", serial, {})
        self.stats.done("lookup")
        return None

    def op_bad_scan(self):
        draw = random.random()
        if draw < 0.4:
            self.scan(
                "scan_bad", "lookup", f"NO-SUCH-{self.stamp}-{next(SERIALS)}", {}, expect_ok=False
            )
        elif draw < 0.8:
            gtin = self.facts["products"]["gs1"]["gtin"]
            self.scan("scan_bad", "lookup", "]d2" + f"01{gtin[:-1]}X21BAD", {}, expect_ok=False)
        else:
            try:
                self.client.timed("scan_bad", "serial.scanner", "scan", "teleport", "X", {})
            except RpcError as error:
                if not is_expected(error):
                    raise
                self.stats.refusal("scan_bad_mode")
            else:
                self.stats.error("scan in an unknown mode was accepted")
        self.stats.done("bad_scan")

    def op_recall(self):
        self.stock.recalled_product = self.facts["products"]["recall"]["id"]
        recall = self.client.timed(
            "recall",
            "serial.recall",
            "create",
            {
                "reason": "Soak run: capacitor batch suspected",
                "product_ids": [(6, 0, [self.stock.recalled_product])],
            },
        )
        self.client.timed("recall", "serial.recall", "action_simulate", [recall])
        self.client.timed("recall", "serial.recall", "action_activate", [recall])
        self.recall = self.client.timed(
            "recall",
            "serial.recall",
            "read",
            [recall],
            [
                "name",
                "state",
                "activation_total",
                "unit_count",
                "in_stock_count",
                "customer_unit_count",
                "error_count",
                "todo_count",
            ],
        )[0]
        self.stats.done("recall")

    OPERATIONS = (
        ("receive", 0.22),
        ("deliver", 0.22),
        ("return", 0.10),
        ("lookup", 0.36),
        ("bad_scan", 0.10),
    )

    def run(self):
        try:
            self.client.login(DB, "admin", "admin")
        except (OSError, RpcError) as error:
            self.stats.error(f"login: {error}")
            return
        names = [name for name, _weight in self.OPERATIONS]
        weights = [weight for _name, weight in self.OPERATIONS]
        while time.time() < self.deadline:
            operation = random.choices(names, weights)[0]
            if self.recall_at and time.time() >= self.recall_at:
                operation, self.recall_at = "recall", None
            try:
                getattr(self, f"op_{operation}")()
            except RpcError as error:
                text = f"{operation}: {error.name}: {error.message[:300]}"
                if is_concurrency(error):
                    self.stats.conflict(text)
                else:
                    self.stats.error(text)
            except (OSError, ValueError, KeyError, TypeError) as error:
                self.stats.error(f"{operation}: {type(error).__name__}: {error}")


# --- database and server ---------------------------------------------------------------


def prepare_database(args):
    bench = bench_tools.Bench()
    params = bench.cluster.db_params()
    if not (args.reuse_base and harness.db_query(params, "exists", BASE_DB).get("exists")):
        print(f"soak: installing {', '.join(MODULES)} in {BASE_DB} ...", flush=True)
        bench.create_db(BASE_DB, MODULES)
    bench_tools._clone_db(bench, BASE_DB, DB)  # noqa: SLF001
    return bench


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.5) - 1))], 1)


def consistency(admin):
    action = admin.model("serial.consistency.check", "action_run_check")
    check = admin.model(
        "serial.consistency.check",
        "read",
        [action["res_id"]],
        [
            "serial_count",
            "event_count",
            "issue_count",
            "state_vs_quant_count",
            "state_vs_last_event_count",
            "broken_chain_count",
            "missing_count",
            "duration",
        ],
    )[0]
    issues = admin.model(
        "serial.consistency.issue",
        "search_read",
        [("check_id", "=", check["id"])],
        ["lot_id", "kind", "lifecycle_state", "expected_state", "details", "suggestion"],
        limit=30,
    )
    check["issues"] = [
        dict(issue, lot_id=issue["lot_id"] and issue["lot_id"][1]) for issue in issues
    ]
    return check


def ledger_figures(admin, facts):
    products = [product["id"] for product in facts["products"].values()]
    lots = admin.model(
        "stock.lot", "search_read", [("product_id", "in", products)], ["lifecycle_state"]
    )
    states = {}
    for lot in lots:
        state = lot["lifecycle_state"] or "none"
        states[state] = states.get(state, 0) + 1
    return {
        "serials": len(lots),
        "events": admin.model("serial.event", "search_count", []),
        "states": dict(sorted(states.items())),
    }


def server_error_lines(log_lines):
    """``(errors, retried)``: ERROR/CRITICAL log records of the server, apart from the
    failed queries of a concurrency conflict that Odoo retries by itself."""
    records, current = [], None
    for line in log_lines:
        if line[:4].isdigit() and line[4:5] == "-":
            current = [line.rstrip()]
            records.append(current)
        elif current is not None:
            current.append(line.rstrip())
    errors, retried = [], []
    for record in records:
        head = record[0]
        if " ERROR " not in head and " CRITICAL " not in head:
            continue
        text = "\n".join(record)
        if "bad query" in head and any(mark in text for mark in CONCURRENCY_MARKS):
            retried.append(text[:600])
        else:
            errors.append(text[:1500])
    return errors, retried


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=18390)
    parser.add_argument(
        "--reuse-base",
        action="store_true",
        help=f"keep the installed template {BASE_DB} when it exists",
    )
    parser.add_argument("--output", default=str(BENCH_DIR / "results" / "soak.json"))
    args = parser.parse_args()

    bench = prepare_database(args)
    port = harness.free_port(args.port)
    gevent_port = harness.free_port(port + 1)
    base = f"http://127.0.0.1:{port}"
    odoo, log_lines = rpc.start_server(
        harness.odoo_command(
            bench.config,
            *rpc.server_options(DB, args.workers, port, gevent_port, 600),
            "--http-interface",
            "127.0.0.1",
        ),
        harness.odoo_env(),
        cwd=str(bench_tools.WORK_DIR),
    )
    workers, loads = [], []
    stats, stock = Stats(), Stock()
    seconds = args.minutes * 60
    try:
        wait_ready(base, odoo, "soak")
        admin = Client(base, Stats())
        admin.login(DB, "admin", "admin")
        stamp = time.strftime("%H%M%S")
        facts = seed(admin, stamp)
        # some stock to start from, received through the scanner like the rest
        starter = Worker(99, base, facts, stock, Stats(), 0, None, stamp)
        starter.client = admin
        for _round in range(6):
            starter.op_receive()
        if starter.stats.errors:
            sys.exit(f"soak: seeding failed: {starter.stats.errors[:3]}")
        started = time.time()
        deadline = started + seconds
        workers = [
            Worker(
                index,
                base,
                facts,
                stock,
                stats,
                deadline,
                started + seconds * 0.4 if index == 0 else None,
                stamp,
            )
            for index in range(args.clients)
        ]
        for worker in workers:
            worker.start()
        while any(worker.is_alive() for worker in workers):
            loads.append(os.getloadavg()[0])
            for worker in workers:
                worker.join(timeout=10 / len(workers))
            if time.time() > deadline + 600:
                stats.error("clients still busy 10 minutes after the deadline")
                break
        elapsed = time.time() - started
        check = consistency(admin)
        figures = ledger_figures(admin, facts)
    finally:
        rpc.stop_server(odoo)
    log_file = bench_tools.WORK_DIR / "soak_odoo.log"
    log_file.write_text("".join(log_lines))
    server_errors, retried = server_error_lines(log_lines)
    requests = {kind: len(values) for kind, values in sorted(stats.latencies.items())}
    result = {
        "scenario": "soak",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "database": DB,
        "modules": MODULES,
        "workers": args.workers,
        "clients": args.clients,
        "minutes": args.minutes,
        "elapsed_s": round(elapsed, 1),
        "requests_total": sum(requests.values()),
        "requests_per_s": round(sum(requests.values()) / elapsed, 1),
        "requests": requests,
        "operations": dict(sorted(stats.operations.items())),
        "errors": len(stats.errors),
        "first_errors": stats.errors[:15],
        "expected_refusals": dict(sorted(stats.expected.items())),
        "concurrency_conflicts": len(stats.concurrency),
        "first_concurrency_conflicts": stats.concurrency[:5],
        "latency_ms": {
            kind: {
                "p50": percentile(values, 0.5),
                "p95": percentile(values, 0.95),
                "max": round(max(values), 1),
            }
            for kind, values in sorted(stats.latencies.items())
        },
        "recall": next((worker.recall for worker in workers if worker.recall), None),
        "consistency": check,
        "ledger": figures,
        # Odoo logs a failed query at ERROR before retrying the request on a concurrency
        # error (see serial.event._lock_and_read_heads); those are counted apart
        "server_error_lines": len(server_errors),
        "first_server_errors": server_errors[:10],
        "server_retried_concurrency_lines": len(retried),
        "first_server_retried": retried[:3],
        "server_log": str(log_file.relative_to(REPO_ROOT)),
        "load_average": {
            "mean_1min": round(sum(loads) / len(loads), 2) if loads else None,
            "max_1min": round(max(loads), 2) if loads else None,
            "end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(
        f"\nsoak: {result['requests_total']} requests in {result['elapsed_s']} s, "
        f"{result['errors']} error(s), {sum(stats.expected.values())} expected refusal(s), "
        f"{result['concurrency_conflicts']} unresolved concurrency conflict(s), "
        f"{check['issue_count']} consistency issue(s), "
        f"{len(server_errors)} server error(s) apart from {len(retried)} query(ies) "
        f"failed on a concurrency conflict and retried by Odoo; figures in {out}"
    )


if __name__ == "__main__":
    main()
