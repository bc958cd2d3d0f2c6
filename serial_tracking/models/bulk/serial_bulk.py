import logging

from psycopg2 import OperationalError

from odoo import api, models
from odoo.modules.module import get_manifest
from odoo.tools import SQL, split_every

from ...tools import fast_path

_logger = logging.getLogger(__name__)

# Rows inserted per statement by _copy_rows.
_INSERT_CHUNK = 50000
# The setting that turns every set-based operation off ("off"); absent means on.
SWITCH_PARAM = "serial_tracking.bulk_fast_path"


class SerialBulk(models.AbstractModel):
    """Set-based writes behind the ORM, and the guard that decides when they may run.

    See the contract in ``models/bulk/__init__.py``. The callers ask
    ``_serial_fast_path(operation)`` first and take Odoo's own path when it says no.
    """

    _name = "serial.bulk"
    _description = "Serial Tracking Set-based Operations"

    # --- the guard --------------------------------------------------------------------

    def _register_hook(self):
        super()._register_hook()
        for verdict in self._serial_verdicts().values():
            if not verdict.enabled:
                _logger.info(verdict.reason())

    @api.model
    def _serial_fast_path(self, operation):
        """Whether ``operation`` may take its set-based path now."""
        if not self._serial_verdicts()[operation].enabled:
            return False
        switch = self.env["ir.config_parameter"].sudo().get_param(SWITCH_PARAM, "on")
        return switch != "off"

    @api.model
    def _serial_verdicts(self):
        """``{operation: fast_path.Verdict}`` for the modules loaded in this registry.

        Worked out once per registry and again whenever more modules have been loaded
        (a module installed later in the same run adds its overrides).
        """
        registry = self.pool
        loaded = len(registry._init_modules)
        cached = getattr(registry, "_serial_fast_path_verdicts", None)
        if cached and cached[0] == loaded:
            return cached[1]
        trusted = fast_path.trusted_modules(
            fast_path.dependency_closure(
                "stock", lambda name: (get_manifest(name) or {}).get("depends", ())
            )
        )
        verdicts = {
            operation: fast_path.decide(operation, self._serial_overriders(methods), trusted)
            for operation, methods in fast_path.OPERATIONS.items()
        }
        registry._serial_fast_path_verdicts = (loaded, verdicts)
        return verdicts

    @api.model
    def _serial_overriders(self, methods):
        """``{(model, method): [module, ...]}``: who defines each method, read from the
        method resolution order of the model's class in this registry."""
        found = {}
        for model_name, method in methods:
            if model_name not in self.env:
                continue
            model_class = type(self.env[model_name])
            modules = []
            for klass in model_class.__mro__:
                if method not in vars(klass):
                    continue
                if klass is model_class:
                    modules.append(fast_path.PATCHED)
                elif vars(klass).get("_module"):
                    modules.append(klass._module)
                # else: the ORM's own classes (odoo.models)
            found[model_name, method] = modules
        return found

    # --- writes -----------------------------------------------------------------------

    @api.model
    def _write_column(self, records, column, values, constants=None, checked=()):
        """``records[i].column = values[i]`` (and ``constants`` on every record) with one
        UPDATE, then what the ORM does after a write: caches, dependent fields and the
        constraints on the columns written, but those on a field of ``checked`` (the
        caller checked them set-wise)."""
        self.env.flush_all()
        records.check_access("write")
        field = records._fields[column]
        constants = constants or {}
        assignments = [SQL("%s = v.value", SQL.identifier(column))] + [
            SQL("%s = %s", SQL.identifier(name), value) for name, value in constants.items()
        ]
        self.env.cr.execute(
            SQL(
                """UPDATE %(table)s t
                  SET %(assignments)s, write_uid = %(uid)s,
                      write_date = (now() AT TIME ZONE 'UTC')
                 FROM unnest(%(ids)s::int4[], %(values)s::%(type)s[]) AS v(id, value)
                WHERE t.id = v.id""",
                table=SQL.identifier(records._table),
                assignments=SQL(", ").join(assignments),
                uid=self.env.uid,
                ids=records.ids,
                values=list(values),
                type=SQL(field.column_type[1]),
            )
        )
        self._refresh_statistics(records._table, len(records))
        records.invalidate_recordset([column, *constants, "write_uid", "write_date"], flush=False)
        self._invalidate_inverses(records)
        records.modified([column, *constants])
        records._validate_fields([column, *constants], excluded_names=checked)

    @api.model
    def _copy_rows(self, template, column, values, check=True):
        """Insert one copy of ``template``'s row per value, with ``column`` set to it.

        Every other stored column keeps what the ORM computed for the template; the
        computed fields that depend on ``column`` are recomputed, dependent fields of
        other models are marked as the ORM does on create, and the Python constraints
        on ``column`` run on the new rows (unless ``check`` is False because the caller
        knows they hold). Returns the new ids in the order of values.
        """
        if not values:
            return []
        model = template.browse()
        model.check_access("create")
        # The template's row must be in the database; other pending writes may wait (a
        # receipt's validation writes its lines' state and date together later on).
        template.flush_recordset()
        copied = [
            field
            for field in model._fields.values()
            if field.store and field.column_type and field.name not in ("id", column)
        ]
        id_of = {}
        for chunk in split_every(_INSERT_CHUNK, values, list):
            self.env.cr.execute(
                SQL(
                    """INSERT INTO %(table)s (%(columns)s, %(column)s)
                   SELECT %(sources)s, v.value
                     FROM %(table)s t,
                          unnest(%(chunk)s::%(type)s[]) WITH ORDINALITY AS v(value, position)
                    WHERE t.id = %(template)s
                 ORDER BY v.position
                RETURNING id, %(column)s""",
                    table=SQL.identifier(model._table),
                    columns=SQL(", ").join(SQL.identifier(field.name) for field in copied),
                    column=SQL.identifier(column),
                    sources=SQL(", ").join(SQL.identifier("t", field.name) for field in copied),
                    chunk=chunk,
                    type=SQL(model._fields[column].column_type[1]),
                    template=template.id,
                )
            )
            id_of.update((value, record_id) for record_id, value in self.env.cr.fetchall())
        ids = [id_of[value] for value in values]
        self._refresh_statistics(model._table, len(ids))
        self._invalidate_inverses(model)
        records = model.browse(ids)
        varying = self._fields_depending_on(model, column)
        # The computed columns that do not depend on ``column`` hold the template's
        # values, which are theirs too; the column itself holds the value given.
        kept = [
            field
            for field in model._fields.values()
            if field.store and field.compute and (field.name == column or field.name not in varying)
        ]
        with self.env.protecting(kept, records):
            records.modified(
                [field.name for field in model._fields.values() if field.store], create=True
            )
        if check:
            records._validate_fields(varying)
        return ids

    @api.model
    def _fields_depending_on(self, model, column):
        """``column`` and the stored computed fields of ``model`` that depend on it."""
        depends = model.pool.field_depends
        return {column} | {
            field.name
            for field in model._fields.values()
            if field.store
            and field.compute
            and any(path.split(".")[0] == column for path in depends[field])
        }

    def _invalidate_inverses(self, model):
        """Forget the cached one2many values that new rows of ``model`` extend.

        Nothing else in the cache is stale after an INSERT, and nothing pending is
        flushed: one2many values are never waiting to be written.
        """
        for field in model._fields.values():
            for inverse in model.pool.field_inverses[field]:
                self.env[inverse.model_name].invalidate_model([inverse.name], flush=False)

    def _refresh_statistics(self, table, rows):
        """ANALYZE ``table`` when its planner statistics predate the ``rows`` just written.

        On a young database the statistics say "empty table": every later UPDATE of
        the ORM (100 rows at a time) then scans all the new rows, which makes a
        100,000-serial receipt quadratic. A table already known to be big is left
        alone. ANALYZE keeps a lock that only other ANALYZE/VACUUM wait for, until the
        end of the transaction: give up at once rather than wait behind another batch.
        """
        cr = self.env.cr
        cr.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        if cr.fetchone()[0] >= rows:
            return
        cr.execute("SHOW lock_timeout")
        previous = cr.fetchone()[0]
        try:
            with cr.savepoint(flush=False):
                cr.execute("SELECT set_config('lock_timeout', '200ms', true)")
                # a lock timeout is expected here: not an error of the database's log
                cr.execute(SQL("ANALYZE %s", SQL.identifier(table)), log_exceptions=False)
                cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        except OperationalError:
            _logger.info("Statistics of %s not refreshed: another batch holds them", table)
