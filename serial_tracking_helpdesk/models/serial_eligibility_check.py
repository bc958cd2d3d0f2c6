from odoo import fields, models


class SerialEligibilityCheck(models.Model):
    _inherit = "serial.eligibility.check"

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The helpdesk ticket the verdict was asked from.",
    )
    # A manager's override on a ticket stands for one return: of the unit, from the
    # delivery that had shipped it then, for the ticket's intent.
    override_delivery_id = fields.Many2one(
        "stock.picking",
        string="Override For Delivery",
        readonly=True,
        ondelete="set null",
        help="The delivery whose return the ticket's override accepts.",
    )
    override_return_id = fields.Many2one(
        "stock.picking",
        string="Override Used By",
        readonly=True,
        ondelete="set null",
        help="The return that used the ticket's override; it serves no other.",
    )
