from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import warranty


class SerialWarrantyPolicyLine(models.Model):
    """One coverage a policy gives: what it covers, for how long, from when."""

    _name = "serial.warranty.policy.line"
    _description = "Serial Warranty Policy Coverage"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one(
        "serial.warranty.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    coverage_type = fields.Selection(
        warranty.COVERAGE_TYPES,
        required=True,
        default="full",
        help="Supplier: what the vendor covers us for; it starts at the vendor's receipt.",
    )
    duration = fields.Integer(required=True, default=12)
    duration_unit = fields.Selection(
        warranty.DURATION_UNITS, string="Unit", required=True, default=warranty.MONTH
    )
    trigger = fields.Selection(
        warranty.TRIGGERS, string="Starts At", required=True, default="shipment"
    )
    cap_trigger = fields.Selection(
        warranty.TRIGGERS,
        string="But No Later Than",
        help="Starts the clock at the latest this long after another event, for instance "
        "'from installation, but no later than 90 days after shipment'.",
    )
    cap_duration = fields.Integer()
    cap_unit = fields.Selection(warranty.DURATION_UNITS, default=warranty.DAY)
    return_window_days = fields.Integer(
        string="Return Window (days)",
        help="Days after shipment during which the customer may return the unit. 0: no "
        "return window is set by this coverage.",
    )
    pause_in_repair = fields.Boolean(
        string="Pause in Repair",
        help="The days the unit spends in repair are added to the end of the coverage.",
    )
    resale_rule = fields.Selection(
        warranty.RESALE_RULES,
        string="On Return and Resale",
        required=True,
        default=warranty.CONTINUE,
        help="What a customer return does: the coverage continues for the next owner, "
        "restarts when the unit is sold again, or ends for good.",
    )

    _duration_positive = models.Constraint(
        "CHECK(duration > 0)", "A coverage lasts at least one day, month or year."
    )
    _windows_positive = models.Constraint(
        "CHECK(return_window_days >= 0 AND COALESCE(cap_duration, 0) >= 0)",
        "Return windows and caps cannot be negative.",
    )

    @api.depends("coverage_type", "duration", "duration_unit", "trigger")
    def _compute_display_name(self):
        types = dict(self._fields["coverage_type"]._description_selection(self.env))
        units = dict(self._fields["duration_unit"]._description_selection(self.env))
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        for line in self:
            line.display_name = self.env._(
                "%(type)s, %(duration)s %(unit)s from %(trigger)s",
                type=types.get(line.coverage_type, ""),
                duration=line.duration,
                unit=units.get(line.duration_unit, "").lower(),
                trigger=triggers.get(line.trigger, "").lower(),
            )

    @api.constrains("coverage_type", "trigger", "cap_trigger", "cap_duration")
    def _check_trigger(self):
        for line in self:
            if line.coverage_type == warranty.SUPPLIER and line.trigger != "receipt":
                raise ValidationError(
                    self.env._(
                        "%(policy)s: a supplier coverage starts at the vendor's receipt; set "
                        "'Starts At' to Receipt.",
                        policy=line.policy_id.display_name,
                    )
                )
            if line.cap_trigger and not line.cap_duration:
                raise ValidationError(
                    self.env._(
                        "%(policy)s: give the cap a duration (for instance 90 days), or clear "
                        "'But No Later Than'.",
                        policy=line.policy_id.display_name,
                    )
                )
            if line.cap_trigger and line.cap_trigger == line.trigger:
                raise ValidationError(
                    self.env._(
                        "%(policy)s: the cap must follow another event than the start; a "
                        "coverage that starts at %(trigger)s cannot be capped by it.",
                        policy=line.policy_id.display_name,
                        trigger=line.trigger,
                    )
                )
