from odoo import fields, models


class SerialReason(models.Model):
    _name = "serial.reason"
    _description = "Serial Transition Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short stable code used in reports and imports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    applies_to = fields.Selection(
        [
            ("any", "Any transition"),
            ("quarantine", "Quarantine"),
            ("release", "Release"),
            ("scrap", "Scrap"),
            ("override", "Override"),
        ],
        default="any",
        required=True,
        help="Which manual transitions offer this reason.",
    )
    company_id = fields.Many2one("res.company", index=True)

    _code_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "A reason code must be unique per company."
    )
