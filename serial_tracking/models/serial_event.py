from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import ledger, lifecycle


class SerialEvent(models.Model):
    """One thing that happened to one serial: the append-only, hash-chained ledger.

    Rows are only ever added through :meth:`_append`. Nobody edits or deletes one;
    a correction is a new event.
    """

    _name = "serial.event"
    _description = "Serial Event"
    _order = "date desc, id desc"
    _rec_name = "event_type"
    _check_company_auto = True
    # No write metadata: an event is never written again, and whoever records it is its
    # user_id. Two foreign keys less to check per row of a 100,000-serial receipt.
    _log_access = False

    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    # precompute: filled in the INSERT, not by one UPDATE per event afterwards
    product_id = fields.Many2one(
        related="lot_id.product_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="lot_id.company_id", store=True, index=True, precompute=True
    )
    event_type = fields.Selection(lifecycle.EVENT_TYPES, required=True, index=True, readonly=True)
    from_state = fields.Selection(lifecycle.STATES, readonly=True)
    to_state = fields.Selection(lifecycle.STATES, index=True, readonly=True)
    date = fields.Datetime(required=True, index=True, readonly=True, default=fields.Datetime.now)
    # when the row was written: ``date`` is when it happened, which may be earlier
    create_date = fields.Datetime(string="Recorded On", readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Done By", readonly=True, ondelete="restrict")
    location_id = fields.Many2one("stock.location", string="From", readonly=True)
    location_dest_id = fields.Many2one("stock.location", string="To", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index=True)
    document_ref = fields.Char(string="Document", readonly=True, index=True)
    reason_id = fields.Many2one("serial.reason", readonly=True)
    note = fields.Text(readonly=True)
    prev_hash = fields.Char(readonly=True)
    # "v2:" + HMAC over every column above and below (tools/ledger.py); 64 hex digits
    # alone: the unkeyed formula of the events recorded before it
    hash = fields.Char(readonly=True)
    # Navigation to the documents. Emptied when Odoo deletes the document (an
    # unreserved line): the hash covers the ids recorded, which never change.
    picking_id = fields.Many2one(
        "stock.picking", readonly=True, index="btree_not_null", ondelete="set null"
    )
    move_line_id = fields.Many2one(
        "stock.move.line", readonly=True, index="btree_not_null", ondelete="set null"
    )
    picking_ref = fields.Integer(string="Transfer ID (as recorded)", readonly=True)
    move_line_ref = fields.Integer(string="Move Line ID (as recorded)", readonly=True)

    _lot_chain_idx = models.Index("(lot_id, id)")
    _lot_date_idx = models.Index("(lot_id, date, id)")

    @api.depends("event_type", "lot_id")
    def _compute_display_name(self):
        labels = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            event.display_name = f"{event.lot_id.name}: {labels.get(event.event_type, '')}"

    # --- immutability -------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not self.env.context.get("serial_ledger_append"):
            raise UserError(
                self.env._(
                    "Serial events are written by the lifecycle itself. Use the serial's "
                    "'Change State' action to record what happened."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        self._raise_immutable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        self._raise_immutable()

    def _raise_immutable(self):
        raise UserError(
            self.env._(
                "The serial ledger cannot be changed or deleted. Record a correction as a new "
                "event instead."
            )
        )

    # --- appending ----------------------------------------------------------------

    @api.model
    def _append(self, vals_list, rewritten_lot_ids=()):
        """Add events to the ledger, chaining each to the previous one of its serial.

        The serials are locked for the rest of the transaction, so two transactions
        never chain to the same predecessor.

        :param vals_list: event values; ``lot_id`` is mandatory, ``date`` and
            ``user_id`` default to now and the current user.
        :param rewritten_lot_ids: serials whose row the caller updates before the
            transaction ends (a new lifecycle state): they are only locked here.
        """
        if not vals_list:
            return self.browse()
        now = fields.Datetime.now()
        lot_ids = sorted({vals["lot_id"] for vals in vals_list})
        last_hash = self._lock_and_read_heads(lot_ids, rewritten_lot_ids)
        owners = self._lot_owners(lot_ids)
        keys = self.env["serial.ledger.key"]
        key = keys._serial_chain_key()
        keys._serial_legacy_last_id()  # fixed before the first keyed event exists
        for vals in vals_list:
            vals["date"] = fields.Datetime.to_datetime(vals.get("date") or now)
            vals.setdefault("user_id", self.env.uid)
            vals["create_date"] = now
            for link, copy in ledger.LINKS.items():
                vals[copy] = vals.get(link) or None
            prev = last_hash.get(vals["lot_id"], ledger.GENESIS)
            vals["prev_hash"] = prev
            # the product and company are related: stored from the serial, hashed too
            product_id, company_id = owners[vals["lot_id"]]
            content = dict(vals, product_id=product_id, company_id=company_id)
            vals["hash"] = ledger.event_hash(content, prev, key)
            last_hash[vals["lot_id"]] = vals["hash"]
        if len(vals_list) >= self._BULK_APPEND and self.env["serial.bulk"]._serial_fast_path(
            "ledger_append"
        ):
            return self.sudo()._insert_events(vals_list)
        return self.sudo().with_context(serial_ledger_append=True).create(vals_list)

    # From this many events on (a receipt of thousands of serials), _append writes them
    # with one INSERT: the ORM spends most of its time per row on values known already.
    _BULK_APPEND = 1000

    def _lot_owners(self, lot_ids):
        """``{lot_id: (product_id, company_id)}``: the related columns an event stores
        (and hashes), read as the ORM's precompute will read them."""
        self.env["stock.lot"].flush_model(["product_id", "company_id"])
        self.env.cr.execute(
            "SELECT id, product_id, company_id FROM stock_lot WHERE id = ANY(%s)", [list(lot_ids)]
        )
        return {
            lot_id: (product_id, company_id)
            for lot_id, product_id, company_id in self.env.cr.fetchall()
        }

    def _lock_and_read_heads(self, lot_ids, rewritten_lot_ids=()):
        """Lock serials in id order and return the hash of each one's last event.

        The rows are updated, not only locked: Odoo's transactions are REPEATABLE
        READ, and a row lock alone lets a transaction that waited for another one
        (which appended an event that kept the state, so left the row as it was) go
        on with its older snapshot, read the old head and fork the chain. After an
        update, the waiting transaction fails with a serialization error instead, and
        Odoo retries it with a fresh snapshot.

        Rows the caller updates anyway before the end of the transaction
        (``rewritten_lot_ids``) are only locked: their update has the same effect on
        a waiting transaction, and a second row version of each serial of a 100,000
        serial receipt costs seconds. Rows this transaction wrote already (``xmin``
        is its id: serials it created, as a big receipt does, or whose row it
        updated) are skipped: they are locked by it until it ends, or invisible to
        every other transaction.
        """
        cr = self.env.cr
        cr.execute(
            """SELECT count(*) FROM (
                   SELECT id FROM stock_lot
                    WHERE id = ANY(%s) AND xmin <> pg_current_xact_id()::xid
                 ORDER BY id FOR NO KEY UPDATE) AS locked""",
            [lot_ids],
        )
        kept = sorted(set(lot_ids).difference(rewritten_lot_ids))
        if kept:
            cr.execute(
                """UPDATE stock_lot SET write_date = write_date
                    WHERE id = ANY(%s) AND xmin <> pg_current_xact_id()::xid""",
                [kept],
            )
        self.flush_model(["lot_id", "hash"])
        self.env.cr.execute(
            """SELECT DISTINCT ON (lot_id) lot_id, hash
                 FROM serial_event
                WHERE lot_id = ANY(%s)
             ORDER BY lot_id, id DESC""",
            [lot_ids],
        )
        return dict(self.env.cr.fetchall())

    # --- verification -------------------------------------------------------------

    @api.model
    def _find_broken_chains(self, lot_ids=None):
        """Return ``{lot_id: (event_id, reason)}`` for every serial whose chain breaks."""
        self.flush_model()
        keys = self.env["serial.ledger.key"]
        columns = SQL(", ").join(map(SQL.identifier, (*ledger.HASHED_FIELDS_V2, *ledger.LINKS)))
        where = SQL("WHERE lot_id = ANY(%s)", list(lot_ids)) if lot_ids is not None else SQL()
        self.env.cr.execute(
            SQL(
                "SELECT id, prev_hash, hash, %s FROM serial_event %s ORDER BY lot_id, id",
                columns,
                where,
            )
        )
        return ledger.find_broken(
            self.env.cr.dictfetchall(), keys._serial_chain_key(), keys._serial_legacy_last_id()
        )

    @api.model
    def action_verify_all(self):
        """Every hash chain of the companies in the switcher, verified in the database
        in one pass: only the broken chains come back, however long the ledger."""
        return self.env["serial.consistency.check"]._verify_all_notification()
