from odoo import Command, api, models


class SerialLotSelectionMixin(models.AbstractModel):
    """Wizards about serials start with the serials selected in the list or form."""

    _name = "serial.lot.selection.mixin"
    _description = "Serial Wizard Preselecting the Active Serials"

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "stock.lot" and context.get("active_ids"):
            values["lot_ids"] = [Command.set(context["active_ids"])]
        return values
