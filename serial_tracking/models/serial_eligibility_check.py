from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from ..tools import eligibility, lifecycle

_lt = LazyTranslate(__name__)

# The sentences of ``tools.eligibility.SENTENCES``, marked for translation (a test
# keeps both the same).
_SENTENCES = {
    "unknown_serial": _lt(
        "%(serial)s is not a serial number we know: check the number on the unit's label."
    ),
    "other_product": _lt("%(serial)s is a serial of %(product)s, not of %(expected_product)s."),
    "scrapped": _lt("%(serial)s was scrapped."),
    "quarantined": _lt(
        "%(serial)s is in quarantine: it must be released before anything else happens to it."
    ),
    "recalled": _lt("%(serial)s is under a recall: handle it through the recall campaign."),
    "recalled_ref": _lt(
        "%(serial)s is under a recall (%(recall)s): handle it through the recall campaign."
    ),
    "never_shipped": _lt("%(serial)s was never shipped to a customer."),
    "no_customer": _lt(
        "No customer was given for %(serial)s: it was shipped to %(shipped_to)s; check who asks."
    ),
    "no_customer_unnamed": _lt(
        "No customer was given for %(serial)s: it was shipped to a customer; check who asks."
    ),
    "other_customer": _lt("%(serial)s was shipped to %(shipped_to)s, not to %(customer)s."),
    "other_customer_unnamed": _lt(
        "%(serial)s was shipped to another customer, not to %(customer)s."
    ),
    "already_returned": _lt(
        "%(serial)s is no longer at the customer: it came back after "
        "its shipment on %(shipped_on)s."
    ),
    "outside_return_window": _lt(
        "%(serial)s could be returned until %(window_end)s; it is %(days)s day(s) late."
    ),
    "within_return_window": _lt("%(serial)s can be returned until %(window_end)s."),
    "no_return_window": _lt(
        "%(serial)s was shipped on %(shipped_on)s and no return window "
        "applies to it: it can be returned at any time."
    ),
    "within_exchange_window": _lt("%(serial)s can be exchanged until %(window_end)s."),
    "outside_exchange_window": _lt(
        "%(serial)s could be exchanged without coverage until %(window_end)s."
    ),
    "coverage_ended": _lt(
        "%(serial)s is not covered for %(intent)s: its %(coverage_type)s coverage ended on %(end)s."
    ),
    "coverage_not_started": _lt(
        "%(serial)s is not covered for %(intent)s: its "
        "%(coverage_type)s coverage has not started: it starts at "
        "%(trigger)s."
    ),
    "coverage_voided": _lt("%(serial)s is not covered for %(intent)s: its coverage was voided."),
    "no_coverage": _lt(
        "%(serial)s is not covered for %(intent)s: it has no coverage that pays for it."
    ),
    "covered": _lt("%(serial)s is covered by %(coverage_type)s from %(start)s until %(end)s."),
    "repaired_too_often": _lt(
        "%(serial)s has been repaired %(repairs)s times, more than the "
        "%(max_repairs)s its policy allows without a review."
    ),
}

# The labels of ``tools.eligibility.REASON_CODES``, marked for translation (a test keeps
# both the same): what lists and searches show instead of the codes.
_REASON_LABELS = {
    "unknown_serial": _lt("Unknown serial"),
    "other_product": _lt("Serial of another product"),
    "never_shipped": _lt("Never shipped"),
    "other_customer": _lt("Shipped to another customer"),
    "no_customer": _lt("No customer given"),
    "already_returned": _lt("Already returned"),
    "outside_return_window": _lt("Outside the return window"),
    "no_coverage": _lt("No active coverage"),
    "quarantined": _lt("Quarantined"),
    "recalled": _lt("Recalled"),
    "scrapped": _lt("Scrapped"),
    "repaired_too_often": _lt("Repaired too often"),
    "within_return_window": _lt("Within the return window"),
    "no_return_window": _lt("No return window"),
    "covered": _lt("Covered"),
}

_SEVERITY_CLASS = {
    eligibility.INFO: "text-success",
    eligibility.REVIEW: "text-warning",
    eligibility.INELIGIBLE: "text-danger",
}


