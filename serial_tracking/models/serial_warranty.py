from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import lifecycle, warranty

# Events that create coverages or move them forward.
_MOVING_EVENTS = frozenset(warranty.TRIGGER_OF_EVENT) | {
    "returned",
    "in_repair",
    "repaired",
    "scrapped",
}
# What a coverage copies from its policy line.
_LINE_COPIED = [
    "coverage_type",
    "trigger",
    "duration",
    "duration_unit",
    "cap_trigger",
    "cap_duration",
    "cap_unit",
    "return_window_days",
    "pause_in_repair",
    "resale_rule",
]
# What the engine reads and writes of a coverage.
_ENGINE_FIELDS = [
    "lot_id",
    "policy_id",
    "policy_line_id",
    "source",
    *_LINE_COPIED,
    "partner_id",
    "start_date",
    "latest_start_date",
    "end_date",
    "paused_days",
    "pause_start",
    "state",
    "void_date",
    "void_reason",
    "document_ref",
]
EXPIRING_DAYS_PARAM = "serial_tracking.warranty_expiring_days"
# Context value that lets the engine write coverages; a client cannot send this object.
WARRANTY_WRITE = object()
_VOID_REASONS = frozenset({"returned", "scrapped", "recalled", "other"})
_ACTIVITY_SERIALS = 20  # serials named in one reminder


class _Ref(NamedTuple):
    """Stands for a record where only its id is read."""

    id: int


class _ReplayedEvent(NamedTuple):
    """A done stock move of the past, read as the ledger event it would have made."""

    event_type: str
    date: object
    lot_id: _Ref
    partner_id: _Ref
    document_ref: str


