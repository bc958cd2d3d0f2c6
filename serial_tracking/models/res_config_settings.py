from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    serial_resolver_url = fields.Char(related="company_id.serial_resolver_url", readonly=False)
    serial_service_url = fields.Char(related="company_id.serial_service_url", readonly=False)
