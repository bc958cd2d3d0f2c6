from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models import tools_messages
from ..tools import recall as recall_tools


class SerialRecallUnitStatusWizard(models.TransientModel):
    _name = "serial.recall.unit.status.wizard"
    _description = "Change the Status of Recalled Units"

    unit_ids = fields.Many2many("serial.recall.unit", string="Units", required=True)
    # pending is where units start, notified is set by activation's e-mail: neither is
    # a person's choice
    status = fields.Selection(
        [
            (key, label)
            for key, label in recall_tools.STATUSES
            if key not in (recall_tools.PENDING, recall_tools.NOTIFIED)
        ],
        required=True,
        default="released",
    )
    reason = fields.Text(help="Needed to release, destroy or give up on a unit.")
    return_to_stock = fields.Boolean(
        default=True,
        help="Move released units that sit in quarantine back to their warehouse's stock "
        "through an internal transfer.",
    )
    needs_reason = fields.Boolean(compute="_compute_needs_reason")

    @api.depends("status")
    def _compute_needs_reason(self):
        for wizard in self:
            wizard.needs_reason = wizard.status in recall_tools.NEEDS_REASON

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(
                self.env._(
                    "Only a Serial Tracking Manager may change the status of recalled units."
                )
            )
        problems = []
        for unit in self.unit_ids:
            if unit.recall_id.state != "active":
                problems.append(
                    self.env._(
                        "%(serial)s: recall %(recall)s is not active; activate it first.",
                        serial=unit.lot_id.name,
                        recall=unit.recall_id.name,
                    )
                )
                continue
            problem = recall_tools.check_status_change(
                unit.lot_id.name, unit.status, self.status, self.reason
            )
            if problem:
                problems.append(tools_messages.translate(self.env, problem))
        if problems:
            raise UserError("\n".join(problems[:20]))
        if self.status == recall_tools.RELEASED and self.return_to_stock:
            lots = self.unit_ids.lot_id.filtered(lambda lot: lot.location_id.serial_quarantine)
            if lots:
                release = self.env.ref(
                    "serial_tracking.reason_inspected_ok", raise_if_not_found=False
                )
                lots._serial_move_to_location(
                    lambda lot: lot.location_id.warehouse_id.lot_stock_id,
                    origin=self.unit_ids.recall_id[:1].name,
                    event_context={
                        "serial_reason_id": release.id if release else False,
                        "serial_note": self.reason,
                    },
                )
        self.unit_ids.write({"status": self.status, "status_reason": self.reason or False})
        for recall in self.unit_ids.recall_id:
            units = self.unit_ids.filtered(lambda u, r=recall: u.recall_id == r)
            recall.message_post(
                body=self.env._(
                    "%(count)s unit(s) marked %(status)s: %(serials)s. %(reason)s",
                    count=len(units),
                    status=self.status,
                    serials=", ".join(units.lot_id[:20].mapped("name")),
                    reason=self.reason or "",
                )
            )
        return {"type": "ir.actions.act_window_close"}
