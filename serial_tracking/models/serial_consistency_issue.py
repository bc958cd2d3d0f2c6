from odoo import api, fields, models

from ..tools import lifecycle

KINDS = [
    ("state_vs_quant", "State vs Stock"),
    ("state_vs_last_event", "State vs Last Event"),
    ("broken_chain", "Broken Hash Chain"),
    ("missing_state", "No Lifecycle State"),
    ("missing_event", "No Event"),
]


class SerialConsistencyIssue(models.Model):
    """One disagreement found by a consistency check, with what to do about it.

    Rows are written by ``serial.consistency.check`` with one INSERT per kind; what
    they say is computed from the stored facts, in the reader's language.
    """

    _name = "serial.consistency.issue"
    _description = "Serial Consistency Issue"
    _order = "check_id desc, kind, lot_id"
    _rec_name = "lot_id"
    _check_company_auto = True

    check_id = fields.Many2one(
        "serial.consistency.check", required=True, readonly=True, index=True, ondelete="cascade"
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Serial", required=True, readonly=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    lifecycle_state = fields.Selection(lifecycle.STATES, string="State Found", readonly=True)
    expected_state = fields.Selection(
        lifecycle.STATES,
        string="State Expected",
        readonly=True,
        help="The state the quants or the last event point to; empty when the quants "
        "hold the unit nowhere in our stock.",
    )
    location_id = fields.Many2one("stock.location", string="Held In", readonly=True)
    event_id = fields.Many2one("serial.event", readonly=True)
    chain_break = fields.Selection(
        [
            ("link", "Does not follow the previous event"),
            ("content", "Content does not match its hash"),
        ],
        readonly=True,
    )
    details = fields.Text(compute="_compute_texts")
    suggestion = fields.Text(string="How to Fix", compute="_compute_texts")

    @api.depends(
        "kind", "lifecycle_state", "expected_state", "location_id", "event_id", "chain_break"
    )
    def _compute_texts(self):
        states = dict(self._fields["lifecycle_state"]._description_selection(self.env))
        for issue in self:
            found = states.get(issue.lifecycle_state, "")
            expected = states.get(issue.expected_state, "")
            handler = getattr(issue, f"_texts_{issue.kind}", None)
            issue.details, issue.suggestion = (
                handler(found, expected) if handler else (False, False)
            )

    def _texts_state_vs_quant(self, found, expected):
        serial = self.lot_id.display_name
        location = self.location_id.display_name
        if not self.location_id:
            return (
                self.env._(
                    "%(serial)s is %(state)s, but Odoo holds no unit of it in any internal "
                    "location.",
                    serial=serial,
                    state=found,
                ),
                self.env._(
                    "If the unit is on the shelf, count it with an inventory adjustment; if "
                    "it left, validate the document that took it (delivery, scrap, "
                    "transfer). The document records the missing event."
                ),
            )
        if "quarantined" in (self.lifecycle_state, self.expected_state):
            return (
                self.env._(
                    "%(serial)s is %(state)s, but Odoo holds it in %(location)s.",
                    serial=serial,
                    state=found,
                    location=location,
                ),
                self.env._(
                    "Move the unit with the 'Change State' action (quarantine or release) "
                    "so that its location and state agree, or transfer it to the right "
                    "location."
                ),
            )
        return (
            self.env._(
                "%(serial)s is %(state)s, but Odoo still holds it in %(location)s.",
                serial=serial,
                state=found,
                location=location,
            ),
            self.env._(
                "If the unit really left, find the stock move that should have taken it out "
                "of %(location)s and correct the quantity with an inventory adjustment; if "
                "it is still here, have a manager record a correction (Change State, with a "
                "reason).",
                location=location,
            ),
        )

    def _texts_state_vs_last_event(self, found, expected):
        event = self.event_id
        return (
            self.env._(
                "%(serial)s is %(state)s, but its last event (%(event)s of %(date)s) left it "
                "%(expected)s.",
                serial=self.lot_id.display_name,
                state=found,
                event=event.display_name,
                date=event.date,
                expected=expected or "-",
            ),
            self.env._(
                "The state was changed outside the ledger. Check what really happened to the "
                "unit and have a manager record it with the 'Change State' action; find who "
                "wrote the state directly (the serial's last update)."
            ),
        )

    def _texts_broken_chain(self, found, expected):
        reason = dict(self._fields["chain_break"]._description_selection(self.env)).get(
            self.chain_break, ""
        )
        return (
            self.env._(
                "%(serial)s: event #%(event)s %(reason)s: the history was changed or removed "
                "in the database.",
                serial=self.lot_id.display_name,
                event=self.event_id.id,
                reason=reason.lower(),
            ),
            self.env._(
                "The ledger cannot be repaired in place. Restore the original rows from a "
                "backup, or keep this check as the record of the tampering and report the "
                "incident to whoever is responsible for the data."
            ),
        )

    def _texts_missing_state(self, found, expected):
        return (
            self.env._("%(serial)s has no lifecycle state.", serial=self.lot_id.display_name),
            self.env._(
                "Run the scheduled action 'Serial Tracking: back-fill serial states', which "
                "derives it from the stock history."
            ),
        )

    def _texts_missing_event(self, found, expected):
        return (
            self.env._(
                "%(serial)s is %(state)s, but has no event at all.",
                serial=self.lot_id.display_name,
                state=found,
            ),
            self.env._(
                "Its state was written outside the ledger. Have a manager record what "
                "happened to the unit with the 'Change State' action."
            ),
        )
