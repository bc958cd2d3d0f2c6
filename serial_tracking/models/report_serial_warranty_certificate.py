import base64
import io

import qrcode

from odoo import api, fields, models


def qr_png_data_uri(text):
    """A PNG QR code of ``text`` as a data URI (wkhtmltopdf and browsers embed it)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class ReportSerialWarrantyCertificate(models.AbstractModel):
    _name = "report.serial_tracking.report_serial_warranty_certificate"
    _description = "Warranty Certificate of a Serial"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        customers = {}
        for lot in lots:
            covered = lot.warranty_ids.filtered(
                lambda cov: cov.source != "supplier" and cov.partner_id
            )
            customers[lot.id] = lot.current_partner_id or covered[-1:].partner_id
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "customers": customers,
            "qr": qr_png_data_uri,
            "today": fields.Date.context_today(self),
        }
