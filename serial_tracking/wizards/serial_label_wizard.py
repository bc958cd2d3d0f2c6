from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import label_layout

#: Where the serials of a document are, for the documents the label action is bound to.
_LOTS_OF = {
    "stock.lot": None,
    "stock.picking": "move_line_ids.lot_id",
    "mrp.production": "lot_producing_ids",
    "serial.recall": "unit_ids.lot_id",
}
#: Report action of each label format (one paper format each).
REPORTS = {
    "single_50x25": "serial_tracking.action_report_serial_label_50x25",
    "single_100x150": "serial_tracking.action_report_serial_label_100x150",
    "a4_4x12": "serial_tracking.action_report_serial_label_a4_4x12",
    "a4_3x8": "serial_tracking.action_report_serial_label_a4_3x8",
}


class SerialLabelWizard(models.TransientModel):
    """Choose the layout of serial labels, then print them."""

    _name = "serial.label.wizard"
    _inherit = ["serial.lots.mixin"]
    _description = "Print Serial Labels"

    label_format = fields.Selection(
        [(code, fmt.name) for code, fmt in label_layout.FORMATS.items()],
        string="Format",
        required=True,
        default="single_50x25",
    )
    print_code128 = fields.Boolean("Code 128 (serial number)")
    print_gs1_128 = fields.Boolean("GS1-128")
    print_qr_link = fields.Boolean(
        "QR Code (GS1 Digital Link)",
        help="A phone opens the unit's public page: genuineness, warranty, registration.",
    )
    print_gs1_datamatrix = fields.Boolean("GS1 DataMatrix", default=True)
    print_gs1_qr = fields.Boolean("GS1 QR Code")
    copies = fields.Integer("Copies per Serial", required=True, default=1)
    show_product = fields.Boolean("Product", default=True)
    show_gtin = fields.Boolean("GTIN")
    show_serial = fields.Boolean("Serial Number", default=True)
    show_batch = fields.Boolean("Batch")
    show_expiry = fields.Boolean("Expiry")
    show_company = fields.Boolean("Company")
    label_count = fields.Integer(compute="_compute_label_count", string="Labels")

    @api.depends("lot_ids", "copies")
    def _compute_label_count(self):
        for wizard in self:
            wizard.label_count = len(wizard.lot_ids) * max(wizard.copies, 0)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        model, ids = context.get("active_model"), context.get("active_ids")
        if model in _LOTS_OF and ids and model in self.env:
            records = self.env[model].browse(ids)
            path = _LOTS_OF[model]
            lots = records.mapped(path) if path else records
            lots = lots.filtered(lambda lot: lot.product_id.tracking == "serial")
            values["lot_ids"] = [Command.set(lots.ids)]
        return values

    def _serial_label_options(self):
        self.ensure_one()
        return {
            "label_format": self.label_format,
            "symbologies": [
                code
                for code in ("code128", "gs1_128", "qr_link", "gs1_datamatrix", "gs1_qr")
                if self[f"print_{code}"]
            ],
            "copies": self.copies,
            "texts": [
                text
                for text in ("product", "gtin", "serial", "batch", "expiry", "company")
                if self[f"show_{text}"]
            ],
        }

    def action_print(self):
        self.ensure_one()
        if not self.lot_ids:
            raise UserError(
                self.env._(
                    "Select the serials to print labels for. A lot-tracked product's lots print "
                    "their labels with Print > Lot/Serial Number (PDF)."
                )
            )
        options = self._serial_label_options()
        # refuse here, with every offending serial named, rather than in the PDF renderer
        self.env["report.serial_tracking.report_serial_label"]._serial_labels(self.lot_ids, options)
        report = self.env.ref(REPORTS[self.label_format])
        # the client's URL of an action with data carries no record ids: the data does
        data = {"serial_label_options": options, "lot_ids": self.lot_ids.ids}
        return report.report_action(self.lot_ids, data=data, config=False)
