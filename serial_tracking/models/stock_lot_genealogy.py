from odoo import fields, models


class StockLot(models.Model):
    """The genealogy tree and the traceability report of a serial."""

    _inherit = "stock.lot"

    serial_genealogy_html = fields.Html(
        string="Genealogy Tree", compute="_compute_serial_genealogy_html", sanitize=False,
        help="The units this serial is part of (above) and what it is made of (below), at "
        "every depth, with where each one is now.",
    )

    def _compute_serial_genealogy_html(self):
        traceability = self.env["serial.traceability"]
        for lot in self:
            # Only saved serials have links; the tree is drawn for the form (one lot).
            lot.serial_genealogy_html = (
                traceability._render_tree_html(lot._origin) if lot._origin.id else False
            )

    def action_serial_traceability(self):
        """The traceability report on screen (an internal document: no letterhead set-up)."""
        return self.env.ref("serial_tracking.action_report_serial_traceability_html") \
            .report_action(self, config=False)

    def action_serial_traceability_export(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_traceability_export"
        )
        action["context"] = {"active_model": "stock.lot", "active_ids": self.ids}
        return action
