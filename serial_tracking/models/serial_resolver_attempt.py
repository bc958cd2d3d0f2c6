from datetime import timedelta

from odoo import api, fields, models

from ..tools import unit_proof

LIMIT_PARAM = "serial_tracking.resolver_registration_limit"
WINDOW_PARAM = "serial_tracking.resolver_registration_window_minutes"
DEFAULT_LIMIT = 5
DEFAULT_WINDOW = 60

#: What a request asked for; each kind is counted apart.
KINDS = [("view", "Page View"), ("register", "Registration")]
#: kind -> {scope: (parameter, default)}; the window is per kind.
LIMITS = {
    "register": {
        "address": (LIMIT_PARAM, DEFAULT_LIMIT),
        "serial": ("serial_tracking.resolver_registration_serial_limit", 10),
        "global": ("serial_tracking.resolver_registration_global_limit", 200),
        "window": (WINDOW_PARAM, DEFAULT_WINDOW),
    },
    "view": {
        "address": ("serial_tracking.resolver_view_limit", 60),
        "serial": ("serial_tracking.resolver_view_serial_limit", 30),
        "global": ("serial_tracking.resolver_view_global_limit", 3000),
        "window": ("serial_tracking.resolver_view_window_minutes", 10),
    },
}


class SerialResolverAttempt(models.Model):
    """One request to the public serial page, kept to rate-limit it.

    Counted per address (an IPv6 address per /64 network, see ``tools/unit_proof.rate_key``),
    per unit and for the whole database, separately for page views and registrations.
    Stored in the database so that every worker counts the same requests; rows older than
    a day are removed by the autovacuum.
    """

    _name = "serial.resolver.attempt"
    _description = "Public Serial Page Request"
    _order = "id desc"
    _log_access = False

    remote_addr = fields.Char(
        string="Address",
        required=True,
        readonly=True,
        help="IPv4 address, or IPv6 /64 network, of the request.",
    )
    kind = fields.Selection(KINDS, required=True, readonly=True, default="register")
    serial_key = fields.Char(
        string="Unit", readonly=True, help="GTIN and serial asked for, as in the link."
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    _addr_date_idx = models.Index("(remote_addr, kind, date)")
    _serial_date_idx = models.Index("(serial_key, kind, date)")
    _kind_date_idx = models.Index("(kind, date)")

    @api.model
    def _serial_limits(self, kind="register"):
        """``({scope: limit}, window)`` of ``kind``, from the system parameters."""
        params = self.env["ir.config_parameter"].sudo()
        limits = {
            scope: int(params.get_param(param, default))
            for scope, (param, default) in LIMITS[kind].items()
        }
        return limits, timedelta(minutes=limits.pop("window"))

    @api.model
    def _serial_allow(self, remote_addr, kind="register", serial_key=None):
        """Record a request unless its address, its unit or everyone made too many; True if
        allowed.

        Transaction-level advisory locks on the address and the unit serialise concurrent
        requests across workers, so those counts cannot be raced past; the global count is
        not locked (it would serialise every visitor) and may overshoot by the number of
        workers.
        """
        address = unit_proof.rate_key(remote_addr)
        limits, window = self._serial_limits(kind)
        since = fields.Datetime.now() - window
        attempts = self.sudo()
        checks = [("remote_addr", address, limits["address"])]
        if serial_key:
            checks.append(("serial_key", serial_key, limits["serial"]))
        for field, value, limit in checks:
            self.env.cr.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"serial_resolver:{kind}:{field}:{value}"],
            )
            if (
                attempts.search_count(
                    [(field, "=", value), ("kind", "=", kind), ("date", ">=", since)], limit=limit
                )
                >= limit
            ):
                return False
        if (
            attempts.search_count(
                [("kind", "=", kind), ("date", ">=", since)], limit=limits["global"]
            )
            >= limits["global"]
        ):
            return False
        attempts.create({"remote_addr": address, "kind": kind, "serial_key": serial_key})
        return True

    @api.autovacuum
    def _gc_attempts(self):
        self.sudo().search([("date", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
