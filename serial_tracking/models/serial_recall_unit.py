from odoo import fields, models

from ..tools import recall as recall_tools


class SerialRecallUnit(models.Model):
    """One serial affected by a recall: where it was found and what was done about it.

    Rows are written set-wise by the campaign's simulation (plain SQL, 100,000 at a
    time); people change a unit's status only through the status wizard.
    """

    _name = "serial.recall.unit"
    _description = "Unit Affected by a Recall"
    _order = "recall_id, bucket, partner_id, lot_id"
    _rec_name = "lot_id"
    _check_company_auto = True

    # (recall_id, lot_id) is indexed by the unique constraint; few other indexes and
    # foreign keys (each costs a lookup per row written), so that a simulation writes
    # 100,000 rows in seconds. What the serial itself says (its product, its current
    # state and location) is read from it, not copied.
    recall_id = fields.Many2one("serial.recall", required=True, ondelete="cascade", readonly=True)
    recall_state = fields.Selection(related="recall_id.state", string="Campaign State")
    lot_id = fields.Many2one(
        "stock.lot", string="Serial", required=True, index=True, ondelete="cascade", readonly=True
    )
    product_id = fields.Many2one(related="lot_id.product_id", string="Product")
    company_id = fields.Many2one(related="recall_id.company_id")
    bucket = fields.Selection(
        recall_tools.BUCKETS,
        required=True,
        readonly=True,
        help="Where the unit was when the campaign was simulated.",
    )
    status = fields.Selection(
        recall_tools.STATUSES, required=True, default="pending", readonly=True
    )
    status_reason = fields.Char(readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, help="The customer holding the unit."
    )
    parent_lot_id = fields.Many2one(
        "stock.lot",
        string="Consumed Into",
        index="btree_not_null",
        readonly=True,
        help="The unit this one is built into.",
    )
    location_id = fields.Many2one(
        "stock.location", readonly=True, help="Where the unit was in our stock when simulated."
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        readonly=True,
        help="The open delivery the unit was allocated to, or, for a unit at a customer, "
        "the delivery that shipped it.",
    )
    quarantine_picking_id = fields.Many2one(
        "stock.picking", string="Quarantine Transfer", readonly=True
    )
    lifecycle_state = fields.Selection(related="lot_id.lifecycle_state")
    current_location_id = fields.Many2one(related="lot_id.location_id", string="Current Location")
    todo = fields.Boolean(
        string="Activation Pending", readonly=True, help="Activation has still to act on this unit."
    )
    activation_error = fields.Char(readonly=True, help="Why activation could not act on this unit.")
    notified_date = fields.Datetime(string="Customer Notified", readonly=True)

    _recall_lot_uniq = models.Constraint(
        "UNIQUE(recall_id, lot_id)", "A serial is listed once per recall."
    )
    _recall_todo_idx = models.Index("(recall_id, id) WHERE todo")

    def action_open_status_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Recall Status"),
            "res_model": "serial.recall.unit.status.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_unit_ids": self.ids},
        }
