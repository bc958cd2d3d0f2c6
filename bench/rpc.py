"""What the load scripts (scanner_load.py, soak.py) share: a multi-worker Odoo started and
stopped with its log kept, a browser-like JSON-RPC session against it, waiting for that Odoo
to answer, and the GTIN check digit of the synthetic products they create. Standard library
only."""

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar


def server_options(db, workers, port, gevent_port, time_limit):
    """Odoo's options for a load run: ``workers`` processes serving ``db`` alone, no cron,
    ``time_limit`` seconds (real and CPU) per request, only warnings and errors logged."""
    options = {
        "-d": db,
        "--db-filter": f"^{db}$",
        "--workers": workers,
        "--max-cron-threads": 0,
        "--http-port": port,
        "--gevent-port": gevent_port,
        "--limit-time-real": time_limit,
        "--limit-time-cpu": time_limit,
        "--log-level": "warn",
    }
    return [str(part) for option in options.items() for part in option]


def start_server(command, env, cwd=None):
    """Start Odoo (``command``); return ``(process, log_lines)``, the list filling with
    its output (stdout and stderr) as it comes."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd
    )
    log_lines = []
    threading.Thread(target=lambda: log_lines.extend(process.stdout), daemon=True).start()
    return process, log_lines


def stop_server(process):
    """Stop Odoo; kill it when it has not stopped 30 seconds later."""
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


class RpcError(RuntimeError):
    """An error answer of Odoo: ``name`` is the exception class Odoo reports."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


class Client:
    """One user's session over /web/dataset/call_kw (cookies kept, like a browser)."""

    def __init__(self, base, timeout=300):
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.ids = 0

    def call(self, path, params):
        self.ids += 1
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "id": self.ids, "params": params}
        ).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=self.timeout) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            data = answer["error"].get("data") or {}
            raise RpcError(
                data.get("name") or "error", data.get("message") or answer["error"].get("message")
            )
        return answer["result"]

    def login(self, db, login, password):
        return self.call(
            "/web/session/authenticate", {"db": db, "login": login, "password": password}
        )

    def model(self, model, method, *args, **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


def wait_ready(base, process, who, seconds=240):
    """Return once Odoo at ``base`` answers /web/health; exit if ``process`` dies."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"{who}: Odoo stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/web/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    sys.exit(f"{who}: Odoo did not answer in time")


def gtin_check(body):
    """GS1 mod-10 check digit of ``body`` (digits without their check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)
