#!/usr/bin/env python3
"""Take a screenshot of an Odoo page, logged in, with headless Chromium.

    python3 scripts/screenshot.py URL DATABASE PATH OUT.png [--wait 8] [--login admin]

Used for the pictures in the README: it logs in through /web/session/authenticate,
hands the session cookie to Chromium over the DevTools protocol and captures the page.
"""

import argparse
import base64
import http.cookiejar
import json
import subprocess
import tempfile
import time
import urllib.request
from urllib.parse import urlparse

import websocket

DEBUG_PORT = 9333


def _session_id(base, db, login, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = {"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}}
    request = urllib.request.Request(
        base + "/web/session/authenticate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    opener.open(request).read()
    return next(cookie.value for cookie in jar if cookie.name == "session_id")


def _start_chromium(width, height):
    profile = tempfile.mkdtemp(prefix="shot_chrome_")
    return subprocess.Popen(
        [
            "chromium",
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--remote-debugging-port={DEBUG_PORT}",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _page_socket():
    for _attempt in range(100):
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{DEBUG_PORT}/json"))
            page = next(t for t in targets if t["type"] == "page")
            return websocket.create_connection(page["webSocketDebuggerUrl"])
        except (OSError, StopIteration):
            time.sleep(0.1)
    raise RuntimeError("Chromium did not open its DevTools port")


class DevTools:
    def __init__(self, socket):
        self.socket = socket
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:8069")
    parser.add_argument("db")
    parser.add_argument("path", help="e.g. /odoo/action-serial_tracking.action_serial_lot")
    parser.add_argument("out")
    parser.add_argument("--wait", type=float, default=8.0)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--size", default="1400x900")
    args = parser.parse_args()
    session = _session_id(args.base, args.db, args.login, args.password)
    width, height = (int(part) for part in args.size.split("x"))
    browser = _start_chromium(width, height)
    try:
        tools = DevTools(_page_socket())
        tools.call("Network.enable")
        tools.call(
            "Network.setCookie",
            name="session_id",
            value=session,
            domain=urlparse(args.base).hostname,
            path="/",
        )
        tools.call("Page.navigate", url=args.base + args.path)
        time.sleep(args.wait)
        shot = tools.call("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
    finally:
        browser.terminate()


if __name__ == "__main__":
    main()
