"""The traceability export and report through the browser's door: the export wizard's
form and button, then the file downloaded from the URL the button returns; the
report's button, then the page at the URL the web client builds from its action."""

import csv
import io
import json
from datetime import timedelta
from urllib.parse import quote

from freezegun import freeze_time
from lxml import html

from odoo import fields
from odoo.tests import Form, HttpCase, tagged

from .test_traceability import TraceabilityCase


@tagged("post_install", "-at_install")
class TestTraceabilityDoor(HttpCase, TraceabilityCase):
    def setUp(self):
        super().setUp()
        # CAR-1 was shipped in setUp; a day later the customer sends it back
        self.shipped_at = fields.Datetime.now()
        with freeze_time(self.shipped_at + timedelta(days=1)):
            self._return(self.delivery, self.lots["CAR-1"])
        self.assertEqual(self.lots["CAR-1"].lifecycle_state, "returned")
        self.env.flush_all()  # the browser reads through its own requests
        self.authenticate(self.stock_user.login, self.stock_user.login)

    def _export(self, at=None):
        """Fill the wizard as the user does, press Export, download the file."""
        car = self.lots["CAR-1"]
        action = car.with_user(self.stock_user).action_serial_traceability_export()
        wizard = self.env[action["res_model"]].with_user(self.stock_user)
        form = Form(wizard.with_context(**action["context"]))
        form.file_format = "csv"
        if at:
            form.at = at
        download = form.save().action_export()
        self.assertEqual(download["type"], "ir.actions.act_url")
        response = self.url_open(download["url"])
        self.assertEqual(response.status_code, 200)
        rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        return {row["Serial / Lot"]: row for row in rows}

    def test_the_as_of_export_prints_the_state_and_place_of_that_date(self):
        today = self._export()
        self.assertEqual(
            (today["CAR-1"]["State"], today["CAR-1"]["Location / Holder"]),
            ("Returned", self.stock.display_name),
        )

        then = self._export(at=self.shipped_at + timedelta(hours=1))
        # shipped and at the customer's then, whatever happened since
        self.assertEqual(
            (then["CAR-1"]["State"], then["CAR-1"]["Location / Holder"]),
            ("Shipped", "Customer Inc"),
        )
        # the components: received into stock, then built into their parent
        self.assertEqual(then["CELL-1"]["State"], "In Stock")
        self.assertEqual(then["CELL-1"]["Location / Holder"], self.stock.display_name)
        self.assertEqual(then["GLUE-A"]["Location / Holder"], "in MODULE-1")

        # before the serials existed: no state, no place, rather than today's
        before = self._export(at=self.shipped_at - timedelta(days=30))
        self.assertEqual((before["CAR-1"]["State"], before["CAR-1"]["Location / Holder"]), ("", ""))

    def test_the_report_header_has_no_stray_slash(self):
        car = self.lots["CAR-1"]
        action = car.with_user(self.stock_user).action_serial_traceability()
        self.assertEqual(action["report_type"], "qweb-html")
        # what getReportUrl (web/static/src/webclient/actions/reports/utils.js) builds
        context = quote(json.dumps({"lang": "en_US"}))
        url = f"/report/html/{action['report_name']}/{car.id}?context={context}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.content)
        header = page.xpath("//div[contains(@class, 'o_serial_traceability_header')]")
        self.assertEqual(len(header), 1)
        text = " ".join(header[0].text_content().split())
        self.assertIn(self.env.company.name, text)
        self.assertNotIn("/", text)
        self.assertNotIn("Page", text)  # the counter belongs to the PDF only
        self.assertIn("Traceability of CAR-1", page.text_content())
