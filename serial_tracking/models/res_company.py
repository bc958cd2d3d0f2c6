from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_resolver_url = fields.Char(
        string="Digital Link Resolver",
        help="Scheme and host (optionally a path) that the QR codes on serial labels point to, "
        "for example https://id.example.com. Empty: this database's own address "
        "(web.base.url), which answers with the public serial page.",
    )
    serial_service_url = fields.Char(
        string="Service Request Link",
        help="Where the public serial page sends customers who need service. Empty: an "
        "e-mail to the company.",
    )
