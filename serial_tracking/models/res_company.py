from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import urls


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
        help="Where the public serial page sends customers who need service: an http or "
        "https address. Empty: an e-mail to the company.",
    )

    @api.constrains("serial_service_url")
    def _check_serial_service_url(self):
        # the public page renders it as a link: javascript: or data: would run there
        for company in self.filtered("serial_service_url"):
            if not urls.is_web_url(company.serial_service_url):
                raise ValidationError(
                    self.env._(
                        "Service Request Link of %(company)s: %(url)s is not a web address. "
                        "Enter an address starting with https:// (or http://), or leave it "
                        "empty to send customers an e-mail to the company.",
                        company=company.name,
                        url=company.serial_service_url,
                    )
                )
