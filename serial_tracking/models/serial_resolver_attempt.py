from datetime import timedelta

from odoo import api, fields, models

LIMIT_PARAM = "serial_tracking.resolver_registration_limit"
WINDOW_PARAM = "serial_tracking.resolver_registration_window_minutes"
DEFAULT_LIMIT = 5
DEFAULT_WINDOW = 60


class SerialResolverAttempt(models.Model):
    """One registration attempt on the public serial page, kept to rate-limit per address.

    Stored in the database so that every worker counts the same attempts; rows older than
    a day are removed by the autovacuum.
    """

    _name = "serial.resolver.attempt"
    _description = "Public Serial Page Registration Attempt"
    _order = "id desc"
    _log_access = False

    remote_addr = fields.Char(string="Address", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    _addr_date_idx = models.Index("(remote_addr, date)")

    @api.model
    def _serial_limits(self):
        params = self.env["ir.config_parameter"].sudo()
        limit = int(params.get_param(LIMIT_PARAM, DEFAULT_LIMIT))
        window = int(params.get_param(WINDOW_PARAM, DEFAULT_WINDOW))
        return limit, timedelta(minutes=window)

    @api.model
    def _serial_allow(self, remote_addr):
        """Record an attempt from ``remote_addr`` unless it made too many; True if allowed.

        A transaction-level advisory lock on the address serialises concurrent attempts
        from the same address across workers, so the count cannot be raced past.
        """
        remote_addr = remote_addr or "unknown"
        limit, window = self._serial_limits()
        self.env.cr.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                            [f"serial_resolver:{remote_addr}"])
        since = fields.Datetime.now() - window
        recent = self.sudo().search_count([("remote_addr", "=", remote_addr),
                                           ("date", ">=", since)])
        if recent >= limit:
            return False
        self.sudo().create({"remote_addr": remote_addr})
        return True

    @api.autovacuum
    def _gc_attempts(self):
        self.sudo().search([("date", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
