import base64
import binascii
import csv
import io

import openpyxl

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models import tools_messages
from ..models.serial_numbering import MAX_SERIALS, Batch
from ..tools import ranges

MODES = [
    ("rule", "Next numbers of the rule"),
    ("first", "Count on from a first number"),
    ("paste", "Paste a list"),
    ("file", "Upload a file (CSV or XLSX)"),
]
PREVIEW_SHOWN = 3
XLSX_MAX_ROWS = 1_048_576  # the last row of an Excel worksheet
_CSV_DELIMITERS = ",;\t|"


class SerialGenerateWizard(models.TransientModel):
    """Make, paste or upload the serial numbers of a receipt or production move (or of
    a product), check them all, then write serials and move lines set-wise.

    Nothing is rendered per serial: the wizard shows counts, ranges and the problems.
    """

    _name = "serial.generate.wizard"
    _description = "Generate or Import Serial Numbers"

    move_id = fields.Many2one("stock.move", readonly=True, ondelete="cascade")
    picking_id = fields.Many2one(related="move_id.picking_id")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        domain="[('tracking', '!=', 'none'), ('is_storable', '=', True)]",
    )
    rule_id = fields.Many2one(
        "serial.format.rule", string="Numbering Rule", compute="_compute_rule_id"
    )
    mode = fields.Selection(
        MODES, required=True, compute="_compute_mode", store=True, readonly=False, precompute=True
    )
    quantity = fields.Integer(
        string="Number of Serials",
        compute="_compute_quantity",
        store=True,
        readonly=False,
        precompute=True,
    )
    first_number = fields.Char(
        help="The first serial number; the next ones count on from its last digits. You "
        "may also type ranges: SN0001-SN0100, SN0200..SN0250.",
    )
    pasted_serials = fields.Text(
        string="Serial Numbers",
        help="One serial number per line (first column when pasted from a spreadsheet).",
    )
    file = fields.Binary(attachment=False)
    file_name = fields.Char()
    file_has_header = fields.Boolean(
        string="First Row Is a Header",
        compute="_compute_file_has_header",
        store=True,
        readonly=False,
        precompute=True,
    )
    preview = fields.Text(compute="_compute_preview")
    check_result = fields.Text(readonly=True)
    check_ok = fields.Boolean(readonly=True)

    # --- defaults -----------------------------------------------------------------

    @api.model
    def _action_open(self, product=None, move=None):
        context = {"default_product_id": (move.product_id if move else product).id}
        if move:
            context["default_move_id"] = move.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Generate Serials"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    @api.depends("product_id")
    def _compute_rule_id(self):
        rules = self.product_id._serial_format_rules()
        for wizard in self:
            wizard.rule_id = rules.get(wizard.product_id.id, False)

    @api.depends("product_id")
    def _compute_mode(self):
        for wizard in self:
            wizard.mode = "rule" if wizard.rule_id.pattern else "first"

    @api.depends("move_id")
    def _compute_quantity(self):
        for wizard in self:
            move = wizard.move_id
            missing = move.product_uom_qty - move.serial_line_count if move else 0
            wizard.quantity = max(int(missing), 1)

    @api.depends("file")
    def _compute_file_has_header(self):
        for wizard in self:
            first = wizard._file_values(limit=1) if wizard.file else []
            # Serial numbers carry digits; "Serial", "IMEI" or "SN" do not.
            wizard.file_has_header = bool(first) and not any(c.isdigit() for c in first[0])

    @api.depends("mode", "rule_id", "quantity", "first_number")
    def _compute_preview(self):
        for wizard in self:
            try:
                wizard.preview = wizard._preview_text()
            except (UserError, ValidationError) as error:
                wizard.preview = error.args[0]

    def _preview_text(self):
        if self.mode not in ("rule", "first") or self.quantity < 1:
            return False
        if self.mode == "first" and not self.first_number:
            return False
        names = self._serial_names(reserve=False)
        shown = names[:PREVIEW_SHOWN]
        if len(names) > PREVIEW_SHOWN:
            shown = [*names[: PREVIEW_SHOWN - 1], "…", names[-1]]
        return "\n".join([*shown, self.env._("(%(count)s serials)", count=f"{len(names):,}")])

    # --- collecting the numbers -----------------------------------------------------

    def _serial_names(self, reserve):
        """The serial numbers of the chosen mode, in order.

        With ``reserve`` False, rule numbers are previewed from the counter without
        taking them; with True they are taken for good.
        """
        self.ensure_one()
        if self.mode in ("rule", "first") and not 1 <= self.quantity <= MAX_SERIALS:
            raise UserError(
                self.env._(
                    "Enter a number of serials between 1 and %(max)s.", max=f"{MAX_SERIALS:,}"
                )
            )
        names = getattr(self, f"_names_from_{self.mode}")(reserve)
        if not names:
            raise UserError(self.env._("There are no serial numbers to create."))
        if len(names) > MAX_SERIALS:
            raise UserError(
                self.env._(
                    "%(count)s serial numbers at once is more than %(max)s; split the list.",
                    count=f"{len(names):,}",
                    max=f"{MAX_SERIALS:,}",
                )
            )
        return names

    def _names_from_rule(self, reserve):
        rule = self.rule_id
        if not rule:
            raise UserError(
                self.env._(
                    "%(product)s has no numbering rule. Set one on the product or its category, "
                    "or count on from a first number.",
                    product=self.product_id.display_name,
                )
            )
        warehouse = self._target_warehouse()
        if reserve:
            return rule._generate_names(self.quantity, self.product_id, warehouse)
        compiled = rule._checked_for_generation(self.product_id, warehouse)
        start = max(rule.next_number, 1)
        return rule._render(
            compiled,
            list(range(start, start + self.quantity)),
            fields.Date.context_today(self),
            warehouse_code=warehouse.code or "",
            product_ref=self.product_id.default_code or "",
        )

    def _names_from_first(self, reserve):
        algorithm = self.rule_id.check_algorithm or "none"
        try:
            found = ranges.parse_range_expression(
                self.first_number or "", limit=MAX_SERIALS, check_algorithm=algorithm
            )
            if len(found) == 1 and len(found[0]) == 1:
                first = found[0]
                if first.is_verbatim:
                    raise ranges.RangeError("ranges.no_digits", serial=self.first_number.strip())
                found = [
                    ranges.Range(
                        first.prefix,
                        first.start,
                        first.start + self.quantity - 1,
                        first.width,
                        first.suffix,
                    )
                ]
            return ranges.expand(found, limit=MAX_SERIALS, check_algorithm=algorithm)
        except ranges.RangeError as error:
            raise UserError(
                self.env._(
                    "First number: %(problem)s. Enter a number such as SN000001, or ranges such "
                    "as SN0001-SN0100.",
                    problem=tools_messages.translate(self.env, error),
                )
            ) from None

    def _names_from_paste(self, reserve):
        return _first_column(self.pasted_serials or "")

    def _names_from_file(self, reserve):
        if not self.file:
            raise UserError(self.env._("Upload a CSV or XLSX file first."))
        # read one row past the limit, not the whole file, to refuse a file too long
        values = self._file_values(limit=MAX_SERIALS + 1 + int(self.file_has_header))
        return values[1:] if self.file_has_header else values

    def _file_values(self, limit=None):
        """The first column of the uploaded file, blank cells left out."""
        try:
            data = base64.b64decode(self.file)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The uploaded file cannot be read.")) from None
        name = (self.file_name or "").lower()
        if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
            return self._xlsx_values(data, limit)
        if name.endswith(".xls") or data[:4] == b"\xd0\xcf\x11\xe0":
            raise UserError(
                self.env._(
                    "%(file)s is an old Excel file: save it as XLSX or CSV and upload it again.",
                    file=self.file_name,
                )
            )
        return self._csv_values(data, limit)

    def _xlsx_values(self, data, limit):
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise UserError(
                self.env._(
                    "%(file)s cannot be read as an Excel workbook: %(error)s",
                    file=self.file_name,
                    error=error,
                )
            ) from None
        values = []
        try:
            rows = book.worksheets[0].iter_rows(max_col=1, values_only=True)
            for row_number, (cell,) in enumerate(rows, start=1):
                if row_number > XLSX_MAX_ROWS:
                    # openpyxl yields every empty row up to a row's number: a few bytes
                    # naming row 10**9 would keep the server busy for hours
                    raise UserError(
                        self.env._(
                            "%(file)s has rows past row %(max)s, the last row of an Excel "
                            "sheet: save it again from a spreadsheet program, or upload a CSV "
                            "file.",
                            file=self.file_name or self.env._("The file"),
                            max=f"{XLSX_MAX_ROWS:,}",
                        )
                    )
                text = _cell_text(cell)
                if text:
                    values.append(text)
                    if limit and len(values) >= limit:
                        break
        finally:
            book.close()
        return values

    def _csv_values(self, data, limit):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=_CSV_DELIMITERS)
        except csv.Error:
            dialect = csv.excel  # one column: nothing to sniff
        values = []
        for row in csv.reader(io.StringIO(text), dialect):
            if row and row[0].strip():
                values.append(row[0].strip())
                if limit and len(values) >= limit:
                    break
        return values

    # --- checking and applying ------------------------------------------------------

    def _target_warehouse(self):
        """The warehouse whose code {WH} stands for in the new serials."""
        if self.move_id:
            return self.move_id._serial_warehouse()
        return self.env["serial.numbering"]._default_warehouse()

    def _target_company(self):
        return self.move_id.company_id or self.env.company

    def _batch(self, names):
        return Batch(self.product_id, self._target_company(), self.rule_id, names)

    def _problems(self, names):
        return self.env["serial.numbering"]._find_problems([self._batch(names)], typed=True)

    def action_check(self):
        """Validate without creating anything; show the outcome in the wizard."""
        self.ensure_one()
        try:
            names = self._serial_names(reserve=False)
        except UserError as error:
            self.write({"check_result": error.args[0], "check_ok": False})
            return self._reopen()
        found = self._problems(names)
        if found:
            message = self.env["serial.numbering"]._problems_message(found)
            self.write({"check_result": message, "check_ok": False})
        else:
            algorithm = self.rule_id.check_algorithm or "none"
            self.write(
                {
                    "check_result": self.env._(
                        "%(count)s serial numbers, all valid: %(ranges)s",
                        count=f"{len(names):,}",
                        ranges=self.env["stock.move"]._serial_ranges_text(names, algorithm),
                    ),
                    "check_ok": True,
                }
            )
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        self._check_target()
        names = self._serial_names(reserve=True)
        numbering = self.env["serial.numbering"]
        found = self._problems(names)
        if found:
            raise ValidationError(numbering._problems_message(found))
        lots = numbering._create_serials(self.product_id, names)
        return self._apply_serials(lots)

    def _apply_serials(self, lots):
        """Put the new serials where the wizard was opened; returns the next action."""
        if self.move_id:
            self.env["serial.numbering"]._add_move_lines(self.move_id, lots)
            return {"type": "ir.actions.act_window_close"}
        return self._action_show_lots(lots)

    def _check_target(self):
        move = self.move_id
        if self.product_id.tracking == "none":
            raise UserError(
                self.env._(
                    "%(product)s is not tracked by serial or lot numbers.",
                    product=self.product_id.display_name,
                )
            )
        if not move:
            return
        if move.state in ("done", "cancel", "draft"):
            raise UserError(
                self.env._(
                    "%(move)s is %(state)s: serials can be added to a move that is waiting or "
                    "ready only. Mark the transfer as To Do first if it is a draft.",
                    move=move.reference or move.product_id.display_name,
                    state=dict(move._fields["state"]._description_selection(self.env))[move.state],
                )
            )
        if move.picking_type_id and not move.picking_type_id.use_create_lots:
            raise UserError(
                self.env._(
                    "The operation type %(type)s does not create new serial numbers. Tick "
                    '"Create New" under Lots/Serial Numbers on the operation type.',
                    type=move.picking_type_id.display_name,
                )
            )

    def _action_show_lots(self, lots):
        action = self.env["ir.actions.act_window"]._for_xml_id("serial_tracking.action_serial_lot")
        # ids are consecutive for a bulk insert: a short domain instead of 100,000 ids
        action["domain"] = [
            ("product_id", "=", self.product_id.id),
            ("id", ">=", min(lots.ids)),
            ("id", "<=", max(lots.ids)),
        ]
        action["name"] = self.env._("Generated Serials")
        return action

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": self.env.context,
        }


def _first_column(text):
    """One serial per line; of a spreadsheet paste, the first column."""
    values = []
    for line in text.splitlines():
        value = line.split("\t", 1)[0].strip()
        if value:
            values.append(value)
    return values


def _cell_text(cell):
    """A spreadsheet cell as the serial number the user sees in it."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # 356938035643809 typed in Excel is a float
    return str(cell).strip()
