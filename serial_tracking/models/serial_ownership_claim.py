import hashlib
import hmac
import secrets
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import lifecycle
from .stock_lot import LIFECYCLE_WRITE

#: Context value that lets the claim's own methods write it; never JSON, so no client sends it.
CLAIM_WRITE = object()
#: Hours the e-mail confirmation link stays valid.
CONFIRM_HOURS = 48
#: Only a unit delivered to a customer can be claimed by its buyer.
CLAIMABLE = frozenset({lifecycle.SHIPPED})


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SerialOwnershipClaim(models.Model):
    """A visitor's claim, from the public serial page, that they bought the unit.

    Nothing changes on the unit when it is made: the visitor first confirms their e-mail
    address through the link sent to it (double opt-in), then a Serial Tracking Manager
    accepts or refuses it. Only acceptance records the ``registered`` event, with a new
    contact as the unit's holder, which starts the coverages triggered by registration.
    """

    _name = "serial.ownership.claim"
    _description = "Ownership Claim"
    _order = "id desc"
    _rec_name = "lot_id"

    lot_id = fields.Many2one(
        "stock.lot", string="Serial", required=True, readonly=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(related="lot_id.product_id")
    company_id = fields.Many2one(related="lot_id.company_id", store=True, index=True)
    claimant_name = fields.Char(string="Claimant", required=True, readonly=True)
    email = fields.Char(string="E-mail", required=True, readonly=True)
    purchase_date = fields.Date(required=True, readonly=True)
    state = fields.Selection(
        [
            ("email", "Waiting for E-mail Confirmation"),
            ("review", "To Review"),
            ("accepted", "Accepted"),
            ("refused", "Refused"),
        ],
        required=True,
        readonly=True,
        default="email",
        index=True,
    )
    confirm_token_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    confirm_deadline = fields.Datetime(string="Confirm Before", readonly=True)
    email_confirmed_date = fields.Datetime(string="E-mail Confirmed On", readonly=True)
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True)
    review_date = fields.Datetime(string="Reviewed On", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Holder Contact",
        readonly=True,
        help="Contact created when the claim was accepted.",
    )
    event_id = fields.Many2one("serial.event", string="Registration Event", readonly=True)

    # --- guards ----------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._serial_check_trusted()
        return super().create(vals_list)

    def write(self, vals):
        self._serial_check_trusted()
        return super().write(vals)

    def _serial_check_trusted(self):
        if self.env.context.get("serial_claim_write") is not CLAIM_WRITE:
            raise UserError(
                self.env._(
                    "Ownership claims come from the public serial page and change only through "
                    "their Accept and Refuse buttons."
                )
            )

    def _serial_writer(self):
        return self.sudo().with_context(serial_claim_write=CLAIM_WRITE)

    # --- the visitor -----------------------------------------------------------------------

    @api.model
    def _serial_submit(self, lot, name, email, purchase_date):
        """Record a claim and e-mail its confirmation link; the unit is not touched."""
        token = secrets.token_urlsafe(32)
        claim = self._serial_writer().create(
            {
                "lot_id": lot.id,
                "claimant_name": name,
                "email": email,
                "purchase_date": purchase_date,
                "confirm_token_hash": _digest(token),
                "confirm_deadline": fields.Datetime.now() + timedelta(hours=CONFIRM_HOURS),
            }
        )
        claim._serial_send_confirmation(token)
        return claim

    def _serial_confirm_url(self, token):
        self.ensure_one()
        return f"{self.get_base_url()}/serial/claim/{self.id}/{token}"

    def _serial_send_confirmation(self, token):
        self.ensure_one()
        company = self.lot_id.company_id or self.env.company
        body = self.env["ir.qweb"]._render(
            "serial_tracking.claim_confirmation_mail",
            {
                "claim": self,
                "product_name": self.lot_id.product_id.display_name,
                "url": self._serial_confirm_url(token),
                "hours": CONFIRM_HOURS,
                "company_name": company.name,
            },
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": self.env._(
                    "Confirm the registration of your %s", self.lot_id.product_id.display_name
                ),
                "email_to": self.email,
                "email_from": company.email_formatted
                or self.env["ir.mail_server"]._get_default_from_address(),
                "body_html": body,
            }
        )

    @api.model
    def _serial_find_pending(self, claim_id, token):
        """The claim waiting for the e-mail confirmation ``token``, else an empty recordset."""
        claim = self.sudo().browse(claim_id).exists()
        if (
            not claim
            or claim.state != "email"
            or not token
            or claim.confirm_deadline < fields.Datetime.now()
            or not hmac.compare_digest(claim.confirm_token_hash or "", _digest(token))
        ):
            return self.browse()
        return claim

    def _serial_confirm_email(self):
        """The visitor opened the link: the claim goes to a manager's review."""
        self._serial_writer().write(
            {
                "state": "review",
                "email_confirmed_date": fields.Datetime.now(),
                "confirm_token_hash": False,
            }
        )

    # --- the manager -----------------------------------------------------------------------

    def _serial_check_manager(self):
        if not self.env.su and not self.env.user.has_group("serial_tracking.group_serial_manager"):
            raise AccessError(
                self.env._("Only a Serial Tracking Manager can accept or refuse ownership claims.")
            )

    def action_accept(self):
        """Register each unit to a new contact for its claimant, as of the purchase date."""
        self._serial_check_manager()
        self._serial_check_states({"review"}, self.env._("accepted"))
        for claim in self:
            claim._serial_accept_one()
        return True

    def _serial_accept_one(self):
        lot = self.lot_id.sudo()
        if lot.lifecycle_state not in CLAIMABLE:
            raise UserError(
                self.env._(
                    "%(serial)s: is no longer with a customer (%(state)s); refuse this claim.",
                    serial=lot.display_name,
                    state=lot.lifecycle_state,
                )
            )
        registered = lot.event_ids.filtered(lambda e: e.event_type == "registered")
        if registered:
            raise UserError(
                self.env._(
                    "%(serial)s: is already registered to %(holder)s; refuse this claim.",
                    serial=lot.display_name,
                    holder=registered.sorted("date")[-1].partner_id.display_name,
                )
            )
        # a new contact: a typed e-mail address proves nothing about an existing one
        partner = (
            self.env["res.partner"]
            .sudo()
            .create(
                {"name": self.claimant_name, "email": self.email, "company_id": lot.company_id.id}
            )
        )
        shipped = lot.event_ids.filtered(lambda e: e.event_type == "shipped")
        when = datetime.combine(self.purchase_date, time(12, 0))
        if shipped:
            when = max(when, *shipped.mapped("date"))
        event = lot._serial_apply_events(
            [
                {
                    "lot": lot,
                    "event_type": "registered",
                    "date": min(when, fields.Datetime.now()),
                    "partner_id": partner.id,
                    "document_ref": self.env._("Online registration"),
                    "note": self.env._(
                        "Claimed on the public serial page by %(name)s <%(email)s>, e-mail "
                        "confirmed "
                        "on %(confirmed)s, accepted by %(user)s",
                        name=self.claimant_name,
                        email=self.email,
                        confirmed=self.email_confirmed_date,
                        user=self.env.user.name,
                    ),
                }
            ]
        )
        # the holder changes with the event the ledger now holds
        lot.with_context(serial_lifecycle_write=LIFECYCLE_WRITE).write(
            {"current_partner_id": partner.id}
        )
        self._serial_writer().write(
            {
                "state": "accepted",
                "partner_id": partner.id,
                "event_id": event.id,
                "reviewer_id": self.env.user.id,
                "review_date": fields.Datetime.now(),
            }
        )

    def action_refuse(self):
        self._serial_check_manager()
        self._serial_check_states({"email", "review"}, self.env._("refused"))
        self._serial_writer().write(
            {
                "state": "refused",
                "confirm_token_hash": False,
                "reviewer_id": self.env.user.id,
                "review_date": fields.Datetime.now(),
            }
        )
        return True

    def _serial_check_states(self, allowed, verb):
        wrong = self.filtered(lambda claim: claim.state not in allowed)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "These claims cannot be %(verb)s in their state: %(claims)s.",
                    verb=verb,
                    claims=", ".join(
                        f"{claim.lot_id.display_name} ({labels[claim.state]})"
                        for claim in wrong[:10]
                    ),
                )
            )

    @api.autovacuum
    def _gc_unconfirmed_claims(self):
        """Claims whose link expired a week ago hold a stranger's e-mail for nothing."""
        limit = fields.Datetime.now() - timedelta(days=7)
        self._serial_writer().search(
            [("state", "=", "email"), ("confirm_deadline", "<", limit)]
        ).unlink()
