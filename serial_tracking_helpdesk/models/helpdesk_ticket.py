from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.serial_tracking.tools import eligibility

# How many offending tickets one error message lists.
_MESSAGE_LIMIT = 20
# How many of the serial's last events the ticket shows.
_LAST_EVENTS = 5
# Intents that bring the unit back through a return picking, or into a repair order.
_RETURN_INTENTS = ("return", "exchange", "refund")
_REPAIR_INTENTS = ("repair", "exchange")


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        groups="base.group_user",  # not the portal: see tests/test_access_helpdesk.py
        domain="[('product_id.tracking', '=', 'serial')]",
        help="The unit this ticket is about. Choosing it sets the product and, when the "
        "ticket has no contact yet, the customer who holds the unit.",
    )
    lot_lifecycle_state = fields.Selection(
        related="lot_id.lifecycle_state",
        string="Serial State",
        groups="base.group_user",
    )
    # helpdesk_mgmt has no product on tickets: the serial brings one.
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        compute="_compute_partner_id",
        store=True,
        readonly=False,
    )
    # --- what the suite knows about the unit ------------------------------------------
    lot_warranty_state = fields.Selection(
        related="lot_id.warranty_state", string="Warranty", groups="base.group_user"
    )
    lot_warranty_end_date = fields.Date(
        related="lot_id.warranty_end_date", string="Warranty Until", groups="base.group_user"
    )
    lot_warranty_ids = fields.One2many(
        related="lot_id.warranty_ids",
        string="Coverages",
        groups="serial_tracking.group_serial_user",
    )
    lot_event_ids = fields.Many2many(
        "serial.event",
        string="Last Events",
        compute="_compute_lot_event_ids",
        groups="serial_tracking.group_serial_user",
        help="The latest events in the unit's history.",
    )
    serial_recall_info = fields.Char(
        string="Active Recall",
        compute="_compute_serial_recall_info",
        groups="base.group_user",
        help="Recall campaigns that concern the unit and are not closed.",
    )
    partner_lot_ids = fields.Many2many(
        "stock.lot",
        string="Customer's Units",
        compute="_compute_partner_lot_ids",
        groups="stock.group_stock_user",
        help="Units delivered to this customer that they still hold.",
    )
    serial_unit_ids = fields.Many2many(
        "stock.lot",
        "helpdesk_ticket_serial_unit_rel",
        "ticket_id",
        "lot_id",
        string="Units Concerned",
        check_company=True,
        groups="stock.group_stock_user",
        domain="[('product_id.tracking', '=', 'serial')]",
        help="Further units of the customer this ticket is about (recall tickets list them all).",
    )
    serial_has_units = fields.Boolean(compute="_compute_serial_has_units", compute_sudo=True)
    serial_recall_id = fields.Many2one(
        "serial.recall",
        string="Recall",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        groups="serial_tracking.group_serial_user",
        help="The recall campaign this ticket was opened for.",
    )
    # --- eligibility ------------------------------------------------------------------
    serial_intent = fields.Selection(
        eligibility.INTENTS,
        string="Customer Asks For",
        default="repair",
        tracking=True,
        help="What the customer wants for the unit; 'Check Eligibility' asks the suite "
        "whether it may be done.",
    )
    serial_check_id = fields.Many2one(
        "serial.eligibility.check",
        string="Eligibility",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
        help="The latest eligibility verdict asked from this ticket.",
    )
    serial_check_ids = fields.One2many(
        "serial.eligibility.check",
        "ticket_id",
        string="Eligibility Checks",
        readonly=True,
        groups="serial_tracking.group_serial_user",
    )
    serial_verdict = fields.Selection(
        related="serial_check_id.verdict", string="Verdict", groups="base.group_user"
    )
    serial_check_intent = fields.Selection(
        related="serial_check_id.intent", string="Checked For", groups="base.group_user"
    )
    serial_reasons_html = fields.Html(
        related="serial_check_id.reasons_html", string="Why", groups="base.group_user"
    )
    serial_overridden = fields.Boolean(
        related="serial_check_id.overridden", string="Overridden", groups="base.group_user"
    )
    serial_check_current = fields.Boolean(
        compute="_compute_serial_check_current",
        compute_sudo=True,
        help="The verdict shown is about the ticket's serial and intent.",
    )
    # --- documents made from the ticket -----------------------------------------------
    picking_ids = fields.One2many(
        "stock.picking", "helpdesk_ticket_id", string="Returns", readonly=True
    )
    picking_count = fields.Integer(
        compute="_compute_picking_count", string="Return Count", compute_sudo=True
    )
    serial_repair_available = fields.Boolean(compute="_compute_serial_repair_available")
    serial_repair_ref = fields.Reference(
        selection="_selection_serial_repair_ref",
        string="Repair Order",
        readonly=True,
        copy=False,
        groups="stock.group_stock_user",
        help="The repair order created from this ticket.",
    )

    @api.depends("lot_id")
    def _compute_product_id(self):
        for ticket in self:
            # A serial belongs to exactly one product; without a serial keep what
            # the agent chose.
            ticket.product_id = ticket.lot_id.product_id or ticket.product_id

    @api.depends("lot_id")
    def _compute_partner_id(self):
        # Only "lot_id" as dependency: a ticket keeps its contact when the unit
        # later changes hands.
        for ticket in self:
            ticket.partner_id = ticket.partner_id or ticket.lot_id.current_partner_id

    @api.depends("lot_id")
    def _compute_lot_event_ids(self):
        by_lot = defaultdict(list)
        if self.lot_id:
            # the last few of each serial in one query; the search applies access rules
            self.env["serial.event"].flush_model(["lot_id"])
            self.env.cr.execute(
                """SELECT id FROM (
                       SELECT id, ROW_NUMBER() OVER (PARTITION BY lot_id ORDER BY id DESC) AS n
                         FROM serial_event WHERE lot_id = ANY(%s)) last
                    WHERE n <= %s""",
                [self.lot_id.ids, _LAST_EVENTS],
            )
            events = self.env["serial.event"].search(
                [("id", "in", [row[0] for row in self.env.cr.fetchall()])], order="id desc"
            )
            for event in events:
                by_lot[event.lot_id.id].append(event.id)
        for ticket in self:
            ticket.lot_event_ids = [fields.Command.set(by_lot.get(ticket.lot_id.id, []))]

    @api.depends("lot_id")
    def _compute_serial_recall_info(self):
        names = self.sudo().lot_id._serial_helpdesk_active_recalls()
        for ticket in self:
            ticket.serial_recall_info = ", ".join(names.get(ticket.lot_id.id, []))

    @api.depends("partner_id")
    def _compute_partner_lot_ids(self):
        partners = self.partner_id.commercial_partner_id
        lots = (
            self.env["stock.lot"].search(
                [
                    ("current_partner_id", "child_of", partners.ids),
                    ("lifecycle_state", "=", "shipped"),
                ],
                order="name",
            )
            if partners
            else self.env["stock.lot"]
        )
        for ticket in self:
            commercial = ticket.partner_id.commercial_partner_id
            ticket.partner_lot_ids = (
                lots.filtered(
                    lambda lot, c=commercial: lot.current_partner_id.commercial_partner_id == c
                )
                if commercial
                else False
            )

    @api.depends("lot_id", "serial_unit_ids")
    def _compute_serial_has_units(self):
        for ticket in self:
            ticket.serial_has_units = bool(ticket.lot_id or ticket.serial_unit_ids)

    @api.depends("serial_check_id", "lot_id", "serial_intent")
    def _compute_serial_check_current(self):
        for ticket in self:
            check = ticket.serial_check_id
            ticket.serial_check_current = bool(
                check and check.lot_id == ticket.lot_id and check.intent == ticket.serial_intent
            )

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for ticket in self:
            ticket.picking_count = len(ticket.picking_ids)

    def _compute_serial_repair_available(self):
        self.serial_repair_available = "repair.order" in self.env

    @api.model
    def _selection_serial_repair_ref(self):
        # Repairs are optional: the reference offers them only when installed.
        if "repair.order" in self.env:
            return [("repair.order", self.env._("Repair Order"))]
        return []

    @api.constrains("lot_id", "product_id", "company_id", "serial_unit_ids")
    def _check_lot_id(self):
        # helpdesk.ticket does not check companies by itself (no _check_company_auto).
        self._check_company(["lot_id", "product_id", "serial_unit_ids"])
        problems = [
            problem for ticket in self.filtered("lot_id") if (problem := ticket._lot_problem())
        ]
        if len(problems) > _MESSAGE_LIMIT:
            problems = problems[:_MESSAGE_LIMIT] + [
                self.env._(
                    "... and %(count)s more.",
                    count=len(problems) - _MESSAGE_LIMIT,
                )
            ]
        if problems:
            raise ValidationError("\n".join(problems))

    def _lot_problem(self):
        """Why this ticket's serial does not fit it, or ``False``."""
        # Constraints run as superuser (Odoo 19): agents without Inventory rights
        # can save tickets about a serial.
        lot = self.lot_id
        if lot.product_id.tracking != "serial":
            return self.env._(
                "%(ticket)s: %(lot)s is a lot, not a serial number; choose the serial "
                "number of the unit the ticket is about.",
                ticket=self.display_name,
                lot=lot.display_name,
            )
        if self.product_id and self.product_id != lot.product_id:
            return self.env._(
                "%(ticket)s: serial number %(lot)s belongs to %(lot_product)s, not to "
                "%(product)s; clear the product or choose another serial number.",
                ticket=self.display_name,
                lot=lot.display_name,
                lot_product=lot.product_id.display_name,
                product=self.product_id.display_name,
            )
        return False

    # --- ledger: the unit's service life ------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._serial_log(
            lambda ticket: self.env._(
                "Ticket %(ticket)s opened: %(title)s", ticket=ticket.number, title=ticket.name
            ),
            all_units=True,
        )
        return tickets

    def write(self, vals):
        old_lots = {ticket: ticket.lot_id for ticket in self} if "lot_id" in vals else {}
        was_closed = {ticket: ticket.closed for ticket in self} if "stage_id" in vals else {}
        result = super().write(vals)
        if old_lots:
            left = self.filtered(lambda ticket: old_lots[ticket] != ticket.lot_id)
            left._serial_log(
                lambda ticket: self.env._(
                    "Ticket %(ticket)s is no longer about this unit (now %(serial)s).",
                    ticket=ticket.number,
                    serial=ticket.lot_id.name or "-",
                ),
                lots={ticket: old_lots[ticket] for ticket in left},
            )
            left._serial_log(
                lambda ticket: self.env._(
                    "Ticket %(ticket)s opened: %(title)s", ticket=ticket.number, title=ticket.name
                )
            )
        if was_closed:
            closed = self.filtered(lambda ticket: ticket.closed and not was_closed[ticket])
            closed._serial_log(
                lambda ticket: self.env._(
                    "Ticket %(ticket)s closed (%(stage)s).",
                    ticket=ticket.number,
                    stage=ticket.stage_id.name,
                ),
                all_units=True,
            )
            reopened = self.filtered(lambda ticket: was_closed[ticket] and not ticket.closed)
            reopened._serial_log(
                lambda ticket: self.env._(
                    "Ticket %(ticket)s reopened (%(stage)s).",
                    ticket=ticket.number,
                    stage=ticket.stage_id.name,
                ),
                all_units=True,
            )
        return result

    def _serial_log(self, note, lots=None, all_units=False):
        """One ``service`` event per ticket in the ledger of its unit.

        :param note: callable ``ticket -> text`` of the event.
        :param lots: optional ``{ticket: lot}`` (default: the ticket's serial).
        :param all_units: also the further units the ticket lists.
        """
        items = []
        for ticket in self:
            units = (lots or {}).get(ticket, ticket.lot_id)
            if all_units:
                units |= ticket.serial_unit_ids
            for lot in units.sudo():
                if not lot.lifecycle_state:
                    continue
                items.append(
                    {
                        "lot": lot,
                        "event_type": "service",
                        "partner_id": ticket.partner_id.id or False,
                        "document_ref": ticket.number,
                        "note": note(ticket),
                    }
                )
        # Tickets are written by agents without Inventory rights too: the event is the
        # suite's record of what they did (it keeps their user).
        return self.env["stock.lot"].sudo()._serial_apply_events(items)

    # --- eligibility --------------------------------------------------------------------

    def _serial_require_lot(self):
        missing = self.filtered(lambda ticket: not ticket.lot_id)
        if missing:
            raise UserError(
                self.env._(
                    "%(tickets)s: choose or scan the serial number of the unit first; "
                    "eligibility is about one unit.",
                    tickets=", ".join(missing.mapped("display_name")),
                )
            )

    def action_serial_check_eligibility(self):
        """Ask the suite whether the ticket's unit may be returned, repaired, exchanged
        or refunded for its customer; the verdict is stored and linked."""
        self._serial_require_lot()
        Check = self.env["serial.eligibility.check"]
        Check.check_access("read")
        for intent in {ticket.serial_intent or "repair" for ticket in self}:
            tickets = self.filtered(
                lambda ticket, i=intent: (ticket.serial_intent or "repair") == i
            )
            checks = Check._evaluate_batch(
                [(ticket.lot_id, ticket.partner_id, ticket.product_id) for ticket in tickets],
                intent,
            )
            for ticket, check in zip(tickets, checks, strict=True):
                check.sudo().write({"document_ref": ticket.number, "ticket_id": ticket.id})
                ticket.serial_check_id = check
        verdicts = dict(Check._fields["verdict"]._description_selection(self.env))
        intents = dict(Check._fields["intent"]._description_selection(self.env))
        self._serial_log(
            lambda ticket: self.env._(
                "Eligibility for %(intent)s: %(verdict)s. %(reasons)s",
                intent=intents[ticket.serial_check_id.intent],
                verdict=verdicts[ticket.serial_check_id.verdict],
                reasons=" ".join(ticket.serial_check_id._reason_lines(blocking_only=False)),
            )
        )
        for ticket in self:
            ticket.message_post(
                body=Markup("%s %s")
                % (
                    self.env._(
                        "Eligibility for %(intent)s of %(serial)s: %(verdict)s",
                        intent=intents[ticket.serial_check_id.intent],
                        serial=ticket.lot_id.name,
                        verdict=verdicts[ticket.serial_check_id.verdict],
                    ),
                    ticket.serial_check_id.reasons_html,
                )
            )
        return True

    def _serial_allowed_check(self, intents, alternative=None):
        """The ticket's current verdict, asked anew when missing or outdated; refuses an
        intent the action cannot serve and an ineligible verdict nobody overrode
        (``alternative``: what else the agent can do, for the message)."""
        self.ensure_one()
        self._serial_require_lot()
        labels = dict(eligibility.INTENTS)
        # both refusals name the ticket and its unit
        about = {"ticket": self.display_name, "serial": self.lot_id.name}
        if (self.serial_intent or "repair") not in intents:
            raise UserError(
                self.env._(
                    "%(ticket)s: the customer asks for %(intent)s of %(serial)s; this action "
                    "serves %(allowed)s. Change 'Customer Asks For' and check eligibility again.",
                    **about,
                    intent=labels.get(self.serial_intent, self.serial_intent),
                    allowed=", ".join(labels[intent] for intent in intents),
                )
            )
        if not self.serial_check_current:
            self.action_serial_check_eligibility()
        check = self.serial_check_id
        if check.verdict == eligibility.INELIGIBLE and not check.overridden:
            raise UserError(
                self.env._(
                    "%(serial)s is not eligible for %(intent)s (%(ticket)s): %(reasons)s\n"
                    "%(alternative)sA Serial Tracking Manager can accept it anyway with "
                    "'Override Verdict' and a reason.",
                    **about,
                    intent=labels[check.intent],
                    reasons=" ".join(check._reason_lines()),
                    alternative=f"{alternative}\n" if alternative else "",
                )
            )
        return check

    def action_serial_override(self):
        self.ensure_one()
        if not self.serial_check_current or self.serial_verdict != eligibility.INELIGIBLE:
            raise UserError(
                self.env._(
                    "%(ticket)s: only a current ineligible verdict can be overridden; check "
                    "the eligibility of %(serial)s first.",
                    ticket=self.display_name,
                    serial=self.lot_id.name or "-",
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_helpdesk.action_serial_ticket_override_wizard"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def _serial_override(self, reason, note=False):
        """A manager accepts the ticket's ineligible verdict: recorded on the check and
        as an ``override`` event in the unit's ledger."""
        self.ensure_one()
        check = self.serial_check_id
        events = check._override(reason, note, document_ref=self.number)
        # the override accepts one return, from the delivery that shipped the unit now
        check.sudo().override_delivery_id = check._last_delivery()
        self.message_post(
            body=self.env._(
                "Verdict for %(serial)s overridden by %(user)s: %(reason)s%(note)s",
                serial=self.lot_id.name,
                user=self.env.user.name,
                reason=reason.display_name,
                note=f" - {note}" if note else "",
            )
        )
        return events

    # --- returns and repairs --------------------------------------------------------------

    def action_serial_create_return(self):
        """Odoo's return wizard on the delivery that shipped the unit, with the unit
        chosen; the return it makes is linked to this ticket."""
        self.ensure_one()
        check = self._serial_allowed_check(_RETURN_INTENTS)
        action = check.action_open_return()
        action["context"] = dict(action["context"], serial_helpdesk_ticket_id=self.id)
        return action

    def _serial_on_return_created(self, picking):
        self.ensure_one()
        picking.helpdesk_ticket_id = self
        # the return wizard checked the serials again: those checks belong here too
        self.env["serial.eligibility.check"].sudo().search(
            [("picking_id", "=", picking.id), ("ticket_id", "=", False)],
        ).write({"ticket_id": self.id})
        self._serial_log(
            lambda ticket: self.env._(
                "Return %(picking)s created from ticket %(ticket)s.",
                picking=picking.name,
                ticket=ticket.number,
            )
        )
        self.message_post(body=Markup(self.env._("Return %s created.")) % picking._get_html_link())

    def action_serial_create_repair(self):
        """A repair order for the unit under its warranty, linked to this ticket (needs
        Repairs): refused when the verdict is ineligible and nobody overrode it."""
        self.ensure_one()
        self._serial_require_repairs()
        repair = self.serial_repair_ref
        if repair and repair.state != "cancel":
            return repair._get_records_action()
        check = self._serial_allowed_check(
            _REPAIR_INTENTS,
            alternative=self.env._(
                "If the customer agrees to pay for it, use 'Create Paid Repair'."
            ),
        )
        return self._serial_make_repair(check.intent)

    def action_serial_create_paid_repair(self):
        """A repair order the customer pays (out of warranty), linked to this ticket:
        no warranty is claimed, so no verdict is needed."""
        self.ensure_one()
        self._serial_require_repairs()
        self._serial_require_lot()
        repair = self.serial_repair_ref
        if repair and repair.state != "cancel":
            return repair._get_records_action()
        return self._serial_make_repair("paid")

    def _serial_require_repairs(self):
        if "repair.order" not in self.env:
            raise UserError(
                self.env._(
                    "%(ticket)s: install the Repairs app to create repair orders from tickets.",
                    ticket=self.display_name,
                )
            )

    def _serial_make_repair(self, claim):
        """Create the unit's repair order for ``claim``: ``repair`` or ``exchange`` under
        warranty, ``paid`` when the customer pays."""
        Repair = self.env["repair.order"]
        paid = claim == "paid"
        vals = {
            "product_id": self.lot_id.product_id.id,
            "lot_id": self.lot_id.id,
            "partner_id": self.partner_id.id or False,
            "company_id": self.company_id.id,
            "internal_notes": Markup("<p>%s</p>")
            % (
                self.env._(
                    "From ticket %(ticket)s, paid by the customer (out of warranty)",
                    ticket=self.display_name,
                )
                if paid
                else self.env._("From ticket %(ticket)s", ticket=self.display_name)
            ),
        }
        claims = (
            dict(Repair._fields["serial_intent"].selection)
            if "serial_intent" in Repair._fields
            else {}
        )
        if claim in claims:  # serial_tracking_repair: the warranty claim
            vals["serial_intent"] = claim
        elif paid:
            vals["under_warranty"] = False
        repair = Repair.create(vals)
        self.serial_repair_ref = repair
        if paid:
            self._serial_log(
                lambda ticket: self.env._(
                    "Paid repair %(repair)s created from ticket %(ticket)s (out of warranty).",
                    repair=repair.name,
                    ticket=ticket.number,
                )
            )
            body = (
                Markup(self.env._("Paid repair %s created (out of warranty)."))
                % repair._get_html_link()
            )
        else:
            self._serial_log(
                lambda ticket: self.env._(
                    "Repair %(repair)s created from ticket %(ticket)s.",
                    repair=repair.name,
                    ticket=ticket.number,
                )
            )
            body = Markup(self.env._("Repair %s created.")) % repair._get_html_link()
        self.message_post(body=body)
        repair.message_post(
            body=Markup(self.env._("Created from ticket %s.")) % self._get_html_link()
        )
        return repair._get_records_action()

    def action_serial_open_returns(self):
        self.ensure_one()
        return self.picking_ids._get_records_action(name=self.env._("Returns"))

    @api.model
    def serial_find_by_barcode(self, barcode):
        """The serial a scan names, for the ticket form's scanner: the serial number as
        printed, or the GS1 data of its label (AI 21 with the product's GTIN).

        :returns: ``{"id", "display_name"}`` or ``False``.
        """
        lot = self.env["stock.lot"]._serial_helpdesk_find(barcode)
        return {"id": lot.id, "display_name": lot.display_name} if lot else False

    # --- portal ---------------------------------------------------------------------------

    def _serial_portal_units(self, user):
        """The ticket's units that ``user``'s company received (last shipped to it): what
        the portal may show them. Units of other customers never appear."""
        self.ensure_one()
        units = (self.lot_id | self.serial_unit_ids).sudo()
        if not units or user._is_public():
            return units.browse()
        customers = units._serial_helpdesk_customers()
        partner_ids = {partner_id for partner_id in customers.values() if partner_id}
        partners = self.env["res.partner"].sudo().browse(sorted(partner_ids))
        commercial = {partner.id: partner.commercial_partner_id for partner in partners}
        own = user.partner_id.commercial_partner_id
        return units.filtered(lambda unit: commercial.get(customers.get(unit.id)) == own)
