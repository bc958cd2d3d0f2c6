import time
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import lifecycle, ranges
from ..tools import recall as recall_tools
from . import tools_messages

# Up to this many units to act on, activation runs in the request; above, in the cron.
SYNC_LIMIT = 1000
# Units per cron step (one commit each).
BATCH_SIZE = 2000
# Offending serials named in one message.
MAX_NAMED = 20
# From this many units written at once, the unit table's statistics are refreshed.
ANALYZE_MIN = 10000
# Context value that lets the campaign's own steps write its state and results. A client
# can send any context key over RPC, but not this object.
RECALL_WRITE = object()
# Fields only the campaign's steps write (the action methods, under RECALL_WRITE).
_STEP_FIELDS = frozenset(
    {
        "state",
        "unit_ids",
        "simulation_ids",
        "simulation_date",
        "simulation_changes",
        "activation_date",
        "close_date",
        "close_reason",
        "activation_total",
    }
)
# A campaign's states, in the order it goes through them.
STATES = [
    ("draft", "Draft"),
    ("simulated", "Simulated"),
    ("active", "Active"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# The states a campaign may go to from each state: an active or closed one never goes back.
_NEXT_STATES = {
    "draft": {"simulated", "cancelled"},
    "simulated": {"simulated", "active", "cancelled"},
    "active": {"closed"},
    "closed": set(),
    "cancelled": {"draft"},
}

# The dashboard field counting the units at each place (see recall_tools.place_of); the
# units of each status are counted in "<status>_count".
_PLACE_FIELDS = {
    recall_tools.IN_STOCK: "in_stock_count",
    recall_tools.ALLOCATED: "allocated_count",
    recall_tools.IN_QUARANTINE: "in_quarantine_count",
    recall_tools.IN_PRODUCTION: "production_count",
    recall_tools.CONSUMED: "consumed_count",
    recall_tools.AT_CUSTOMER: "customer_unit_count",
    recall_tools.IN_REPAIR: "repair_count",
    recall_tools.SCRAPPED: "scrapped_count",
    recall_tools.GONE: "gone_count",
}


class SerialRecall(models.Model):
    """A recall campaign: which serials, where they are, and what was done about them."""

    _name = "serial.recall"
    _description = "Recall Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        default=lambda self: self.env._("New"),
    )
    reference = fields.Char(
        help="The supplier's or authority's reference of the recall.", tracking=True
    )
    reason = fields.Text(required=True, help="Why the units are recalled.")
    severity = fields.Selection(
        recall_tools.SEVERITIES, required=True, default="medium", tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda s: s.env.user,
        tracking=True,
        check_company=True,
    )
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    # --- criteria (combined with AND; several values of one criterion with OR) ----------
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        domain=[("tracking", "=", "serial")],
        check_company=True,
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "serial_recall_lot_rel",
        "recall_id",
        "lot_id",
        string="Serials",
        check_company=True,
    )
    serial_ranges = fields.Text(help="Ranges of serial numbers, e.g. SN0001-SN0100; SN0200")
    component_lot_ids = fields.Many2many(
        "stock.lot",
        "serial_recall_component_rel",
        "recall_id",
        "lot_id",
        string="Component Lots/Serials",
        check_company=True,
        help="Every unit that contains one of these, at any depth, is affected.",
    )
    supplier_ids = fields.Many2many(
        "res.partner",
        "serial_recall_supplier_rel",
        "recall_id",
        "partner_id",
        string="Suppliers",
        help="Units received from these suppliers.",
    )
    supplier_date_from = fields.Datetime(string="Received From")
    supplier_date_to = fields.Datetime(string="Received Until")
    date_from = fields.Datetime(string="Produced/Received From")
    date_to = fields.Datetime(string="Produced/Received Until")
    # --- result ---------------------------------------------------------------------
    unit_ids = fields.One2many(
        "serial.recall.unit", "recall_id", string="Affected Units", readonly=True
    )
    simulation_ids = fields.One2many(
        "serial.recall.simulation", "recall_id", string="Simulations", readonly=True
    )
    simulation_date = fields.Datetime(readonly=True, copy=False)
    simulation_changes = fields.Text(
        string="Changes Since Previous Simulation", readonly=True, copy=False
    )
    activation_date = fields.Datetime(readonly=True, copy=False)
    close_date = fields.Datetime(readonly=True, copy=False)
    close_reason = fields.Text(readonly=True, copy=False)
    activation_total = fields.Integer(readonly=True, copy=False)
    # --- dashboard ------------------------------------------------------------------
    # where the units are now (their current state and location, not the simulation's)
    unit_count = fields.Integer(compute="_compute_figures", string="Units")
    in_stock_count = fields.Integer(compute="_compute_figures", string="In Stock")
    allocated_count = fields.Integer(compute="_compute_figures", string="Allocated")
    in_quarantine_count = fields.Integer(compute="_compute_figures", string="In Quarantine")
    production_count = fields.Integer(compute="_compute_figures", string="In Production")
    consumed_count = fields.Integer(compute="_compute_figures", string="Consumed")
    customer_unit_count = fields.Integer(compute="_compute_figures", string="At Customers")
    repair_count = fields.Integer(compute="_compute_figures", string="In Repair")
    scrapped_count = fields.Integer(compute="_compute_figures", string="Scrapped")
    gone_count = fields.Integer(compute="_compute_figures", string="Gone")
    customer_count = fields.Integer(compute="_compute_figures", string="Customers")
    # what the campaign did about them (their recall status)
    pending_count = fields.Integer(compute="_compute_figures", string="Pending")
    notified_count = fields.Integer(
        compute="_compute_figures",
        string="Notified",
        help="Units at customers whose customer was e-mailed about the recall; they are "
        "still out, so not under control.",
    )
    quarantined_count = fields.Integer(compute="_compute_figures", string="Quarantined")
    recovered_count = fields.Integer(compute="_compute_figures", string="Recovered")
    released_count = fields.Integer(compute="_compute_figures", string="Released")
    destroyed_count = fields.Integer(compute="_compute_figures", string="Destroyed")
    unreachable_count = fields.Integer(compute="_compute_figures", string="Unreachable")
    under_control_count = fields.Integer(
        compute="_compute_figures",
        string="Under Control",
        help="Units quarantined, recovered, released or destroyed.",
    )
    reachable_count = fields.Integer(
        compute="_compute_figures",
        string="Reachable",
        help="Affected units, except those marked unreachable.",
    )
    recovery_rate = fields.Float(
        compute="_compute_figures",
        string="Under Control (%)",
        digits=(16, 1),
        help="Share of the reachable units under control: quarantined, recovered, "
        "released or destroyed.",
    )
    still_at_customer_count = fields.Integer(
        compute="_compute_figures", string="Still at Customers"
    )
    outside_quarantine_count = fields.Integer(
        compute="_compute_figures",
        string="In Stock outside Quarantine",
        help="Open units sitting in our stock outside a quarantine location: zero once "
        "activation is complete.",
    )
    error_count = fields.Integer(compute="_compute_figures", string="Activation Errors")
    todo_count = fields.Integer(compute="_compute_figures", string="Still to Process")
    activation_progress = fields.Float(
        compute="_compute_figures", digits=(16, 1), string="Activation Progress (%)"
    )
    next_step = fields.Html(
        compute="_compute_next_step",
        sanitize=True,
        help="What the campaign needs next, and who does it.",
    )

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "A recall number is unique per company."
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager_state({vals.get("state") for vals in vals_list})
        for vals in vals_list:
            forged = sorted(
                field
                for field in _STEP_FIELDS & set(vals)
                if not (field == "state" and vals[field] == "draft")
            )
            if forged:
                raise UserError(
                    self.env._(
                        "A new recall starts as a draft; %(fields)s follow its steps "
                        "(Simulate, Activate, Close, Cancel) and cannot be given.",
                        fields=", ".join(forged),
                    )
                )
        placeholders = {"/", self.env._("New"), "New"}
        for vals in vals_list:
            if vals.get("name") in placeholders or not vals.get("name"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("serial.recall")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_manager_state({vals.get("state")})
        self._check_step_write(vals)
        criteria = {
            "product_ids",
            "lot_ids",
            "serial_ranges",
            "supplier_ids",
            "supplier_date_from",
            "supplier_date_to",
            "date_from",
            "date_to",
            "component_lot_ids",
            "company_id",
        }
        if criteria & set(vals):
            started = self.filtered(lambda r: r.state not in ("draft", "simulated"))
            if started:
                raise UserError(
                    self.env._(
                        "%(recall)s is %(state)s: its criteria can no longer change. Create a new "
                        "recall for other units.",
                        **started[0]._state_params(),
                    )
                )
        return super().write(vals)

    def _check_step_write(self, vals):
        """State and results change only through the campaign's steps, and an active or
        closed campaign never goes back, whoever asks."""
        steps = _STEP_FIELDS & set(vals)
        if "name" in vals and any(recall.name != vals["name"] for recall in self):
            steps.add("name")
        if not steps:
            return
        if self.env.context.get("serial_recall_write") is not RECALL_WRITE:
            raise UserError(
                self.env._(
                    "%(recalls)s: %(fields)s change only through the recall's buttons "
                    "(Simulate, Activate, Close, Cancel).",
                    recalls=", ".join(self[:5].mapped("name")),
                    fields=", ".join(sorted(steps)),
                )
            )
        state = vals.get("state")
        wrong = self.filtered(
            lambda r: state and state != r.state and state not in _NEXT_STATES[r.state]
        )
        if wrong:
            raise UserError(
                self.env._(
                    "%(recall)s is %(state)s: it cannot go to %(target)s.",
                    **wrong[0]._state_params(),
                    target=state,
                )
            )

    def _state_params(self):
        """The ``recall`` and ``state`` named by a refusal of this campaign in its state."""
        self.ensure_one()
        return {"recall": self.name, "state": self.state}

    def _steps(self):
        """These campaigns, allowed to write their state and results."""
        return self.with_context(serial_recall_write=RECALL_WRITE)

    def _check_manager_state(self, states):
        """Users may draft, simulate and cancel campaigns; only a manager (or the cron)
        puts one in force or ends it, whichever path (button, RPC ``write``) is taken."""
        if (
            states & {"active", "closed"}
            and not self.env.su
            and not self.env.user.has_group("serial_tracking.group_serial_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only a Serial Tracking Manager may activate or close a recall; ask a manager."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for recall in self:
            if recall.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "%(recall)s is %(state)s and stays on record; cancel it (before "
                        "activation) or close it.",
                        **recall._state_params(),
                    )
                )

    # --- dashboard ------------------------------------------------------------------

    @api.depends(
        "unit_ids.status",
        "unit_ids.bucket",
        "unit_ids.todo",
        "unit_ids.lot_id.lifecycle_state",
        "unit_ids.lot_id.location_id",
    )
    def _compute_figures(self):
        rows = self._figure_rows()
        for recall in self:
            units = rows.get(recall.id, [])
            figures = recall_tools.dashboard(
                (b, s, q) for b, s, q, _l, _p, _t, _e, count in units for _n in range(count)
            )
            by_place = defaultdict(int)
            todo = errors = 0
            customers = set()
            for bucket, _status, quarantine, state, partner_id, is_todo, error, count in units:
                place = recall_tools.place_of(bucket, state, quarantine)
                by_place[place] += count
                todo += count if is_todo else 0
                errors += count if error else 0
                if partner_id and place == recall_tools.AT_CUSTOMER:
                    customers.add(partner_id)
            recall.update(
                {field: by_place[place] for place, field in _PLACE_FIELDS.items()}
                | {f"{status}_count": count for status, count in figures["by_status"].items()}
                | {
                    "unit_count": figures["total"],
                    "customer_count": len(customers),
                    "under_control_count": figures["under_control"],
                    "reachable_count": figures["reachable"],
                    "recovery_rate": figures["recovery_rate"],
                    "still_at_customer_count": figures["at_customer"],
                    "outside_quarantine_count": figures["in_stock_outside_quarantine"],
                    "error_count": errors,
                    "todo_count": todo,
                    "activation_progress": (
                        100.0 * (recall.activation_total - todo) / recall.activation_total
                        if recall.activation_total
                        else (100.0 if recall.state != "draft" else 0.0)
                    ),
                }
            )

    @api.depends(
        "state",
        "unit_count",
        "todo_count",
        "error_count",
        "pending_count",
        "notified_count",
        "quarantined_count",
        "still_at_customer_count",
        "in_stock_count",
        "allocated_count",
        "customer_count",
    )
    def _compute_next_step(self):
        for recall in self:
            steps = recall._next_steps()
            recall.next_step = (
                Markup("<ul class='mb-0'>%s</ul>")
                % Markup("").join(Markup("<li>%s</li>") % step for step in steps)
                if steps
                else False
            )

    def _next_steps(self):
        """What the campaign needs next, in the order to do it, each saying who does
        what and with which button."""
        self.ensure_one()
        if self.state == "draft":
            return [
                self.env._(
                    "Set the criteria below, then press Simulate to see where the affected "
                    "units are. Simulating changes nothing."
                )
            ]
        if self.state == "simulated":
            return [
                self.env._(
                    "Check the affected units below. Then a Serial Tracking Manager presses "
                    "Activate: the %(stock)s unit(s) in stock go to quarantine (their "
                    "reservations are cancelled) and the %(customers)s customer(s) holding "
                    "units are notified.",
                    stock=self.in_stock_count + self.allocated_count,
                    customers=self.customer_count,
                )
            ]
        if self.state != "active":
            return []
        if self.todo_count:
            return [
                self.env._(
                    "Activation runs in the background: %(count)s unit(s) still to process. "
                    "Reload the page to follow it.",
                    count=self.todo_count,
                )
            ]
        steps = []
        if self.error_count:
            steps.append(
                self.env._(
                    "%(count)s unit(s) could not be dealt with: open Errors to see why, then "
                    "quarantine them with Change State or give them a status with Change "
                    "Status.",
                    count=self.error_count,
                )
            )
        if self.still_at_customer_count:
            steps.append(
                self.env._(
                    "%(count)s unit(s) are still at customers (%(notified)s of them notified by "
                    "e-mail): a unit that comes back through a return is marked Recovered by "
                    "itself; mark those you cannot get back Unreachable (Affected Units, Change "
                    "Status, with a reason).",
                    count=self.still_at_customer_count,
                    notified=self.notified_count,
                )
            )
        if self.quarantined_count:
            steps.append(
                self.env._(
                    "%(count)s unit(s) wait in quarantine: inspect them, then release the good "
                    "ones (Affected Units, Change Status) and scrap the others (Change State, "
                    "Scrap: they become Destroyed).",
                    count=self.quarantined_count,
                )
            )
        if not steps and self.pending_count:
            steps.append(
                self.env._(
                    "%(count)s unit(s) are still pending: give each a status (Affected Units, "
                    "Change Status), or Close the recall with a reason.",
                    count=self.pending_count,
                )
            )
        if not steps:
            steps.append(self.env._("Every unit is dealt with: Close the recall."))
        return steps

    def _figure_rows(self):
        """``{recall_id: [(bucket, status, in_quarantine, lifecycle_state, partner_id,
        todo, has_error, count)]}``: the units grouped by everything the dashboard
        counts, with where each serial is now."""
        ids = [rid for rid in self.ids if rid]
        if not ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT u.recall_id, u.bucket, u.status,
                      COALESCE(loc.serial_quarantine, FALSE), lot.lifecycle_state,
                      CASE WHEN lot.lifecycle_state = %s THEN lot.current_partner_id END,
                      u.todo, u.activation_error IS NOT NULL, count(*)
                 FROM serial_recall_unit u
                 JOIN stock_lot lot ON lot.id = u.lot_id
            LEFT JOIN stock_location loc ON loc.id = lot.location_id
                WHERE u.recall_id = ANY(%s)
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8""",
            [lifecycle.SHIPPED, ids],
        )
        rows = defaultdict(list)
        for recall_id, *group in self.env.cr.fetchall():
            rows[recall_id].append(tuple(group))
        return rows

    # --- criteria -------------------------------------------------------------------

    def _criteria(self):
        self.ensure_one()
        return {
            "product_ids": self.product_ids.ids,
            "lot_ids": self.lot_ids.ids,
            "serial_ranges": self.serial_ranges or "",
            "supplier_ids": self.supplier_ids.ids,
            "supplier_date_from": self.supplier_date_from,
            "supplier_date_to": self.supplier_date_to,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "component_lot_ids": self.component_lot_ids.ids,
        }

    def _criteria_text(self):
        self.ensure_one()
        parts = []
        if self.product_ids:
            parts.append(
                self.env._("Products: %s", ", ".join(self.product_ids.mapped("display_name")))
            )
        if self.lot_ids:
            parts.append(self.env._("Serials: %s", ", ".join(self.lot_ids.mapped("name"))))
        if self.serial_ranges:
            parts.append(self.env._("Ranges: %s", self.serial_ranges))
        if self.supplier_ids:
            parts.append(
                self.env._(
                    "Received from %(suppliers)s between %(start)s and %(end)s",
                    suppliers=", ".join(self.supplier_ids.mapped("display_name")),
                    start=self.supplier_date_from or "-",
                    end=self.supplier_date_to or "-",
                )
            )
        if self.date_from or self.date_to:
            parts.append(
                self.env._(
                    "Produced or received between %(start)s and %(end)s",
                    start=self.date_from or "-",
                    end=self.date_to or "-",
                )
            )
        if self.component_lot_ids:
            parts.append(
                self.env._("Containing: %s", ", ".join(self.component_lot_ids.mapped("name")))
            )
        return "\n".join(parts)

    def _check_criteria(self):
        self.ensure_one()
        problems = [
            tools_messages.translate(self.env, problem)
            for problem in recall_tools.check_criteria(self._criteria())
        ]
        if self.serial_ranges:
            try:
                ranges.parse_range_expression(self.serial_ranges, limit=None)
            except ranges.RangeError as error:
                problems.append(
                    self.env._(
                        "Serial ranges: %(error)s. Write ranges as SN0001-SN0100; SN0200.",
                        error=tools_messages.translate(self.env, error),
                    )
                )
        if problems:
            raise UserError(
                self.env._(
                    "%(recall)s cannot be simulated:\n%(problems)s",
                    recall=self.name,
                    problems="\n".join(problems),
                )
            )

    def _affected_sql(self):
        """``(with_clause, select)``: SQL selecting the serials that match every
        criterion, as ``(id, product_id, lifecycle_state, current_partner_id,
        location_id)`` rows; ``with_clause`` (empty, or a CTE followed by a comma)
        goes in front of the statement."""
        self.ensure_one()
        where = [
            SQL("pt.tracking = 'serial'"),
            SQL("(lot.company_id = %s OR lot.company_id IS NULL)", self.company_id.id),
        ]
        if self.product_ids:
            where.append(SQL("lot.product_id = ANY(%s)", self.product_ids.ids))
        if self.lot_ids:
            where.append(SQL("lot.id = ANY(%s)", self.lot_ids.ids))
        if self.serial_ranges:
            where.append(self._ranges_sql())
        if self.supplier_ids:
            where.append(
                SQL(
                    """lot.id IN (SELECT e.lot_id FROM serial_event e
                               JOIN res_partner p ON p.id = e.partner_id
                              WHERE e.event_type = 'received'
                                AND p.commercial_partner_id = ANY(%(suppliers)s)
                                AND e.date >= %(supplier_from)s
                                AND e.date <= %(supplier_to)s)""",
                    suppliers=self.supplier_ids.commercial_partner_id.ids,
                    supplier_from=self.supplier_date_from
                    or fields.Datetime.to_datetime("1900-01-01"),
                    supplier_to=self.supplier_date_to or fields.Datetime.to_datetime("9999-12-31"),
                )
            )
        if self.date_from or self.date_to:
            where.append(
                SQL(
                    """lot.id IN (SELECT e.lot_id FROM serial_event e
                              WHERE e.event_type IN ('received', 'produced', 'found')
                                AND e.date >= %(window_from)s AND e.date <= %(window_to)s)""",
                    window_from=self.date_from or fields.Datetime.to_datetime("1900-01-01"),
                    window_to=self.date_to or fields.Datetime.to_datetime("9999-12-31"),
                )
            )
        with_clause = SQL()
        lots = SQL("stock_lot lot")
        if self.component_lot_ids:
            # the component lots and every unit containing them, at any depth, walked in
            # the same statement (the same index-probing walk as serial.genealogy._walk)
            # and read back one primary key probe per reached lot (forced by OFFSET 0):
            # PostgreSQL cannot estimate a recursive result, and would otherwise scan or
            # hash the whole lot table
            genealogy = self.env["serial.genealogy"]
            genealogy.flush_model()
            active = SQL("g.link_type != 'removed' AND g.date_to IS NULL")
            with_clause = SQL(
                """
                reach(lot_id) AS (
                    SELECT unnest(%s::int[])
                     UNION
                    SELECT n.lot_id FROM reach r CROSS JOIN LATERAL (%s) n
                ),""",
                self.component_lot_ids.ids,
                genealogy._walk_step_sql("parent_lot_id", "child_lot_id", active),
            )
            lots = SQL("""reach CROSS JOIN LATERAL (
                         SELECT * FROM stock_lot reached WHERE reached.id = reach.lot_id
                         OFFSET 0) lot""")
        select = SQL(
            """
            SELECT lot.id, lot.product_id, lot.lifecycle_state, lot.current_partner_id,
                   lot.location_id
              FROM %s
              JOIN product_product pp ON pp.id = lot.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE %s""",
            lots,
            SQL(" AND ").join(where),
        )
        return with_clause, select

    def _ranges_sql(self):
        """SQL matching ``stock_lot.name`` against the recall's serial ranges."""
        parsed = ranges.parse_range_expression(self.serial_ranges, limit=None)
        clauses = []
        verbatim = []
        for serial_range in ranges.merge_ranges(parsed):
            parts = recall_tools.range_sql_parts(serial_range)
            if parts is None:
                verbatim.append(serial_range.prefix)
                continue
            prefix, width, suffix, start, end = parts
            counter = SQL("substr(lot.name, %s + 1, %s)", len(prefix), width)
            clauses.append(
                SQL(
                    """(length(lot.name) = %(length)s
                     AND left(lot.name, %(prefix_length)s) = %(prefix)s
                     AND right(lot.name, %(suffix_length)s) = %(suffix)s
                     AND (CASE WHEN %(counter)s ~ '^[0-9]+$'
                               THEN %(counter)s::numeric END)
                         BETWEEN %(start)s AND %(end)s)""",
                    length=len(prefix) + width + len(suffix),
                    prefix_length=len(prefix),
                    prefix=prefix,
                    suffix_length=len(suffix),
                    suffix=suffix,
                    counter=counter,
                    start=start,
                    end=end,
                )
            )
        if verbatim:
            clauses.append(SQL("lot.name = ANY(%s)", verbatim))
        return SQL("(%s)", SQL(" OR ").join(clauses))

    # --- simulation -----------------------------------------------------------------

    def action_simulate(self):
        for recall in self:
            if recall.state not in ("draft", "simulated"):
                raise UserError(
                    self.env._(
                        "%(recall)s is %(state)s: only a draft or simulated recall can be "
                        "simulated.",
                        **recall._state_params(),
                    )
                )
            recall._check_criteria()
            recall._simulate()
        return True

    def _simulate(self):
        """Replace the affected units with the current facts and store the counts."""
        self.ensure_one()
        started = time.perf_counter()
        written = self._write_units()
        if not written["total"]:
            raise UserError(
                self.env._(
                    "%(recall)s: no serial matches these criteria (%(criteria)s). Widen the "
                    "criteria: check the products, ranges and date windows.",
                    recall=self.name,
                    criteria=self._criteria_text().replace("\n", "; "),
                )
            )
        summary = self._summary(written["groups"])
        previous = self.simulation_ids[:1]
        changes = (
            self.env["serial.recall.simulation"]._changes_text(previous.summary, summary)
            if previous
            else False
        )
        # users read simulations; only this step stores one (the recall's access was checked)
        self.env["serial.recall.simulation"].sudo().create(
            {
                "recall_id": self.id,
                "criteria": {
                    key: value if not hasattr(value, "isoformat") else value.isoformat()
                    for key, value in self._criteria().items()
                },
                "criteria_text": self._criteria_text(),
                "summary": summary,
                "total": written["total"],
                "changes_text": changes,
                "duration": time.perf_counter() - started,
            }
        )
        self._steps().write(
            {
                "state": "simulated",
                "simulation_date": fields.Datetime.now(),
                "simulation_changes": changes,
            }
        )
        return summary

    def _write_units(self):
        """Make the recall's units match today's facts, in one statement run inside the
        database: select the affected serials, bucket them (the rules of
        ``tools.recall``, as SQL), then delete, update and insert only the differences.

        A re-simulation usually finds most units where they were, and each row written
        costs index entries and foreign key checks; a first simulation of 100,000 units
        spends most of its time there, so nothing travels through Python.

        :returns: ``{"total", "added", "changed", "removed", "groups"}`` where ``groups``
            holds ``(bucket, product_id, partner_id, count)`` rows.
        """
        self.ensure_one()
        self.env.flush_all()
        now = fields.Datetime.now()
        with_clause, select = self._affected_sql()
        # the bucket and status rules as SQL expressions of constants (tools.recall)
        bucket = SQL(
            recall_tools.bucket_sql(
                "f.state", "f.picking_id IS NOT NULL", "f.parent_lot_id IS NOT NULL"
            )
        )
        status = SQL(recall_tools.initial_status_sql("b.bucket", "b.state", "b.in_quarantine"))
        # Set-wise joins on the affected lots (each a hash join or one index probe per
        # lot), rather than per-lot subqueries: on 100,000 lots, the per-row machinery
        # of a lateral subquery costs more than the lookups themselves.
        diff, only_new, diff_counts = self._units_diff_sql(now)
        query = SQL(
            """
            WITH RECURSIVE %(with_clause)s
            lots(id, product_id, state, current_partner_id, location_id) AS MATERIALIZED (
                %(select)s
            ),
            reserved AS (
                SELECT DISTINCT ON (ml.lot_id) ml.lot_id, ml.picking_id
                  FROM lots
                  JOIN stock_move_line ml ON ml.lot_id = lots.id
                  JOIN stock_move m ON m.id = ml.move_id
                  JOIN stock_location dest ON dest.id = m.location_dest_id
             LEFT JOIN stock_picking_type spt ON spt.id = m.picking_type_id
                 WHERE lots.state = ANY(%(reservable)s) AND ml.quantity > 0
                   AND m.state NOT IN ('done', 'cancel', 'draft')
                   AND (spt.code = 'outgoing' OR dest.usage = 'customer')
              ORDER BY ml.lot_id, ml.id
            ),
            shipped AS (
                SELECT DISTINCT ON (ml.lot_id) ml.lot_id, ml.picking_id
                  FROM lots
                  JOIN stock_move_line ml ON ml.lot_id = lots.id
                  JOIN stock_location dest ON dest.id = ml.location_dest_id
                 WHERE lots.state = %(shipped)s AND ml.state = 'done'
                   AND ml.picking_id IS NOT NULL AND dest.usage = 'customer'
              ORDER BY ml.lot_id, ml.date DESC, ml.id DESC
            ),
            built AS (
                SELECT DISTINCT ON (g.parent_lot_id) g.parent_lot_id AS lot_id,
                       g.child_lot_id
                  FROM lots
                  JOIN serial_genealogy g ON g.parent_lot_id = lots.id
                 WHERE lots.state = %(consumed)s AND g.link_type != 'removed'
                   AND g.date_to IS NULL
              ORDER BY g.parent_lot_id, g.date_from DESC, g.id DESC
            ),
            facts AS (
                SELECT lots.id AS lot_id, lots.product_id, lots.state,
                       lots.current_partner_id, lots.location_id,
                       COALESCE(loc.serial_quarantine, FALSE) AS in_quarantine,
                       reserved.picking_id, shipped.picking_id AS shipped_picking_id,
                       built.child_lot_id AS parent_lot_id
                  FROM lots
             LEFT JOIN stock_location loc ON loc.id = lots.location_id
             LEFT JOIN reserved ON reserved.lot_id = lots.id
             LEFT JOIN shipped ON shipped.lot_id = lots.id
             LEFT JOIN built ON built.lot_id = lots.id
            ),
            bucketed AS (
                SELECT f.*, %(bucket)s AS bucket FROM facts f
            ),
            units AS MATERIALIZED (
                SELECT b.lot_id, b.product_id, b.bucket, %(status)s AS status,
                       CASE WHEN b.bucket = %(at_customer)s
                            THEN b.current_partner_id END AS partner_id,
                       b.parent_lot_id,
                       CASE WHEN b.bucket = ANY(%(our_stock)s)
                            THEN b.location_id END AS location_id,
                       CASE WHEN b.bucket = %(at_customer)s THEN b.shipped_picking_id
                            ELSE b.picking_id END AS picking_id
                  FROM bucketed b
            ),
            %(diff)s
            added AS (
                INSERT INTO serial_recall_unit (recall_id, lot_id, bucket, status,
                       partner_id, parent_lot_id, location_id, picking_id, create_date,
                       write_date)
                SELECT %(recall)s, n.lot_id, n.bucket, n.status, n.partner_id,
                       n.parent_lot_id, n.location_id, n.picking_id, %(now)s, %(now)s
                  FROM units n
                 %(only_new)s
             RETURNING 1
            )
            SELECT n.bucket, n.product_id, n.partner_id, count(*),
                   (SELECT count(*) FROM added), %(diff_counts)s
              FROM units n
          GROUP BY 1, 2, 3""",
            with_clause=with_clause,
            select=select,
            bucket=bucket,
            status=status,
            diff=diff,
            only_new=only_new,
            diff_counts=diff_counts,
            recall=self.id,
            now=now,
            reservable=sorted(recall_tools.RESERVABLE_STATES),
            consumed=lifecycle.CONSUMED,
            our_stock=sorted(recall_tools.IN_OUR_STOCK),
            at_customer=recall_tools.AT_CUSTOMER,
            shipped=lifecycle.SHIPPED,
        )
        rows = self._execute_without_jit(query)
        counts = rows[0][4:] if rows else (0, 0, 0)
        written = {
            "total": sum(row[3] for row in rows),
            "added": counts[0],
            "changed": counts[1],
            "removed": counts[2],
            "groups": [row[:4] for row in rows],
        }
        if written["added"] + written["changed"] >= ANALYZE_MIN:
            # the following queries of this transaction get plans for the new rows
            self.env.cr.execute("ANALYZE serial_recall_unit")
        self.env["serial.recall.unit"].invalidate_model()
        self.invalidate_recordset()
        return written

    def _units_diff_sql(self, now):
        """``(ctes, insert_filter, counts)``: the parts of :meth:`_write_units` that
        remove, update and skip the units already listed; nothing for a first
        simulation, which only inserts."""
        self.env.cr.execute(
            "SELECT EXISTS (SELECT FROM serial_recall_unit WHERE recall_id = %s)", [self.id]
        )
        if not self.env.cr.fetchone()[0]:
            return SQL(), SQL(), SQL("0, 0")
        # Before activation, a unit carries nothing but the simulation's facts; any trace
        # of activation is cleared with the row's update.
        ctes = SQL(
            """
            removed AS (
                DELETE FROM serial_recall_unit u
                 WHERE u.recall_id = %(recall)s AND EXISTS (SELECT FROM units)
                   AND NOT EXISTS (SELECT FROM units n WHERE n.lot_id = u.lot_id)
             RETURNING 1
            ),
            changed AS (
                UPDATE serial_recall_unit u
                   SET bucket = n.bucket, status = n.status, partner_id = n.partner_id,
                       parent_lot_id = n.parent_lot_id, location_id = n.location_id,
                       picking_id = n.picking_id, todo = NULL, activation_error = NULL,
                       status_reason = NULL, quarantine_picking_id = NULL,
                       notified_date = NULL, write_date = %(now)s
                  FROM units n
                 WHERE u.recall_id = %(recall)s AND u.lot_id = n.lot_id
                   AND ((u.bucket, u.status, u.partner_id, u.parent_lot_id, u.location_id,
                         u.picking_id)
                        IS DISTINCT FROM (n.bucket, n.status, n.partner_id, n.parent_lot_id,
                                          n.location_id, n.picking_id)
                        OR u.todo OR u.activation_error IS NOT NULL
                        OR u.status_reason IS NOT NULL
                        OR u.quarantine_picking_id IS NOT NULL
                        OR u.notified_date IS NOT NULL)
             RETURNING 1
            ),""",
            recall=self.id,
            now=now,
        )
        only_new = SQL(
            """WHERE NOT EXISTS (SELECT FROM serial_recall_unit u
                                   WHERE u.recall_id = %s AND u.lot_id = n.lot_id)""",
            self.id,
        )
        return ctes, only_new, SQL("(SELECT count(*) FROM changed), (SELECT count(*) FROM removed)")

    def _execute_without_jit(self, query):
        """Run one big statement without JIT compilation: its cost estimate, inflated by
        the recursive walk, triggers a compilation that costs more than the work."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit')")
        jit_on = cr.fetchone()[0] == "on"
        if jit_on:
            cr.execute("SET LOCAL jit = off")
        cr.execute(query)
        rows = cr.fetchall()
        if jit_on:
            cr.execute("SET LOCAL jit = on")
        return rows

    def _summary(self, groups):
        """Counts of a simulation from ``(bucket, product_id, partner_id, count)``
        groups, products and customers by name."""
        products = dict(
            self.env["product.product"]
            .browse({group[1] for group in groups})
            .mapped(lambda p: (p.id, p.display_name))
        )
        partners = dict(
            self.env["res.partner"]
            .browse({group[2] for group in groups if group[2]})
            .mapped(lambda p: (p.id, p.display_name))
        )
        return recall_tools.summarize(
            (bucket, products[product_id], partners[partner_id] if partner_id else None)
            for bucket, product_id, partner_id, count in groups
            for _n in range(count)
        )

    # --- activation -----------------------------------------------------------------

    def action_activate(self):
        if not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(
                self.env._("Only a Serial Tracking Manager may activate a recall; ask a manager.")
            )
        for recall in self:
            if recall.state != "simulated":
                raise UserError(
                    self.env._(
                        "%(recall)s is %(state)s: simulate it first, then activate it.",
                        **recall._state_params(),
                    )
                )
            recall._simulate()  # act on today's facts, not on those of the simulation
            recall._start_activation()
        return True

    def _start_activation(self):
        self.ensure_one()
        cr = self.env.cr
        cr.execute(
            """UPDATE serial_recall_unit SET todo = TRUE
                WHERE recall_id = %s AND status = 'pending'
                  AND bucket IN ('in_stock', 'allocated', 'consumed', 'at_customer')""",
            [self.id],
        )
        total = cr.rowcount
        self.env["serial.recall.unit"].invalidate_model(["todo"])
        self.invalidate_recordset()
        self._steps().write(
            {"state": "active", "activation_date": fields.Datetime.now(), "activation_total": total}
        )
        if total <= self._sync_limit():
            self._activation_step(limit=None)
            self.message_post(body=self._activation_message())
        else:
            self.env.ref("serial_tracking.ir_cron_serial_recall_activation")._trigger()
            self.message_post(
                body=self.env._(
                    "Activation of %(count)s units runs in the background in batches of "
                    "%(batch)s; the Activation Progress figure follows it.",
                    count=total,
                    batch=self._batch_size(),
                )
            )

    def _activation_message(self):
        self.ensure_one()
        errors = self.env["serial.recall.unit"].search(
            [("recall_id", "=", self.id), ("activation_error", "!=", False)]
        )
        if not errors:
            return self.env._(
                "Activation complete: %(count)s units dealt with.", count=self.activation_total
            )
        lines = [f"{unit.lot_id.name}: {unit.activation_error}" for unit in errors[:MAX_NAMED]]
        if len(errors) > MAX_NAMED:
            lines.append(self.env._("... and %(count)s more.", count=len(errors) - MAX_NAMED))
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Activation finished; %(count)s units could not be dealt with and stay pending:",
                count=len(errors),
            ),
            Markup("").join(Markup("<li>%s</li>") % line for line in lines),
        )

    def _next_todo_units(self, limit):
        """The next units to act on; a customer's units always come together so that
        each customer gets one notice."""
        self.ensure_one()
        cr = self.env.cr
        self.env["serial.recall.unit"].flush_model()
        cr.execute(
            """SELECT id, partner_id FROM serial_recall_unit
                WHERE recall_id = %s AND todo
             ORDER BY CASE WHEN bucket IN ('in_stock', 'allocated') THEN 0
                           WHEN bucket = 'consumed' THEN 1 ELSE 2 END, partner_id, id
                LIMIT %s""",
            [self.id, limit],
        )
        rows = cr.fetchall()
        ids = [row[0] for row in rows]
        last_partner = rows[-1][1] if rows and limit and len(rows) == limit else None
        if last_partner:
            cr.execute(
                """SELECT id FROM serial_recall_unit
                    WHERE recall_id = %s AND todo AND partner_id = %s AND id != ALL(%s)""",
                [self.id, last_partner, ids],
            )
            ids += [row[0] for row in cr.fetchall()]
        return self.env["serial.recall.unit"].browse(ids)

    @api.model
    def _sync_limit(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("serial_tracking.recall_sync_limit", SYNC_LIMIT)
        )

    @api.model
    def _batch_size(self):
        return max(
            1,
            int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("serial_tracking.recall_batch_size", BATCH_SIZE)
            ),
        )

    def _activation_step(self, limit=BATCH_SIZE):
        """Act on the next ``limit`` units (all when ``None``); return how many."""
        self.ensure_one()
        units = self._next_todo_units(limit)
        if not units:
            return 0
        by_action = defaultdict(lambda: self.env["serial.recall.unit"])
        for unit in units:
            by_action[recall_tools.activation_action(unit.bucket, unit.status)] |= unit
        self._quarantine_units(by_action[recall_tools.MOVE_TO_QUARANTINE])
        self._flag_parents(by_action[recall_tools.FLAG_PARENT])
        self._notify_customers(by_action[recall_tools.NOTIFY_CUSTOMER])
        units.write({"todo": False})
        units.flush_recordset()
        self.invalidate_recordset()
        return len(units)

    def _quarantine_units(self, units):
        """Move in-stock and allocated units to their warehouse's quarantine location
        through real internal transfers; a route that fails leaves the others done."""
        if not units:
            return
        self._free_reservations(units)
        lots = units.lot_id
        quarantined = lots.filtered(lambda lot: lot.lifecycle_state == lifecycle.QUARANTINED)
        already = set(quarantined.ids)
        units.filtered(lambda u: u.lot_id.id in already).write({"status": "quarantined"})
        routes, problems = (lots - quarantined)._serial_routes(
            lambda lot: lot.location_id.warehouse_id.quarantine_location_id
        )
        unit_by_lot = {unit.lot_id.id: unit for unit in units}
        for lot, problem in problems.items():
            unit_by_lot[lot.id].activation_error = problem
        for (source, destination), route_lots in routes.items():
            route_units = self.env["serial.recall.unit"].browse(
                [unit_by_lot[lot_id].id for lot_id in route_lots.ids]
            )
            try:
                with self.env.cr.savepoint():
                    picking = route_lots._serial_transfer(
                        source,
                        destination,
                        origin=self.name,
                        event_context={
                            "serial_note": self.env._("Recall %(recall)s", recall=self.name)
                        },
                    )
            except UserError as error:
                self.env.invalidate_all()
                route_units.write({"activation_error": str(error.args[0])[:500]})
                continue
            route_units.write(
                {
                    "status": "quarantined",
                    "quarantine_picking_id": picking.id,
                    "activation_error": False,
                }
            )

    def _free_reservations(self, units):
        """Cancel the reservations of these units on deliveries and tell each delivery's
        responsible which serials were taken out."""
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", units.lot_id.ids),
                ("picking_id", "!=", False),
                ("move_id.state", "not in", ("done", "cancel")),
                ("picking_code", "=", "outgoing"),
            ]
        )
        if not lines:
            return
        by_picking = defaultdict(list)
        for line in lines:
            by_picking[line.picking_id].append(line.lot_id.name)
        lines.unlink()
        for picking, names in by_picking.items():
            picking.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=self.env._("Recall %(recall)s: serials taken out", recall=self.name),
                note=escape(
                    self.env._(
                        "Recall %(recall)s quarantined serials this delivery had reserved: "
                        "%(serials)s. Reserve other units before shipping.",
                        recall=self.name,
                        serials=", ".join(sorted(names)),
                    )
                ),
                user_id=(picking.user_id or self.user_id or self.env.user).id,
            )

    def _flag_parents(self, units):
        """Units built into another unit: record the recall on the unit and its parent."""
        if not units:
            return
        note = self.env._(
            "Recall %(recall)s: %(reason)s", recall=self.name, reason=self.reason or ""
        )
        items = [
            {"lot": unit.lot_id, "event_type": "recalled", "document_ref": self.name, "note": note}
            for unit in units
        ]
        # Two plain queries: a correlated one is planned on the statistics of a table
        # that this very transaction may just have filled, and can crawl.
        cr = self.env.cr
        cr.execute(
            """SELECT DISTINCT parent_lot_id FROM serial_recall_unit
                       WHERE id = ANY(%s) AND parent_lot_id IS NOT NULL""",
            [units.ids],
        )
        parent_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            """SELECT lot_id FROM serial_recall_unit
                       WHERE recall_id = %s AND lot_id = ANY(%s)""",
            [self.id, parent_ids],
        )
        listed = {row[0] for row in cr.fetchall()}
        parents = self.env["stock.lot"].browse(
            [lot_id for lot_id in parent_ids if lot_id not in listed]
        )
        items += [
            {
                "lot": parent,
                "event_type": "recalled",
                "document_ref": self.name,
                "note": self.env._("Contains a unit recalled by %(recall)s", recall=self.name),
            }
            for parent in parents
        ]
        self.env["stock.lot"]._serial_apply_events(items)

    def _notify_customers(self, units):
        """One ``recalled`` event per unit and one notice per customer: an email from the
        editable template when the customer has an address, else a to-do activity for the
        responsible."""
        if not units:
            return
        self.env["stock.lot"]._serial_apply_events(
            [
                {
                    "lot": unit.lot_id,
                    "event_type": "recalled",
                    "document_ref": self.name,
                    "partner_id": unit.partner_id.id,
                    "note": self.env._("Recall %(recall)s", recall=self.name),
                }
                for unit in units
            ]
        )
        by_partner = defaultdict(lambda: self.env["serial.recall.unit"])
        for unit in units:
            by_partner[unit.partner_id] |= unit
        emailed = self.env["serial.recall.unit"]
        for partner, partner_units in by_partner.items():
            if self._notify_customer(partner, partner_units):
                emailed |= partner_units
        units.write({"notified_date": fields.Datetime.now()})
        # only a customer actually e-mailed knows; the others wait on the to-do activity
        emailed.write({"status": recall_tools.NOTIFIED})

    def _notify_customer(self, partner, units):
        """Tell ``partner`` about its ``units``; ``True`` when an e-mail was sent."""
        serials = sorted(units.lot_id.mapped("display_name"))
        if partner.email:
            template = self.env.ref("serial_tracking.mail_template_serial_recall_customer")
            rendering = template.with_context(recall_customer_id=partner.id, recall_serials=serials)
            subject = rendering._render_field("subject", self.ids)[self.id]
            body = rendering._render_field("body_html", self.ids)[self.id]
            self.message_post(
                body=body,
                subject=subject,
                partner_ids=partner.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            return True
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._(
                "Contact %(customer)s about recall %(recall)s",
                customer=partner.display_name,
                recall=self.name,
            ),
            note=escape(
                self.env._(
                    "%(customer)s holds %(count)s recalled serial(s): %(serials)s",
                    customer=partner.display_name,
                    count=len(serials),
                    serials=", ".join(serials),
                )
            ),
            user_id=(self.user_id or self.env.user).id,
        )
        return False

    @api.model
    def _cron_activate(self):
        """Work through the units of active recalls in batches, committing each."""
        cron = self.env["ir.cron"]
        recalls = self.search([("state", "=", "active"), ("unit_ids.todo", "=", True)])
        remaining = self.env["serial.recall.unit"].search_count(
            [("recall_id", "in", recalls.ids), ("todo", "=", True)]
        )
        cron._commit_progress(remaining=remaining)
        for recall in recalls:
            while True:
                done = recall._activation_step(self._batch_size())
                if not done:
                    recall.message_post(body=recall._activation_message())
                    break
                if cron._commit_progress(done) <= 0:
                    return

    # --- closing ----------------------------------------------------------------------

    def action_close(self):
        self.ensure_one()
        self._check_manager_state({"closed"})
        if self.state != "active":
            raise UserError(
                self.env._(
                    "%(recall)s is %(state)s: only an active recall can be closed.",
                    **self._state_params(),
                )
            )
        if self.pending_count or self.notified_count or self.todo_count:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Close Recall"),
                "res_model": "serial.recall.close.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_recall_id": self.id},
            }
        self._close(False)
        return True

    def _close(self, reason):
        self.ensure_one()
        self.invalidate_recordset()
        still_open = self.pending_count + self.notified_count
        if (still_open or self.todo_count) and not (reason or "").strip():
            raise UserError(
                self.env._(
                    "%(recall)s still has %(count)s pending or notified unit(s): give a reason "
                    "to close it anyway.",
                    recall=self.name,
                    count=still_open,
                )
            )
        self.env.cr.execute(
            "UPDATE serial_recall_unit SET todo = FALSE WHERE recall_id = %s", [self.id]
        )
        self.env["serial.recall.unit"].invalidate_model(["todo"])
        self._steps().write(
            {
                "state": "closed",
                "close_date": fields.Datetime.now(),
                "close_reason": reason or False,
            }
        )
        if reason:
            self.message_post(body=self.env._("Closed with open units: %(reason)s", reason=reason))

    def action_cancel(self):
        for recall in self:
            if recall.state not in ("draft", "simulated"):
                raise UserError(
                    self.env._(
                        "%(recall)s is %(state)s: an activated recall is closed, not cancelled.",
                        **recall._state_params(),
                    )
                )
        self._steps().write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self.filtered(lambda r: r.state == "cancelled")._steps().write({"state": "draft"})
        return True

    # --- navigation -------------------------------------------------------------------

    def _open_units(self, domain=None, name=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name or self.env._("Units of %(recall)s", recall=self.name),
            "res_model": "serial.recall.unit",
            "view_mode": "list,form",
            "domain": [("recall_id", "=", self.id), *(domain or [])],
            "context": {"search_default_group_bucket": 1, "create": False},
        }

    def action_open_units(self):
        return self._open_units()

    def action_open_customer_units(self):
        return self._open_units(
            [("lifecycle_state", "=", lifecycle.SHIPPED)], self.env._("Units at customers")
        )

    def action_open_error_units(self):
        return self._open_units(
            [("activation_error", "!=", False)], self.env._("Units activation could not deal with")
        )

    def action_open_transfers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quarantine Transfers"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", self.unit_ids.quarantine_picking_id.ids)],
        }

    def action_print_report(self):
        return self.env.ref("serial_tracking.action_report_serial_recall").report_action(self)

    # --- report helpers ---------------------------------------------------------------

    def _report_groups(self):
        """``[(bucket label, [(customer name, units)])]`` for the PDF."""
        self.ensure_one()
        labels = dict(
            self.env["serial.recall.unit"]._fields["bucket"]._description_selection(self.env)
        )
        grouped = defaultdict(lambda: defaultdict(lambda: self.env["serial.recall.unit"]))
        for unit in self.unit_ids:
            grouped[unit.bucket][unit.partner_id.display_name or ""] |= unit
        return [
            (labels[bucket], sorted(grouped[bucket].items()))
            for bucket, _label in recall_tools.BUCKETS
            if bucket in grouped
        ]
