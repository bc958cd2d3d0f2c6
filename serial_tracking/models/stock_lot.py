import logging
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import ledger, lifecycle, warranty
from ..tools import recall as recall_tools
from . import tools_messages
from .stock_move_line import SerialEventExtra

_logger = logging.getLogger(__name__)

# States in which a partner outside the company holds the unit.
_HELD_OUTSIDE = frozenset({lifecycle.SHIPPED, lifecycle.RETURNED_TO_VENDOR})
# Context value that lets the lifecycle itself write the guarded fields. A client can send
# any context key over RPC, but not this object: ``True`` there opens nothing.
LIFECYCLE_WRITE = object()
# Ledger events that settle an open recall unit, and the status they give it.
_STATUS_AFTER_EVENT = {
    "returned": recall_tools.RECOVERED,
    "quarantined": recall_tools.QUARANTINED,
    "scrapped": recall_tools.DESTROYED,
}


class StockLot(models.Model):
    _inherit = "stock.lot"

    # Odoo checks this in Python, which two transactions creating the same serial at
    # once (two receipts, two scanners) both pass. The index makes the second one wait
    # for the first and fail when it commits.
    _serial_name_uniq = models.UniqueIndex(
        "(product_id, COALESCE(company_id, 0), name)",
        lambda env, diag: env._(
            "This serial or lot number was recorded for the product at the same moment by "
            "another user (%(detail)s). Reload the document: the number is taken.",
            detail=(diag.message_detail if diag else "") or "",
        ),
    )

    lifecycle_state = fields.Selection(
        lifecycle.STATES,
        index=True,
        readonly=True,
        copy=False,
        help="Where the unit stands in its life. It changes only through events: stock "
        "operations and the 'Change State' action.",
    )
    lifecycle_date = fields.Datetime(string="State Since", readonly=True, copy=False)
    current_partner_id = fields.Many2one(
        "res.partner",
        string="Held By",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Who holds the unit while it is outside our stock.",
    )
    batch_code = fields.Char(
        string="Batch",
        help="Production batch of this serialized unit (GS1 AI 10).",
    )
    event_ids = fields.One2many("serial.event", "lot_id", string="History", readonly=True)
    event_count = fields.Integer(compute="_compute_event_count")
    component_link_ids = fields.One2many(
        "serial.genealogy",
        "child_lot_id",
        string="Made Of",
        readonly=True,
        domain=[("link_type", "!=", "removed")],
    )
    used_in_link_ids = fields.One2many(
        "serial.genealogy",
        "parent_lot_id",
        string="Used In",
        readonly=True,
        domain=[("link_type", "!=", "removed")],
    )

    # --- warranty (written by serial.warranty from the serial's events and daily job) --
    warranty_ids = fields.One2many("serial.warranty", "lot_id", string="Coverages", readonly=True)
    warranty_state = fields.Selection(
        warranty.LOT_STATES,
        string="Warranty",
        default="none",
        readonly=True,
        index=True,
        copy=False,
        help="Summary of the customer coverages of the unit.",
    )
    warranty_end_date = fields.Date(
        string="Warranty Until",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="Latest end of the unit's customer coverages.",
    )
    # --- end of warranty fields --------------------------------------------------------

    @api.depends("event_ids")
    def _compute_event_count(self):
        counts = dict(
            self.env["serial.event"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.event_count = counts.get(lot, 0)

    # --- guarded state ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self.env["serial.numbering"]._validate_new_serials(vals_list)  # numbering rules
        if self.env.context.get("serial_lifecycle_write") is not LIFECYCLE_WRITE:
            for vals in vals_list:
                if vals.get("lifecycle_state"):
                    raise UserError(
                        self.env._(
                            "%(serial)s: the lifecycle state cannot be set by hand; it starts "
                            "as Planned and follows the unit's events.",
                            serial=vals.get("name") or "",
                        )
                    )
                if vals.get("warranty_state", "none") != "none" or vals.get("warranty_end_date"):
                    raise UserError(self._warranty_by_hand_message(vals.get("name") or ""))
        # A serial starts as Planned, written with its row rather than by an UPDATE after.
        default_product = self.env.context.get("default_product_id")
        product_ids = {vals.get("product_id", default_product) for vals in vals_list}
        serial_ids = set(
            self.env["product.product"]
            .browse(
                product_id
                for product_id in product_ids
                if product_id and isinstance(product_id, int)
            )
            .filtered(lambda product: product.tracking == "serial")
            .ids
        )
        now = fields.Datetime.now()
        vals_list = [
            dict(vals, lifecycle_state=lifecycle.PLANNED, lifecycle_date=now)
            if not vals.get("lifecycle_state")
            and vals.get("product_id", default_product) in serial_ids
            else vals
            for vals in vals_list
        ]
        lots = super().create(vals_list)
        # a product given another way (an override's default, a compute) is caught here
        lots.filtered(
            lambda lot: lot.product_id.tracking == "serial" and not lot.lifecycle_state
        ).with_context(serial_lifecycle_write=LIFECYCLE_WRITE).write(
            {
                "lifecycle_state": lifecycle.PLANNED,
                "lifecycle_date": fields.Datetime.now(),
            }
        )
        return lots

    def write(self, vals):
        trusted = self.env.context.get("serial_lifecycle_write") is LIFECYCLE_WRITE
        guarded = {"lifecycle_state", "lifecycle_date", "current_partner_id"} & set(vals)
        if guarded and not trusted:
            raise UserError(
                self.env._(
                    "%(serials)s: the lifecycle state cannot be changed by hand. Use the "
                    "'Change State' action, which records the change with a reason.",
                    serials=", ".join(self[:5].mapped("name")),
                )
            )
        if {"warranty_state", "warranty_end_date"} & set(vals) and not trusted:
            raise UserError(self._warranty_by_hand_message(", ".join(self[:5].mapped("name"))))
        if vals.get("name"):
            self.env["serial.numbering"]._validate_renamed_serials(self, vals["name"])
        if "company_id" in vals:
            self._check_company_keeps_ledger(vals["company_id"])
        return super().write(vals)

    def _check_company_keeps_ledger(self, company_id):
        """The ledger's events store (and hash) their serial's company: moving a serial
        with a history to another company would rewrite signed events."""
        moved = self.filtered(lambda lot: lot.company_id.id != (company_id or False))
        if moved and self.env["serial.event"].sudo().search_count(
            [("lot_id", "in", moved.ids)], limit=1
        ):
            raise UserError(
                self.env._(
                    "%(serials)s: a serial with a history cannot change company: its signed "
                    "ledger events belong to the company that recorded them. Create the "
                    "serial in the other company instead.",
                    serials=", ".join(moved[:5].mapped("name")),
                )
            )

    def _warranty_by_hand_message(self, serials):
        return self.env._(
            "%(serials)s: the warranty summary follows the unit's coverages and cannot be "
            "set by hand. A Serial Tracking Manager gives more coverage with 'Extend "
            "Warranty'.",
            serials=serials,
        )

    # --- Odoo's own "next serial" paths follow the numbering rule ---------------------

    @api.model
    def _get_next_serial(self, company, product):
        """The next serial of ``product``: the rule's next number (taken for good) when
        a rule with a pattern applies; counting on from the last serial with the rule's
        check character when the rule only validates; else Odoo's own guess."""
        if product.tracking != "none":
            numbering = self.env["serial.numbering"]
            warehouse = self.env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            )
            names = numbering._next_names(product, 1, warehouse=warehouse)
            if names:
                return names[0]
            rule = product._serial_format_rules().get(product.id)
            if rule:
                last = self.search(
                    [("company_id", "in", [company.id, False]), ("product_id", "=", product.id)],
                    limit=1,
                    order="id DESC",
                )
                if last:
                    try:
                        return numbering._names_counting_on(rule, last.name, 2)[1]
                    except UserError as error:
                        # the last serial is no number of the rule: Odoo's guess
                        _logger.info("Next serial of %s: %s", product.display_name, error)
        return super()._get_next_serial(company, product)

    @api.model
    def generate_lot_names(self, first_lot, count):
        """Odoo counts on from ``first_lot``; a caller that made the names from the
        product's rule passes them in the context (``serial_rule_names``)."""
        names = self.env.context.get("serial_rule_names")
        if names and len(names) == count:
            return [{"lot_name": name} for name in names]
        return super().generate_lot_names(first_lot, count)

    # --- applying events ----------------------------------------------------------

    def _serial_apply_events(self, items, warranty_void=None):
        """Check a batch of events against the transition table, then record it.

        Nothing is written when any unit is refused: the error lists every refusal.
        ``warranty_void`` (a ``serial.warranty.void_reason``, given by server code such as
        a recall that ends warranties) voids every coverage of the serials.

        :param items: list of dicts with ``lot`` (a stock.lot record), ``event_type``
            and optional event values (``location_id``, ``location_dest_id``,
            ``partner_id``, ``document_ref``, ``picking_id``, ``move_line_id``,
            ``reason_id``, ``note``, ``date``).
        :returns: the created ``serial.event`` records.
        """
        if not items:
            return self.env["serial.event"]
        # the states only: a receipt of 100,000 serials needs no other column of them
        self.browse({item["lot"].id for item in items}).fetch(["lifecycle_state"])
        plan_input = [
            (
                index,
                item["lot"],
                item["event_type"],
                item["lot"].lifecycle_state or None,
                item.get("document_ref") or "",
            )
            for index, item in enumerate(items)
        ]
        decisions, refusals = lifecycle.plan_transitions(plan_input)
        if refusals:
            named = [
                lifecycle.Refusal(r.serial.display_name, r.event_type, r.state, r.document)
                for r in refusals
            ]
            raise UserError(
                lifecycle.format_refusals(
                    named, say=lambda message: tools_messages.translate(self.env, message)
                )
            )
        vals_list = []
        final = {}
        for index, from_state, to_state in decisions:
            item = items[index]
            vals = {key: value for key, value in item.items() if key != "lot"}
            vals.update(
                lot_id=item["lot"].id, from_state=from_state or False, to_state=to_state or False
            )
            vals_list.append(vals)
            final[item["lot"]] = (to_state, item.get("partner_id") or False)
        rewritten = [
            lot.id
            for lot, (to_state, _partner) in final.items()
            if to_state != (lot.lifecycle_state or None)
        ]
        events = self.env["serial.event"]._append(vals_list, rewritten_lot_ids=rewritten)
        self._serial_write_states(final)
        # coverages follow events
        self.env["serial.warranty"]._on_serial_events(events, void_reason=warranty_void)
        if events:
            self._serial_recall_follow_events(events)
        return events

    def _serial_write_states(self, final):
        """Write the new states with one write per (state, holder) pair.

        :param final: ``{lot: (state, partner_id)}`` after the batch's last event.
        """
        groups = defaultdict(list)
        for lot, (to_state, partner_id) in final.items():
            if to_state == (lot.lifecycle_state or None):
                continue
            if to_state in _HELD_OUTSIDE:
                holder = partner_id
            else:
                holder = False
            groups[to_state, holder].append(lot.id)
        now = fields.Datetime.now()
        # mail_notrack: a lifecycle write never changes what stock.lot tracks (product)
        writer = self.with_context(serial_lifecycle_write=LIFECYCLE_WRITE, mail_notrack=True)
        for (state, holder), lot_ids in groups.items():
            writer.browse(lot_ids).write(
                {
                    "lifecycle_state": state,
                    "lifecycle_date": now,
                    "current_partner_id": holder,
                }
            )

    def _serial_sync_allocation(self, previous_pickings=None):
        """Follow reservations of these serials on outgoing moves.

        A serial reserved on a delivery becomes ``allocated``; one whose last such
        reservation went away (unreserved, cancelled, line removed) goes back to
        ``in_stock``.

        :param previous_pickings: ``{lot_id: stock.picking}`` the serials were
            reserved on before the change, named on ``deallocated`` events.
        """
        previous_pickings = previous_pickings or {}
        lots = self.filtered(
            lambda lot: lot.lifecycle_state and lot.product_id.tracking == "serial"
        )
        if not lots:
            return
        reserved = lots._serial_reserved_for_delivery()
        items = []
        for lot in lots:
            line = reserved.get(lot.id)
            if line and lot.lifecycle_state != lifecycle.ALLOCATED:
                items.append(lot._serial_allocation_item("allocated", line))
            elif not line and lot.lifecycle_state == lifecycle.ALLOCATED:
                picking = previous_pickings.get(lot.id) or self.env["stock.picking"]
                items.append(
                    {
                        "lot": lot,
                        "event_type": "deallocated",
                        "document_ref": picking.name or False,
                        "picking_id": picking.id,
                    }
                )
        self._serial_apply_events(items)

    def _serial_allocation_item(self, event_type, line):
        return {
            "lot": self,
            "event_type": event_type,
            "location_id": line.location_id.id,
            "location_dest_id": line.location_dest_id.id,
            "partner_id": line.picking_id.partner_id.id,
            "document_ref": line.picking_id.name or line.reference,
            "picking_id": line.picking_id.id,
            "move_line_id": line.id,
        }

    def _serial_reserved_for_delivery(self):
        """Return ``{lot_id: move line}`` for serials reserved on an open outgoing move."""
        self.env["stock.move.line"].flush_model(["lot_id", "quantity", "move_id", "state"])
        self.env["stock.move"].flush_model(["state", "picking_type_id", "location_dest_id"])
        self.env.cr.execute(
            """SELECT DISTINCT ON (ml.lot_id) ml.lot_id, ml.id
                 FROM stock_move_line ml
                 JOIN stock_move m ON m.id = ml.move_id
                 JOIN stock_location dest ON dest.id = m.location_dest_id
            LEFT JOIN stock_picking_type pt ON pt.id = m.picking_type_id
                WHERE ml.lot_id = ANY(%s)
                  AND ml.quantity > 0
                  AND m.state NOT IN ('done', 'cancel', 'draft')
                  AND (pt.code = 'outgoing' OR dest.usage = 'customer')
             ORDER BY ml.lot_id, ml.id""",
            [self.ids],
        )
        line_by_lot = dict(self.env.cr.fetchall())
        lines = self.env["stock.move.line"].browse(line_by_lot.values())
        return {lot_id: lines.browse(line_id) for lot_id, line_id in line_by_lot.items()}

    # --- back-fill ----------------------------------------------------------------

    _BACKFILL_BATCH = 10000

    @api.model
    def _serial_backfill(self, batch_size=None, commit=False):
        """Give every serial without a state one, derived from its stock history.

        Used when the suite is installed on a database that already has serials:
        each gets exactly one ``imported`` event. Set-based: serials are taken in
        batches in id order, one query per batch reads their history, events and
        states are written with plain SQL. Serials of products with a warranty policy
        get the coverages their history earns.

        :param commit: commit after each batch (the scheduled action does): a run
            interrupted in batch k keeps batches 1 to k-1, and the next run starts
            again with the serials of batch k, which still have no state.
        :returns: the number of serials back-filled by this run.
        """
        batch_size = batch_size or self._BACKFILL_BATCH
        cron = self.env["ir.cron"]
        if commit:
            cron._commit_progress(remaining=self._serial_backfill_count())
        now = fields.Datetime.now()
        done = last_id = 0
        while lot_ids := self._serial_backfill_next(last_id, batch_size):
            last_id = lot_ids[-1]
            batch = self._serial_backfill_facts(lot_ids)
            self._serial_backfill_write(batch, now)
            self.env.invalidate_all()
            # coverages from the policy, replaying the serials' stock history
            self.env["serial.warranty"]._backfill_coverages([row["id"] for row in batch])
            done += len(batch)
            if commit and not cron._commit_progress(len(batch)):
                break  # out of time: the scheduled action runs again for the rest
        self.env.invalidate_all()
        return done

    @api.model
    def _cron_serial_backfill(self):
        return self._serial_backfill(commit=True)

    _BACKFILL_SERIALS = SQL("""
        FROM stock_lot lot
        JOIN product_product pp ON pp.id = lot.product_id
        JOIN product_template pt ON pt.id = pp.product_tmpl_id
       WHERE pt.tracking = 'serial' AND lot.lifecycle_state IS NULL""")

    def _serial_backfill_count(self):
        self.env["stock.lot"].flush_model(["lifecycle_state"])
        self.env.cr.execute(SQL("SELECT count(*) %s", self._BACKFILL_SERIALS))
        return self.env.cr.fetchone()[0]

    def _serial_backfill_next(self, after_id, limit):
        """The ids of the next ``limit`` serials without a state, after ``after_id``."""
        self.env["stock.lot"].flush_model(["lifecycle_state"])
        self.env.cr.execute(
            SQL(
                "SELECT lot.id %s AND lot.id > %s ORDER BY lot.id LIMIT %s",
                self._BACKFILL_SERIALS,
                after_id,
                limit,
            )
        )
        return [lot_id for (lot_id,) in self.env.cr.fetchall()]

    def _serial_backfill_facts(self, lot_ids):
        self.env.flush_all()
        self.env.cr.execute(
            """WITH serials AS (
                   SELECT lot.id, lot.product_id, lot.company_id
                     FROM stock_lot lot
                     JOIN product_product pp ON pp.id = lot.product_id
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                    WHERE pt.tracking = 'serial' AND lot.lifecycle_state IS NULL
                      AND lot.id = ANY(%s)
               ), last_move AS (
                   SELECT DISTINCT ON (ml.lot_id)
                          ml.lot_id, src.usage AS src_usage, dest.usage AS dest_usage,
                          COALESCE(src.serial_quarantine, FALSE) AS src_quarantine,
                          COALESCE(dest.serial_quarantine, FALSE) AS dest_quarantine,
                          ml.location_id, ml.location_dest_id,
                          COALESCE(pick.partner_id, m.partner_id) AS partner_id,
                          COALESCE(pick.name, m.reference) AS document_ref
                     FROM stock_move_line ml
                     JOIN serials s ON s.id = ml.lot_id
                     JOIN stock_move m ON m.id = ml.move_id
                     JOIN stock_location src ON src.id = ml.location_id
                     JOIN stock_location dest ON dest.id = ml.location_dest_id
                LEFT JOIN stock_picking pick ON pick.id = ml.picking_id
                    WHERE m.state = 'done'
                 ORDER BY ml.lot_id, ml.date DESC, ml.id DESC
               ), move_count AS (
                   SELECT ml.lot_id, count(*) AS moves
                     FROM stock_move_line ml
                     JOIN serials s ON s.id = ml.lot_id
                     JOIN stock_move m ON m.id = ml.move_id
                    WHERE m.state = 'done'
                 GROUP BY ml.lot_id
               ), held AS (
                   SELECT DISTINCT ON (q.lot_id) q.lot_id, q.location_id,
                          COALESCE(loc.serial_quarantine, FALSE) AS quarantine
                     FROM stock_quant q
                     JOIN serials s ON s.id = q.lot_id
                     JOIN stock_location loc ON loc.id = q.location_id
                    WHERE loc.usage IN ('internal', 'transit') AND q.quantity > 0
                 ORDER BY q.lot_id, q.quantity DESC
               )
               SELECT s.id, s.product_id, s.company_id, lm.src_usage, lm.dest_usage,
                      lm.src_quarantine, lm.dest_quarantine, lm.location_id,
                      lm.location_dest_id, lm.partner_id, lm.document_ref,
                      COALESCE(mc.moves, 0) AS moves,
                      held.location_id AS held_location_id, held.quarantine
                 FROM serials s
            LEFT JOIN last_move lm ON lm.lot_id = s.id
            LEFT JOIN move_count mc ON mc.lot_id = s.id
            LEFT JOIN held ON held.lot_id = s.id
             ORDER BY s.id""",
            [lot_ids],
        )
        return self.env.cr.dictfetchall()

    def _serial_backfill_write(self, rows, now):
        keys = self.env["serial.ledger.key"]
        key = keys._serial_chain_key()
        keys._serial_legacy_last_id()  # fixed before the first keyed event exists
        events, states = [], []
        for row in rows:
            last_event = None
            if row["src_usage"]:
                last_event = lifecycle.classify_move(
                    row["src_usage"],
                    row["dest_usage"],
                    row["src_quarantine"],
                    row["dest_quarantine"],
                )
            state = lifecycle.derive_state(
                last_event, bool(row["held_location_id"]), bool(row["quarantine"])
            )
            partner_id = row["partner_id"] if state in _HELD_OUTSIDE else None
            content = {
                "lot_id": row["id"],
                "event_type": "imported",
                "from_state": None,
                "to_state": state,
                "date": now,
                "user_id": self.env.uid,
                "location_id": row["location_id"],
                "location_dest_id": row["held_location_id"] or row["location_dest_id"],
                "partner_id": partner_id,
                "document_ref": row["document_ref"],
                "reason_id": None,
                "note": f"Derived from {row['moves']} done move(s) on installation.",
            }
            content.update(
                product_id=row["product_id"],
                company_id=row["company_id"],
                create_date=now,
                picking_ref=None,
                move_line_ref=None,
                prev_hash=ledger.GENESIS,
            )
            content["hash"] = ledger.event_hash(content, ledger.GENESIS, key)
            events.append((row["product_id"], row["company_id"], content))
            states.append((row["id"], state, partner_id))
        self._serial_backfill_save(events, states, now)

    # --- history queries ----------------------------------------------------------

    def _serial_state_at(self, at):
        """Return ``{lot_id: (state, partner_id)}`` for these serials as of ``at``.

        One query over the ledger; serials with no event by then are left out.
        """
        self.env["serial.event"].flush_model()
        self.env.cr.execute(
            """SELECT DISTINCT ON (lot_id) lot_id, to_state, partner_id
                 FROM serial_event
                WHERE lot_id = ANY(%s) AND date <= %s
             ORDER BY lot_id, date DESC, id DESC""",
            [self.ids, fields.Datetime.to_datetime(at)],
        )
        return {
            lot_id: (state, partner_id if state in _HELD_OUTSIDE else False)
            for lot_id, state, partner_id in self.env.cr.fetchall()
        }

    # --- genealogy ------------------------------------------------------------------

    def _serial_descendants(self, at=None):
        """Every unit these serials went into, at any depth (as of ``at``)."""
        return self.browse(self.env["serial.genealogy"]._walk(self.ids, "down", at))

    def _serial_ancestors(self, at=None):
        """Everything these serials are made of, at any depth (as of ``at``)."""
        return self.browse(self.env["serial.genealogy"]._walk(self.ids, "up", at))

    # --- actions ------------------------------------------------------------------

    def action_open_serial_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_event"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"search_default_group_by_lot": 0}
        return action

    def action_open_transition_wizard(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_transition_wizard"
        )
        action["context"] = {"active_model": "stock.lot", "active_ids": self.ids}
        return action

    def action_verify_history(self):
        # the check reads the ledger with SQL: who may press it and which serials it
        # reads are decided here, as the button and the action are manager-only
        if not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(
                self.env._("Only a Serial Tracking Manager may verify the history of serials.")
            )
        self.check_access("read")
        return self._action_verify_history_notification()

    def _action_verify_history_notification(self):
        broken = self.env["serial.event"]._find_broken_chains(self.ids)
        if not broken:
            message = self.env._("The history of %(count)s serial(s) is intact.", count=len(self))
            kind = "success"
        else:
            lots = self.browse(list(broken))
            lines = [
                self.env._(
                    "%(serial)s: event %(event)s %(reason)s",
                    serial=lot.display_name,
                    event=broken[lot.id][0],
                    reason=broken[lot.id][1],
                )
                for lot in lots[:20]
            ]
            message = "\n".join(lines)
            kind = "danger"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Verify History"),
                "message": message,
                "type": kind,
                "sticky": bool(broken),
            },
        }

    # --- genealogy tree and traceability report -----------------------------------

    serial_genealogy_html = fields.Html(
        string="Genealogy Tree",
        compute="_compute_serial_genealogy_html",
        sanitize=False,
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
        return self.env.ref("serial_tracking.action_report_serial_traceability_html").report_action(
            self, config=False
        )

    def action_serial_traceability_export(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_traceability_export"
        )
        action["context"] = {"active_model": "stock.lot", "active_ids": self.ids}
        return action

    # --- recall fields ------------------------------------------------------------

    recall_unit_ids = fields.One2many(
        "serial.recall.unit", "lot_id", string="Recalls", readonly=True
    )
    recall_warning = fields.Char(compute="_compute_recall_warning")

    def _compute_recall_warning(self):
        recalls_by_lot = self._serial_active_recalls_by_lot()
        for lot in self:
            recalls = recalls_by_lot.get(lot.id)
            lot.recall_warning = (
                self.env._(
                    "%(serial)s is recalled by %(recalls)s: do not ship it; put it aside.",
                    serial=lot.name,
                    recalls=", ".join(recalls.mapped("name")),
                )
                if recalls
                else False
            )

    # --- recalls ------------------------------------------------------------------

    def _serial_active_recalls(self):
        """The active recalls that list one of these serials (or a unit built from one
        of them) with a status still open."""
        recalls = self.env["serial.recall"]
        for lot_recalls in self._serial_active_recalls_by_lot().values():
            recalls |= lot_recalls
        return recalls

    def _serial_active_recalls_by_lot(self):
        """``{lot_id: serial.recall}``, one query for the whole set."""
        ids = [lot_id for lot_id in self.ids if lot_id]
        if not ids:
            return {}
        self.env["serial.recall.unit"].flush_model(
            ["lot_id", "parent_lot_id", "status", "recall_id"]
        )
        self.env["serial.recall"].flush_model(["state"])
        # two index lookups (the unit itself, or a unit built from it), not one OR join
        self.env.cr.execute(
            """SELECT hit.lot_id, array_agg(DISTINCT hit.recall_id)
                 FROM (SELECT u.lot_id, u.recall_id, u.status FROM serial_recall_unit u
                        WHERE u.lot_id = ANY(%(ids)s)
                       UNION ALL
                       SELECT u.parent_lot_id, u.recall_id, u.status FROM serial_recall_unit u
                        WHERE u.parent_lot_id = ANY(%(ids)s)) hit
                 JOIN serial_recall r ON r.id = hit.recall_id
                WHERE r.state = 'active' AND hit.status = ANY(%(open)s)
             GROUP BY hit.lot_id""",
            {"ids": ids, "open": list(recall_tools.OPEN_STATUSES)},
        )
        recalls = self.env["serial.recall"].sudo()
        return {
            lot_id: recalls.browse(recall_ids).sudo(False)
            for lot_id, recall_ids in self.env.cr.fetchall()
        }

    def _serial_check_not_recalled(self, document=""):
        """Refuse to ship or reserve serials of an active recall, naming each one."""
        recalls_by_lot = self._serial_active_recalls_by_lot()
        if not recalls_by_lot:
            return
        where = self.env._(" on %s", document) if document else ""
        lines = [
            self.env._(
                "%(serial)s cannot be shipped or reserved%(where)s: it is quarantined by "
                "recall %(recalls)s. Put it aside and pick another unit.",
                serial=lot.display_name,
                where=where,
                recalls=", ".join(recalls_by_lot[lot.id].sudo().mapped("name")),
            )
            for lot in self.browse(list(recalls_by_lot))[:20]
        ]
        if len(recalls_by_lot) > 20:
            lines.append(self.env._("... and %(count)s more.", count=len(recalls_by_lot) - 20))
        raise UserError("\n".join(lines))

    def _serial_recall_follow_events(self, events):
        """A return, quarantine or scrap of a unit of an active recall settles it."""
        # one query: a receipt of 100,000 serials settles nothing and reads no event
        self.env["serial.event"].flush_model(["event_type", "lot_id"])
        self.env.cr.execute(
            """SELECT event_type, array_agg(lot_id) FROM serial_event
                WHERE id = ANY(%s) AND event_type = ANY(%s) GROUP BY event_type""",
            [events.ids, list(_STATUS_AFTER_EVENT)],
        )
        by_status = defaultdict(set)
        for event_type, lot_ids in self.env.cr.fetchall():
            by_status[_STATUS_AFTER_EVENT[event_type]].update(lot_ids)
        if not by_status:
            return
        self.env["serial.recall.unit"].flush_model()
        for status, lot_ids in by_status.items():
            allowed_from = [
                old for old, news in recall_tools.STATUS_CHANGES.items() if status in news
            ]
            self.env.cr.execute(
                """UPDATE serial_recall_unit u
                      SET status = %s, write_date = now() at time zone 'UTC'
                     FROM serial_recall r
                    WHERE r.id = u.recall_id AND r.state = 'active'
                      AND u.lot_id = ANY(%s) AND u.status = ANY(%s)""",
                [status, list(lot_ids), allowed_from],
            )
        self.env["serial.recall.unit"].invalidate_model(["status"])

    # --- moving units through real transfers --------------------------------------

    def _serial_routes(self, destination_of):
        """Group these serials by (current location, destination).

        :returns: ``(routes, problems)``: ``{(source, destination): stock.lot}`` and
            ``{lot: message}`` for serials that cannot be moved.
        """
        route_ids = defaultdict(list)
        problems = {}
        for lot in self:
            source = lot.location_id
            if source.usage not in ("internal", "transit"):
                problems[lot] = self.env._(
                    "%(serial)s: not in a single stock location; count the unit first.",
                    serial=lot.display_name,
                )
                continue
            destination = destination_of(lot)
            if not destination:
                problems[lot] = self.env._(
                    "%(serial)s: its warehouse has no quarantine location. Open the "
                    "warehouse and save it once to create one.",
                    serial=lot.display_name,
                )
                continue
            route_ids[source, destination].append(lot.id)
        routes = {route: self.browse(ids) for route, ids in route_ids.items()}
        return routes, problems

    def _serial_move_to_location(self, destination_of, origin=False, event_context=None):
        """Move these serials through real internal transfers, one per route.

        :param destination_of: function of a serial giving its destination location.
        :raises UserError: naming every serial that cannot move, before anything moves.
        :returns: the done transfers.
        """
        routes, problems = self._serial_routes(destination_of)
        if problems:
            raise UserError("\n".join(list(problems.values())[:20]))
        pickings = self.env["stock.picking"]
        for (source, destination), lots in routes.items():
            pickings |= lots._serial_transfer(source, destination, origin, event_context)
        return pickings

    def _serial_transfer(self, source, destination, origin=False, event_context=None):
        """One done internal transfer moving exactly these serials."""
        warehouse = source.warehouse_id
        lot_ids_by_product = defaultdict(list)
        for lot in self:
            lot_ids_by_product[lot.product_id].append(lot.id)
        picking_type = warehouse.int_type_id or self.env["stock.picking.type"].search(
            [("code", "=", "internal"), ("company_id", "=", source.company_id.id)], limit=1
        )
        # The serial lines are written on the draft moves, so that confirming them
        # reserves nothing that would have to be undone.
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "origin": origin or False,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": len(lot_ids),
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "picked": True,
                        }
                    )
                    for product, lot_ids in lot_ids_by_product.items()
                ],
            }
        )
        # Odoo reserves each new line's quant; hand it the quants read at once, as its own
        # validation does, instead of one search per serial.
        quants_cache = self.env["stock.quant"]._get_quants_by_products_locations(
            picking.move_ids.product_id, source, extra_domain=[("lot_id", "in", self.ids)]
        )
        self.env["stock.quant"].union(*quants_cache.values()).fetch(
            [
                "quantity",
                "reserved_quantity",
                "lot_id",
                "in_date",
                "location_id",
                "product_id",
                "package_id",
                "owner_id",
            ]
        )
        self.env["stock.move.line"].with_context(quants_cache=quants_cache).create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": move.product_id.id,
                    "lot_id": lot_id,
                    "quantity": 1.0,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "picked": True,
                }
                for move in picking.move_ids
                for lot_id in lot_ids_by_product[move.product_id]
            ]
        )
        picking.move_ids._action_confirm(merge=False)
        # reason and note as server code gives them: clients cannot send this object
        picking.with_context(
            serial_relocate=True,
            serial_event_extra=SerialEventExtra.of(event_context),
        )._action_done()
        return picking

    # --- scanner ------------------------------------------------------------------

    # Odoo indexes lot names with trigrams, for "contains" searches; an exact look-up of
    # one scanned serial through that index costs about 60 ms with 1,000,000 serials.
    # A btree answers it in well under a millisecond (scanner, numbering checks).
    _serial_name_exact_idx = models.Index("(name)")
