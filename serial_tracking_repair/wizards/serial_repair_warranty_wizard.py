from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class SerialRepairWarrantyWizard(models.TransientModel):
    """A manager decides whether a repair is under warranty, against the verdict."""

    _name = "serial.repair.warranty.wizard"
    _description = "Override the Warranty of a Repair"

    repair_id = fields.Many2one("repair.order", required=True)
    lot_id = fields.Many2one(related="repair_id.lot_id")
    serial_verdict = fields.Selection(related="repair_id.serial_verdict")
    serial_reasons_html = fields.Html(related="repair_id.serial_reasons_html")
    decision = fields.Selection(
        [("covered", "Covered"), ("not_covered", "Not Covered")], required=True, default="covered"
    )
    reason_id = fields.Many2one(
        "serial.reason", required=True, domain="[('applies_to', 'in', ('any', 'override'))]"
    )
    note = fields.Text()

    def action_apply(self):
        self.ensure_one()
        repair = self.repair_id
        if not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(
                self.env._(
                    "%(repair)s: only a Serial Tracking Manager may decide the warranty of a "
                    "repair against its verdict.",
                    repair=repair.name,
                )
            )
        if not repair.serial_tracked:
            raise UserError(
                self.env._(
                    "%(repair)s: no serial with a lifecycle on this repair; tick 'Under "
                    "Warranty' directly.",
                    repair=repair.name,
                )
            )
        if repair.state in ("done", "cancel"):
            raise UserError(
                self.env._(
                    "%(repair)s is closed: its warranty decision can no longer change.",
                    repair=repair.name,
                )
            )
        decisions = dict(self._fields["decision"]._description_selection(self.env))
        verdicts = dict(
            self.env["serial.eligibility.check"]._fields["verdict"]._description_selection(self.env)
        )
        self.env["stock.lot"]._serial_apply_events(
            [
                {
                    "lot": repair.lot_id,
                    "event_type": "override",
                    "partner_id": repair.partner_id.id,
                    "document_ref": repair.name,
                    "reason_id": self.reason_id.id,
                    "note": self.env._(
                        "Repair warranty set to %(decision)s (verdict: %(verdict)s). %(reasons)s"
                        "%(note)s",
                        decision=decisions[self.decision].lower(),
                        verdict=verdicts.get(repair.serial_verdict, "-"),
                        reasons=" ".join(repair.serial_check_id._reason_lines()),
                        note=f"\n{self.note}" if self.note else "",
                    ),
                }
            ]
        )
        repair._serial_decided().write(
            {
                "serial_warranty_override": self.decision,
                "serial_override_reason_id": self.reason_id.id,
                "serial_override_note": self.note or False,
            }
        )
        repair._update_sale_order_line_price()
        return {"type": "ir.actions.act_window_close"}
