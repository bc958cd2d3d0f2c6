from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


def _active(alias, at=None):
    """SQL for "link ``alias`` is in force": now, or at ``at`` when given."""
    link = SQL.identifier(alias)
    if at:
        return SQL(
            "%(g)s.link_type != 'removed' AND %(g)s.date_from <= %(at)s "
            "AND (%(g)s.date_to IS NULL OR %(g)s.date_to > %(at)s)",
            g=link,
            at=at,
        )
    return SQL("%(g)s.link_type != 'removed' AND %(g)s.date_to IS NULL", g=link)


class SerialGenealogy(models.Model):
    """One dated link of material flow: a component went into a unit.

    ``parent_lot_id`` is the component (upstream, what goes in) and ``child_lot_id``
    the unit built from it (downstream). Descendants of a serial are therefore every
    unit it ended up in, at any depth; ancestors are everything it is made of.

    Links are never deleted. Taking a component out (unbuild, repair swap) closes the
    link with ``date_to`` and records a ``removed`` row with the same date, so the
    composition at any past date can be answered.
    """

    _name = "serial.genealogy"
    _description = "Serial Genealogy Link"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    parent_lot_id = fields.Many2one(
        "stock.lot",
        string="Component",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    child_lot_id = fields.Many2one(
        "stock.lot",
        string="Used In",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    parent_product_id = fields.Many2one(
        related="parent_lot_id.product_id", string="Component Product"
    )
    child_product_id = fields.Many2one(related="child_lot_id.product_id", string="Unit Product")
    link_type = fields.Selection(
        [("built_in", "Built In"), ("installed", "Installed"), ("removed", "Removed")],
        required=True,
        default="built_in",
        readonly=True,
        index=True,
    )
    quantity = fields.Float(
        default=1.0,
        digits="Product Unit",
        readonly=True,
        help="How much of a lot component went into the unit.",
    )
    date_from = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True, index=True
    )
    date_to = fields.Datetime(readonly=True, index="btree_not_null")
    document_ref = fields.Char(string="Document", readonly=True)
    company_id = fields.Many2one(related="child_lot_id.company_id", store=True, index=True)

    _parent_child_idx = models.Index("(parent_lot_id, child_lot_id)")
    _child_parent_idx = models.Index("(child_lot_id, parent_lot_id)")
    _no_self_link = models.Constraint(
        "CHECK(parent_lot_id != child_lot_id)", "A serial cannot be a component of itself."
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            parent_id = vals.get("parent_lot_id")
            if parent_id and parent_id == vals.get("child_lot_id"):
                unit = self.env["stock.lot"].browse(vals["child_lot_id"])
                raise ValidationError(
                    self.env._("%(unit)s cannot be a component of itself.", unit=unit.display_name)
                )
        links = super().create(vals_list)
        links._check_no_cycle()
        return links

    def write(self, vals):
        if set(vals) - {"date_to"} or any(link.date_to for link in self):
            raise UserError(
                self.env._(
                    "Genealogy links are history: only an open link can be closed. Record a "
                    "removal or a new link instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Genealogy links are history and cannot be deleted. Close the link instead.")
        )

    def _check_no_cycle(self):
        """Refuse a link whose unit is already upstream of its component."""
        for link in self.filtered(lambda lnk: lnk.link_type != "removed"):
            upstream = link.parent_lot_id._serial_ancestors()
            if link.child_lot_id in upstream:
                raise ValidationError(
                    self.env._(
                        "%(unit)s cannot contain %(component)s: %(component)s is already made "
                        "from %(unit)s, which would make a cycle.",
                        unit=link.child_lot_id.display_name,
                        component=link.parent_lot_id.display_name,
                    )
                )

    def _close(self, when=None, document_ref=False):
        """Take components out: close the links and record the removal."""
        when = when or fields.Datetime.now()
        self.write({"date_to": when})
        return self.create(
            [
                {
                    "parent_lot_id": link.parent_lot_id.id,
                    "child_lot_id": link.child_lot_id.id,
                    "link_type": "removed",
                    "quantity": link.quantity,
                    "date_from": when,
                    "date_to": when,
                    "document_ref": document_ref or link.document_ref,
                }
                for link in self
            ]
        )

    # --- recursive queries ----------------------------------------------------------

    @api.model
    def _walk_columns(self, direction, at):
        """``(start, step, active)`` of a walk: the column the walk starts from, the one it
        steps to, and the condition on the links in force at ``at``; the links flushed."""
        self.flush_model()
        if direction == "down":
            return "parent_lot_id", "child_lot_id", _active("g", at)
        return "child_lot_id", "parent_lot_id", _active("g", at)

    def _walk(self, lot_ids, direction, at=None):
        """Every lot reachable from ``lot_ids`` in one direction, in one query.

        :param direction: ``"down"`` (units built from them) or ``"up"`` (components).
        :returns: set of lot ids, the starting ones excluded.
        """
        if not lot_ids:
            return set()
        start, step, active = self._walk_columns(direction, at)
        # UNION (not UNION ALL) deduplicates, which also stops on any cycle.
        query = SQL(
            """
            WITH RECURSIVE reach(lot_id) AS (
                SELECT %(step)s FROM serial_genealogy g
                 WHERE %(start)s = ANY(%(ids)s) AND %(active)s
                 UNION
                SELECT n.lot_id FROM reach r CROSS JOIN LATERAL (%(walk)s) n
            )
            SELECT lot_id FROM reach""",
            step=SQL.identifier("g", step),
            start=SQL.identifier("g", start),
            ids=list(lot_ids),
            active=active,
            walk=self._walk_step_sql(start, step, active),
        )
        rows = self._walk_execute(query)
        return {row[0] for row in rows} - set(lot_ids)

    @api.model
    def _walk_step_sql(self, start, step, active):
        """One step of a walk: the links of one reached lot, by index.

        ``OFFSET 0`` keeps the subquery from being flattened into a join: PostgreSQL
        guesses the size of a recursive step from its first one and then prefers to
        merge-join against the whole link table at every level (seconds on a million
        links) over one index probe per reached lot (milliseconds).
        """
        return SQL(
            "SELECT %s AS lot_id FROM serial_genealogy g WHERE %s = r.lot_id AND %s OFFSET 0",
            SQL.identifier("g", step),
            SQL.identifier("g", start),
            active,
        )

    def _walk_execute(self, query):
        """Run a walk without JIT compilation, which costs more than the walk itself
        (its cost estimate, inflated by the recursion, always triggers it)."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit')")
        jit_on = cr.fetchone()[0] == "on"
        if jit_on:
            cr.execute("SET LOCAL jit = off")
        try:
            cr.execute(query)
            return cr.fetchall()
        finally:
            if jit_on:
                cr.execute("SET LOCAL jit = on")

    @api.model
    def _walk_edges(self, lot_ids, direction, at=None):
        """The links met when walking from ``lot_ids`` in one direction, in one query.

        The same walk as :meth:`_walk`, returning the links themselves so that a tree
        can be drawn: ``(id, parent_lot_id, child_lot_id, quantity, link_type,
        date_from, date_to, document_ref)`` tuples.
        """
        if not lot_ids:
            return []
        start, step, active = self._walk_columns(direction, at)
        query = SQL(
            """
            WITH RECURSIVE reach(lot_id) AS (
                SELECT unnest(%(ids)s::int[])
                 UNION
                SELECT n.lot_id FROM reach r CROSS JOIN LATERAL (%(walk)s) n
            )
            SELECT e.* FROM reach r CROSS JOIN LATERAL (
                SELECT g.id, g.parent_lot_id, g.child_lot_id, g.quantity, g.link_type,
                       g.date_from, g.date_to, g.document_ref
                  FROM serial_genealogy g
                 WHERE %(start)s = r.lot_id AND %(active)s
                OFFSET 0
            ) e
             ORDER BY e.id""",
            ids=list(lot_ids),
            walk=self._walk_step_sql(start, step, active),
            start=SQL.identifier("g", start),
            active=active,
        )
        return self._walk_execute(query)
