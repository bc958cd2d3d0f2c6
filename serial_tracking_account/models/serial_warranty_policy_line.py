from odoo import fields, models

INVOICE = [("invoice", "Invoice Date")]


class SerialWarrantyPolicyLine(models.Model):
    _inherit = "serial.warranty.policy.line"

    trigger = fields.Selection(selection_add=INVOICE, ondelete={"invoice": "set default"})
    cap_trigger = fields.Selection(selection_add=INVOICE, ondelete={"invoice": "set null"})
