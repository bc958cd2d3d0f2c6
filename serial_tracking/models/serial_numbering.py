from collections import defaultdict
from typing import NamedTuple

from odoo import api, models
from odoo.exceptions import UserError, ValidationError

from ..tools import numbering, ranges
from ..tools.fast_path import BULK_MIN
from . import tools_messages

# Offending values listed in one message; the rest are counted.
MAX_LISTED = 20
# Marks values already checked by the server itself. A private object, not True, so that
# a client cannot skip the rules by sending the context key over RPC.
NUMBERS_CHECKED = object()
# Most serial numbers made, pasted or uploaded at once (every door: the wizard, Odoo's
# own "Generate Serials" dialog, RPC); a rule's counter is never moved by more.
MAX_SERIALS = 1_000_000
# What the generation wizard accepts for products without a rule: Odoo takes any name,
# the wizard still refuses blanks, control characters and runaway lengths.
UNRULED_SPEC = numbering.ValidationSpec(charset="any", min_len=1, max_len=128)


class Batch(NamedTuple):
    """Serial numbers about to be created for one product."""

    product: object  # product.product
    company: object  # res.company (may be empty: lots shared between companies)
    rule: object  # serial.format.rule (may be empty)
    names: list


class SerialNumbering(models.AbstractModel):
    """Validation of serial numbers on every path that creates them, and the set-based
    writes of the generation wizard.

    Stateless services: the settings live on ``serial.format.rule``, the logic of
    patterns and checks in ``tools/numbering.py``.
    """

    _name = "serial.numbering"
    _description = "Serial Numbering Services"

    # --- entry points -------------------------------------------------------------

    @api.model
    def _validate_new_serials(self, vals_list):
        """``stock.lot.create`` hook: refuse the whole batch when a number breaks the
        rule of its product. Covers the form, import, RPC and the lots Odoo creates from
        typed lot names when a receipt is validated. Fills a missing name from the rule.
        """
        if self.env.context.get("serial_numbers_checked") is NUMBERS_CHECKED:
            return
        default_product = self.env.context.get("default_product_id")
        products = self.env["product.product"].browse(
            {vals.get("product_id") or default_product for vals in vals_list} - {None, False}
        )
        rules = products._serial_format_rules()
        if not any(rules.values()):
            return  # products without a rule behave exactly as in Odoo
        batches = {}
        unnamed = defaultdict(list)
        for vals in vals_list:
            product = products.browse(vals.get("product_id") or default_product)
            rule = rules.get(product.id)
            if not rule:
                continue
            if not vals.get("name"):
                unnamed[product].append(vals)
            company = self._batch_company(product, vals.get("company_id"))
            key = (product.id, company.id)
            batches.setdefault(key, Batch(product, company, rule, [])).names.append(vals)
        for product, unnamed_vals in unnamed.items():
            for vals, name in zip(
                unnamed_vals,
                self._default_names(product, rules[product.id], len(unnamed_vals)),
                strict=True,
            ):
                if name:
                    vals["name"] = name
        self._check_batches(
            [
                batch._replace(names=[vals["name"] for vals in batch.names if vals.get("name")])
                for batch in batches.values()
            ]
        )

    @api.model
    def _validate_typed_serials(self, vals_list):
        """``stock.move.line.create`` hook: lot names typed, scanned or pasted on the
        lines of receipts and manufacturing orders."""
        typed = [vals for vals in vals_list if vals.get("lot_name") and not vals.get("lot_id")]
        if not typed or self.env.context.get("serial_numbers_checked") is NUMBERS_CHECKED:
            return
        moves = self.env["stock.move"].browse(
            {vals["move_id"] for vals in typed if vals.get("move_id")}
        )
        move_products = {move.id: move.product_id.id for move in moves}
        entries = [
            (
                vals.get("product_id") or move_products.get(vals.get("move_id")),
                vals.get("company_id"),
                vals["lot_name"],
            )
            for vals in typed
        ]
        self._check_typed(entries)

    @api.model
    def _validate_typed_serial_write(self, lines, lot_name):
        """``stock.move.line.write`` hook: ``lot_name`` written on existing lines."""
        if not lot_name or self.env.context.get("serial_numbers_checked") is NUMBERS_CHECKED:
            return
        lines = lines.filtered(lambda line: not line.lot_id)
        entries = [(line.product_id.id, line.company_id.id, lot_name) for line in lines]
        self._check_typed(entries, exclude_line_ids=lines.ids)

    @api.model
    def _validate_renamed_serials(self, lots, name):
        """``stock.lot.write`` hook: serials renamed to ``name``, checked like new ones.

        Renaming several serials of one product to one name is a duplicate in the batch;
        the serials being renamed do not count as existing holders of the name.
        """
        if self.env.context.get("serial_numbers_checked") is NUMBERS_CHECKED:
            return
        lots = lots.filtered(lambda lot: lot.name != name)
        if not lots:
            return
        rules = lots.product_id._serial_format_rules()
        batches = {}
        for lot in lots:
            rule = rules.get(lot.product_id.id)
            if not rule:
                continue
            company = self._batch_company(lot.product_id, lot.company_id.id)
            batches.setdefault(
                (lot.product_id.id, company.id), Batch(lot.product_id, company, rule, [])
            ).names.append(name)
        self._check_batches(list(batches.values()), exclude_lot_ids=lots.ids)

    def _check_typed(self, entries, exclude_line_ids=()):
        """Check ``(product_id, company_id, name)`` entries of products with a rule."""
        products = self.env["product.product"].browse(
            {product_id for product_id, _c, _n in entries if product_id}
        )
        rules = products._serial_format_rules()
        batches = {}
        for product_id, company_id, name in entries:
            rule = rules.get(product_id)
            if not rule:
                continue
            product = products.browse(product_id)
            company = self._batch_company(product, company_id)
            batches.setdefault(
                (product_id, company.id), Batch(product, company, rule, [])
            ).names.append(name)
        self._check_batches(list(batches.values()), typed=True, exclude_line_ids=exclude_line_ids)

    # --- validation -----------------------------------------------------------------

    def _batch_company(self, product, company_id=None):
        """The company whose serials a new number must not collide with."""
        if company_id:
            return self.env["res.company"].browse(company_id)
        return product.company_id or self.env.company

    def _default_names(self, product, rule, count):
        """Names for serials created without one: the rule's next numbers, else Odoo's
        own per-product sequence (validated like any other name)."""
        if rule.pattern:
            return rule._generate_names(count, product, self._default_warehouse())
        sequence = product.lot_sequence_id
        return [sequence.next_by_id() if sequence else False for _index in range(count)]

    @api.model
    def _next_names(self, product, count, first=None, warehouse=None):
        """The ``count`` names Odoo's own "next serial" paths give ``product`` when a
        numbering rule applies to it; ``None`` when none does (Odoo's way then).

        Without ``first``, the rule's next numbers, taken from its counter for good;
        with ``first``, the numbers counting on from it, check character recomputed.
        A rule without a pattern only validates: it needs a first number.
        """
        rule = product._serial_format_rules().get(product.id)
        if not rule or count < 1:
            return None
        self._check_serial_count(count)
        if first:
            return self._names_counting_on(rule, first, count)
        if not rule.pattern:
            return None
        return rule._generate_names(count, product, warehouse or self._default_warehouse())

    @api.model
    def _check_serial_count(self, count):
        """Refuse more than MAX_SERIALS numbers before any is reserved."""
        if count > MAX_SERIALS:
            raise UserError(
                self.env._(
                    "%(count)s serial numbers at once is more than the limit of %(max)s: "
                    "generate them in several batches.",
                    count=f"{count:,}",
                    max=f"{MAX_SERIALS:,}",
                )
            )

    @api.model
    def _names_counting_on(self, rule, first, count):
        """``count`` names from ``first`` on, as the rule's check algorithm makes them."""
        algorithm = rule.check_algorithm or "none"
        try:
            found = ranges.parse_range_expression(first, limit=count, check_algorithm=algorithm)
            start = found[0] if len(found) == 1 and len(found[0]) == 1 else None
            if start is None or start.is_verbatim:
                raise ranges.RangeError("ranges.not_one_number", serial=first.strip())
            span = ranges.Range(
                start.prefix, start.start, start.start + count - 1, start.width, start.suffix
            )
            return ranges.expand([span], limit=count, check_algorithm=algorithm)
        except ranges.RangeError as error:
            raise UserError(
                self.env._(
                    'First serial number (numbering rule "%(rule)s"): %(problem)s. Enter a '
                    "valid number of the rule, or leave it empty to take the rule's next "
                    "numbers.",
                    rule=rule.name,
                    problem=tools_messages.translate(self.env, error),
                )
            ) from None

    def _default_warehouse(self):
        return self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )

    def _check_batches(self, batches, typed=False, exclude_line_ids=(), exclude_lot_ids=()):
        """Raise one ValidationError listing every problem of every batch."""
        found = self._find_problems(
            batches, typed=typed, exclude_line_ids=exclude_line_ids, exclude_lot_ids=exclude_lot_ids
        )
        if found:
            raise ValidationError(self._problems_message(found))

    @api.model
    def _find_problems(self, batches, typed=False, exclude_line_ids=(), exclude_lot_ids=()):
        """``[(batch, [numbering.Problem])]`` for the batches that have problems.

        One query finds the existing serials of all batches (and, for typed names,
        one more the names already typed on other open lines), whatever their size.
        """
        names = {name for batch in batches for name in batch.names if isinstance(name, str)}
        existing = self._existing_serials(names, exclude_lot_ids)
        pending = self._pending_typed_serials(names, exclude_line_ids) if typed else {}
        product_names = self._product_names(existing, pending)
        found = []
        for batch in batches:
            spec = batch.rule._validation_spec() if batch.rule else UNRULED_SPEC
            scope = batch.rule.uniqueness if batch.rule else "product"
            taken = self._taken_in_scope(batch, scope, existing, product_names)
            taken_typed = self._taken_in_scope(batch, scope, pending, product_names)
            problems = numbering.validate_batch(batch.names, spec, existing=taken | taken_typed)
            if problems:
                found.append(
                    (batch, [self._explain(problem, taken, taken_typed) for problem in problems])
                )
        return found

    def _existing_serials(self, names, exclude_lot_ids=()):
        """``{name: [(product_id, company_id, None)]}`` of the lots with these names
        (other than ``exclude_lot_ids``)."""
        if not names:
            return {}
        self.env["stock.lot"].flush_model(["name", "product_id", "company_id"])
        # Every company's lots, as Odoo's own uniqueness check does.
        # A join on the names rather than "name = ANY(array)": right after a receipt of
        # 100,000 serials was rolled back, the ANY form took minutes on 1,000,000 lots.
        self.env.cr.execute(
            """SELECT lot.name, lot.product_id, lot.company_id
                 FROM unnest(%s::varchar[]) AS wanted(name)
                 JOIN stock_lot lot ON lot.name = wanted.name
                WHERE NOT lot.id = ANY(%s)""",
            [list(names), list(exclude_lot_ids)],
        )
        found = defaultdict(list)
        for name, product_id, company_id in self.env.cr.fetchall():
            found[name].append((product_id, company_id, None))
        return found

    def _pending_typed_serials(self, names, exclude_line_ids):
        """``{name: [(product_id, company_id, document)]}`` typed on other open lines."""
        if not names:
            return {}
        self.env["stock.move.line"].flush_model(
            ["lot_name", "lot_id", "product_id", "company_id", "move_id", "picking_id"]
        )
        self.env["stock.move"].flush_model(["state", "reference"])
        self.env.cr.execute(
            """SELECT ml.lot_name, ml.product_id, ml.company_id,
                      COALESCE(picking.name, move.reference)
                 FROM stock_move_line ml
                 JOIN stock_move move ON move.id = ml.move_id
            LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
                WHERE ml.lot_name = ANY(%s) AND ml.lot_id IS NULL
                  AND move.state NOT IN ('done', 'cancel')
                  AND NOT ml.id = ANY(%s)""",
            [list(names), list(exclude_line_ids)],
        )
        found = defaultdict(list)
        for name, product_id, company_id, document in self.env.cr.fetchall():
            found[name].append((product_id, company_id, document or ""))
        return found

    def _product_names(self, *holders):
        product_ids = {
            product_id
            for found in holders
            for rows in found.values()
            for product_id, _company, _doc in rows
        }
        products = self.env["product.product"].sudo().with_context(active_test=False)
        return {product.id: product.display_name for product in products.browse(product_ids)}

    def _taken_in_scope(self, batch, scope, found, product_names):
        """``{name: where}`` of the batch's names that the rule's scope forbids."""
        company_id = batch.company.id
        taken = {}
        for name in batch.names:
            for product_id, lot_company_id, document in found.get(name, ()):
                same_company = not lot_company_id or not company_id or lot_company_id == company_id
                if not same_company or (scope == "product" and product_id != batch.product.id):
                    continue
                taken[name] = document or product_names.get(product_id, "")
                break
        return taken

    def _explain(self, problem, taken, taken_typed):
        """The message of ``problem``, naming where an existing number already is."""
        if problem.code != "exists":
            return tools_messages.translate(self.env, problem)
        if problem.value in taken:
            return self.env._(
                "%(serial)s: already exists for %(product)s",
                serial=problem.value,
                product=taken[problem.value],
            )
        return self.env._(
            "%(serial)s: already entered on %(document)s",
            serial=problem.value,
            document=taken_typed[problem.value],
        )

    def _problems_message(self, found):
        total = sum(len(messages) for _batch, messages in found)
        lines = [self.env._("%(count)s serial number(s) refused:", count=total)]
        listed = 0
        for batch, messages in found:
            if batch.rule:
                lines.append(
                    self.env._(
                        '%(product)s (numbering rule "%(rule)s"):',
                        product=batch.product.display_name,
                        rule=batch.rule.name,
                    )
                )
            else:
                lines.append(self.env._("%(product)s:", product=batch.product.display_name))
            for message in messages[: max(MAX_LISTED - listed, 0)]:
                lines.append(f"  • {message}")
                listed += 1
        if total > listed:
            lines.append(self.env._("… and %(count)s more.", count=total - listed))
        lines.append(
            self.env._(
                "Correct or remove these numbers and try again: nothing was saved. A product's "
                "rule is set on the product or its category; rules are under Inventory > Serial "
                "Tracking > Configuration > Numbering Rules."
            )
        )
        return "\n".join(lines)

    # --- set-based creation ---------------------------------------------------------

    @api.model
    def _create_serials(self, product, names):
        """Create serials whose names were validated; returns them in the order given.

        Small sets, and any set where the set-based path is off, go through a plain
        multi-create; big ones create the first serial with the ORM (so every default
        and hook applies, lifecycle state 'planned' included) and copy its row for the
        others (``serial.bulk``).
        """
        lots = self.env["stock.lot"].with_context(serial_numbers_checked=NUMBERS_CHECKED)
        bulk = self.env["serial.bulk"]
        if len(names) < BULK_MIN or not bulk._serial_fast_path("create_serials"):
            return lots.create([{"product_id": product.id, "name": name} for name in names])
        template = lots.create({"product_id": product.id, "name": names[0]})
        return template + lots.browse(bulk._copy_rows(template, "name", names[1:]))

    @api.model
    def _add_move_lines(self, move, lots):
        """One line of quantity 1 per serial on ``move``; returns the lines.

        The lines Odoo made for the demand without a serial are used first (on a serial
        receipt, one per unit), the others are removed. Big sets are written with one
        statement per step, which is only right where a line reserves nothing: moves
        from suppliers or production.
        """
        lines = self.env["stock.move.line"].with_context(serial_numbers_checked=NUMBERS_CHECKED)
        placeholder_domain = [
            ("move_id", "=", move.id),
            ("lot_id", "=", False),
            ("lot_name", "=", False),
            ("state", "not in", ("done", "cancel")),
        ]
        placeholders = lines.search(placeholder_domain, order="id")
        bulk = (
            len(lots) >= BULK_MIN
            and move._should_bypass_reservation()
            and self.env["serial.bulk"]._serial_fast_path("create_lines")
        )
        reusable = (
            lines.search(
                placeholder_domain
                + [
                    ("quantity", "=", 1),
                    ("product_uom_id", "=", move.product_id.uom_id.id),
                    ("package_id", "=", False),
                    ("result_package_id", "=", False),
                    ("owner_id", "=", False),
                ],
                order="id",
                limit=len(lots),
            )
            if bulk
            else lines
        )
        (placeholders - reusable).unlink()
        picked = self._lines_count_as_picked(move)
        if reusable:
            # Odoo's per-line check that a line's serial is of its product, set-wise
            strangers = lots.filtered(lambda lot: lot.product_id != move.product_id)
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(serials)s: not serial numbers of %(product)s; generate them for "
                        "that product.",
                        serials=", ".join(strangers[:MAX_LISTED].mapped("name")),
                        product=move.product_id.display_name,
                    )
                )
            self.env["serial.bulk"]._write_column(
                reusable,
                "lot_id",
                lots[: len(reusable)].ids,
                {"picked": True} if picked else None,
                checked=("product_id",),
            )
        lots = lots[len(reusable) :]
        base = move._prepare_move_line_vals(quantity=1)
        base.pop("lot_name", None)
        if picked:
            base["picked"] = True
        if not bulk:
            return reusable + lines.create([dict(base, lot_id=lot.id, quantity=1) for lot in lots])
        template = lines.create([dict(base, lot_id=lot.id, quantity=1) for lot in lots[:1]])
        copies = lines.browse(self.env["serial.bulk"]._copy_rows(template, "lot_id", lots[1:].ids))
        return reusable + template + copies

    @api.model
    def _lines_count_as_picked(self, move):
        """Whether the lines the wizard fills on ``move`` are marked picked.

        Validating a transfer where nothing is picked picks every move, and Odoo then
        writes each line once more: 100,000 ORM writes on a big receipt. Marking the
        wizard's lines picked up front gives the same validation only when ``move`` is
        the transfer's one open move; with others, a picked move would make Odoo leave
        the unpicked ones for a backorder, so those are left as they are.
        """
        others = move.picking_id.move_ids - move
        return bool(move.picking_id) and not others.filtered(
            lambda other: other.state not in ("done", "cancel") and not other.picked
        )