class SerialWarranty(models.Model):
    """One coverage of one serial: what is covered, from when, until when.

    Coverages are created and moved forward by the serial's lifecycle events
    (:meth:`_on_serial_events`), by the extension wizard and by the daily job; never by
    a user editing dates.
    """

    _name = "serial.warranty"
    _description = "Serial Warranty Coverage"
    _order = "lot_id, start_date, id"
    _check_company_auto = True

    lot_id = fields.Many2one(
        "stock.lot", string="Serial", required=True, index=True, ondelete="cascade", readonly=True
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, index=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, index=True)
    policy_id = fields.Many2one(
        "serial.warranty.policy", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    policy_line_id = fields.Many2one(
        "serial.warranty.policy.line", string="Policy Coverage", readonly=True, ondelete="set null"
    )
    source = fields.Selection(
        [("policy", "Policy"), ("extension", "Extension"), ("supplier", "Supplier")],
        required=True,
        default="policy",
        readonly=True,
    )
    coverage_type = fields.Selection(warranty.COVERAGE_TYPES, required=True, readonly=True)
    trigger = fields.Selection(warranty.TRIGGERS, string="Starts At", readonly=True)
    duration = fields.Integer(readonly=True)
    duration_unit = fields.Selection(warranty.DURATION_UNITS, string="Unit", readonly=True)
    cap_trigger = fields.Selection(warranty.TRIGGERS, string="But No Later Than", readonly=True)
    cap_duration = fields.Integer(readonly=True)
    cap_unit = fields.Selection(warranty.DURATION_UNITS, readonly=True)
    return_window_days = fields.Integer(string="Return Window (days)", readonly=True)
    pause_in_repair = fields.Boolean(readonly=True)
    resale_rule = fields.Selection(
        warranty.RESALE_RULES, string="On Return and Resale", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Covered Party",
        readonly=True,
        index="btree_not_null",
        help="The customer (or, for supplier coverage, the vendor).",
    )
    start_date = fields.Date(string="Start", readonly=True)
    latest_start_date = fields.Date(string="Starts At the Latest", readonly=True)
    end_date = fields.Date(string="End", readonly=True, help="Last covered day.")
    paused_days = fields.Integer(readonly=True, help="Days spent in repair, added to the end.")
    pause_start = fields.Date(string="Paused Since", readonly=True)
    state = fields.Selection(
        warranty.STATES, required=True, default=warranty.PENDING, readonly=True, index=True
    )
    void_date = fields.Date(readonly=True)
    void_reason = fields.Selection(
        [
            ("returned", "Returned by the customer"),
            ("scrapped", "Scrapped"),
            ("recalled", "Recalled"),
            ("other", "Other"),
        ],
        readonly=True,
    )
    document_ref = fields.Char(string="Started By", readonly=True)
    reason_id = fields.Many2one("serial.reason", readonly=True)
    note = fields.Text(readonly=True)

    _state_end_idx = models.Index("(state, end_date)")
    _pending_cap_idx = models.Index("(latest_start_date) WHERE state = 'pending'")
    _pending_start_idx = models.Index("(start_date) WHERE state = 'pending'")

    @api.depends("coverage_type", "lot_id", "end_date")
    def _compute_display_name(self):
        types = dict(self._fields["coverage_type"]._description_selection(self.env))
        for coverage in self:
            coverage.display_name = self.env._(
                "%(serial)s: %(type)s",
                serial=coverage.lot_id.name or "",
                type=types.get(coverage.coverage_type, ""),
            )

    # --- never edited by users ------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine()
        return super().write(vals)

    def _check_engine(self):
        if self.env.context.get("serial_warranty_write") is not WARRANTY_WRITE:
            raise UserError(
                self.env._(
                    "Warranty coverages follow the serial's events and cannot be edited. To "
                    "give more coverage, use 'Extend Warranty' on the serial."
                )
            )

    def _engine(self):
        return self.sudo().with_context(serial_warranty_write=WARRANTY_WRITE)

    # --- lifecycle events -----------------------------------------------------------

    @api.model
    def _event_lot_products(self, events, event_types=None):
        """``{lot_id: product_id}`` of the serials of ``events`` (only those of
        ``event_types`` when given), read in one query."""
        self.env["serial.event"].flush_model(["lot_id", "event_type"])
        self.env["stock.lot"].flush_model(["product_id"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT event.lot_id, lot.product_id
                 FROM serial_event event JOIN stock_lot lot ON lot.id = event.lot_id
                WHERE event.id = ANY(%s) %s""",
                events.ids,
                SQL("AND event.event_type = ANY(%s)", list(event_types)) if event_types else SQL(),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _on_serial_events(self, events, void_reason=None):
        """Create and move coverages for ledger events just recorded.

        Called at the end of ``stock.lot._serial_apply_events``. Set-wise: one read of
        the policies, one of the existing coverages, one create and one write per
        distinct change. ``void_reason`` voids every coverage of the events' serials (a
        recall that ends warranties passes it). It is an argument, never read from the
        context: a client sends any context it likes with any call that records events.
        """
        if void_reason and void_reason not in _VOID_REASONS:
            raise UserError(
                self.env._("Unknown warranty void reason %(reason)s.", reason=void_reason)
            )
        owners = self._event_lot_products(events, None if void_reason else _MOVING_EVENTS)
        if not owners:
            return
        policies = (
            self.env["serial.warranty.policy"]
            .sudo()
            ._for_products(self.env["product.product"].browse(set(owners.values())))
        )
        if not policies and not self.sudo().search_count([("lot_id", "in", list(owners))], limit=1):
            return  # a big receipt of serials nothing covers reads no event
        relevant = (
            events
            if void_reason
            else events.filtered(lambda event: event.event_type in _MOVING_EVENTS)
        )
        lots = relevant.lot_id
        drafts = defaultdict(list)
        for row in self.sudo().search_read(
            [("lot_id", "in", lots.ids)], ["id", *_ENGINE_FIELDS], load=None, order="id"
        ):
            row["_orig"] = dict(row)
            drafts[row["lot_id"]].append(row)
        in_scope = {lot.id for lot in lots if lot.id in drafts or lot.product_id.id in policies}
        if not in_scope:
            return
        today = fields.Date.context_today(self)
        for event in relevant.sorted("id"):
            lot = event.lot_id
            if lot.id not in in_scope:
                continue
            self._apply_event(
                drafts[lot.id], event, policies.get(lot.product_id.id), today, void_reason
            )
        self._save_drafts([row for rows in drafts.values() for row in rows])
        self._refresh_lots(list(in_scope))

    @api.model
    def _start_on_trigger(self, lots, trigger, day, document_ref=False):
        """Start the coverages of ``lots`` that wait for ``trigger`` on ``day``.

        For triggers no ledger event stands for (the invoice date of a bridge addon):
        the coverages exist since the serial's first event; this starts those of the
        trigger, and the caps that count from it, with the same rules as events.
        """
        if not lots:
            return
        drafts = defaultdict(list)
        for row in self.sudo().search_read(
            [("lot_id", "in", lots.ids)], ["id", *_ENGINE_FIELDS], load=None, order="id"
        ):
            row["_orig"] = dict(row)
            drafts[row["lot_id"]].append(row)
        if not drafts:
            return
        today = fields.Date.context_today(self)
        for lot_id, rows in drafts.items():
            event = _ReplayedEvent(trigger, day, _Ref(lot_id), _Ref(False), document_ref)
            self._start(rows, trigger, event, day, today)
        self._save_drafts([row for rows in drafts.values() for row in rows])
        self._refresh_lots(list(drafts))

    @api.model
    def _backfill_coverages(self, lot_ids):
        """Give back-filled serials the coverages their stock history earns them.

        Their ledger holds one ``imported`` event, which moves no coverage: their done
        move lines are replayed instead, in date order, as the events they would have
        been (received, produced, shipped, returned, scrapped...), through the same
        rules as live events. One query reads the history, one create writes the
        coverages. Serials that have coverages already are left alone.

        :returns: the number of coverages created.
        """
        if not lot_ids:
            return 0
        lots = self.env["stock.lot"].browse(lot_ids)
        policies = self.env["serial.warranty.policy"].sudo()._for_products(lots.product_id)
        lots = lots.filtered(lambda lot: lot.product_id.id in policies)
        if not lots:
            return 0
        self.flush_model(["lot_id"])
        self.env.cr.execute(
            "SELECT DISTINCT lot_id FROM serial_warranty WHERE lot_id = ANY(%s)", [lots.ids]
        )
        covered = {row[0] for row in self.env.cr.fetchall()}
        lots = lots.filtered(lambda lot: lot.id not in covered)
        history = self._backfill_history(lots.ids)
        today = fields.Date.context_today(self)
        rows = []
        for lot in lots:
            drafts = []
            for event in history.get(lot.id, ()):
                self._apply_event(drafts, event, policies[lot.product_id.id], today, None)
            rows += drafts
        self._save_drafts(rows)
        self._refresh_lots(lots.ids, today)
        return len(rows)

    def _backfill_history(self, lot_ids):
        """``{lot_id: [event-like objects]}`` from the done move lines of these serials,
        oldest first, classified as live moves are (see ``tools.lifecycle``)."""
        self.env.cr.execute(
            """SELECT ml.lot_id, ml.date, src.usage, dest.usage,
                      COALESCE(src.serial_quarantine, FALSE),
                      COALESCE(dest.serial_quarantine, FALSE),
                      COALESCE(pick.partner_id, m.partner_id),
                      COALESCE(pick.name, m.reference)
                 FROM stock_move_line ml
                 JOIN stock_move m ON m.id = ml.move_id
                 JOIN stock_location src ON src.id = ml.location_id
                 JOIN stock_location dest ON dest.id = ml.location_dest_id
            LEFT JOIN stock_picking pick ON pick.id = ml.picking_id
                WHERE ml.lot_id = ANY(%s) AND m.state = 'done' AND ml.quantity > 0
             ORDER BY ml.lot_id, ml.date, ml.id""",
            [list(lot_ids)],
        )
        history = defaultdict(list)
        for (
            lot_id,
            date,
            src_usage,
            dest_usage,
            src_quarantine,
            dest_quarantine,
            partner_id,
            document,
        ) in self.env.cr.fetchall():
            event_type = lifecycle.classify_move(
                src_usage, dest_usage, src_quarantine, dest_quarantine
            )
            if event_type not in _MOVING_EVENTS:
                continue
            history[lot_id].append(
                _ReplayedEvent(
                    event_type,
                    date,
                    _Ref(lot_id),
                    _Ref(partner_id or False),
                    document or False,
                )
            )
        return history

    def _apply_event(self, rows, event, policy, today, void_reason):
        day = fields.Date.context_today(self, event.date)
        event_type = event.event_type
        trigger = warranty.TRIGGER_OF_EVENT.get(event_type)
        if void_reason:
            self._void(rows, day, void_reason)
            return
        if trigger and policy:
            self._ensure(rows, event, policy, day)
        if trigger:
            self._start(rows, trigger, event, day, today)
        if event_type == "returned":
            ended = [
                row
                for row in rows
                if row["source"] == "policy"
                and row["coverage_type"] in warranty.CUSTOMER_TYPES
                and row["state"] != warranty.VOID
                and warranty.voided_by_return(row["resale_rule"])
            ]
            if ended:
                # an extension was bought by the customer the unit came back from
                ended += [
                    row
                    for row in rows
                    if row["source"] == "extension" and row["state"] != warranty.VOID
                ]
                self._void(ended, day, "returned")
        elif event_type == "in_repair":
            for row in rows:
                if (
                    row["pause_in_repair"]
                    and row["state"] == warranty.ACTIVE
                    and not row["pause_start"]
                ):
                    row["pause_start"] = day
        elif event_type == "repaired":
            for row in rows:
                if row["pause_start"] and row["state"] != warranty.VOID:
                    row["paused_days"] += warranty.days_paused(row["pause_start"], day)
                    row["pause_start"] = False
                    self._schedule(row, today)
        elif event_type == "scrapped":
            self._void(rows, day, "scrapped")

    def _ensure(self, rows, event, policy, day):
        """Give the serial one coverage per policy line, unless it has one already."""
        for line in policy.line_ids:
            mine = [row for row in rows if row["policy_line_id"] == line.id]
            if line.coverage_type == warranty.SUPPLIER:
                # supplier coverage comes from the vendor's receipt, once
                if event.event_type != "received" or mine:
                    continue
                partner_id = event.partner_id.id
            else:
                has_open = any(row["state"] != warranty.VOID for row in mine)
                ended = any(row["void_reason"] == "returned" for row in mine)
                if not warranty.new_coverage_on_shipment(line.resale_rule, has_open, ended):
                    continue
                partner_id = False
            row = {field: line[field] for field in _LINE_COPIED}
            row.update(
                id=None,
                _orig=None,
                lot_id=event.lot_id.id,
                policy_id=policy.id,
                policy_line_id=line.id,
                source="supplier" if line.coverage_type == warranty.SUPPLIER else "policy",
                partner_id=partner_id,
                start_date=False,
                latest_start_date=False,
                end_date=False,
                paused_days=0,
                pause_start=False,
                state=warranty.PENDING,
                void_date=False,
                void_reason=False,
                document_ref=event.document_ref or False,
            )
            if mine and line.trigger in ("manufacture", "receipt"):
                # a restarted coverage cannot wait for a manufacture that is over: the
                # next customer's clock starts now
                row["start_date"] = day
            rows.append(row)

    def _start(self, rows, trigger, event, day, today):
        for row in rows:
            if row["state"] == warranty.VOID:
                continue
            if (
                trigger == "shipment"
                and row["source"] != "supplier"
                and row["state"] in (warranty.PENDING, warranty.ACTIVE)
            ):
                row["partner_id"] = event.partner_id.id or row["partner_id"]
            if row["state"] != warranty.PENDING:
                continue
            changed = False
            if row["cap_trigger"] == trigger and not row["latest_start_date"]:
                row["latest_start_date"] = warranty.add_duration(
                    day, row["cap_duration"], row["cap_unit"]
                )
                changed = True
            if row["trigger"] == trigger and not row["start_date"]:
                row["start_date"] = day
                row["document_ref"] = event.document_ref or row["document_ref"]
                changed = True
            if changed or row["start_date"]:
                self._schedule(row, today)

    def _schedule(self, row, today):
        """Derive start, end and state of a non-void coverage from its dates."""
        start = warranty.capped_start(row["start_date"] or None, row["latest_start_date"] or None)
        if start and start > today and not row["start_date"]:
            start = None  # capped in the future: still waiting for its trigger
        if start:
            row["start_date"] = start
            row["end_date"] = warranty.coverage_end(
                start, row["duration"], row["duration_unit"], row["paused_days"]
            )
        state = warranty.state_on(start, row["end_date"] or None, today)
        if row["pause_start"] and state == warranty.EXPIRED:
            state = warranty.ACTIVE  # the clock is stopped while in repair
        row["state"] = state

    def _void(self, rows, day, reason):
        for row in rows:
            if row["state"] != warranty.VOID:
                row.update(
                    state=warranty.VOID, void_date=day, void_reason=reason, pause_start=False
                )

    def _save_drafts(self, rows):
        engine = self._engine()
        new = []
        changes = defaultdict(list)
        for row in rows:
            values = {field: row[field] for field in _ENGINE_FIELDS}
            if row["id"] is None:
                new.append(values)
                continue
            diff = {field: value for field, value in values.items() if value != row["_orig"][field]}
            if diff:
                changes[tuple(sorted(diff.items()))].append(row["id"])
        if new:
            engine.create(new)
        for diff, ids in changes.items():
            engine.browse(ids).write(dict(diff))

    # --- the serial's summary ---------------------------------------------------------

    @api.model
    def _expiring_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(EXPIRING_DAYS_PARAM)
        return int(value) if value and value.isdigit() else warranty.EXPIRING_DAYS

    @api.model
    def _refresh_lots(self, lot_ids, today=None):
        """Write ``warranty_state`` and ``warranty_end_date`` of these serials.

        One statement; only serials whose summary changes are written. Mirrors
        ``tools.warranty.lot_summary``.
        """
        if not lot_ids:
            return 0
        today = today or fields.Date.context_today(self)
        soon = today + timedelta(days=self._expiring_days())
        self.flush_model(["lot_id", "state", "end_date", "coverage_type"])
        self.env["stock.lot"].flush_model(["warranty_state", "warranty_end_date"])
        self.env.cr.execute(
            """WITH summary AS (
                   SELECT lot.id,
                          bool_or(w.state = 'active') AS active,
                          bool_or(w.state = 'pending') AS pending,
                          bool_or(w.state = 'expired') AS expired,
                          bool_or(w.state = 'void') AS void,
                          max(w.end_date) FILTER (WHERE w.state = 'active') AS active_end,
                          max(w.end_date) FILTER (WHERE w.state IN ('active', 'expired'))
                              AS end_date
                     FROM stock_lot lot
                LEFT JOIN serial_warranty w
                       ON w.lot_id = lot.id AND w.coverage_type != 'supplier'
                    WHERE lot.id = ANY(%(ids)s)
                 GROUP BY lot.id
               ), decided AS (
                   SELECT id, end_date,
                          CASE WHEN active AND active_end <= %(soon)s THEN 'expiring'
                               WHEN active THEN 'active'
                               WHEN pending THEN 'pending'
                               WHEN expired THEN 'expired'
                               WHEN void THEN 'void'
                               ELSE 'none' END AS state
                     FROM summary
               )
               UPDATE stock_lot lot
                  SET warranty_state = decided.state, warranty_end_date = decided.end_date
                 FROM decided
                WHERE lot.id = decided.id
                  AND (lot.warranty_state IS DISTINCT FROM decided.state
                       OR lot.warranty_end_date IS DISTINCT FROM decided.end_date)""",
            {"ids": list(lot_ids), "soon": soon},
        )
        count = self.env.cr.rowcount
        self.env["stock.lot"].invalidate_model(["warranty_state", "warranty_end_date"])
        return count

    # --- daily job --------------------------------------------------------------------

    _BATCH = 5000

    @api.model
    def _cron_daily(self):
        self._run_daily(progress=self.env["ir.cron"]._commit_progress)

    @api.model
    def _run_daily(self, today=None, progress=None):
        """Start capped coverages, expire ended ones, refresh serials, remind managers.

        :param progress: called with the number of items done after each batch (the
            cron passes ``ir.cron._commit_progress``, which commits).
        :returns: figures of the run.
        """
        today = today or fields.Date.context_today(self)
        started = self._start_capped(today, progress)
        expired_lots = self._expire(today)
        soon = today + timedelta(days=self._expiring_days())
        self.env.cr.execute(
            """SELECT DISTINCT w.lot_id
                 FROM serial_warranty w
                 JOIN stock_lot lot ON lot.id = w.lot_id
                WHERE w.state = 'active' AND w.end_date <= %s
                  AND w.coverage_type != 'supplier'
                  AND lot.warranty_state IS DISTINCT FROM 'expiring'""",
            [soon],
        )
        lot_ids = sorted(
            set(expired_lots) | set(started) | {row[0] for row in self.env.cr.fetchall()}
        )
        refreshed = 0
        for start in range(0, len(lot_ids), self._BATCH * 10):
            batch = lot_ids[start : start + self._BATCH * 10]
            refreshed += self._refresh_lots(batch, today)
            if progress:
                progress(len(batch))
        activities = self._remind_expiring(today, soon)
        return {
            "started": len(started),
            "expired_lots": len(expired_lots),
            "refreshed": refreshed,
            "activities": activities,
        }

    def _start_capped(self, today, progress):
        """Pending coverages whose start or cap date has come start, set-wise."""
        self.flush_model()
        self.env.cr.execute(
            """SELECT id FROM serial_warranty
                WHERE state = 'pending' AND (latest_start_date <= %s OR start_date <= %s)""",
            [today, today],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        lot_ids = set()
        for start in range(0, len(ids), self._BATCH):
            rows = (
                self.sudo()
                .browse(ids[start : start + self._BATCH])
                .read(["id", *_ENGINE_FIELDS], load=None)
            )
            for row in rows:
                row["_orig"] = dict(row)
                self._schedule(row, today)
                lot_ids.add(row["lot_id"])
            self._save_drafts(rows)
            if progress:
                progress(len(rows))
        return lot_ids

    def _expire(self, today):
        self.flush_model()
        self.env.cr.execute(
            """UPDATE serial_warranty
                  SET state = 'expired', write_date = now() AT TIME ZONE 'UTC',
                      write_uid = %s
                WHERE state = 'active' AND end_date < %s AND pause_start IS NULL
            RETURNING lot_id""",
            [self.env.uid, today],
        )
        lot_ids = {row[0] for row in self.env.cr.fetchall()}
        self.invalidate_model(["state"])
        return lot_ids

    def _remind_expiring(self, today, soon):
        """One activity per responsible person, listing every product of theirs with
        serials whose coverage ends soon. It sits on the product whose coverage ends
        first; an open reminder of the person is updated instead of a new one. Returns
        the number of activities created or updated."""
        self.env["stock.lot"].flush_model(["warranty_state", "warranty_end_date"])
        self.env.cr.execute(
            """SELECT pp.product_tmpl_id, lot.company_id, count(*),
                      min(lot.warranty_end_date),
                      (array_agg(lot.name || ' (' || lot.warranty_end_date || ')'
                                 ORDER BY lot.warranty_end_date, lot.id))[1:%s]
                 FROM stock_lot lot
                 JOIN product_product pp ON pp.id = lot.product_id
                WHERE lot.warranty_state = 'expiring'
                  AND lot.warranty_end_date BETWEEN %s AND %s
             GROUP BY pp.product_tmpl_id, lot.company_id
             ORDER BY min(lot.warranty_end_date), pp.product_tmpl_id""",
            [_ACTIVITY_SERIALS, today, soon],
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        activity_type = self.env.ref(
            "serial_tracking.mail_activity_warranty_expiring", raise_if_not_found=False
        )
        if not activity_type:
            return 0
        templates = self.env["product.template"].sudo().browse([row[0] for row in rows])
        policies = (
            self.env["serial.warranty.policy"].sudo()._for_products(templates.product_variant_ids)
        )
        by_user = {}
        for tmpl_id, company_id, count, first_end, names in rows:
            template = templates.browse(tmpl_id)
            if company_id:
                template = template.with_company(company_id)
            policy = next(
                (policies[p.id] for p in template.product_variant_ids if p.id in policies), None
            )
            user = template.responsible_id or (policy and policy.user_id)
            if not user:
                continue
            # rows come by end date: the first product of a person ends first
            by_user.setdefault(user.id, []).append((template, count, first_end, names))
        return self._write_reminders(by_user, activity_type, soon)

    def _write_reminders(self, by_user, activity_type, soon):
        activities = self.env["mail.activity"].sudo()
        existing = activities.search(
            [
                ("res_model", "=", "product.template"),
                ("activity_type_id", "=", activity_type.id),
                ("user_id", "in", list(by_user)),
            ],
            order="id",
        )
        open_of = {}
        for activity in existing:
            open_of.setdefault(activity.user_id.id, activity)
        model_id = self.env["ir.model"]._get_id("product.template")
        to_create = []
        for user_id, products in by_user.items():
            values = {
                "note": self._reminder_note(products, soon),
                "date_deadline": products[0][2],
                "summary": self.env._(
                    "Warranties ending soon: %(count)s product(s)", count=len(products)
                ),
            }
            if user_id in open_of:
                open_of[user_id].write(values)
            else:
                to_create.append(
                    dict(
                        values,
                        res_model_id=model_id,
                        res_id=products[0][0].id,
                        user_id=user_id,
                        activity_type_id=activity_type.id,
                    )
                )
        activities.create(to_create)
        return len(by_user)

    def _reminder_note(self, products, soon):
        items = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(product)s: %(count)s serial(s): %(serials)s",
                product=template.display_name,
                count=count,
                serials=", ".join(names) + ("…" if count > len(names) else ""),
            )
            for template, count, _first_end, names in products
        )
        intro = self.env._("Serials whose coverage ends by %(soon)s:", soon=soon)
        return Markup("<p>%s</p><ul>%s</ul>") % (intro, items)
