from odoo import api, fields, models


class SerialWarrantyPolicy(models.Model):
    """What a product promises: one line per coverage (parts, labour, full...).

    Set on products or product categories; the lifecycle events of each serial then
    create and move its coverages (``serial.warranty``) from these lines.
    """

    _name = "serial.warranty.policy"
    _description = "Serial Warranty Policy"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    line_ids = fields.One2many(
        "serial.warranty.policy.line", "policy_id", string="Coverages", copy=True
    )
    max_repairs = fields.Integer(
        string="Review After Repairs",
        help="A unit repaired more often than this needs a review before any further "
        "return, repair or exchange. 0 means no limit.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Warranty Manager",
        help="Gets the reminder about coverages ending soon for products that have no "
        "responsible person.",
    )
    note = fields.Html(translate=True)
    line_count = fields.Integer(compute="_compute_line_count")

    _max_repairs_positive = models.Constraint(
        "CHECK(max_repairs >= 0)", "The number of repairs before a review cannot be negative."
    )

    @api.depends("line_ids")
    def _compute_line_count(self):
        for policy in self:
            policy.line_count = len(policy.line_ids)

    # --- which policy applies ----------------------------------------------------------

    @api.model
    def _for_products(self, products):
        """``{product_id: policy}`` for ``products``: the template's policy, else the
        nearest category's. Products without one are left out. Set-wise: one read of
        templates and one of the category ancestors."""
        templates = products.product_tmpl_id
        own = {tmpl.id: tmpl.serial_warranty_policy_id for tmpl in templates}
        chains = {
            categ.id: [int(part) for part in (categ.parent_path or "").split("/") if part]
            or [categ.id]
            for categ in templates.categ_id
        }
        ancestors = self.env["product.category"].browse(
            {categ_id for chain in chains.values() for categ_id in chain}
        )
        by_categ = {categ.id: categ.serial_warranty_policy_id for categ in ancestors}
        result = {}
        for product in products:
            template = product.product_tmpl_id
            policy = own[template.id] or next(
                (
                    by_categ[categ_id]
                    for categ_id in reversed(chains.get(template.categ_id.id, []))
                    if by_categ.get(categ_id)
                ),
                None,
            )
            if policy:
                result[product.id] = policy
        return result
