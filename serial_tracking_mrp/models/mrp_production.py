from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import OrderedSet

from odoo.addons.serial_tracking.tools import unit_assignment
from odoo.addons.serial_tracking.tools.unit_assignment import Consumed, Row

# Problems listed in one refusal; the rest is counted.
MAX_PROBLEMS = 20


class MrpProduction(models.Model):
    """Per-unit genealogy: which consumed component went into which finished unit.

    Odoo links every consumed line of an order to every finished line, so for an order
    building several serials what is inside each unit is lost. Here the operator says
    it, in a matrix pre-filled by an even split (or by scanning), and completing the
    order records one ``serial.genealogy`` link per unit and component.
    """

    _name = "mrp.production"
    _inherit = ["mrp.production", "barcodes.barcode_events_mixin"]

    serial_assignment_ids = fields.One2many(
        "mrp.serial.assignment",
        "production_id",
        string="Components per Unit",
        copy=False,
    )
    serial_assignment_required = fields.Boolean(
        compute="_compute_serial_assignment_required",
        help="The order builds several serialized units from tracked components: each "
        "consumed component must be assigned to the unit it goes into.",
    )
    serial_consumed_lot_ids = fields.Many2many(
        "stock.lot",
        string="Consumed Serials and Lots",
        compute="_compute_serial_consumed_lot_ids",
    )
    serial_assignment_status = fields.Text(
        string="Assignment Check",
        compute="_compute_serial_assignment_status",
    )
    serial_scan_unit_id = fields.Many2one(
        "stock.lot",
        string="Unit Being Assigned",
        copy=False,
        check_company=True,
        help="Components scanned or typed below go into this unit. Scanning a unit's own "
        "serial selects it.",
    )
    serial_scan = fields.Char(
        string="Scan or Type a Serial",
        store=False,
        help="A finished unit's serial selects the unit; a consumed component's serial or "
        "lot puts it into the selected unit.",
    )
    serial_assignment_edited = fields.Boolean(
        copy=False,
        readonly=True,
        help="Someone changed the matrix. Until then it is the even split and follows the "
        "units and the consumed components by itself.",
    )
    serial_genealogy_recorded = fields.Boolean(copy=False, readonly=True)

    # --- computed ----------------------------------------------------------------

    @api.depends(
        "product_id.tracking",
        "product_qty",
        "lot_producing_ids",
        "move_raw_ids.has_tracking",
        "move_raw_ids.state",
    )
    def _compute_serial_assignment_required(self):
        for production in self:
            production.serial_assignment_required = (
                production.product_id.tracking == "serial"
                and (production.product_qty > 1 or len(production.lot_producing_ids) > 1)
                and any(
                    move.has_tracking != "none" and move.state != "cancel"
                    for move in production.move_raw_ids
                )
            )

    @api.depends("move_raw_ids.move_line_ids.lot_id", "move_raw_ids.move_line_ids.quantity")
    def _compute_serial_consumed_lot_ids(self):
        for production in self:
            lot_ids = OrderedSet(item.lot for item in production._serial_consumed("open"))
            production.serial_consumed_lot_ids = [Command.set(list(lot_ids))]

    @api.depends(
        "serial_assignment_ids.finished_lot_id",
        "serial_assignment_ids.component_lot_id",
        "serial_assignment_ids.quantity",
        "lot_producing_ids",
        "move_raw_ids.move_line_ids.lot_id",
        "move_raw_ids.move_line_ids.quantity",
    )
    def _compute_serial_assignment_status(self):
        for production in self:
            if not production.serial_assignment_required or production.state in ("done", "cancel"):
                production.serial_assignment_status = False
                continue
            if not production._serial_units():
                # nothing to assign to yet: one instruction, not one line per component
                production.serial_assignment_status = self.env._(
                    "No finished serial yet: set the serial numbers of the units to "
                    "produce first (Generate Serials, or Odoo's Lot/Serial Number), then "
                    "assign each consumed component to its unit here (Split Evenly fills "
                    "the table)."
                )
                continue
            problems = production._serial_assignment_problems("open")
            if problems:
                production.serial_assignment_status = "\n".join(
                    production._serial_problem_messages(problems)
                )
            else:
                production.serial_assignment_status = self.env._(
                    "Every consumed component is in a finished unit."
                )

    # --- what is consumed, what is built -----------------------------------------

    def _serial_units(self):
        """The finished serials (or lot) the order is producing."""
        self.ensure_one()
        if self.product_id.tracking == "none":
            return self.env["stock.lot"]
        return self.lot_producing_ids

    def _serial_consumed(self, stage):
        """The tracked components of the order as :class:`Consumed`, in consumption order.

        :param stage: ``"open"``: the lines of the moves still to do (what the matrix
            is edited against); ``"final"``: those that completing the order consumes
            now (picked lines of picked moves, as ``stock.move._action_done`` keeps);
            ``"done"``: the lines consumed.
        """
        self.ensure_one()
        items = []
        moves = self.move_raw_ids.sorted(lambda move: (move.sequence, move.id or 0))
        for move in moves:
            if move.has_tracking == "none" or move.state == "cancel":
                continue
            if (stage == "done") != (move.state == "done"):
                continue
            if stage == "final" and not move.picked:
                continue
            for line in move.move_line_ids.sorted(lambda ml: ml.id or 0):
                if not line.lot_id or line.quantity <= 0:
                    continue
                if stage == "final" and not line.picked:
                    continue
                quantity = line.product_uom_id._compute_quantity(
                    line.quantity, line.product_id.uom_id, round=False
                )
                items.append(
                    Consumed(
                        line.lot_id.id,
                        line.product_id.id,
                        line.product_id.tracking == "serial",
                        quantity,
                    )
                )
        return items

    def _serial_needs(self):
        """``{product id: quantity per unit}`` of the tracked components."""
        self.ensure_one()
        needs = defaultdict(float)
        if not self.product_qty:
            return needs
        for move in self.move_raw_ids:
            if move.has_tracking != "none" and move.state != "cancel":
                needs[move.product_id.id] += move.product_qty / self.product_qty
        return needs

    def _serial_rounding(self):
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        return 10**-digits

    def _serial_rows(self):
        return [
            Row(row.finished_lot_id.id, row.component_lot_id.id, row.quantity)
            for row in self.serial_assignment_ids
        ]

    def _serial_assignment_problems(self, stage):
        self.ensure_one()
        return unit_assignment.check(
            self._serial_units().ids,
            self._serial_consumed(stage),
            self._serial_rows(),
            self._serial_needs(),
            self._serial_rounding(),
        )

    def _serial_problem_messages(self, problems):
        """One sentence per problem, naming the serials, the units and the fix."""
        self.ensure_one()
        lot_ids = set()
        for problem in problems:
            lot_ids.update(
                lot for lot in (problem.lot, problem.unit, *problem.units, *problem.lots) if lot
            )
        lots = self.env["stock.lot"].browse(lot_ids)
        name = {lot.id: lot.name for lot in lots}
        products = {
            product.id: product
            for product in self.env["product.product"].browse(
                {p.product for p in problems if p.product}
            )
        }
        units_text = ", ".join(self._serial_units().mapped("name"))
        messages = []
        for problem in problems[:MAX_PROBLEMS]:
            kind = problem.kind
            product = products.get(problem.product)
            if kind == "unassigned" and not units_text:
                message = self.env._(
                    "%(serial)s is consumed but there is no finished unit to assign it "
                    "to yet: set the serial numbers of the units to produce first.",
                    serial=name[problem.lot],
                )
            elif kind == "unassigned":
                message = self.env._(
                    "%(serial)s is consumed but in no finished unit: assign it to one of "
                    "%(units)s.",
                    serial=name[problem.lot],
                    units=units_text,
                )
            elif kind == "duplicate":
                message = self.env._(
                    "%(serial)s is assigned %(count)s times (%(units)s): a serial goes "
                    "into exactly one unit, once; remove the extra rows.",
                    serial=name[problem.lot],
                    count=f"{problem.assigned:g}",
                    units=", ".join(sorted(name[unit] for unit in problem.units)),
                )
            elif kind == "not_consumed":
                message = self.env._(
                    "%(lot)s is assigned to %(units)s but the order does not consume it: "
                    "remove the row, or consume it in the Components tab.",
                    lot=name[problem.lot],
                    units=", ".join(sorted(name[unit] for unit in problem.units)),
                )
            elif kind == "quantity":
                message = self.env._(
                    "%(lot)s: %(consumed)s %(uom)s consumed but %(assigned)s assigned to "
                    "units; the quantities in the units must add up to what is consumed.",
                    lot=name[problem.lot],
                    consumed=f"{problem.consumed:g}",
                    assigned=f"{problem.assigned:g}",
                    uom=product.uom_id.name,
                )
            elif kind == "unknown_unit" and not units_text:
                message = self.env._(
                    "%(unit)s is not a unit this order produces (%(lots)s assigned to it), "
                    "and the order has no finished serial yet: set the serial numbers of "
                    "the units to produce, then assign the components to them.",
                    unit=name[problem.unit],
                    lots=", ".join(name[lot] for lot in problem.lots),
                )
            elif kind == "unknown_unit":
                message = self.env._(
                    "%(unit)s is not a unit this order produces (%(lots)s assigned to it): "
                    "assign them to one of %(units)s.",
                    unit=name[problem.unit],
                    units=units_text,
                    lots=", ".join(name[lot] for lot in problem.lots),
                )
            elif problem.needed:
                message = self.env._(
                    "%(unit)s has %(assigned)s of the %(needed)s %(product)s it needs: "
                    "assign the missing serial(s) to it.",
                    unit=name[problem.unit],
                    assigned=f"{problem.assigned:g}",
                    needed=f"{problem.needed:g}",
                    product=product.display_name,
                )
            else:
                message = self.env._(
                    "%(unit)s has no %(product)s: assign it some of a consumed lot.",
                    unit=name[problem.unit],
                    product=product.display_name,
                )
            messages.append(message)
        if len(problems) > MAX_PROBLEMS:
            messages.append(self.env._("… and %(count)s more.", count=len(problems) - MAX_PROBLEMS))
        return messages

    # --- the matrix --------------------------------------------------------------

    def action_serial_split_evenly(self):
        """Fill the matrix again: consumed components shared evenly between the units."""
        for production in self:
            if production.state in ("done", "cancel"):
                raise UserError(
                    self.env._(
                        "%(order)s is %(state)s: its components per unit can no longer change.",
                        order=production.name,
                        state=production.state,
                    )
                )
            if not production._serial_units():
                raise UserError(
                    self.env._(
                        "%(order)s: set the serial numbers of the units to produce first, then "
                        "split the components between them.",
                        order=production.name,
                    )
                )
        self._serial_fill_evenly()
        return True

    def _serial_fill_evenly(self, stage="open"):
        filler = self.with_context(serial_assignment_fill=True)
        for production in filler:
            rows = unit_assignment.even_split(
                production._serial_units().ids,
                production._serial_consumed(stage),
                production._serial_rounding(),
            )
            production.serial_assignment_ids.unlink()
            production.write(
                {
                    "serial_assignment_ids": [
                        Command.create(
                            {
                                "finished_lot_id": row.unit,
                                "component_lot_id": row.lot,
                                "quantity": row.quantity,
                                "sequence": index,
                            }
                        )
                        for index, row in enumerate(rows)
                    ],
                    "serial_assignment_edited": False,
                }
            )

    def _serial_refresh_split(self, stage="open"):
        """Keep an untouched even split in line with the units and what is consumed."""
        self.filtered(
            lambda p: (
                p.state not in ("done", "cancel")
                and p.serial_assignment_required
                and len(p._serial_units()) > 1
                and not p.serial_assignment_edited
            )
        )._serial_fill_evenly(stage)

    def write(self, vals):
        if "serial_assignment_ids" in vals and not self.env.context.get("serial_assignment_fill"):
            vals = dict(vals, serial_assignment_edited=True)  # edited in the form
        result = super().write(vals)
        if {"lot_producing_ids", "qty_producing"} & set(
            vals
        ) and "serial_assignment_ids" not in vals:
            self._serial_refresh_split()
        return result

    def set_qty_producing(self):
        result = super().set_qty_producing()
        self._serial_refresh_split()
        return result

    # --- numbering -----------------------------------------------------------------

    def action_open_serial_generate_wizard(self):
        """Generate (count, paste or upload) the serials of the units to produce."""
        self.ensure_one()
        action = self.env["serial.generate.wizard"]._action_open(product=self.product_id)
        action["context"] = dict(action["context"], default_production_id=self.id)
        return action

    def _serial_set_producing(self, lots):
        """Produce these new serials too: they join the serials to produce, and the
        quantity to produce follows (Odoo then makes the finished move lines)."""
        self.ensure_one()
        self.lot_producing_ids = [Command.link(lot_id) for lot_id in lots.ids]
        self.qty_producing = self.product_id.uom_id._compute_quantity(
            len(self.lot_producing_ids), self.product_uom_id, rounding_method="HALF-UP"
        )
        self.set_qty_producing()

    def _prepare_stock_lot_values(self):
        """Odoo's "Generate Serial" on the order: the rule's next number, when the
        finished product has a numbering rule with a pattern."""
        self.ensure_one()
        names = self.env["serial.numbering"]._next_names(
            self.product_id, 1, warehouse=self.picking_type_id.warehouse_id or None
        )
        if names:
            return {"product_id": self.product_id.id, "name": names[0]}
        return super()._prepare_stock_lot_values()

    # --- scanning ----------------------------------------------------------------

    @api.onchange("serial_scan")
    def _onchange_serial_scan(self):
        code = (self.serial_scan or "").strip()
        if code:
            self.serial_scan = False
            return self._serial_scan(code)
        return None

    def on_barcode_scanned(self, barcode):
        return self._serial_scan(barcode.strip())

    def _serial_scan(self, code):
        """A unit's serial selects the unit; a component's serial goes into it."""
        unit = self._serial_units().filtered(lambda lot: lot.name == code)[:1]
        if unit:
            self.serial_scan_unit_id = unit
            return None
        consumed = self._serial_consumed("open")
        lots = self.env["stock.lot"].browse(OrderedSet(item.lot for item in consumed))
        component = lots.filtered(lambda lot: lot.name == code)[:1]
        if not component:
            return self._serial_scan_warning(
                self.env._(
                    "%(code)s is neither a unit this order produces nor a component it "
                    "consumes. Check the number, or add the component in the Components tab "
                    "first.",
                    code=code,
                )
            )
        target = self.serial_scan_unit_id
        if not target:
            return self._serial_scan_warning(
                self.env._(
                    "Scan or choose the finished unit first, then its components (%(code)s "
                    "was not assigned).",
                    code=code,
                )
            )
        rows = self.serial_assignment_ids.filtered(lambda row: row.component_lot_id == component)
        if component.product_id.tracking == "serial":
            if rows:
                rows[:1].finished_lot_id = target
                rows[:1].quantity = 1.0
                if len(rows) > 1:
                    self.serial_assignment_ids -= rows[1:]
                return None
            self.serial_assignment_ids = [
                Command.create(
                    {
                        "finished_lot_id": target.id,
                        "component_lot_id": component.id,
                        "quantity": 1.0,
                    }
                )
            ]
            return None
        consumed_qty = sum(item.quantity for item in consumed if item.lot == component.id)
        remaining = consumed_qty - sum(rows.mapped("quantity"))
        if remaining <= self._serial_rounding() / 2:
            return self._serial_scan_warning(
                self.env._(
                    "All of %(lot)s is already assigned: change its quantities in the table "
                    "to give %(unit)s some.",
                    lot=component.name,
                    unit=target.name,
                )
            )
        self.serial_assignment_ids = [
            Command.create(
                {
                    "finished_lot_id": target.id,
                    "component_lot_id": component.id,
                    "quantity": remaining,
                }
            )
        ]
        return None

    def _serial_scan_warning(self, message):
        return {"warning": {"title": self.env._("Scan"), "message": message}}

    # --- completion ----------------------------------------------------------------

    def _post_inventory(self, cancel_backorder=False):
        self._serial_refresh_split("final")
        # Refuse before any stock moves: nothing of the order is written.
        self._serial_check_assignment()
        return super()._post_inventory(cancel_backorder=cancel_backorder)

    def _serial_check_assignment(self):
        messages = []
        for production in self:
            if len(production._serial_units()) <= 1:
                continue  # a single unit gets every component automatically
            problems = production._serial_assignment_problems("final")
            if problems:
                messages.append(
                    self.env._(
                        "%(order)s cannot be completed until every consumed serial is in "
                        "exactly one finished unit and every unit has its tracked components "
                        "(tab Components per Unit; Split Evenly fills it):",
                        order=production.name,
                    )
                )
                messages += [f"- {line}" for line in production._serial_problem_messages(problems)]
        if messages:
            raise UserError("\n".join(messages))

    def button_mark_done(self):
        result = super().button_mark_done()
        # Also reached through Odoo's own recursive calls (backorders): record once.
        self.filtered(
            lambda p: p.state == "done" and not p.serial_genealogy_recorded
        )._serial_record_genealogy()
        return result

    def _serial_finished_lots(self):
        self.ensure_one()
        moves = self.move_finished_ids.filtered(
            lambda move: move.product_id == self.product_id and move.state == "done"
        )
        return moves.move_line_ids.filtered(lambda line: line.quantity > 0).lot_id

    def _serial_record_genealogy(self):
        """One ``built_in`` link per finished unit and component, dated when done."""
        vals_list = []
        for production in self:
            units = production._serial_finished_lots()
            if len(units) == 1:
                rows = [
                    Row(units.id, item.lot, item.quantity)
                    for item in production._serial_consumed("done")
                ]
            else:
                rows = [row for row in production._serial_rows() if row.unit in units.ids]
            totals = defaultdict(float)
            for row in rows:
                if row.unit != row.lot:  # a rework order consumes and produces one serial
                    totals[row.unit, row.lot] += row.quantity
            when = production.date_finished or fields.Datetime.now()
            vals_list += [
                {
                    "parent_lot_id": lot_id,
                    "child_lot_id": unit_id,
                    "link_type": "built_in",
                    "quantity": quantity,
                    "date_from": when,
                    "document_ref": production.name,
                }
                for (unit_id, lot_id), quantity in totals.items()
            ]
        # Links are history written by the system, whoever completes the order.
        self.env["serial.genealogy"].sudo().create(vals_list)
        self.write({"serial_genealogy_recorded": True})

    def _serial_units_of(self, lot):
        """The finished units a consumed component goes into."""
        self.ensure_one()
        units = self._serial_units()
        if len(units) <= 1:
            return units
        return self.serial_assignment_ids.filtered(
            lambda row: row.component_lot_id == lot
        ).finished_lot_id
