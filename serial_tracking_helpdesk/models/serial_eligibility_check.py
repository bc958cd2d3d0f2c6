from odoo import fields, models


class SerialEligibilityCheck(models.Model):
    _inherit = "serial.eligibility.check"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Ticket", readonly=True, index="btree_not_null",
        ondelete="set null", help="The helpdesk ticket the verdict was asked from.",
    )
