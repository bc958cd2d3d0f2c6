from odoo import api, fields, models

from ..tools import recall as recall_tools


class SerialRecallSimulation(models.Model):
    """One stored simulation of a recall: its criteria and counts, to compare with later."""

    _name = "serial.recall.simulation"
    _description = "Recall Simulation"
    _order = "date desc, id desc"
    _check_company_auto = True

    recall_id = fields.Many2one(
        "serial.recall", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Run By", default=lambda s: s.env.user, readonly=True
    )
    criteria = fields.Json(string="Criteria Values", readonly=True)
    criteria_text = fields.Text(string="Criteria", readonly=True)
    summary = fields.Json(readonly=True)
    total = fields.Integer(string="Units", readonly=True)
    duration = fields.Float(string="Seconds", readonly=True, digits=(16, 3))
    summary_text = fields.Text(string="Counts", compute="_compute_summary_text")
    changes_text = fields.Text(string="Changes Since Previous", readonly=True)

    @api.depends("summary")
    def _compute_summary_text(self):
        labels = dict(recall_tools.BUCKETS)
        for simulation in self:
            summary = simulation.summary or {}
            lines = [
                f"{labels[bucket]}: {count}"
                for bucket, count in (summary.get("by_bucket") or {}).items()
                if count
            ]
            simulation.summary_text = "\n".join(lines)

    @api.model
    def _changes_text(self, previous, current):
        """Readable difference between two summaries, or an empty string."""
        changes = recall_tools.compare(previous or {}, current)
        labels = dict(recall_tools.BUCKETS)
        section_labels = {
            "total": self.env._("Total"),
            "by_bucket": self.env._("Bucket"),
            "by_product": self.env._("Product"),
            "by_customer": self.env._("Customer"),
        }
        lines = []
        for section, diff in changes.items():
            for key, (before, after) in diff.items():
                name = labels.get(key, key) if section == "by_bucket" else key
                lines.append(f"{section_labels[section]} {name}: {before} → {after}")
        return "\n".join(lines)
