import base64
import csv
import io
from datetime import date, datetime

import xlsxwriter

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import spreadsheet

# Text is only ever text: a partner or serial named "=HYPERLINK(...)" or "+SN1" must not
# become a formula, a link or a number in the workbook.
_WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

# The row keys of each sheet, in column order (headers: _columns)
_TREE_COLUMNS = (
    "root relation level serial product quantity uom state place link_type linked_since "
    "document supplier received customer delivered repeated"
)
_EVENT_COLUMNS = "unit product date type from_state to_state from to partner document note"
_MOVE_COLUMNS = "date label serial product partner document quantity"


class SerialTraceabilityExport(models.TransientModel):
    """Export the traceability of serials to a spreadsheet.

    CSV: one row per place of a serial or lot in the genealogy trees (components and
    the units it is part of), with its state, where it is, its first receipt and last
    delivery. XLSX: the same rows, plus a sheet of ledger events and one of receipts
    and deliveries with their partners.
    """

    _name = "serial.traceability.export"
    _inherit = ["serial.lot.selection.mixin"]
    _description = "Export Serial Traceability"

    lot_ids = fields.Many2many("stock.lot", string="Serials", required=True)
    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("csv", "CSV")],
        string="Format",
        required=True,
        default="xlsx",
    )
    at = fields.Datetime(string="As of", help="Leave empty for the genealogy as it is now.")
    data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def action_export(self):
        self.ensure_one()
        if not self.lot_ids:
            raise UserError(self.env._("Choose at least one serial to export."))
        content = self._export_content()
        stem = self.lot_ids[0].name if len(self.lot_ids) == 1 else "serials"
        self.write(
            {
                "data": base64.b64encode(content),
                "file_name": f"traceability-{stem}.{self.file_format}",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/data/{self.file_name}?download=true",
            "target": "download",
        }

    def _export_content(self):
        traceability = self.env["serial.traceability"]
        gathered = traceability._gather(self.lot_ids, at=self.at or None, max_nodes=None)
        rows = traceability._rows(gathered)
        first_receipt, last_delivery = {}, {}
        for move in gathered["moves"]:  # in date order
            if move["kind"] == "receipt":
                first_receipt.setdefault(move["lot_id"], move)
            elif move["kind"] == "delivery":
                last_delivery[move["lot_id"]] = move
        for row in rows:
            lot_id = row["lot_id"]
            receipt = first_receipt.get(lot_id)
            delivery = last_delivery.get(lot_id)
            row["supplier"] = receipt["partner"] if receipt else ""
            row["received"] = receipt["date"] if receipt else ""
            row["customer"] = delivery["partner"] if delivery else ""
            row["delivered"] = delivery["date"] if delivery else ""
        if self.file_format == "csv":
            return self._csv(rows)
        return self._xlsx(rows, gathered)

    def _columns(self, keys):
        """(key, header) pairs of a sheet: its row keys, each with its translated header."""
        labels = {
            "root": self.env._("Traced serial"),
            "relation": self.env._("Relation"),
            "level": self.env._("Level"),
            "serial": self.env._("Serial / Lot"),
            "unit": self.env._("Serial"),
            "product": self.env._("Product"),
            "quantity": self.env._("Quantity"),
            "uom": self.env._("Unit"),
            "state": self.env._("State"),
            "place": self.env._("Location / Holder"),
            "link_type": self.env._("Link"),
            "linked_since": self.env._("Linked since"),
            "document": self.env._("Document"),
            "supplier": self.env._("Supplier"),
            "received": self.env._("Received"),
            "customer": self.env._("Customer"),
            "delivered": self.env._("Delivered"),
            "repeated": self.env._("Shown above"),
            "date": self.env._("Date"),
            "type": self.env._("Event"),
            "from_state": self.env._("From state"),
            "to_state": self.env._("To state"),
            "from": self.env._("From"),
            "to": self.env._("To"),
            "partner": self.env._("Partner"),
            "note": self.env._("Note"),
            "label": self.env._("Operation"),
        }
        return [(key, labels[key]) for key in keys.split()]

    @staticmethod
    def _text(value):
        if value is None or value is False:
            return ""
        if isinstance(value, bool):
            return "yes" if value else ""
        if hasattr(value, "isoformat"):
            return fields.Datetime.to_string(value)
        return value

    def _csv(self, rows):
        columns = self._columns(_TREE_COLUMNS)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([label for _key, label in columns])
        for row in rows:
            writer.writerow(
                [spreadsheet.neutralise(self._text(row[key])) for key, _label in columns]
            )
        return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8

    def _xlsx(self, rows, gathered):
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
        styles = {
            "header": book.add_format({"bold": True}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        }
        self._sheet(book, styles, self.env._("Genealogy"), self._columns(_TREE_COLUMNS), rows)
        lots = gathered["lots"]
        events = [
            dict(event, unit=lots[lot_id]["name"], product=lots[lot_id]["product"])
            for lot_id, lot_events in gathered["events"].items()
            for event in lot_events
        ]
        self._sheet(book, styles, self.env._("Events"), self._columns(_EVENT_COLUMNS), events)
        moves = [
            dict(move, serial=lots[move["lot_id"]]["name"], product=lots[move["lot_id"]]["product"])
            for move in gathered["moves"]
        ]
        sheet_title = self.env._("Receipts and deliveries")
        self._sheet(book, styles, sheet_title, self._columns(_MOVE_COLUMNS), moves)
        book.close()
        return buffer.getvalue()

    def _sheet(self, book, styles, title, columns, rows):
        sheet = book.add_worksheet(title[:31])
        for column, (_key, label) in enumerate(columns):
            sheet.write_string(0, column, label, styles["header"])
        for line, row in enumerate(rows, start=1):
            for column, (key, _label) in enumerate(columns):
                self._cell(sheet, styles, line, column, row.get(key))
        sheet.freeze_panes(1, 0)

    def _cell(self, sheet, styles, line, column, value):
        """One typed cell: dates as dates, numbers as numbers, anything else as text."""
        if isinstance(value, datetime):
            sheet.write_datetime(line, column, value, styles["datetime"])
        elif isinstance(value, date):
            sheet.write_datetime(line, column, value, styles["date"])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(line, column, value)
        else:
            sheet.write_string(line, column, str(self._text(value)))
