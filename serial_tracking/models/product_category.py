from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    serial_format_rule_id = fields.Many2one(
        "serial.format.rule",
        string="Serial Numbering Rule",
        index="btree_not_null",
        ondelete="restrict",
        help="Applies to the products of this category and of its subcategories that have "
        "no rule of their own.",
    )

    def write(self, vals):
        result = super().write(vals)
        if {"serial_format_rule_id", "parent_id"} & set(vals):
            # the rule in use of products may come from any ancestor: no @depends reaches
            self.env["product.template"].invalidate_model(["serial_effective_rule_id"])
        return result

    def _serial_format_rules(self):
        """``{category_id: rule}``: each category's own rule, else its nearest parent's.

        An empty recordset stands for "no rule". One read of all ancestors.
        """
        chains = {
            categ.id: [int(part) for part in (categ.parent_path or "").split("/") if part]
            or [categ.id]  # parent_path runs from the root down to the category itself
            for categ in self
        }
        ancestors = self | self.browse(
            {categ_id for chain in chains.values() for categ_id in chain}
        )
        own = {categ.id: categ.serial_format_rule_id for categ in ancestors}
        no_rule = self.env["serial.format.rule"]
        return {
            categ_id: next((own[link] for link in reversed(chain) if own.get(link)), no_rule)
            for categ_id, chain in chains.items()
        }

    # --- warranty ----------------------------------------------------------------------
    serial_warranty_policy_id = fields.Many2one(
        "serial.warranty.policy",
        string="Warranty Policy",
        index="btree_not_null",
        ondelete="restrict",
        help="Applies to the products of this category and of its subcategories that have "
        "no policy of their own.",
    )
