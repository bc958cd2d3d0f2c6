import io
import time
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import lifecycle, ranges
from ..tools import recall as recall_tools

# Up to this many units to act on, activation runs in the request; above, in the cron.
SYNC_LIMIT = 1000
# Units per cron step (one commit each).
BATCH_SIZE = 2000
# Offending serials named in one message.
MAX_NAMED = 20
# From this many units written at once, the unit table's statistics are refreshed.
ANALYZE_MIN = 10000
# Buckets of units sitting in one of our locations.
_IN_OUR_STOCK = frozenset({"in_stock", "allocated", "in_repair"})


class SerialRecall(models.Model):
    """A recall campaign: which serials, where they are, and what was done about them."""

    _name = "serial.recall"
    _description = "Recall Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/", tracking=True)
    reference = fields.Char(help="The supplier's or authority's reference of the recall.",
                            tracking=True)
    reason = fields.Text(required=True, help="Why the units are recalled.")
    severity = fields.Selection(recall_tools.SEVERITIES, required=True, default="medium",
                                tracking=True)
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda s: s.env.user,
                              tracking=True, check_company=True)
    state = fields.Selection(
        [("draft", "Draft"), ("simulated", "Simulated"), ("active", "Active"),
         ("closed", "Closed"), ("cancelled", "Cancelled")],
        default="draft", required=True, readonly=True, copy=False, tracking=True, index=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda s: s.env.company)
    # --- criteria (combined with AND; several values of one criterion with OR) ----------
    product_ids = fields.Many2many("product.product", string="Products",
                                   domain=[("tracking", "=", "serial")], check_company=True)
    lot_ids = fields.Many2many("stock.lot", "serial_recall_lot_rel", "recall_id", "lot_id",
                               string="Serials", check_company=True)
    serial_ranges = fields.Text(string="Serial Ranges",
                                help="Ranges of serial numbers, e.g. SN0001-SN0100; SN0200")
    supplier_ids = fields.Many2many("res.partner", "serial_recall_supplier_rel", "recall_id",
                                    "partner_id", string="Suppliers",
                                    help="Units received from these suppliers.")
    supplier_date_from = fields.Datetime(string="Received From")
    supplier_date_to = fields.Datetime(string="Received Until")
    date_from = fields.Datetime(string="Produced/Received From")
    date_to = fields.Datetime(string="Produced/Received Until")
    component_lot_ids = fields.Many2many(
        "stock.lot", "serial_recall_component_rel", "recall_id", "lot_id",
        string="Component Lots/Serials", check_company=True,
        help="Every unit that contains one of these, at any depth, is affected.",
    )
    # --- result ---------------------------------------------------------------------
    unit_ids = fields.One2many("serial.recall.unit", "recall_id", string="Affected Units",
                               readonly=True)
    simulation_ids = fields.One2many("serial.recall.simulation", "recall_id",
                                     string="Simulations", readonly=True)
    simulation_date = fields.Datetime(readonly=True, copy=False)
    simulation_changes = fields.Text(string="Changes Since Previous Simulation",
                                     readonly=True, copy=False)
    activation_date = fields.Datetime(readonly=True, copy=False)
    close_date = fields.Datetime(readonly=True, copy=False)
    close_reason = fields.Text(readonly=True, copy=False)
    activation_total = fields.Integer(readonly=True, copy=False)
    # --- dashboard ------------------------------------------------------------------
    unit_count = fields.Integer(compute="_compute_figures", string="Units")
    in_stock_count = fields.Integer(compute="_compute_figures", string="In Stock")
    allocated_count = fields.Integer(compute="_compute_figures", string="Allocated")
    production_count = fields.Integer(compute="_compute_figures", string="In Production")
    consumed_count = fields.Integer(compute="_compute_figures", string="Consumed")
    customer_unit_count = fields.Integer(compute="_compute_figures", string="At Customers")
    repair_count = fields.Integer(compute="_compute_figures", string="In Repair")
    scrapped_count = fields.Integer(compute="_compute_figures", string="Scrapped")
    gone_count = fields.Integer(compute="_compute_figures", string="Gone")
    customer_count = fields.Integer(compute="_compute_figures", string="Customers")
    pending_count = fields.Integer(compute="_compute_figures", string="Pending")
    quarantined_count = fields.Integer(compute="_compute_figures", string="Quarantined")
    recovered_count = fields.Integer(compute="_compute_figures", string="Recovered")
    recovery_rate = fields.Float(compute="_compute_figures", string="Recovery Rate (%)",
                                 digits=(16, 1))
    still_at_customer_count = fields.Integer(compute="_compute_figures",
                                             string="Still at Customers")
    outside_quarantine_count = fields.Integer(
        compute="_compute_figures", string="In Stock outside Quarantine",
        help="Open units sitting in our stock outside a quarantine location: zero once "
        "activation is complete.")
    error_count = fields.Integer(compute="_compute_figures", string="Activation Errors")
    todo_count = fields.Integer(compute="_compute_figures", string="Still to Process")
    activation_progress = fields.Float(compute="_compute_figures", digits=(16, 1),
                                       string="Activation Progress (%)")

    _name_company_uniq = models.Constraint("UNIQUE(name, company_id)",
                                           "A recall number is unique per company.")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager_state({vals.get("state") for vals in vals_list})
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) \
                    or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "serial.recall") or "/"
        return super().create(vals_list)

    def write(self, vals):
        self._check_manager_state({vals.get("state")})
        criteria = {"product_ids", "lot_ids", "serial_ranges", "supplier_ids",
                    "supplier_date_from", "supplier_date_to", "date_from", "date_to",
                    "component_lot_ids", "company_id"}
        if criteria & set(vals):
            started = self.filtered(lambda r: r.state not in ("draft", "simulated"))
            if started:
                raise UserError(self.env._(
                    "%(recall)s is %(state)s: its criteria can no longer change. Create a new "
                    "recall for other units.", recall=started[0].name,
                    state=started[0].state))
        return super().write(vals)

    def _check_manager_state(self, states):
        """Users may draft, simulate and cancel campaigns; only a manager (or the cron)
        puts one in force or ends it, whichever path (button, RPC ``write``) is taken."""
        if states & {"active", "closed"} and not self.env.su and not self.env.user.has_group(
                "serial_tracking.group_serial_manager"):
            raise AccessError(self.env._(
                "Only a Serial Tracking Manager may activate or close a recall; ask a "
                "manager."))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for recall in self:
            if recall.state not in ("draft", "cancelled"):
                raise UserError(self.env._(
                    "%(recall)s is %(state)s and stays on record; cancel it (before "
                    "activation) or close it.", recall=recall.name, state=recall.state))

    # --- dashboard ------------------------------------------------------------------

    @api.depends("unit_ids.status", "unit_ids.bucket", "unit_ids.todo")
    def _compute_figures(self):
        rows = self._figure_rows()
        for recall in self:
            units = rows.get(recall.id, [])
            figures = recall_tools.dashboard(
                (b, s, q) for b, s, q, _p, _t, _e, count in units for _n in range(count))
            by_bucket = defaultdict(int)
            todo = errors = 0
            customers = set()
            for bucket, _status, _quarantine, partner_id, is_todo, error, count in units:
                by_bucket[bucket] += count
                todo += count if is_todo else 0
                errors += count if error else 0
                if partner_id and bucket == recall_tools.AT_CUSTOMER:
                    customers.add(partner_id)
            recall.update({
                "unit_count": figures["total"],
                "in_stock_count": by_bucket[recall_tools.IN_STOCK],
                "allocated_count": by_bucket[recall_tools.ALLOCATED],
                "production_count": by_bucket[recall_tools.IN_PRODUCTION],
                "consumed_count": by_bucket[recall_tools.CONSUMED],
                "customer_unit_count": by_bucket[recall_tools.AT_CUSTOMER],
                "repair_count": by_bucket[recall_tools.IN_REPAIR],
                "scrapped_count": by_bucket[recall_tools.SCRAPPED],
                "gone_count": by_bucket[recall_tools.GONE],
                "customer_count": len(customers),
                "pending_count": figures["by_status"][recall_tools.PENDING],
                "quarantined_count": figures["by_status"][recall_tools.QUARANTINED],
                "recovered_count": figures["by_status"][recall_tools.RECOVERED],
                "recovery_rate": figures["recovery_rate"],
                "still_at_customer_count": figures["at_customer"],
                "outside_quarantine_count": figures["in_stock_outside_quarantine"],
                "error_count": errors,
                "todo_count": todo,
                "activation_progress": (
                    100.0 * (recall.activation_total - todo) / recall.activation_total
                    if recall.activation_total else (100.0 if recall.state != "draft" else 0.0)
                ),
            })

    def _figure_rows(self):
        """``{recall_id: [(bucket, status, in_quarantine, partner_id, todo, has_error,
        count)]}``: the units grouped by everything the dashboard counts."""
        ids = [rid for rid in self.ids if rid]
        if not ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT u.recall_id, u.bucket, u.status,
                      COALESCE(loc.serial_quarantine, FALSE), u.partner_id, u.todo,
                      u.activation_error IS NOT NULL, count(*)
                 FROM serial_recall_unit u
                 JOIN stock_lot lot ON lot.id = u.lot_id
            LEFT JOIN stock_location loc ON loc.id = lot.location_id
                WHERE u.recall_id = ANY(%s)
             GROUP BY 1, 2, 3, 4, 5, 6, 7""",
            [ids],
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
            parts.append(self.env._("Products: %s", ", ".join(self.product_ids.mapped(
                "display_name"))))
        if self.lot_ids:
            parts.append(self.env._("Serials: %s", ", ".join(self.lot_ids.mapped("name"))))
        if self.serial_ranges:
            parts.append(self.env._("Ranges: %s", self.serial_ranges))
        if self.supplier_ids:
            parts.append(self.env._("Received from %(suppliers)s between %(start)s and "
                                    "%(end)s", suppliers=", ".join(
                                        self.supplier_ids.mapped("display_name")),
                                    start=self.supplier_date_from or "-",
                                    end=self.supplier_date_to or "-"))
        if self.date_from or self.date_to:
            parts.append(self.env._("Produced or received between %(start)s and %(end)s",
                                    start=self.date_from or "-", end=self.date_to or "-"))
        if self.component_lot_ids:
            parts.append(self.env._("Containing: %s", ", ".join(
                self.component_lot_ids.mapped("name"))))
        return "\n".join(parts)

    def _check_criteria(self):
        self.ensure_one()
        problems = recall_tools.check_criteria(self._criteria())
        if self.serial_ranges:
            try:
                ranges.parse_range_expression(self.serial_ranges, limit=None)
            except ranges.RangeError as error:
                problems.append(self.env._(
                    "Serial ranges: %(error)s. Write ranges as SN0001-SN0100; SN0200.",
                    error=error))
        if problems:
            raise UserError(self.env._("%(recall)s cannot be simulated:\n%(problems)s",
                                       recall=self.name, problems="\n".join(problems)))

    def _affected_facts(self):
        """The serials matching every criterion, with the facts their bucket needs:
        ``(id, product_id, lifecycle_state, current_partner_id, location_id,
        in_quarantine)`` rows from one SQL query (plus one recursive genealogy query for
        component lots)."""
        self.ensure_one()
        self.env.flush_all()
        where = ["pt.tracking = 'serial'",
                 "(lot.company_id = %(company)s OR lot.company_id IS NULL)"]
        params = {"company": self.company_id.id}
        if self.product_ids:
            where.append("lot.product_id = ANY(%(products)s)")
            params["products"] = self.product_ids.ids
        if self.lot_ids:
            where.append("lot.id = ANY(%(lots)s)")
            params["lots"] = self.lot_ids.ids
        if self.serial_ranges:
            where.append(self._ranges_sql(params))
        if self.supplier_ids:
            where.append(
                """lot.id IN (SELECT e.lot_id FROM serial_event e
                               JOIN res_partner p ON p.id = e.partner_id
                              WHERE e.event_type = 'received'
                                AND p.commercial_partner_id = ANY(%(suppliers)s)
                                AND e.date >= %(supplier_from)s
                                AND e.date <= %(supplier_to)s)""")
            params["suppliers"] = self.supplier_ids.commercial_partner_id.ids
            params["supplier_from"] = self.supplier_date_from or fields.Datetime.to_datetime(
                "1900-01-01")
            params["supplier_to"] = self.supplier_date_to or fields.Datetime.to_datetime(
                "9999-12-31")
        if self.date_from or self.date_to:
            where.append(
                """lot.id IN (SELECT e.lot_id FROM serial_event e
                              WHERE e.event_type IN ('received', 'produced', 'found')
                                AND e.date >= %(window_from)s AND e.date <= %(window_to)s)""")
            params["window_from"] = self.date_from or fields.Datetime.to_datetime("1900-01-01")
            params["window_to"] = self.date_to or fields.Datetime.to_datetime("9999-12-31")
        if self.component_lot_ids:
            reached = self.env["serial.genealogy"]._walk(self.component_lot_ids.ids, "down")
            where.append("lot.id = ANY(%(contain)s)")
            params["contain"] = sorted(reached | set(self.component_lot_ids.ids))
        query = f"""
            SELECT lot.id, lot.product_id, lot.lifecycle_state, lot.current_partner_id,
                   lot.location_id, COALESCE(loc.serial_quarantine, FALSE)
              FROM stock_lot lot
              JOIN product_product pp ON pp.id = lot.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN stock_location loc ON loc.id = lot.location_id
             WHERE {" AND ".join(where)}"""  # noqa: S608 - clauses are ours, values are params
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def _ranges_sql(self, params):
        """SQL matching ``stock_lot.name`` against the recall's serial ranges."""
        parsed = ranges.parse_range_expression(self.serial_ranges, limit=None)
        clauses = []
        verbatim = []
        for index, serial_range in enumerate(ranges.merge_ranges(parsed)):
            parts = recall_tools.range_sql_parts(serial_range)
            if parts is None:
                verbatim.append(serial_range.prefix)
                continue
            prefix, width, suffix, start, end = parts
            key = f"r{index}"
            params.update({f"{key}_p": prefix, f"{key}_pl": len(prefix), f"{key}_w": width,
                           f"{key}_s": suffix, f"{key}_sl": len(suffix),
                           f"{key}_len": len(prefix) + width + len(suffix),
                           f"{key}_a": start, f"{key}_b": end})
            counter = f"substr(lot.name, %({key}_pl)s + 1, %({key}_w)s)"
            clauses.append(
                f"""(length(lot.name) = %({key}_len)s
                     AND left(lot.name, %({key}_pl)s) = %({key}_p)s
                     AND right(lot.name, %({key}_sl)s) = %({key}_s)s
                     AND (CASE WHEN {counter} ~ '^[0-9]+$'
                               THEN {counter}::numeric END)
                         BETWEEN %({key}_a)s AND %({key}_b)s)""")
        if verbatim:
            params["verbatim"] = verbatim
            clauses.append("lot.name = ANY(%(verbatim)s)")
        return "(" + " OR ".join(clauses) + ")"

    # --- simulation -----------------------------------------------------------------

    def action_simulate(self):
        for recall in self:
            if recall.state not in ("draft", "simulated"):
                raise UserError(self.env._(
                    "%(recall)s is %(state)s: only a draft or simulated recall can be "
                    "simulated.", recall=recall.name, state=recall.state))
            recall._check_criteria()
            recall._simulate()
        return True

    def _simulate(self):
        """Replace the affected units with the current facts and store the counts."""
        self.ensure_one()
        started = time.perf_counter()
        facts = self._affected_facts()
        if not facts:
            raise UserError(self.env._(
                "%(recall)s: no serial matches these criteria (%(criteria)s). Widen the "
                "criteria: check the products, ranges and date windows.",
                recall=self.name, criteria=self._criteria_text().replace("\n", "; ")))
        rows = self._unit_rows(facts)
        self._write_units(rows)
        summary = self._summary(rows)
        previous = self.simulation_ids[:1]
        changes = self.env["serial.recall.simulation"]._changes_text(
            previous.summary, summary) if previous else False
        self.env["serial.recall.simulation"].create({
            "recall_id": self.id,
            "criteria": {key: value if not hasattr(value, "isoformat") else value.isoformat()
                         for key, value in self._criteria().items()},
            "criteria_text": self._criteria_text(),
            "summary": summary,
            "total": len(rows),
            "changes_text": changes,
            "duration": time.perf_counter() - started,
        })
        self.write({"state": "simulated", "simulation_date": fields.Datetime.now(),
                    "simulation_changes": changes})
        return rows

    def _unit_rows(self, facts):
        """One dict per affected serial: its facts, bucket and initial status."""
        stock_states = {lifecycle.IN_STOCK, lifecycle.RETURNED, lifecycle.ALLOCATED,
                        lifecycle.QUARANTINED}
        reserved = self._reserved_pickings(
            [row[0] for row in facts if row[2] in stock_states])
        parents = self._direct_parents(
            [row[0] for row in facts if row[2] == lifecycle.CONSUMED])
        rows = []
        for lot_id, product_id, state, partner_id, location_id, quarantine in facts:
            unit = recall_tools.UnitFacts(
                lot_id=lot_id, state=state, in_quarantine=quarantine,
                reserved_for_delivery=lot_id in reserved, parent_lot_id=parents.get(lot_id),
            )
            bucket = recall_tools.bucket_of(unit)
            rows.append({
                "lot_id": lot_id, "product_id": product_id, "bucket": bucket,
                "status": recall_tools.initial_status(bucket, unit),
                "partner_id": partner_id if bucket == recall_tools.AT_CUSTOMER else None,
                "parent_lot_id": unit.parent_lot_id,
                "location_id": location_id if bucket in _IN_OUR_STOCK else None,
                "picking_id": reserved.get(lot_id),
            })
        return rows

    def _reserved_pickings(self, lot_ids):
        """``{lot_id: picking_id}`` of serials reserved on an open delivery."""
        if not lot_ids:
            return {}
        self.env.cr.execute(
            """SELECT DISTINCT ON (ml.lot_id) ml.lot_id, ml.picking_id
                 FROM stock_move_line ml
                 JOIN stock_move m ON m.id = ml.move_id
                 JOIN stock_location dest ON dest.id = m.location_dest_id
            LEFT JOIN stock_picking_type pt ON pt.id = m.picking_type_id
                WHERE ml.lot_id = ANY(%s) AND ml.quantity > 0
                  AND m.state NOT IN ('done', 'cancel', 'draft')
                  AND (pt.code = 'outgoing' OR dest.usage = 'customer')
             ORDER BY ml.lot_id, ml.id""",
            [lot_ids],
        )
        return dict(self.env.cr.fetchall())

    def _direct_parents(self, lot_ids):
        """``{lot_id: unit it is built into now}``."""
        if not lot_ids:
            return {}
        self.env.cr.execute(
            """SELECT DISTINCT ON (g.parent_lot_id) g.parent_lot_id, g.child_lot_id
                 FROM serial_genealogy g
                WHERE g.parent_lot_id = ANY(%s) AND g.link_type != 'removed'
                  AND g.date_to IS NULL
             ORDER BY g.parent_lot_id, g.date_from DESC, g.id DESC""",
            [lot_ids],
        )
        return dict(self.env.cr.fetchall())

    def _write_units(self, rows):
        """Make the recall's units match ``rows``, writing only the differences: a
        re-simulation usually finds most units where they were, and each row written
        costs index entries and foreign key checks (a fresh simulation of 100,000 units
        spends most of its database time there)."""
        cr = self.env.cr
        self.env["serial.recall.unit"].flush_model()
        # Before activation, a unit carries nothing but the simulation's facts; any
        # trace of activation is cleared with the row's update.
        cr.execute(
            """SELECT lot_id, id, product_id, bucket, status, partner_id, parent_lot_id,
                      location_id, picking_id,
                      (todo OR activation_error IS NOT NULL OR status_reason IS NOT NULL
                       OR quarantine_picking_id IS NOT NULL OR notified_date IS NOT NULL)
                 FROM serial_recall_unit WHERE recall_id = %s""",
            [self.id],
        )
        existing = {row[0]: row[1:] for row in cr.fetchall()}
        added, changed = [], []
        for row in rows:
            values = (row["product_id"], row["bucket"], row["status"], row["partner_id"],
                      row["parent_lot_id"], row["location_id"], row["picking_id"])
            old = existing.pop(row["lot_id"], None)
            if old is None:
                added.append((row["lot_id"], *values))
            elif old[1:8] != values or old[8]:
                changed.append((old[0], *values))
        if existing:
            cr.execute("DELETE FROM serial_recall_unit WHERE id = ANY(%s)",
                       [[old[0] for old in existing.values()]])
        now = fields.Datetime.now()
        if changed:
            self._update_units(changed, now)
        if added:
            self._insert_units(added, now)
        if len(added) + len(changed) >= ANALYZE_MIN:
            # the following queries of this transaction get plans for the new rows
            cr.execute("ANALYZE serial_recall_unit")
        self.env["serial.recall.unit"].invalidate_model()
        self.invalidate_recordset()
        return {"added": len(added), "changed": len(changed), "removed": len(existing)}

    def _update_units(self, changed, now):
        """One UPDATE for every changed unit: ``(id, product_id, bucket, status,
        partner_id, parent_lot_id, location_id, picking_id)`` tuples."""
        columns = list(zip(*changed, strict=True))
        self.env.cr.execute(
            """UPDATE serial_recall_unit u
                  SET product_id = v.product_id, bucket = v.bucket, status = v.status,
                      partner_id = v.partner_id, parent_lot_id = v.parent_lot_id,
                      location_id = v.location_id, picking_id = v.picking_id,
                      todo = NULL, activation_error = NULL, status_reason = NULL,
                      quarantine_picking_id = NULL, notified_date = NULL,
                      write_date = %s
                 FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::varchar[], %s::int[],
                             %s::int[], %s::int[], %s::int[])
                      AS v(id, product_id, bucket, status, partner_id, parent_lot_id,
                           location_id, picking_id)
                WHERE u.id = v.id""",
            [now, *(list(column) for column in columns)],
        )

    def _insert_units(self, added, now):
        """COPY the new units in: ``(lot_id, product_id, bucket, status, partner_id,
        parent_lot_id, location_id, picking_id)`` tuples."""
        # Each value that refers to another table costs a foreign key check per row: the
        # optional ones are left empty where they mean nothing, the authors are left out
        # (the simulation record says who ran it and when).
        buffer = io.StringIO()
        for values in added:
            buffer.write("\t".join(r"\N" if value is None else str(value)
                                   for value in (self.id, *values, now, now)))
            buffer.write("\n")
        buffer.seek(0)
        # COPY: the fastest way in; every value is an id, a selection key or a timestamp
        self.env.cr._obj.copy_expert(
            """COPY serial_recall_unit (recall_id, lot_id, product_id, bucket, status,
                   partner_id, parent_lot_id, location_id, picking_id, create_date,
                   write_date) FROM STDIN""",
            buffer,
        )

    def _summary(self, rows):
        products = dict(self.env["product.product"].browse(
            {row["product_id"] for row in rows}).mapped(lambda p: (p.id, p.display_name)))
        partners = dict(self.env["res.partner"].browse(
            {row["partner_id"] for row in rows if row["partner_id"]}).mapped(
                lambda p: (p.id, p.display_name)))
        return recall_tools.summarize(
            (row["bucket"], products[row["product_id"]],
             partners.get(row["partner_id"]) if row["partner_id"] else None)
            for row in rows)

    # --- activation -----------------------------------------------------------------

    def action_activate(self):
        if not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(self.env._(
                "Only a Serial Tracking Manager may activate a recall; ask a manager."))
        for recall in self:
            if recall.state != "simulated":
                raise UserError(self.env._(
                    "%(recall)s is %(state)s: simulate it first, then activate it.",
                    recall=recall.name, state=recall.state))
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
        self.write({"state": "active", "activation_date": fields.Datetime.now(),
                    "activation_total": total})
        if total <= self._sync_limit():
            self._activation_step(limit=None)
            self.message_post(body=self._activation_message())
        else:
            self.env.ref("serial_tracking.ir_cron_serial_recall_activation")._trigger()
            self.message_post(body=self.env._(
                "Activation of %(count)s units runs in the background in batches of "
                "%(batch)s; the Activation Progress figure follows it.",
                count=total, batch=self._batch_size()))

    def _activation_message(self):
        self.ensure_one()
        errors = self.env["serial.recall.unit"].search(
            [("recall_id", "=", self.id), ("activation_error", "!=", False)])
        if not errors:
            return self.env._("Activation complete: %(count)s units dealt with.",
                              count=self.activation_total)
        lines = [f"{unit.lot_id.name}: {unit.activation_error}" for unit in errors[:MAX_NAMED]]
        if len(errors) > MAX_NAMED:
            lines.append(self.env._("... and %(count)s more.", count=len(errors) - MAX_NAMED))
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Activation finished; %(count)s units could not be dealt with and "
                       "stay pending:", count=len(errors)),
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
        return int(self.env["ir.config_parameter"].sudo().get_param(
            "serial_tracking.recall_sync_limit", SYNC_LIMIT))

    @api.model
    def _batch_size(self):
        return max(1, int(self.env["ir.config_parameter"].sudo().get_param(
            "serial_tracking.recall_batch_size", BATCH_SIZE)))

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
            lambda lot: lot.location_id.warehouse_id.quarantine_location_id)
        unit_by_lot = {unit.lot_id.id: unit for unit in units}
        for lot, problem in problems.items():
            unit_by_lot[lot.id].activation_error = problem
        for (source, destination), route_lots in routes.items():
            route_units = self.env["serial.recall.unit"].browse(
                [unit_by_lot[lot_id].id for lot_id in route_lots.ids])
            try:
                with self.env.cr.savepoint():
                    picking = route_lots._serial_transfer(
                        source, destination, origin=self.name,
                        event_context={"serial_note": self.env._(
                            "Recall %(recall)s", recall=self.name)})
            except UserError as error:
                self.env.invalidate_all()
                route_units.write({"activation_error": str(error.args[0])[:500]})
                continue
            route_units.write({"status": "quarantined", "quarantine_picking_id": picking.id,
                               "activation_error": False})

    def _free_reservations(self, units):
        """Cancel the reservations of these units on deliveries and tell each delivery's
        responsible which serials were taken out."""
        lines = self.env["stock.move.line"].search([
            ("lot_id", "in", units.lot_id.ids), ("picking_id", "!=", False),
            ("move_id.state", "not in", ("done", "cancel")),
            ("picking_code", "=", "outgoing"),
        ])
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
                note=escape(self.env._(
                    "Recall %(recall)s quarantined serials this delivery had reserved: "
                    "%(serials)s. Reserve other units before shipping.",
                    recall=self.name, serials=", ".join(sorted(names)))),
                user_id=(picking.user_id or self.user_id or self.env.user).id,
            )

    def _flag_parents(self, units):
        """Units built into another unit: record the recall on the unit and its parent."""
        if not units:
            return
        note = self.env._("Recall %(recall)s: %(reason)s", recall=self.name,
                          reason=self.reason or "")
        items = [{"lot": unit.lot_id, "event_type": "recalled", "document_ref": self.name,
                  "note": note} for unit in units]
        # Two plain queries: a correlated one is planned on the statistics of a table
        # that this very transaction may just have filled, and can crawl.
        cr = self.env.cr
        cr.execute("""SELECT DISTINCT parent_lot_id FROM serial_recall_unit
                       WHERE id = ANY(%s) AND parent_lot_id IS NOT NULL""", [units.ids])
        parent_ids = [row[0] for row in cr.fetchall()]
        cr.execute("""SELECT lot_id FROM serial_recall_unit
                       WHERE recall_id = %s AND lot_id = ANY(%s)""", [self.id, parent_ids])
        listed = {row[0] for row in cr.fetchall()}
        parents = self.env["stock.lot"].browse(
            [lot_id for lot_id in parent_ids if lot_id not in listed])
        items += [{"lot": parent, "event_type": "recalled", "document_ref": self.name,
                   "note": self.env._("Contains a unit recalled by %(recall)s",
                                      recall=self.name)} for parent in parents]
        self.env["stock.lot"]._serial_apply_events(items)

    def _notify_customers(self, units):
        """One ``recalled`` event per unit and one notice per customer: an email from the
        editable template when the customer has an address, else a to-do activity for the
        responsible."""
        if not units:
            return
        self.env["stock.lot"]._serial_apply_events([
            {"lot": unit.lot_id, "event_type": "recalled", "document_ref": self.name,
             "partner_id": unit.partner_id.id,
             "note": self.env._("Recall %(recall)s", recall=self.name)}
            for unit in units
        ])
        by_partner = defaultdict(lambda: self.env["serial.recall.unit"])
        for unit in units:
            by_partner[unit.partner_id] |= unit
        for partner, partner_units in by_partner.items():
            self._notify_customer(partner, partner_units)
        units.write({"notified_date": fields.Datetime.now()})

    def _notify_customer(self, partner, units):
        serials = sorted(units.lot_id.mapped("display_name"))
        if partner.email:
            template = self.env.ref("serial_tracking.mail_template_serial_recall_customer")
            rendering = template.with_context(recall_customer_id=partner.id,
                                              recall_serials=serials)
            subject = rendering._render_field("subject", self.ids)[self.id]
            body = rendering._render_field("body_html", self.ids)[self.id]
            self.message_post(body=body, subject=subject, partner_ids=partner.ids,
                              message_type="comment", subtype_xmlid="mail.mt_comment")
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Contact %(customer)s about recall %(recall)s",
                               customer=partner.display_name, recall=self.name),
            note=escape(self.env._("%(customer)s holds %(count)s recalled serial(s): "
                                   "%(serials)s", customer=partner.display_name,
                                   count=len(serials), serials=", ".join(serials))),
            user_id=(self.user_id or self.env.user).id,
        )

    @api.model
    def _cron_activate(self):
        """Work through the units of active recalls in batches, committing each."""
        cron = self.env["ir.cron"]
        recalls = self.search([("state", "=", "active"), ("unit_ids.todo", "=", True)])
        remaining = self.env["serial.recall.unit"].search_count(
            [("recall_id", "in", recalls.ids), ("todo", "=", True)])
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
            raise UserError(self.env._("%(recall)s is %(state)s: only an active recall can be "
                                       "closed.", recall=self.name, state=self.state))
        if self.pending_count or self.todo_count:
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
        if (self.pending_count or self.todo_count) and not (reason or "").strip():
            raise UserError(self.env._(
                "%(recall)s still has %(count)s pending unit(s): give a reason to close it "
                "anyway.", recall=self.name, count=self.pending_count))
        self.env.cr.execute("UPDATE serial_recall_unit SET todo = FALSE WHERE recall_id = %s",
                            [self.id])
        self.env["serial.recall.unit"].invalidate_model(["todo"])
        self.write({"state": "closed", "close_date": fields.Datetime.now(),
                    "close_reason": reason or False})
        if reason:
            self.message_post(body=self.env._("Closed with open units: %(reason)s",
                                              reason=reason))

    def action_cancel(self):
        for recall in self:
            if recall.state not in ("draft", "simulated"):
                raise UserError(self.env._(
                    "%(recall)s is %(state)s: an activated recall is closed, not cancelled.",
                    recall=recall.name, state=recall.state))
        self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self.filtered(lambda r: r.state == "cancelled").write({"state": "draft"})
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
        return self._open_units([("bucket", "=", "at_customer")],
                                self.env._("Units at customers"))

    def action_open_error_units(self):
        return self._open_units([("activation_error", "!=", False)],
                                self.env._("Units activation could not deal with"))

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
        labels = dict(self.env["serial.recall.unit"]._fields["bucket"]._description_selection(
            self.env))
        grouped = defaultdict(lambda: defaultdict(lambda: self.env["serial.recall.unit"]))
        for unit in self.unit_ids:
            grouped[unit.bucket][unit.partner_id.display_name or ""] |= unit
        return [
            (labels[bucket], sorted(grouped[bucket].items()))
            for bucket, _label in recall_tools.BUCKETS if bucket in grouped
        ]

