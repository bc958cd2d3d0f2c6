from odoo import fields, models


class SerialRecallCloseWizard(models.TransientModel):
    _name = "serial.recall.close.wizard"
    _description = "Close a Recall with Units Still Pending"

    recall_id = fields.Many2one("serial.recall", required=True, readonly=True)
    pending_count = fields.Integer(related="recall_id.pending_count")
    reason = fields.Text(help="Why the campaign ends with units still pending.")

    def action_close(self):
        self.ensure_one()
        self.recall_id._close(self.reason)
        return {"type": "ir.actions.act_window_close"}
