from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import lifecycle, warranty


class SerialWarrantyExtendWizard(models.TransientModel):
    """Give serials more coverage: a new ``extension`` coverage after the current ones,
    with a reason that is recorded in each serial's history."""

    _name = "serial.warranty.extend.wizard"
    _inherit = ["serial.lot.selection.mixin", "serial.lots.mixin"]
    _description = "Extend the Warranty of Serials"
    _lots_action = "serial_tracking.action_serial_warranty_extend_wizard"

    coverage_type = fields.Selection(
        [item for item in warranty.COVERAGE_TYPES if item[0] != warranty.SUPPLIER],
        required=True,
        default="extended",
    )
    duration = fields.Integer(required=True, default=12)
    duration_unit = fields.Selection(
        warranty.DURATION_UNITS, string="Unit", required=True, default=warranty.MONTH
    )
    reason_id = fields.Many2one(
        "serial.reason", required=True, domain="[('applies_to', 'in', ('any', 'override'))]"
    )
    note = fields.Text()

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(
                self.env._(
                    "Only a Serial Tracking Manager may extend warranties (%(serials)s).",
                    serials=", ".join(self.lot_ids[:5].mapped("display_name")),
                )
            )
        if self.duration <= 0:
            raise UserError(self.env._("An extension lasts at least one day, month or year."))
        refused = self.lot_ids.filtered(
            lambda lot: lot.lifecycle_state in (lifecycle.SCRAPPED, lifecycle.CONSUMED)
        )
        if refused:
            raise UserError(
                self.env._(
                    "%(serials)s: scrapped or consumed units cannot get a warranty extension.",
                    serials=", ".join(refused.mapped("display_name")),
                )
            )
        today = fields.Date.context_today(self)
        labels = dict(self._fields["coverage_type"]._description_selection(self.env))
        units = dict(self._fields["duration_unit"]._description_selection(self.env))
        coverages, items = [], []
        for lot in self.lot_ids:
            current = lot.warranty_ids.filtered(
                lambda cov: (
                    cov.coverage_type != warranty.SUPPLIER
                    and cov.state != warranty.VOID
                    and cov.end_date
                )
            )
            last_end = max(current.mapped("end_date"), default=None)
            start = max(today, last_end + timedelta(days=1)) if last_end else today
            end = warranty.coverage_end(start, self.duration, self.duration_unit)
            partner = lot.current_partner_id or current[-1:].partner_id
            coverages.append(
                {
                    "lot_id": lot.id,
                    "source": "extension",
                    "coverage_type": self.coverage_type,
                    "duration": self.duration,
                    "duration_unit": self.duration_unit,
                    "partner_id": partner.id,
                    "start_date": start,
                    "end_date": end,
                    "state": warranty.state_on(start, end, today),
                    "reason_id": self.reason_id.id,
                    "note": self.note or False,
                    "document_ref": self.env._("Extension"),
                    "resale_rule": warranty.END,
                }
            )
            items.append(
                {
                    "lot": lot,
                    "event_type": "service",
                    "reason_id": self.reason_id.id,
                    "partner_id": partner.id,
                    "document_ref": self.env._("Warranty extension"),
                    "note": self.env._(
                        "Warranty extended: %(type)s, %(duration)s %(unit)s, from %(start)s to "
                        "%(end)s.%(note)s",
                        type=labels[self.coverage_type],
                        duration=self.duration,
                        unit=units[self.duration_unit].lower(),
                        start=start,
                        end=end,
                        note=f"\n{self.note}" if self.note else "",
                    ),
                }
            )
        engine = self.env["serial.warranty"]._engine()
        engine.create(coverages)
        self.env["stock.lot"]._serial_apply_events(items)
        engine._refresh_lots(self.lot_ids.ids)
        return {"type": "ir.actions.act_window_close"}
