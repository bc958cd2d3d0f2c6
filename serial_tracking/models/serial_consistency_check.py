import logging
import time

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import ledger, lifecycle

_logger = logging.getLogger(__name__)

# Broken chains named in the notification of "Verify All Histories".
MAX_NAMED = 20

# States whose unit sits in one of our internal, non-quarantine locations.
_STOCK_STATES = ("in_stock", "allocated", "returned")
# States whose unit has no quant in our internal locations any more (or not yet).
_GONE_STATES = tuple(
    sorted(state for state, _label in lifecycle.STATES if state not in lifecycle.STOCK_STATES)
)
# ``in_repair`` is left out of the quant comparison: a customer's unit can be repaired
# without being received into stock first.


class SerialConsistencyCheck(models.Model):
    """One run of the consistency check over the serials, with what it found.

    The check compares, set-based and in a handful of SQL statements, each serial's
    ``lifecycle_state`` with where Odoo's quants say the unit is and with the
    ``to_state`` of its last ledger event, and verifies every hash chain of the
    ledger in SQL. It only reads the data it checks and writes its own results.

    A run belongs to one company and covers that company's serials and the serials
    shared by every company (no company): its totals and its issues say nothing about
    another company's serials, and its record rule keeps it within its company.
    """

    _name = "serial.consistency.check"
    _description = "Serial Consistency Check"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    date_start = fields.Datetime(
        string="Checked On", required=True, readonly=True, default=fields.Datetime.now
    )
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2))
    trigger = fields.Selection(
        [("manual", "Manual"), ("cron", "Scheduled")],
        required=True,
        readonly=True,
        default="manual",
    )
    user_id = fields.Many2one(
        "res.users", string="Run By", readonly=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda s: s.env.company
    )
    serial_count = fields.Integer(string="Serials Checked", readonly=True)
    event_count = fields.Integer(string="Events Verified", readonly=True)
    issue_ids = fields.One2many(
        "serial.consistency.issue", "check_id", string="Issues", readonly=True
    )
    issue_count = fields.Integer(string="Number of Issues", readonly=True)
    state_vs_quant_count = fields.Integer(string="State vs Stock", readonly=True)
    state_vs_last_event_count = fields.Integer(string="State vs Ledger", readonly=True)
    broken_chain_count = fields.Integer(string="Broken Chains", readonly=True)
    missing_count = fields.Integer(string="Missing State or Event", readonly=True)
    result = fields.Selection(
        [("ok", "Consistent"), ("issues", "Issues Found")],
        compute="_compute_result",
    )

    @api.depends("issue_count")
    def _compute_result(self):
        for check in self:
            check.result = "issues" if check.issue_count else "ok"

    @api.depends("date_start")
    def _compute_display_name(self):
        for check in self:
            check.display_name = self.env._(
                "Consistency check of %(date)s",
                date=fields.Datetime.to_string(check.date_start) if check.date_start else "",
            )

    # --- entry points ---------------------------------------------------------------

    def action_run_check(self):
        """Manager action: check every serial of the companies selected in the company
        switcher now (one run per company) and open the result.

        A header button of the list: the web client calls it on the selected checks,
        or on none; either way every serial is checked, whatever is selected.
        """
        self.check_access("create")
        checks = self.browse()
        for company in self.env.companies:
            checks |= self._run(company=company)
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Consistency Checks"),
            "res_model": self._name,
            "target": "current",
        }
        if len(checks) == 1:
            return dict(action, res_id=checks.id, view_mode="form", views=[(False, "form")])
        return dict(
            action,
            domain=[("id", "in", checks.ids)],
            view_mode="list,form",
            views=[(False, "list"), (False, "form")],
        )

    @api.model
    def _cron_check(self):
        """Daily: one run per company, each over that company's (and shared) serials."""
        checks = self.browse()
        for company in self.env["res.company"].sudo().search([]):
            check = self._run(trigger="cron", company=company)
            if check.issue_count:
                _logger.warning(
                    "Serial consistency check %s of %s found %s issue(s)",
                    check.id,
                    company.name,
                    check.issue_count,
                )
                check._notify_managers()
            checks |= check
        return checks

    # --- telling the managers ---------------------------------------------------------

    def _managers(self):
        """The active Serial Tracking Managers who work in the check's company."""
        self.ensure_one()
        group = self.env.ref("serial_tracking.group_serial_manager")
        return group.sudo().all_user_ids.filtered(
            lambda user: user.active and not user.share and self.company_id in user.company_ids
        )

    def _notify_managers(self):
        """A to-do for each manager of the company on a check that found issues, so
        that a scheduled check's findings reach someone: the log line alone does not."""
        for check in self.sudo():
            summary = self.env._(
                "Consistency check: %(count)s issue(s) to fix", count=check.issue_count
            )
            note = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
                self.env._(
                    "The consistency check of %(company)s found %(count)s "
                    "serial(s) that disagree with their stock or their ledger:",
                    company=check.company_id.name,
                    count=check.issue_count,
                ),
                Markup("").join(
                    Markup("<li>%s: %s</li>") % (label, count)
                    for label, count in check._issue_breakdown()
                ),
                self.env._("Open the check: each issue says what is wrong and how to fix it."),
            )
            for user in check._managers():
                check.activity_schedule(
                    "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id
                )

    def _issue_breakdown(self):
        """``[(label, count)]`` of the kinds of issues found, in the order of the form."""
        self.ensure_one()
        return [
            (self._fields[name].get_description(self.env)["string"], self[name])
            for name in (
                "state_vs_quant_count",
                "state_vs_last_event_count",
                "broken_chain_count",
                "missing_count",
            )
            if self[name]
        ]

    def _close_previous_activities(self):
        """A full run supersedes the earlier runs of its company: their open to-dos
        are marked done, so that only the newest findings wait for someone."""
        self.ensure_one()
        previous = self.sudo().search(
            [
                ("company_id", "=", self.company_id.id),
                ("id", "<", self.id),
                ("activity_ids", "!=", False),
            ]
        )
        if previous.activity_ids:
            previous.activity_ids.action_feedback(
                feedback=self.env._("Superseded by %(check)s.", check=self.display_name)
            )

    @api.model
    def _run(self, lot_ids=None, trigger="manual", company=None):
        """Check the serials of ``company`` (default: the current one) and the shared
        ones -- all of them, or those of ``lot_ids`` -- and store one run.

        :returns: the ``serial.consistency.check`` holding the issues found.
        """
        started = time.perf_counter()
        company = company or self.env.company
        check = (
            self.sudo()
            .with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
            )
            .create({"trigger": trigger, "company_id": company.id})
        )
        self.env.flush_all()
        # big sorts and hashes stay in memory, for this transaction only
        # (JIT compiling costs more than it saves on these queries)
        self.env.cr.execute(
            "SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true)"
        )
        scope = SQL("%s AND %s", self._scope("lot", lot_ids), self._company_scope("lot", company))
        event_scope = SQL(
            "%s AND %s", self._scope("ev", lot_ids), self._company_scope("ev", company)
        )
        self._insert_lot_issues(check, scope, event_scope)
        self._insert_broken_chains(check, event_scope)
        self.env.cr.execute(
            "SELECT kind, count(*) FROM serial_consistency_issue WHERE check_id = %s GROUP BY kind",
            [check.id],
        )
        counts = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FROM stock_lot lot %s WHERE %s""",
                self._serial_join(),
                scope,
            )
        )
        serial_count = self.env.cr.fetchone()[0]
        self.env.cr.execute(SQL("SELECT count(*) FROM serial_event ev WHERE %s", event_scope))
        event_count = self.env.cr.fetchone()[0]
        check.invalidate_recordset(["issue_ids"])
        check.write(
            {
                "serial_count": serial_count,
                "event_count": event_count,
                "issue_count": sum(counts.values()),
                "state_vs_quant_count": counts.get("state_vs_quant", 0),
                "state_vs_last_event_count": counts.get("state_vs_last_event", 0),
                "broken_chain_count": counts.get("broken_chain", 0),
                "missing_count": counts.get("missing_state", 0) + counts.get("missing_event", 0),
                "duration": time.perf_counter() - started,
            }
        )
        if lot_ids is None:
            check._close_previous_activities()
        return check.sudo(self.env.su)

    # --- the checks: one INSERT ... SELECT each ---------------------------------------

    @staticmethod
    def _scope(alias, lot_ids):
        """``TRUE`` for a check of every serial, else a filter of ``alias`` on them."""
        if lot_ids is None:
            return SQL("TRUE")
        column = "id" if alias == "lot" else "lot_id"
        return SQL("%s = ANY(%s)", SQL.identifier(alias, column), list(lot_ids))

    @staticmethod
    def _company_scope(alias, company):
        """The serials of ``company`` and the shared ones (``lot``), or their events
        (``ev``): a run never counts nor reports another company's serials."""
        if alias == "lot":
            return SQL("(lot.company_id = %s OR lot.company_id IS NULL)", company.id)
        return SQL(
            """ev.lot_id IN (SELECT scoped.id FROM stock_lot scoped
                              WHERE scoped.company_id = %s OR scoped.company_id IS NULL)""",
            company.id,
        )

    @staticmethod
    def _serial_join():
        return SQL(
            """JOIN product_product pp ON pp.id = lot.product_id
               JOIN product_template pt ON pt.id = pp.product_tmpl_id
                AND pt.tracking = 'serial'"""
        )

    def _insert_issues(self, check, select):
        """Insert the rows of ``select`` (lot_id, kind, lifecycle_state, expected_state,
        location_id, event_id, chain_break) as issues of ``check``; return their count."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO serial_consistency_issue
                      (check_id, lot_id, product_id, company_id, kind, lifecycle_state,
                       expected_state, location_id, event_id, chain_break,
                       create_uid, create_date, write_uid, write_date)
               SELECT %(check)s, found.lot_id, lot.product_id, %(company)s, found.kind,
                      found.lifecycle_state, found.expected_state, found.location_id,
                      found.event_id, found.chain_break,
                      %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                 FROM (%(select)s) AS found
                 JOIN stock_lot lot ON lot.id = found.lot_id""",
                check=check.id,
                company=check.company_id.id,
                uid=self.env.uid,
                select=select,
            )
        )
        return self.env.cr.rowcount

    def _insert_lot_issues(self, check, scope, event_scope):
        """Every disagreement of a serial's state, in one pass over the serials:

        - ``state_vs_quant``: the state says "here" (or "quarantined") while no quant
          holds the unit in such a location, or "gone" while a positive quant still
          holds it in an internal location;
        - ``state_vs_last_event``: the state is not the one the serial's last ledger
          event left it in;
        - ``missing_state``: no state at all (never back-filled); ``missing_event``: a
          state past ``planned`` without a single event to show how it got there.
        """
        return self._insert_issues(
            check,
            SQL(
                """WITH held AS (
                   SELECT q.lot_id,
                          bool_or(NOT COALESCE(loc.serial_quarantine, FALSE)) AS in_stock,
                          bool_or(COALESCE(loc.serial_quarantine, FALSE)) AS in_quarantine,
                          min(q.location_id) AS location_id
                     FROM stock_quant q
                     JOIN stock_location loc ON loc.id = q.location_id
                    WHERE q.quantity > 0 AND q.lot_id IS NOT NULL
                      AND loc.usage IN ('internal', 'transit')
                 GROUP BY q.lot_id
               ), last AS (
                   SELECT DISTINCT ON (ev.lot_id) ev.lot_id, ev.id, ev.to_state
                     FROM serial_event ev
                    WHERE %(event_scope)s
                 ORDER BY ev.lot_id, ev.id DESC
               ), facts AS (
                   SELECT lot.id AS lot_id, lot.lifecycle_state AS state,
                          held.lot_id IS NOT NULL AS held,
                          COALESCE(held.in_stock, FALSE) AS in_stock,
                          COALESCE(held.in_quarantine, FALSE) AS in_quarantine,
                          held.location_id, last.id AS last_id, last.to_state AS last_state
                     FROM stock_lot lot
                     %(serials)s
                LEFT JOIN held ON held.lot_id = lot.id
                LEFT JOIN last ON last.lot_id = lot.id
                    WHERE %(scope)s
               ), odd AS MATERIALIZED (
                   SELECT * FROM (SELECT facts.*,
                          CASE WHEN facts.state IS NULL THEN 'missing_state'
                               WHEN facts.state != 'planned' AND facts.last_id IS NULL
                                   THEN 'missing_event' END AS missing,
                          (facts.state IN %(stock)s AND NOT facts.in_stock)
                           OR (facts.state = 'quarantined' AND NOT facts.in_quarantine)
                           OR (facts.state IN %(gone)s AND facts.held) AS against_quants,
                          facts.state IS NOT NULL AND facts.last_id IS NOT NULL
                           AND facts.last_state IS DISTINCT FROM facts.state AS against_ledger
                     FROM facts) AS flagged
                    WHERE flagged.missing IS NOT NULL OR flagged.against_quants IS TRUE
                       OR flagged.against_ledger IS TRUE
               )
               SELECT odd.lot_id, odd.missing AS kind, odd.state AS lifecycle_state,
                      NULL AS expected_state, NULL::integer AS location_id,
                      NULL::integer AS event_id, NULL AS chain_break
                 FROM odd WHERE odd.missing IS NOT NULL
            UNION ALL
               SELECT odd.lot_id, 'state_vs_quant', odd.state,
                      CASE WHEN NOT odd.held THEN NULL
                           WHEN odd.in_quarantine AND NOT odd.in_stock THEN 'quarantined'
                           ELSE 'in_stock' END,
                      odd.location_id, NULL, NULL
                 FROM odd WHERE odd.against_quants
            UNION ALL
               SELECT odd.lot_id, 'state_vs_last_event', odd.state, odd.last_state, NULL,
                      odd.last_id, NULL
                 FROM odd WHERE odd.against_ledger""",
                serials=self._serial_join(),
                scope=scope,
                event_scope=event_scope,
                stock=_STOCK_STATES,
                gone=_GONE_STATES,
            ),
        )

    def _insert_broken_chains(self, check, event_scope):
        """The first broken event of every serial whose hash chain breaks."""
        return self._insert_issues(check, self._broken_chains_sql(event_scope))

    @api.model
    def _broken_chains_sql(self, event_scope):
        """SELECT of the first broken event of every serial whose hash chain breaks, as
        issue rows (see :meth:`_insert_issues`).

        The hash is recomputed in PostgreSQL from the same canonical text as
        ``tools/ledger.py`` builds, with the formula the stored hash names: the keyed
        v2 (an HMAC-SHA256 built from PostgreSQL's ``sha256`` and the key's padded
        halves) or, for events recorded before it only, the unkeyed v1. A keyed event
        whose link to its transfer or line is neither empty nor the recorded id gets
        no expected hash: it is reported as changed.
        """
        keys = self.env["serial.ledger.key"]
        inner, outer = ledger.hmac_pads(keys._serial_chain_key())
        legacy_last_id = keys._serial_legacy_last_id()
        return SQL(
            """SELECT DISTINCT ON (chain.lot_id) chain.lot_id, 'broken_chain' AS kind,
                      lot.lifecycle_state, NULL AS expected_state,
                      NULL::integer AS location_id, chain.id AS event_id,
                      CASE WHEN chain.prev_hash != chain.expected_prev THEN 'link'
                           ELSE 'content' END AS chain_break
                 FROM (SELECT ev.id, ev.lot_id, ev.hash,
                              COALESCE(ev.prev_hash, '') AS prev_hash,
                              COALESCE(lag(ev.hash) OVER (PARTITION BY ev.lot_id
                                                          ORDER BY ev.id), '')
                                  AS expected_prev,
                              CASE WHEN ev.hash LIKE %(v2_like)s AND %(links)s
                                        THEN %(v2_prefix)s
                                        || encode(sha256(%(outer)s::bytea || sha256(
                                               %(inner)s::bytea
                                               || convert_to(%(v2)s, 'UTF8'))), 'hex')
                                   WHEN ev.hash NOT LIKE %(v2_like)s
                                        AND ev.id <= %(legacy_last_id)s
                                        THEN encode(sha256(convert_to(%(v1)s, 'UTF8')),
                                                    'hex')
                              END AS computed
                         FROM serial_event ev
                        WHERE %(scope)s
                      ) AS chain
                 JOIN stock_lot lot ON lot.id = chain.lot_id
                WHERE chain.prev_hash != chain.expected_prev
                   OR chain.hash IS DISTINCT FROM chain.computed
             ORDER BY chain.lot_id, chain.id""",
            v2_like=ledger.V2_PREFIX + "%",
            v2_prefix=ledger.V2_PREFIX,
            outer=outer,
            inner=inner,
            v2=self._canonical_v2_sql(),
            legacy_last_id=legacy_last_id,
            v1=self._canonical_v1_sql(),
            scope=event_scope,
            links=SQL(" AND ").join(
                SQL(
                    "(ev.%s IS NULL OR ev.%s = ev.%s)",
                    SQL.identifier(link),
                    SQL.identifier(link),
                    SQL.identifier(copy),
                )
                for link, copy in ledger.LINKS.items()
            ),
        )

    @staticmethod
    def _column_text(name):
        if name in ledger.DATE_FIELDS:
            return SQL(
                "COALESCE(to_char(ev.%s, 'YYYY-MM-DD HH24:MI:SS'), '')", SQL.identifier(name)
            )
        if name in ledger.EMPTY_ZERO:
            return SQL("COALESCE(NULLIF(ev.%s, 0)::text, '')", SQL.identifier(name))
        return SQL("COALESCE(ev.%s::text, '')", SQL.identifier(name))

    @api.model
    def _canonical_v1_sql(self):
        """``ledger.legacy_hash``'s text: fields joined by the unit separator."""
        columns = [self._column_text(name) for name in ledger.HASHED_FIELDS]
        return SQL(
            "concat_ws(%s, %s, COALESCE(ev.prev_hash, ''), %s)",
            ledger.SEPARATOR,
            ledger.CHAIN_VERSION,
            SQL(", ").join(columns),
        )

    @api.model
    def _canonical_v2_sql(self):
        """``ledger.canonical_v2``: each part as ``<length>:<text>``, joined by the
        unit separator."""
        parts = [SQL("%s::text", ledger.CHAIN_VERSION_V2), SQL("COALESCE(ev.prev_hash, '')")]
        parts += [self._column_text(name) for name in ledger.HASHED_FIELDS_V2]
        return SQL(
            "concat_ws(%s, %s)",
            ledger.SEPARATOR,
            SQL(", ").join(SQL("(length(%s)::text || ':' || %s)", part, part) for part in parts),
        )

    # --- every history at once, without loading the ledger ----------------------------

    @api.model
    def _verify_all_chains(self, companies, limit=MAX_NAMED):
        """Verify the hash chain of every serial of ``companies`` (and the shared ones)
        inside the database: one pass over the ledger, of which only the broken chains
        come back, at most ``limit`` of them.

        :returns: ``(serial_count, event_count, broken_count, [(lot_id, event_id,
            chain_break)])``.
        """
        # the query reads past the ORM: whoever may not read serials and their
        # ledger may not verify them either
        self.env["stock.lot"].check_access("read")
        self.env["serial.event"].check_access("read")
        self.env["serial.event"].flush_model()
        self.env["stock.lot"].flush_model(["company_id"])
        scope = SQL(
            """ev.lot_id IN (SELECT scoped.id FROM stock_lot scoped
                              WHERE scoped.company_id = ANY(%s)
                                 OR scoped.company_id IS NULL)""",
            companies.ids,
        )
        cr = self.env.cr
        cr.execute("SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true)")
        cr.execute(
            SQL("SELECT count(DISTINCT ev.lot_id), count(*) FROM serial_event ev WHERE %s", scope)
        )
        serial_count, event_count = cr.fetchone()
        cr.execute(
            SQL(
                """SELECT found.lot_id, found.event_id, found.chain_break, count(*) OVER ()
                 FROM (%s) AS found
             ORDER BY found.lot_id
                LIMIT %s""",
                self._broken_chains_sql(scope),
                limit,
            )
        )
        rows = cr.fetchall()
        broken_count = rows[0][3] if rows else 0
        return serial_count, event_count, broken_count, [row[:3] for row in rows]

    @api.model
    def _verify_all_notification(self):
        """The notification of "Verify All Histories": every chain of the companies
        selected in the switcher, verified by :meth:`_verify_all_chains`."""
        serials, events, broken, rows = self._verify_all_chains(self.env.companies)
        title = self.env._("Verify All Histories")
        if not broken:
            return self._notification(
                title,
                self.env._(
                    "The history of %(serials)s serial(s), %(events)s event(s), is intact.",
                    serials=serials,
                    events=events,
                ),
                "success",
            )
        reasons = dict(
            self.env["serial.consistency.issue"]
            ._fields["chain_break"]
            ._description_selection(self.env)
        )
        names = dict(
            self.env["stock.lot"]
            .browse([row[0] for row in rows])
            .mapped(lambda lot: (lot.id, lot.display_name))
        )
        lines = [
            self.env._(
                "%(count)s of %(serials)s serial(s) have a broken history:",
                count=broken,
                serials=serials,
            )
        ]
        lines += [
            self.env._(
                "%(serial)s: event #%(event)s %(reason)s",
                serial=names[lot_id],
                event=event_id,
                reason=reasons.get(chain_break, "").lower(),
            )
            for lot_id, event_id, chain_break in rows
        ]
        if broken > len(rows):
            lines.append(
                self.env._(
                    "... and %(count)s more: run a Consistency Check for the full list and "
                    "what to do.",
                    count=broken - len(rows),
                )
            )
        return self._notification(title, "\n".join(lines), "danger")

    # --- the ledger against its newest anchor -------------------------------------------

    def action_verify_anchor(self):
        """Manager action: compare every chain with the newest anchor file written
        outside the database, and say which anchored heads the ledger no longer holds
        (a rewrite of the table, even one that recomputed every hash)."""
        self.check_access("create")
        result = self.env["serial.ledger.anchor"].sudo()._serial_verify()
        title = self.env._("Verify Against Anchor")
        if result["path"] is None:
            return self._notification(
                title,
                self.env._(
                    "No anchor has been written yet: the daily job writes one, or ask your "
                    "administrator to run 'Serial Tracking: anchor the ledger'."
                ),
                "warning",
            )
        if not result["valid"]:
            return self._notification(
                title,
                self.env._(
                    "The newest anchor %(path)s is not signed by this database's ledger key: "
                    "it was altered or belongs elsewhere. Restore the anchors from their copy "
                    "and check again.",
                    path=result["path"],
                ),
                "danger",
            )
        found = result["found"]
        if not found and result["legacy_ok"]:
            return self._notification(
                title,
                self.env._(
                    "All %(count)s chain(s) anchored on %(date)s still end as anchored.",
                    count=result["checked"],
                    date=result["created"][:19] + " UTC",
                ),
                "success",
            )
        reasons = {
            "missing": self.env._("its anchored last event is gone"),
            "moved": self.env._("its anchored last event now belongs to another serial"),
            "changed": self.env._("its anchored last event's hash changed"),
        }
        # only serials of the companies the user works in are named
        lots = self.env["stock.lot"].search([("id", "in", [row[0] for row in found])])
        names = {lot.id: lot.display_name for lot in lots}
        lines = [
            self.env._(
                "%(count)s of %(checked)s chain(s) anchored on %(date)s no longer end as "
                "anchored: the ledger was rewritten. Compare it with a backup from before the "
                "anchor.",
                count=len(found),
                checked=result["checked"],
                date=result["created"][:19] + " UTC",
            )
        ]
        if not result["legacy_ok"]:
            lines.append(
                self.env._(
                    "The last event id of the unkeyed hash formula differs from the anchored "
                    "one: someone changed the system parameter %(param)s.",
                    param="serial_tracking.ledger_v1_last_id",
                )
            )
        lines += [
            self.env._(
                "%(serial)s: event #%(event)s, %(reason)s",
                serial=names[lot_id],
                event=event_id,
                reason=reasons[reason],
            )
            for lot_id, event_id, reason in found[:MAX_NAMED]
            if lot_id in names
        ]
        return self._notification(title, "\n".join(lines), "danger")

    @api.model
    def _notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind != "success",
            },
        }
