from odoo import models

# One report per label format, so that each prints on its own paper format and downloads
# under its own name: Odoo finds a report's paper format and file name by its report name.
# They differ only in the format they lay out, hence one file for the four.


class ReportSerialLabel50x25(models.AbstractModel):
    _name = "report.serial_tracking.report_serial_label_50x25"
    _inherit = "report.serial_tracking.report_serial_label"
    _description = "Serial Labels 50 x 25 mm"
    _serial_label_format = "single_50x25"


class ReportSerialLabel100x150(models.AbstractModel):
    _name = "report.serial_tracking.report_serial_label_100x150"
    _inherit = "report.serial_tracking.report_serial_label"
    _description = "Serial Labels 100 x 150 mm"
    _serial_label_format = "single_100x150"


class ReportSerialLabelA44x12(models.AbstractModel):
    _name = "report.serial_tracking.report_serial_label_a4_4x12"
    _inherit = "report.serial_tracking.report_serial_label"
    _description = "Serial Labels A4 4 x 12"
    _serial_label_format = "a4_4x12"


class ReportSerialLabelA43x8(models.AbstractModel):
    _name = "report.serial_tracking.report_serial_label_a4_3x8"
    _inherit = "report.serial_tracking.report_serial_label"
    _description = "Serial Labels A4 3 x 8"
    _serial_label_format = "a4_3x8"
