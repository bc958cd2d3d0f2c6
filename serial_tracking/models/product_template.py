from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    serial_format_rule_id = fields.Many2one(
        "serial.format.rule",
        string="Serial Numbering Rule",
        index="btree_not_null",
        ondelete="restrict",
        help="How this product's serial numbers are made and checked. Leave empty to use "
        "the rule of the product category.",
    )
    serial_effective_rule_id = fields.Many2one(
        "serial.format.rule",
        string="Numbering Rule in Use",
        compute="_compute_serial_effective_rule_id",
        help="The product's own rule, else the rule of its category or of a parent category.",
    )

    @api.depends("serial_format_rule_id", "categ_id.serial_format_rule_id", "categ_id.parent_path")
    def _compute_serial_effective_rule_id(self):
        rules = self._serial_format_rules()
        for template in self:
            template.serial_effective_rule_id = rules[template.id]

    def _serial_format_rules(self):
        """``{template_id: rule}`` (an empty recordset when none applies), set-wise."""
        by_category = self.categ_id._serial_format_rules()
        no_rule = self.env["serial.format.rule"]
        return {
            template.id: template.serial_format_rule_id
            or by_category.get(template.categ_id.id, no_rule)
            for template in self
        }

    def action_open_serial_generate_wizard(self):
        self.ensure_one()
        return self.env["serial.generate.wizard"]._action_open(product=self.product_variant_ids[:1])

    # --- warranty ----------------------------------------------------------------------
    serial_warranty_policy_id = fields.Many2one(
        "serial.warranty.policy",
        string="Warranty Policy",
        index="btree_not_null",
        ondelete="restrict",
        help="What each serial of this product is covered for. Leave empty to use the "
        "policy of the product category.",
    )
