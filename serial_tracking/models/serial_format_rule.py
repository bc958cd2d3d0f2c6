from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import check_digits, numbering
from . import tools_messages

PRESETS = [
    ("imei", "IMEI (15 digits, Luhn)"),
    ("gs1_serial", "GS1 serial number (AI 21)"),
    ("vin", "VIN (17 characters, ISO 3779)"),
    ("free", "Free text"),
    ("custom", "Custom"),
]
# Advisory lock namespace of the rule counters (any constant; the second key is the
# sequence id). Keeps the numbers of one reservation contiguous.
_COUNTER_LOCK = 0x53455249  # "SERI"
PREVIEW_COUNT = 3
# Stands in for {WH} and {REF} in the preview when the rule is not tied to one.
_SAMPLE_WAREHOUSE = "WH"
_SAMPLE_REFERENCE = "REF"
# The checks a preset sets: computed from it, stored, and still the user's to change.
_FROM_PRESET = {
    "compute": "_compute_validation_settings",
    "store": True,
    "readonly": False,
    "precompute": True,
}


class SerialFormatRule(models.Model):
    """How the serial numbers of a product look, how they are made and how supplied
    ones are checked.

    The pattern language, check characters and batch validation live in
    ``tools/numbering.py`` and ``tools/check_digits.py``; this model stores the
    settings, owns the rule's counter and turns the settings into a ``ValidationSpec``.
    """

    _name = "serial.format.rule"
    _description = "Serial Numbering Rule"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Leave empty to share the rule between companies.",
    )
    preset = fields.Selection(
        PRESETS,
        required=True,
        default="custom",
        help="Fills the checks of supplied numbers with a known standard.",
    )
    pattern = fields.Char(
        help="How new numbers are made: literal text and tokens. {YYYY} {YY} {MM} {DD} "
        "{DDD} {WW}: date parts; {SEQ:6}: the rule's counter on 6 digits; {WH}: warehouse "
        "code; {REF}: product internal reference; {CHECK}: check character (last). "
        "Example: SN{YY}{MM}-{SEQ:6}{CHECK}",
    )
    check_algorithm = fields.Selection(
        [(name, algorithm.label) for name, algorithm in check_digits.ALGORITHMS.items()],
        string="Check Character",
        required=True,
        help="Computed over the rest of the number; {CHECK} in the pattern says where it goes.",
        **_FROM_PRESET,
    )
    charset = fields.Selection(
        [(name, charset.label) for name, charset in numbering.CHARSETS.items()],
        string="Allowed Characters",
        required=True,
        **_FROM_PRESET,
    )
    min_length = fields.Integer(**_FROM_PRESET)
    max_length = fields.Integer(**_FROM_PRESET)
    regex = fields.Char(
        string="Regular Expression",
        help="Supplied numbers must match it as a whole (Python syntax).",
        **_FROM_PRESET,
    )
    match_pattern = fields.Boolean(
        string="Supplied Numbers Follow the Pattern",
        help="Refuse typed, scanned or imported numbers that the pattern could not have made.",
    )
    uniqueness = fields.Selection(
        [("product", "Per product"), ("company", "Across all products of the company")],
        required=True,
        default="product",
        help="Per product is Odoo's own rule. Across all products refuses a number that any "
        "other product of the company already uses.",
    )
    sequence_id = fields.Many2one(
        "ir.sequence",
        string="Counter",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    next_number = fields.Integer(
        string="Next Counter Value",
        compute="_compute_next_number",
        inverse="_inverse_next_number",
        help="The value {SEQ:n} takes in the next generated number. Setting it lower "
        "than numbers already made only means that those are refused as existing.",
    )
    preview = fields.Text(compute="_compute_preview", string="Next Numbers")
    product_tmpl_ids = fields.One2many(
        "product.template",
        "serial_format_rule_id",
        string="Products",
        readonly=True,
    )
    categ_ids = fields.One2many(
        "product.category",
        "serial_format_rule_id",
        string="Product Categories",
        readonly=True,
    )

    # --- settings -----------------------------------------------------------------

    @api.depends("preset")
    def _compute_validation_settings(self):
        for rule in self:
            spec = numbering.PRESETS.get(rule.preset)
            if spec is None:  # custom: keep what the user set
                rule.charset = rule.charset or "any"
                rule.check_algorithm = rule.check_algorithm or "none"
                rule.min_length = rule.min_length or 1
                rule.max_length = rule.max_length or 64
                rule.regex = rule.regex or False
                continue
            rule.charset = spec.charset
            rule.check_algorithm = spec.check_algorithm
            rule.min_length = spec.min_len
            rule.max_length = spec.max_len
            rule.regex = spec.regex or False

    @api.constrains(
        "pattern",
        "check_algorithm",
        "charset",
        "min_length",
        "max_length",
        "regex",
        "match_pattern",
    )
    def _check_settings(self):
        for rule in self:
            if rule.match_pattern and not rule.pattern:
                raise ValidationError(
                    self.env._(
                        'Numbering rule "%(rule)s" asks supplied numbers to follow the pattern '
                        "but has none. Enter a pattern or untick the option.",
                        rule=rule.name,
                    )
                )
            try:
                spec = rule._validation_spec()
                compiled = rule._compiled_pattern() if rule.pattern else None
                # no sample stands for every warehouse and product
                if not compiled or compiled.uses_warehouse or compiled.uses_product_ref:
                    continue
                sample = rule._render(compiled, [max(rule.next_number, 1)], fields.Date.today())[0]
            except (
                numbering.NumberingError,
                numbering.ValidationSpecError,
                check_digits.CheckDigitError,
            ) as error:
                raise ValidationError(rule._rule_problem(error)) from None
            problems = numbering.validate_batch([sample], spec)
            if problems:
                raise ValidationError(
                    self.env._(
                        'Numbering rule "%(rule)s" would make %(sample)s, which its own checks '
                        "refuse (%(problem)s). Adjust the pattern or the checks so that they "
                        "agree.",
                        rule=rule.name,
                        sample=sample,
                        problem=tools_messages.translate(self.env, problems[0]),
                    )
                )

    def _rule_problem(self, error):
        """``error`` (a coded error of the numbering core) as a sentence naming the rule,
        in the user's language."""
        self.ensure_one()
        return self.env._(
            'Numbering rule "%(rule)s": %(problem)s',
            rule=self.name,
            problem=tools_messages.translate(self.env, error),
        )

    def _compiled_pattern(self):
        """The checked pattern of the rule (PatternError/RenderError when it is wrong)."""
        self.ensure_one()
        compiled = numbering.compile_pattern(self.pattern)
        compiled.regex(algorithm=self.check_algorithm)  # refuses {CHECK} vs algorithm mismatch
        return compiled

    def _validation_spec(self):
        """The rule's checks for supplied numbers, as a ``numbering.ValidationSpec``."""
        self.ensure_one()
        regex, hint = self.regex or None, ""
        if self.match_pattern and self.pattern:
            compiled = self._compiled_pattern()
            pattern_regex = "(?a:%s)" % compiled.regex(algorithm=self.check_algorithm).pattern
            regex = pattern_regex if not regex else rf"(?=(?:{regex})\Z){pattern_regex}"
            hint = self.env._("of pattern %(pattern)s", pattern=self.pattern)
        return numbering.ValidationSpec(
            charset=self.charset,
            min_len=self.min_length,
            max_len=self.max_length,
            regex=regex,
            check_algorithm=self.check_algorithm,
            label=self.name or "",
            regex_hint=hint,
        )

    # --- counter ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        for rule in rules:
            rule._ensure_counter()
        return rules

    def unlink(self):
        counters = self.sudo().sequence_id
        result = super().unlink()
        counters.unlink()
        return result

    def _ensure_counter(self, start=1):
        """The rule's own PostgreSQL sequence (ir.sequence 'standard'), created on demand."""
        self.ensure_one()
        if not self.sequence_id:
            self.sudo().sequence_id = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Serial numbering: %(rule)s", rule=self.name),
                        "implementation": "standard",
                        "number_next": start,
                        "number_increment": 1,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self.sudo().sequence_id

    @api.depends("sequence_id")
    def _compute_next_number(self):
        counters = self.sudo().sequence_id
        # read from PostgreSQL every time: other transactions move the counter too
        counters.invalidate_recordset(["number_next_actual"])
        for rule in self:
            rule.next_number = rule.sudo().sequence_id.number_next_actual or 1

    def _inverse_next_number(self):
        for rule in self:
            counter = rule._ensure_counter(rule.next_number or 1)
            counter.number_next_actual = max(rule.next_number, 1)

    def _reserve_numbers(self, count):
        """Take ``count`` counter values that no one else ever gets, in increasing order.

        The counter is a PostgreSQL sequence: a value taken is never given again, even
        when the transaction that took it rolls back, and two users generating at the
        same time never wait for each other's transaction. A session-level advisory lock
        around the few milliseconds of ``nextval`` keeps one reservation contiguous.
        """
        self.ensure_one()
        if count < 1:
            return []
        counter = self._ensure_counter()
        cr = self.env.cr
        cr.execute("SELECT pg_advisory_lock(%s, %s)", [_COUNTER_LOCK, counter.id])
        try:
            # A savepoint keeps the transaction usable for the unlock if nextval fails.
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "SELECT nextval(%s) FROM generate_series(1, %s)",
                        "ir_sequence_%03d" % counter.id,
                        count,
                    )
                )
                numbers = [number for (number,) in cr.fetchall()]
        finally:
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", [_COUNTER_LOCK, counter.id])
        self.invalidate_recordset(["next_number", "preview"])
        numbers.sort()
        return numbers

    # --- making numbers -----------------------------------------------------------

    def _render(self, compiled, numbers, date, warehouse_code="", product_ref=""):
        """Render sorted counter values; consecutive runs are rendered in one go."""
        names = []
        start = 0
        for index in range(1, len(numbers) + 1):
            if index == len(numbers) or numbers[index] != numbers[index - 1] + 1:
                names.extend(
                    compiled.render_many(
                        numbers[start],
                        index - start,
                        date,
                        warehouse_code=warehouse_code,
                        product_ref=product_ref,
                        algorithm=self.check_algorithm,
                    )
                )
                start = index
        return names

    def _generate_names(self, count, product, warehouse=None, date=None):
        """Reserve ``count`` counter values and return the numbers they make."""
        self.ensure_one()
        compiled = self._checked_for_generation(product, warehouse)
        numbers = self._reserve_numbers(count)
        try:
            return self._render(
                compiled,
                numbers,
                date or fields.Date.context_today(self),
                warehouse_code=warehouse.code if warehouse else "",
                product_ref=product.default_code or "",
            )
        except numbering.RenderError as error:
            raise UserError(
                self.env._(
                    'Numbering rule "%(rule)s" cannot make %(count)s more numbers: %(problem)s. '
                    "Widen {SEQ:n} in the pattern or reset the counter.",
                    rule=self.name,
                    count=count,
                    problem=tools_messages.translate(self.env, error),
                )
            ) from None

    def _checked_for_generation(self, product, warehouse):
        """The compiled pattern, or a UserError saying what is missing to generate."""
        self.ensure_one()
        if not self.pattern:
            raise UserError(
                self.env._(
                    'Numbering rule "%(rule)s" has no pattern, so it cannot make numbers. '
                    "Add a pattern to the rule, or count on from a first number, paste or upload "
                    "the numbers instead.",
                    rule=self.name,
                )
            )
        try:
            compiled = self._compiled_pattern()
        except numbering.NumberingError as error:
            raise UserError(self._rule_problem(error)) from None
        if compiled.uses_product_ref and not product.default_code:
            raise UserError(
                self.env._(
                    'Numbering rule "%(rule)s" uses {REF}, but %(product)s has no internal '
                    "reference. Set one on the product.",
                    rule=self.name,
                    product=product.display_name,
                )
            )
        if compiled.uses_warehouse and not (warehouse and warehouse.code):
            raise UserError(
                self.env._(
                    'Numbering rule "%(rule)s" uses {WH}, but no warehouse is known here. '
                    "Generate from a receipt or manufacturing order of a warehouse.",
                    rule=self.name,
                )
            )
        return compiled

    @api.depends("pattern", "check_algorithm", "next_number", "company_id")
    def _compute_preview(self):
        today = fields.Date.context_today(self)
        for rule in self:
            rule.preview = rule._preview_text(today)

    def _preview_text(self, date):
        """The next numbers, without taking them from the counter; or what is wrong."""
        if not self.pattern:
            return self.env._("Set a pattern to generate numbers.")
        try:
            compiled = self._compiled_pattern()
            start = max(self.next_number, 1)
            names = self._render(
                compiled,
                list(range(start, start + PREVIEW_COUNT)),
                date,
                warehouse_code=_SAMPLE_WAREHOUSE,
                product_ref=_SAMPLE_REFERENCE,
            )
        except (numbering.NumberingError, check_digits.CheckDigitError) as error:
            return tools_messages.translate(self.env, error)
        lines = [*names, "…"]
        if compiled.uses_warehouse or compiled.uses_product_ref:
            lines.append(
                self.env._(
                    "(shown with warehouse code %(warehouse)s and internal reference %(ref)s)",
                    warehouse=_SAMPLE_WAREHOUSE,
                    ref=_SAMPLE_REFERENCE,
                )
            )
        return "\n".join(lines)