class SerialEligibilityCheck(models.Model):
    """One persisted, explained verdict: may this serial come back, be repaired,
    exchanged or refunded for this customer?

    :meth:`evaluate` is the one way to ask. Rules live in ``tools/eligibility.py``; this
    model gathers the facts in a few queries and keeps the answer.
    """

    _name = "serial.eligibility.check"
    _description = "Serial Eligibility Check"
    _order = "id desc"
    _rec_name = "serial_name"
    _check_company_auto = True

    lot_id = fields.Many2one(
        "stock.lot", string="Serial", index=True, readonly=True, ondelete="cascade"
    )
    serial_name = fields.Char(
        string="Serial Number",
        required=True,
        readonly=True,
        help="The number that was asked about, known or not.",
    )
    product_id = fields.Many2one(
        "product.product", readonly=True, help="The product the customer says the unit is."
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    intent = fields.Selection(eligibility.INTENTS, required=True, readonly=True)
    verdict = fields.Selection(eligibility.VERDICTS, required=True, readonly=True, index=True)
    reasons = fields.Json(string="Reason Details", readonly=True)
    reason_codes = fields.Char(
        readonly=True, index="trigram", help="Codes of the reasons, comma separated, for searching."
    )
    reasons_html = fields.Html(string="Why", compute="_compute_reasons_html", sanitize=False)
    reason_summary = fields.Char(
        string="Reasons",
        compute="_compute_reason_summary",
        search="_search_reason_summary",
        help="What the verdict rests on, in short.",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Checked By", readonly=True, default=lambda self: self.env.user
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    document_ref = fields.Char(string="Document", readonly=True)
    picking_id = fields.Many2one(
        "stock.picking", string="Return", readonly=True, index="btree_not_null", ondelete="set null"
    )
    overridden = fields.Boolean(readonly=True)
    override_reason_id = fields.Many2one("serial.reason", readonly=True)
    override_note = fields.Text(readonly=True)
    override_user_id = fields.Many2one("res.users", string="Overridden By", readonly=True)
    override_event_id = fields.Many2one("serial.event", readonly=True)
    can_return = fields.Boolean(compute="_compute_can_return")

    @api.depends("reasons")
    def _compute_reasons_html(self):
        for check in self:
            check.reasons_html = self._reasons_markup(check.reasons or [])

    @api.depends("reason_codes")
    def _compute_reason_summary(self):
        labels = dict(self._reason_code_labels())
        for check in self:
            codes = (check.reason_codes or "").split(",")
            check.reason_summary = ", ".join(
                dict.fromkeys(labels.get(code, code) for code in codes if code)
            )

    @api.model
    def _search_reason_summary(self, operator, value):
        """Search by the reasons' labels as users read them (the codes stay internal)."""
        if operator not in ("ilike", "=") or not isinstance(value, str):
            return NotImplemented
        needle = value.casefold()
        codes = [
            code
            for code, label in self._reason_code_labels()
            if (needle in label.casefold() if operator == "ilike" else needle == label.casefold())
        ]
        if not codes:
            return Domain.FALSE
        return Domain.OR([Domain("reason_codes", "ilike", code) for code in codes])

    @api.model
    def _reason_code_labels(self):
        return [(code, self.env._(label)) for code, label in _REASON_LABELS.items()]

    @api.model
    def _reasons_markup(self, reasons):
        """Stored reasons as an HTML list of sentences, coloured by severity."""
        items = [
            Markup('<li class="%s">%s</li>')
            % (_SEVERITY_CLASS.get(reason.get("severity"), ""), sentence)
            for reason, sentence in zip(reasons, self._render_reasons(reasons), strict=True)
        ]
        return Markup("<ul class='mb-0'>%s</ul>") % Markup("").join(items)

    @api.depends("verdict", "intent", "lot_id.lifecycle_state")
    def _compute_can_return(self):
        for check in self:
            check.can_return = bool(
                check.lot_id
                and check.intent in ("return", "exchange", "refund")
                and check.verdict != eligibility.INELIGIBLE
                and check.lot_id.lifecycle_state == lifecycle.SHIPPED
            )

    def _reason_lines(self, blocking_only=True):
        reasons = [
            reason
            for reason in self.reasons or []
            if not blocking_only or reason.get("severity") != eligibility.INFO
        ]
        return self._render_reasons(reasons)

    @api.model
    def _render_reasons(self, reasons):
        """The sentences of stored reasons in the user's language.

        A reason keeps its sentence's template and parameters; one stored without them
        keeps the message it was stored with.
        """
        labels = None
        sentences = []
        for reason in reasons:
            template = reason.get("template")
            if template not in _SENTENCES:
                sentences.append(reason.get("message", ""))
                continue
            if labels is None:
                labels = self._reason_labels()
            sentences.append(
                eligibility.render(
                    template,
                    reason.get("params") or {},
                    {template: self.env._(_SENTENCES[template])},
                    labels,
                )
            )
        return sentences

    @api.model
    def _reason_labels(self):
        """The labels of the coded parameters of the sentences, in the user's language."""

        def selection(model, field_name):
            return dict(self.env[model]._fields[field_name]._description_selection(self.env))

        return {
            "intent": {
                code: label.lower() for code, label in selection(self._name, "intent").items()
            },
            "coverage_type": selection("serial.warranty", "coverage_type"),
            "trigger": {
                code: label.lower()
                for code, label in selection("serial.warranty", "trigger").items()
            },
        }

    # --- asking -------------------------------------------------------------------------

    @api.model
    def evaluate(self, lot, partner, intent, product=None):
        """Evaluate one serial for ``partner`` and ``intent`` and store the verdict.

        Open to RPC: the stored check names no document (a caller cannot choose one);
        the suite's own callers link their document through :meth:`_evaluate_batch`.

        :param lot: a ``stock.lot`` record, or a serial number as typed (an unknown
            number gives an ``unknown_serial`` verdict).
        :param partner: the customer asking (``res.partner``, may be empty).
        :param intent: ``return``, ``repair``, ``exchange`` or ``refund``.
        :param product: optional product the customer says it is.
        :returns: the new ``serial.eligibility.check``.
        """
        self.check_access("read")
        # plain ids are accepted too, for callers over RPC
        if isinstance(lot, int):
            lot = self.env["stock.lot"].browse(lot).exists()
        if isinstance(partner, int):
            partner = self.env["res.partner"].browse(partner)
        if isinstance(product, int):
            product = self.env["product.product"].browse(product)
        return self._evaluate_batch([(lot, partner, product)], intent)

    @api.model
    def _evaluate_batch(self, items, intent, document_ref=False):
        """Evaluate ``[(lot or name, partner, product)]`` at once and store the verdicts:
        the facts of all serials come from the same few queries."""
        return self.sudo().create(self._verdict_values(items, intent, document_ref)).sudo(False)

    @api.model
    def _verdict_values(self, items, intent, document_ref=False):
        """The values of the checks :meth:`_evaluate_batch` stores, without storing
        them (a dialog shows them before anything is confirmed)."""
        if intent not in dict(eligibility.INTENTS):
            raise UserError(
                self.env._(
                    "Unknown intent %(intent)s: use return, repair, exchange or refund.",
                    intent=intent,
                )
            )
        Lot = self.env["stock.lot"]
        resolved = []
        for lot, partner, product in items:
            if isinstance(lot, str):
                name = lot.strip()
                domain = [("name", "=", name)]
                if product:
                    domain.append(("product_id", "=", product.id))
                found = Lot.search(domain, limit=1) or Lot.search([("name", "=", name)], limit=1)
                resolved.append((found, name, partner, product))
            else:
                resolved.append((lot, lot.name or "", partner, product))
        lots = Lot.browse({lot.id for lot, *_rest in resolved if lot})
        facts_of = self._gather_facts(lots)
        self._gather_partners_and_policies(resolved, facts_of)
        today = fields.Date.context_today(self)
        vals_list = []
        for lot, name, partner, product in resolved:
            facts = self._facts(lot, name, partner, product, facts_of)
            verdict = eligibility.evaluate(facts, intent, today)
            vals_list.append(
                {
                    "lot_id": lot.id or False,
                    "serial_name": name or "?",
                    "product_id": (product or lot.product_id).id or False,
                    "partner_id": partner.id if partner else False,
                    "intent": intent,
                    "verdict": verdict.verdict,
                    "reasons": self._stored_reasons(verdict.reasons),
                    "reason_codes": ",".join(verdict.codes),
                    "document_ref": document_ref,
                    "company_id": lot.company_id.id or self.env.company.id,
                }
            )
        return vals_list

    def _stored_reasons(self, reasons):
        """Reasons as stored: code, severity, the sentence's template and parameters,
        and the sentence in the language of whoever asked."""
        stored = [reason.as_dict() for reason in reasons]
        for reason, message in zip(stored, self._render_reasons(stored), strict=True):
            reason["message"] = message
        return stored

    def _gather_facts(self, lots):
        """``{lot_id: {...}}``: the ledger events that matter and the coverages, in two
        plain index scans (a serial has few of them)."""
        if not lots:
            return {}
        self.env["serial.event"].flush_model(
            ["lot_id", "event_type", "date", "partner_id", "document_ref"]
        )
        self.env["serial.warranty"].flush_model()
        facts = {
            lot_id: {
                "shipped_at": None,
                "shipped_to": False,
                "returned": False,
                "repairs": 0,
                "recall": None,
                "coverages": [],
            }
            for lot_id in lots.ids
        }
        self.env.cr.execute(
            """SELECT lot_id, event_type, date, partner_id, document_ref
                 FROM serial_event
                WHERE lot_id = ANY(%s)
                  AND event_type IN ('shipped', 'dropshipped', 'returned', 'repaired',
                                     'recalled')
             ORDER BY lot_id, id""",
            [lots.ids],
        )
        for lot_id, event_type, date, partner_id, document_ref in self.env.cr.fetchall():
            known = facts[lot_id]
            if event_type in ("shipped", "dropshipped"):
                known.update(shipped_at=date, shipped_to=partner_id, returned=False)
            elif event_type == "returned":
                known["returned"] = bool(known["shipped_at"])
            elif event_type == "repaired":
                known["repairs"] += 1
            else:
                known["recall"] = document_ref or ""
        labels = dict(
            self.env["serial.warranty"]._fields["coverage_type"]._description_selection(self.env)
        )
        self.env.cr.execute(
            """SELECT lot_id, coverage_type, state, start_date, end_date, trigger,
                      return_window_days
                 FROM serial_warranty
                WHERE lot_id = ANY(%s)
             ORDER BY id""",
            [lots.ids],
        )
        for lot_id, kind, state, start, end, trigger, window in self.env.cr.fetchall():
            facts[lot_id]["coverages"].append(
                eligibility.Coverage(
                    coverage_type=kind,
                    state=state,
                    start=start,
                    end=end,
                    trigger=trigger or "",
                    return_window_days=window or 0,
                    label=labels.get(kind, ""),
                )
            )
        return facts

    def _facts(self, lot, name, partner, product, facts_of):
        if not lot:
            return eligibility.Facts(serial=name or "?", known=False)
        known = facts_of[lot.id]
        shipped_at = known["shipped_at"]
        product_ok = not product or product == lot.product_id
        shipped_to, customer = known["shipped_to_commercial"], known["customer_commercial"]
        # names only for the sentences that need them
        names_needed = bool(shipped_at) and shipped_to != customer
        Partner = self.env["res.partner"]
        return eligibility.Facts(
            serial=lot.name,
            product="" if product_ok else lot.product_id.display_name,
            expected_product="" if product_ok else product.display_name,
            product_ok=product_ok,
            state=lot.lifecycle_state or None,
            shipped_on=fields.Date.context_today(self, shipped_at) if shipped_at else None,
            shipped_to=shipped_to,
            shipped_to_name=Partner.browse(shipped_to).display_name or "" if names_needed else "",
            customer=customer,
            customer_name=Partner.browse(customer).display_name or "" if names_needed else "",
            returned_since_shipment=bool(known["returned"]),
            recalled=known["recall"] is not None,
            recall_ref=known["recall"] or "",
            repairs=known["repairs"],
            max_repairs=known["max_repairs"],
            coverages=tuple(known["coverages"]),
        )

    def _gather_partners_and_policies(self, resolved, facts_of):
        """Commercial partners and the policy's review threshold, one query each."""
        partner_ids = {partner.id for _lot, _name, partner, _product in resolved if partner}
        partner_ids |= {known["shipped_to"] for known in facts_of.values() if known["shipped_to"]}
        commercial = {}
        if partner_ids:
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            self.env.cr.execute(
                "SELECT id, commercial_partner_id FROM res_partner WHERE id = ANY(%s)",
                [list(partner_ids)],
            )
            commercial = dict(self.env.cr.fetchall())
        lots = self.env["stock.lot"].browse(list(facts_of))
        max_repairs = self._max_repairs(lots.product_id) if lots else {}
        for lot, _name, partner, _product in resolved:
            if not lot:
                continue
            known = facts_of[lot.id]
            known["shipped_to_commercial"] = commercial.get(known["shipped_to"]) or None
            known["customer_commercial"] = commercial.get(partner.id) if partner else None
            known["max_repairs"] = max_repairs.get(lot.product_id.id, 0)

    def _max_repairs(self, products):
        """``{product_id: max_repairs}`` of the policy that applies (product, else the
        nearest category), in one query."""
        for model in ("product.product", "product.template", "product.category"):
            self.env[model].flush_model()
        self.env["serial.warranty.policy"].flush_model(["max_repairs"])
        self.env.cr.execute(
            """SELECT pp.id,
                      COALESCE(own.max_repairs, (
                          SELECT policy.max_repairs
                            FROM product_category anc
                            JOIN serial_warranty_policy policy
                              ON policy.id = anc.serial_warranty_policy_id
                           WHERE anc.id::text = ANY(string_to_array(categ.parent_path, '/'))
                        ORDER BY length(anc.parent_path) DESC
                           LIMIT 1), 0)
                 FROM product_product pp
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
            LEFT JOIN product_category categ ON categ.id = pt.categ_id
            LEFT JOIN serial_warranty_policy own ON own.id = pt.serial_warranty_policy_id
                WHERE pp.id = ANY(%s)""",
            [products.ids],
        )
        return dict(self.env.cr.fetchall())

    # --- returns ----------------------------------------------------------------------

    _REFUSALS_LISTED = 20

    def _refuse_or_override(self, partner, document, reason=None, note=False, how_to=None):
        """Refuse the ineligible verdicts among these return checks, listing each serial
        and why, unless a manager gives an override ``reason`` (recorded in each
        serial's ledger). Eligible and review verdicts pass; their checks are kept."""
        refused = self.filtered(
            lambda check: check.verdict == eligibility.INELIGIBLE and not check.overridden
        )
        if not refused:
            return
        if reason:
            refused._override(reason, note, document_ref=document)
            return
        lines = [
            f"{check.serial_name}: {' '.join(check._reason_lines())}"
            for check in refused[: self._REFUSALS_LISTED]
        ]
        if len(refused) > self._REFUSALS_LISTED:
            lines.append(
                self.env._("… and %(count)s more.", count=len(refused) - self._REFUSALS_LISTED)
            )
        raise UserError(
            self.env._(
                "These serials cannot come back from %(customer)s on %(picking)s:\n"
                "%(lines)s\n%(how_to)s",
                customer=partner.display_name or self.env._("the customer"),
                picking=document,
                lines="\n".join(lines),
                how_to=how_to
                or self.env._(
                    "Return only the eligible serials, or ask a Serial Tracking Manager to "
                    "accept them with an override reason."
                ),
            )
        )

    # --- overriding -------------------------------------------------------------------

    def _override(self, reason, note=False, document_ref=False):
        """A manager accepts these verdicts anyway: recorded on the checks and, for each
        serial, as an ``override`` event in its ledger."""
        if not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(
                self.env._(
                    "Only a Serial Tracking Manager may override an eligibility verdict "
                    "(%(serials)s). "
                    "Ask a manager.",
                    serials=", ".join(self.mapped("serial_name")),
                )
            )
        if not reason:
            raise UserError(
                self.env._(
                    "Choose an override reason: it is recorded in the history of %(serials)s.",
                    serials=", ".join(self.mapped("serial_name")),
                )
            )
        unknown = self.filtered(lambda check: not check.lot_id)
        if unknown:
            raise UserError(
                self.env._(
                    "%(serials)s: not a known serial; an override needs a real unit. Receive or "
                    "register the unit first.",
                    serials=", ".join(unknown.mapped("serial_name")),
                )
            )
        intents = dict(self._fields["intent"]._description_selection(self.env))
        items = [
            {
                "lot": check.lot_id,
                "event_type": "override",
                "partner_id": check.partner_id.id,
                "document_ref": document_ref or check.document_ref or False,
                "reason_id": reason.id,
                "note": self.env._(
                    "%(intent)s accepted despite: %(reasons)s%(note)s",
                    intent=intents[check.intent],
                    reasons=" ".join(check._reason_lines()),
                    note=f"\n{note}" if note else "",
                ),
            }
            for check in self
        ]
        events = self.env["stock.lot"]._serial_apply_events(items)
        for check, event in zip(self, events, strict=True):
            check.sudo().write(
                {
                    "overridden": True,
                    "override_reason_id": reason.id,
                    "override_note": note or False,
                    "override_user_id": self.env.uid,
                    "override_event_id": event.id,
                }
            )
        return events

    # --- actions ------------------------------------------------------------------------

    def _last_delivery(self):
        """The delivery that last shipped the serial (empty when none is on record)."""
        self.ensure_one()
        return (
            self.env["serial.event"]
            .search(
                [
                    ("lot_id", "=", self.lot_id.id),
                    ("event_type", "=", "shipped"),
                    ("picking_id", "!=", False),
                ],
                order="id desc",
                limit=1,
            )
            .picking_id
        )

    def action_open_return(self):
        """Open Odoo's return wizard on the delivery that shipped the serial, with the
        serial chosen."""
        self.ensure_one()
        delivery = self._last_delivery()
        if not delivery:
            raise UserError(
                self.env._(
                    "%(serial)s: no delivery of this serial is on record; return it with a "
                    "receipt from the customer location.",
                    serial=self.serial_name,
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.act_stock_return_picking")
        action["context"] = {
            "active_id": delivery.id,
            "active_ids": delivery.ids,
            "active_model": "stock.picking",
            "default_serial_lot_ids": [self.lot_id.id],
            "serial_return_intent": self.intent if self.intent != "refund" else "return",
        }
        return action
