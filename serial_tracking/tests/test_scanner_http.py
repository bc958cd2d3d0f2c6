import json

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

URL = "/web/dataset/call_kw/serial.scanner/scan"
CLEAN_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}


@tagged("post_install", "-at_install")
class TestScannerHttpHostileInput(HttpCase):
    """Malformed payloads to the scanner over HTTP: never a 500 nor a traceback of a
    Python error; a 4xx, a clean Odoo error or a scan answer with status error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scan_user = new_test_user(
            cls.env,
            login="gp_scan_user",
            password="gp_scan_user_pw",
            groups="stock.group_stock_user,serial_tracking.group_serial_user",
        )

    def setUp(self):
        super().setUp()
        self.authenticate("gp_scan_user", "gp_scan_user_pw")

    def _post(self, body):
        return self.url_open(URL, data=body, headers={"Content-Type": "application/json"})

    def _rpc(self, args=None, kwargs=None, raw_params=None):
        params = (
            raw_params
            if raw_params is not None
            else {
                "model": "serial.scanner",
                "method": "scan",
                "args": args or [],
                "kwargs": kwargs or {},
            }
        )
        return self._post(
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        )

    def _assert_clean(self, response, label):
        self.assertLess(response.status_code, 500, f"{label}: {response.text[:500]}")
        if response.status_code >= 400:
            return None
        body = response.json()
        if "error" in body:
            name = body["error"]["data"]["name"]
            self.assertIn(
                name,
                CLEAN_ERRORS,
                f"{label}: raw error {name}: {body['error']['data'].get('message')}",
            )
            return name
        self.assertEqual(body["result"]["status"], "error", f"{label}: {body['result']}")
        return "status-error"

    @mute_logger("odoo.http")
    def test_non_json_body(self):
        """Odoo's own JSON-RPC layer refuses these before any scanner code runs (it
        answers 200 with an error object, as for every JSON-RPC error): no 500, and the
        scanner is never reached."""
        for body in ("not json at all", "{", "", "[1, 2]", "null"):
            with self.subTest(body=body):
                response = self._post(body)
                self.assertLess(response.status_code, 500, response.text[:300])
                if response.status_code >= 400:
                    continue
                error = response.json()["error"]
                self.assertNotIn("serial_tracking", error["data"].get("debug", ""))

    def test_missing_arguments(self):
        """No code, no mode: the scanner refuses with a user error."""
        self.assertEqual(
            self._assert_clean(self._rpc(args=["lookup"]), "no code"), "odoo.exceptions.UserError"
        )
        self.assertEqual(
            self._assert_clean(self._rpc(args=[None]), "no mode"), "odoo.exceptions.UserError"
        )

    @mute_logger("odoo.http")
    def test_missing_params(self):
        """Envelopes without ``params``/``args`` are refused by Odoo's own JSON-RPC layer
        before the scanner runs: no 500, and the scanner is never reached."""
        cases = {
            "no params": {},
            "no args": {"model": "serial.scanner", "method": "scan", "kwargs": {}},
        }
        for label, params in cases.items():
            with self.subTest(label):
                response = self._post(
                    json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
                )
                self.assertLess(response.status_code, 500, response.text[:300])
                if response.status_code < 400:
                    error = response.json().get("error")
                    self.assertTrue(error, f"{label}: {response.text[:300]}")
                    self.assertNotIn("serial_tracking", error["data"].get("debug", ""))

    def test_wrong_types(self):
        cases = {
            "mode as list": ["lookup", "SN1"],
            "code as dict": ["lookup", {"serial": "SN1"}],
            "code as number": ["lookup", 12345],
            "code as null": ["lookup", None],
            "mode as dict": [{"mode": "lookup"}, "SN1"],
            "mode as null": [None, "SN1"],
            "params as list": ["lookup", "SN1", [1, 2]],
            "params as text": ["lookup", "SN1", "picking_id=1"],
        }
        cases["mode as list"] = [["lookup"], "SN1"]
        seen = {}
        for label, args in cases.items():
            with self.subTest(label):
                seen[label] = self._assert_clean(self._rpc(args=args), label)
        # the refusals are real refusals, not scans that silently succeeded
        self.assertTrue(all(seen.values()), seen)

    def test_hostile_codes(self):
        codes = {
            "100k characters": "X" * 100_000,
            "control characters": "SN\x00\x01\x1b[31m\x7f\r\n\t1",
            "lone surrogates": "SN\ud800\udfff1",
            "only whitespace": " \t\r\n ",
            "empty": "",
            "GS1 junk": "\x1d01\x1d21\x1d",
        }
        for label, code in codes.items():
            with self.subTest(label):
                self._assert_clean(self._rpc(args=["lookup", code]), label)
        # invalid UTF-8 and raw surrogate escapes on the wire
        raw = (
            b'{"jsonrpc":"2.0","method":"call","id":1,"params":{"model":"serial.scanner",'
            b'"method":"scan","args":["lookup","SN\\ud800"],"kwargs":{}}}'
        )
        self._assert_clean(self._post(raw), "escaped lone surrogate")
        broken = raw.replace(b"SN\\ud800", b"SN\xff\xfe\xed\xa0\x80")
        with mute_logger("odoo.http"):
            response = self._post(broken)
        self.assertLess(response.status_code, 500, response.text[:300])
        self.assertNotIn("Traceback", response.text)

    def test_unknown_mode(self):
        for mode in ("explode", "_scan_lookup", "__class__", "LOOKUP", ""):
            with self.subTest(mode=mode):
                name = self._assert_clean(self._rpc(args=[mode, "SN1"]), mode)
                self.assertEqual(name, "odoo.exceptions.UserError")

    def test_a_good_scan_still_answers(self):
        response = self._rpc(args=["lookup", "NO-SUCH-SERIAL-GP"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("result", response.json(), response.text[:300])
