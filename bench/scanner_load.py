#!/usr/bin/env python3
"""Load test of the serial scanner: simulated scanners against a multi-worker Odoo.

    python3 bench/scanner_load.py --config .local/bench/odoo.conf --db bench_scanner \
        [--workers 4] [--clients 10] [--seconds 60] [--port 18290]

Starts Odoo with ``--workers`` worker processes on loopback, logs ``--clients`` users in
(each scanner has its own session), and lets every scanner scan for ``--seconds`` through
JSON-RPC (``/web/dataset/call_kw/serial.scanner/scan``), one scan after the other as a
person with a scanner does:

- most scanners look serials up: existing ones picked at random from the whole database,
  plus unknown serials and malformed GS1 strings, which must be refused;
- three scanners receive new serials (GS1 strings) on a receipt of their own: real
  writes (serials, move lines) in parallel with everything else.

An *error* is anything but the expected answer: a transport or HTTP failure, a JSON-RPC
error (server exception), or a scan answered with another status than expected. The
figures (scans, errors, client-side latency) are printed as ``BENCH_RESULT {json}``.
The receipts and serials created stay in the database, which is a benchmark copy.
"""

import argparse
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "scripts"))

import harness  # noqa: E402

sys.path.insert(0, str(BENCH_DIR))
from rpc import (  # noqa: E402
    Client,
    gtin_check,
    server_options,
    start_server,
    stop_server,
    wait_ready,
)

GS = "\x1d"
RECEIVERS = 3


def prepare(admin, samples, stamp):
    """Serial names to look up, and one receipt per receiving scanner."""
    first = admin.model("stock.lot", "search", [], limit=1, order="id asc")[0]
    last = admin.model("stock.lot", "search", [], limit=1, order="id desc")[0]
    ids = random.sample(range(first, last + 1), min(samples * 2, last - first + 1))
    names = [
        row["name"]
        for row in admin.model("stock.lot", "search_read", [("id", "in", ids)], ["name"])
    ]
    body = "9501234" + f"{random.randrange(10**5):05d}"
    gtin = "0" + body + gtin_check(body)
    product = admin.model(
        "product.product",
        "create",
        {
            "name": f"Load Bench Unit {stamp}",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "barcode": gtin[1:],
        },
    )
    warehouse = admin.model(
        "stock.warehouse", "search_read", [], ["in_type_id", "lot_stock_id"], limit=1
    )[0]
    supplier = admin.model(
        "ir.model.data", "check_object_reference", "stock", "stock_location_suppliers"
    )[1]
    uom = admin.model("product.product", "read", [product], ["uom_id"])[0]["uom_id"][0]
    receipts = []
    for _index in range(RECEIVERS):
        receipt = admin.model(
            "stock.picking",
            "create",
            {
                "picking_type_id": warehouse["in_type_id"][0],
                "location_id": supplier,
                "location_dest_id": warehouse["lot_stock_id"][0],
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product,
                            "product_uom_qty": 1000,
                            "product_uom": uom,
                            "location_id": supplier,
                            "location_dest_id": warehouse["lot_stock_id"][0],
                        },
                    )
                ],
            },
        )
        admin.model("stock.picking", "action_confirm", [receipt])
        receipts.append(receipt)
    return names, gtin, receipts


class Scanner(threading.Thread):
    def __init__(self, index, base, db, deadline, names, gtin, receipt, stamp):
        super().__init__(daemon=True)
        self.index, self.base, self.db, self.deadline = index, base, db, deadline
        self.names, self.gtin, self.receipt, self.stamp = names, gtin, receipt, stamp
        self.latencies, self.errors, self.counts = [], [], {}

    def plan(self, number):
        """(mode, code, params, expected status) of scan ``number``."""
        if self.receipt:
            code = (
                "]d2"
                + f"01{self.gtin}10L{self.stamp}"
                + GS
                + f"21LD{self.stamp}-{self.index}-{number:06d}"
            )
            return "receive", code, {"picking_id": self.receipt}, "ok"
        draw = random.random()
        if draw < 0.1:
            return "lookup", f"NO-SUCH-{self.stamp}-{number}", {}, "error"
        if draw < 0.2:
            return "lookup", "]d2" + f"01{self.gtin[:-1]}X21BAD", {}, "error"
        return "lookup", random.choice(self.names), {}, "ok"

    def run(self):
        client = Client(self.base)
        try:
            client.login(self.db, "admin", "admin")
        except (OSError, RuntimeError) as error:
            self.errors.append(f"login: {error}")
            return
        number = 0
        while time.time() < self.deadline:
            number += 1
            mode, code, params, expected = self.plan(number)
            started = time.perf_counter()
            try:
                result = client.model("serial.scanner", "scan", mode, code, params)
            except (OSError, RuntimeError, ValueError) as error:
                self.errors.append(f"{mode} {code!r}: {error}")
                continue
            finally:
                self.latencies.append((time.perf_counter() - started) * 1000)
            key = f"{mode}:{result['status']}"
            self.counts[key] = self.counts.get(key, 0) + 1
            if result["status"] != expected and not (
                expected == "ok" and "several products" in result["message"]
            ):
                self.errors.append(f"{mode} {code!r}: {result['status']} {result['message']}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=18290)
    args = parser.parse_args()
    port = harness.free_port(args.port)
    gevent_port = harness.free_port(port + 1)
    base = f"http://127.0.0.1:{port}"
    odoo, log_lines = start_server(
        harness.odoo_command(
            args.config, *server_options(args.db, args.workers, port, gevent_port, 300)
        ),
        harness.odoo_env(),
    )
    scanners = []
    try:
        wait_ready(base, odoo, "scanner_load", 180)
        admin = Client(base)
        admin.login(args.db, "admin", "admin")
        stamp = time.strftime("%H%M%S")
        names, gtin, receipts = prepare(admin, 2000, stamp)
        # warm every worker up (registry, assets of the RPC path) before the clock starts
        for _round in range(args.workers * 2):
            admin.model("serial.scanner", "scan", "lookup", names[0], {})
        deadline = time.time() + args.seconds
        scanners = [
            Scanner(
                index,
                base,
                args.db,
                deadline,
                names,
                gtin,
                receipts[index] if index < len(receipts) else None,
                stamp,
            )
            for index in range(args.clients)
        ]
        for scanner in scanners:
            scanner.start()
        for scanner in scanners:
            scanner.join(args.seconds + 300)
    finally:
        stop_server(odoo)
    latencies = sorted(ms for scanner in scanners for ms in scanner.latencies)
    errors = [error for scanner in scanners for error in scanner.errors]
    counts = {}
    for scanner in scanners:
        for key, value in scanner.counts.items():
            counts[key] = counts.get(key, 0) + value
    server_errors = [line.rstrip() for line in log_lines if " ERROR " in line]
    result = {
        "workers": args.workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "scans": len(latencies),
        "scans_per_s": round(len(latencies) / args.seconds, 1),
        "errors": len(errors),
        "first_errors": errors[:10],
        "server_error_lines": len(server_errors),
        "first_server_errors": server_errors[:5],
        "counts": counts,
        "latency_ms": {
            "median": round(statistics.median(latencies), 1) if latencies else None,
            "p95": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
            "max": round(latencies[-1], 1) if latencies else None,
        },
    }
    print("BENCH_RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
