from odoo import api, fields, models

from .bulk.serial_bulk import SWITCH_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    serial_resolver_url = fields.Char(related="company_id.serial_resolver_url", readonly=False)
    serial_service_url = fields.Char(related="company_id.serial_service_url", readonly=False)
    # On unless set off: a Boolean config_parameter would read an absent key as off.
    serial_bulk_fast_path = fields.Boolean(
        "Set-based Bulk Operations",
        help="From 500 serials on, serial generation and receipts write their rows with "
        "one statement per step. Off: Odoo's own path for every record, slower on "
        "big batches. The set-based path also turns itself off for any operation "
        "whose Odoo methods another installed module overrides.",
    )

    @api.model
    def get_values(self):
        values = super().get_values()
        switch = self.env["ir.config_parameter"].sudo().get_param(SWITCH_PARAM, "on")
        values["serial_bulk_fast_path"] = switch != "off"
        return values

    def set_values(self):
        result = super().set_values()
        self.env["ir.config_parameter"].sudo().set_param(
            SWITCH_PARAM, "on" if self.serial_bulk_fast_path else "off"
        )
        return result
