from odoo import api, fields, models

from ..tools import eligibility


class SerialEligibilityWizard(models.TransientModel):
    """Ask, from serials, whether they may come back, be repaired, exchanged or
    refunded for a customer; each answer is a stored ``serial.eligibility.check``."""

    _name = "serial.eligibility.wizard"
    _inherit = ["serial.lot.selection.mixin", "serial.lots.mixin"]
    _description = "Check the Eligibility of Serials"
    _lots_action = "serial_tracking.action_serial_eligibility_wizard"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", help="Who asks. Defaults to who holds the unit."
    )
    intent = fields.Selection(eligibility.INTENTS, required=True, default="return")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "stock.lot" and context.get("active_ids"):
            holders = self.env["stock.lot"].browse(context["active_ids"]).current_partner_id
            if len(holders) == 1 and "partner_id" in fields_list:
                values.setdefault("partner_id", holders.id)
        return values

    def action_check(self):
        self.ensure_one()
        checks = self.env["serial.eligibility.check"]._evaluate_batch(
            [(lot, self.partner_id, None) for lot in self.lot_ids],
            self.intent,
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_eligibility_check"
        )
        if len(checks) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=checks.id)
        else:
            action["domain"] = [("id", "in", checks.ids)]
        return action
