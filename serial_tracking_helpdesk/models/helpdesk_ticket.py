from odoo import api, fields, models
from odoo.exceptions import ValidationError

# How many offending tickets one error message lists.
_MESSAGE_LIMIT = 20


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('product_id.tracking', '=', 'serial')]",
        help="The unit this ticket is about. Choosing it sets the product and, when the "
        "ticket has no contact yet, the customer who holds the unit.",
    )
    lot_lifecycle_state = fields.Selection(
        related="lot_id.lifecycle_state", string="Serial State",
    )
    # helpdesk_mgmt has no product on tickets: the serial brings one.
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        compute="_compute_partner_id", store=True, readonly=False,
    )

    @api.depends("lot_id")
    def _compute_product_id(self):
        for ticket in self:
            # A serial belongs to exactly one product; without a serial keep what
            # the agent chose.
            ticket.product_id = ticket.lot_id.product_id or ticket.product_id

    @api.depends("lot_id")
    def _compute_partner_id(self):
        # Only "lot_id" as dependency: a ticket keeps its contact when the unit
        # later changes hands.
        for ticket in self:
            ticket.partner_id = ticket.partner_id or ticket.lot_id.current_partner_id

    @api.constrains("lot_id", "product_id", "company_id")
    def _check_lot_id(self):
        # helpdesk.ticket does not check companies by itself (no _check_company_auto).
        self._check_company(["lot_id", "product_id"])
        problems = [
            problem for ticket in self.filtered("lot_id") if (problem := ticket._lot_problem())
        ]
        if len(problems) > _MESSAGE_LIMIT:
            problems = problems[:_MESSAGE_LIMIT] + [self.env._(
                "... and %(count)s more.", count=len(problems) - _MESSAGE_LIMIT,
            )]
        if problems:
            raise ValidationError("\n".join(problems))

    def _lot_problem(self):
        """Why this ticket's serial does not fit it, or ``False``."""
        # Constraints run as superuser (Odoo 19): agents without Inventory rights
        # can save tickets about a serial.
        lot = self.lot_id
        if lot.product_id.tracking != "serial":
            return self.env._(
                "%(ticket)s: %(lot)s is a lot, not a serial number; choose the serial "
                "number of the unit the ticket is about.",
                ticket=self.display_name, lot=lot.display_name,
            )
        if self.product_id and self.product_id != lot.product_id:
            return self.env._(
                "%(ticket)s: serial number %(lot)s belongs to %(lot_product)s, not to "
                "%(product)s; clear the product or choose another serial number.",
                ticket=self.display_name, lot=lot.display_name,
                lot_product=lot.product_id.display_name,
                product=self.product_id.display_name,
            )
        return False
