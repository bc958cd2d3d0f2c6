from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    helpdesk_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The ticket this return was created from.",
    )
