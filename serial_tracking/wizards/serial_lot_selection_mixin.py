from odoo import Command, api, models


class SerialLotSelectionMixin(models.AbstractModel):
    """Wizards about serials start with the serials selected in the list or form."""

    _name = "serial.lot.selection.mixin"
    _description = "Serial Wizard Preselecting the Active Serials"
    #: the wizard's window action, which _action_open opens on given serials
    _lots_action = None

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "stock.lot" and context.get("active_ids"):
            values["lot_ids"] = [Command.set(context["active_ids"])]
        return values

    @api.model
    def _action_open(self, lots):
        """The wizard's action, opened on ``lots`` as from their list."""
        action = self.env["ir.actions.act_window"]._for_xml_id(self._lots_action)
        action["context"] = {"active_model": "stock.lot", "active_ids": lots.ids}
        return action
