"""Serial number patterns, and validation of serial numbers supplied from outside.

A pattern is literal text with tokens in braces::

    SN{YYYY}{MM}-{SEQ:6}{CHECK}   ->  SN202403-0000427

======== =====================================================================
token    renders
======== =====================================================================
{YYYY}   calendar year, 4 digits
{YY}     calendar year, 2 digits
{MM}     month, 01-12
{DD}     day of the month, 01-31
{DDD}    day of the year, 001-366
{WW}     ISO 8601 week, 01-53 (its year can differ from {YYYY} around New Year)
{SEQ:n}  the sequence number, zero-padded to n digits; exactly one per pattern
{WH}     the warehouse code
{REF}    the product's internal reference
{CHECK}  check character(s) over everything before it, with the rule's algorithm;
         only as the last token. A VIN's check digit goes to position 9 instead,
         where ISO 3779 puts it.
======== =====================================================================

``{{`` and ``}}`` stand for literal braces.

``compile_pattern`` turns a pattern into a ``CompiledPattern`` that renders numbers one
at a time or by the hundred thousand, and parses them back. ``validate_batch`` checks
numbers typed, scanned or imported against a ``ValidationSpec`` (one of ``PRESETS`` or
one built from a numbering rule), including duplicates within the batch and against
the numbers that already exist.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import NamedTuple

from . import check_digits, messages

MAX_SEQUENCE_WIDTH = 20  # the longest GS1 serial (AI 21)


class NumberingError(messages.CodedError):
    """Base class of the errors of this module."""


class PatternError(NumberingError):
    """A pattern that cannot be compiled; names the position and the problem.

    ``problem`` is the :class:`messages.Message` of what is wrong at ``position``.
    """

    def __init__(self, pattern, position, code, **params):
        self.pattern = pattern
        self.position = position  # 0-based index in the pattern
        super().__init__(code, **params)

    def _framed(self, problem):
        return messages.Message(
            "numbering.pattern",
            {"pattern": self.pattern, "character": self.position + 1, "problem": problem},
        )


class RenderError(NumberingError):
    """A valid pattern that cannot render with the given inputs."""


class ValidationSpecError(messages.CodedError):
    """A ValidationSpec whose settings contradict each other."""


# The sentences of this module's errors and problems, by code (see ``messages``).
# ``charset_label`` is a charset name of ``CHARSETS``, rendered as its label.
SENTENCES = {
    "numbering.pattern": "serial number pattern %(pattern)r, character %(character)s: %(problem)s",
    "numbering.seq_width": "the width of {SEQ:n} must be 1 to %(max)s digits, not %(width)s",
    "numbering.seq_no_width": "{SEQ} needs a width, e.g. {SEQ:6} for 000001",
    "numbering.capitals": "tokens are written in capitals: {%(token)s}",
    "numbering.unknown_token": "unknown token {%(token)s}; use one of %(known)s, or {{ and }} "
    "for literal braces",
    "numbering.unopened_brace": "'}' closes no token; write '}}' for a literal brace",
    "numbering.unclosed_brace": "'{' opens a token that is never closed; write '{{' for a "
    "literal brace",
    "numbering.control_in_pattern": "invisible or control character U+%(codepoint)s is not "
    "allowed in serial numbers",
    "numbering.empty_pattern": "the pattern is empty",
    "numbering.no_sequence": "the pattern needs a sequence {SEQ:n}, otherwise every number is "
    "the same",
    "numbering.two_sequences": "only one {SEQ:n} is allowed",
    "numbering.check_not_last": "{CHECK} must be the last token: it is computed over "
    "everything before it",
    "numbering.vin_position": "a VIN check digit goes after the 8th character: the text before "
    "it must be literal text or fixed-width tokens ending exactly "
    "there",
    "numbering.pattern_not_text": "a pattern is text",
    "numbering.cannot_carry_check": "pattern %(pattern)r cannot carry a %(algorithm)s check "
    "character: %(error)s",
    "numbering.sequence_number_invalid": "the sequence number must be a whole number of 0 or "
    "more: %(number)r",
    "numbering.count_invalid": "the count must be a whole number of 0 or more: %(number)r",
    "numbering.sequence_too_big": "sequence number %(last)s does not fit in {SEQ:%(width)s} of "
    "pattern %(pattern)r; the largest is %(max)s",
    "numbering.needs_date": "pattern %(pattern)r needs a date, got %(date)r",
    "numbering.needs_warehouse": "pattern %(pattern)r uses {WH} but no warehouse code was given",
    "numbering.needs_reference": "pattern %(pattern)r uses {REF} but the product has no "
    "internal reference",
    "numbering.check_without_algorithm": "pattern %(pattern)r ends with {CHECK} but the check "
    "algorithm is 'none'; choose an algorithm or remove "
    "{CHECK}",
    "numbering.algorithm_without_check": "the check algorithm is %(algorithm)r but pattern "
    "%(pattern)r has no {CHECK}; add {CHECK} at its end",
    "numbering.unknown_charset": "unknown charset %(charset)r; use one of: %(known)s",
    "numbering.lengths": "lengths must satisfy 1 <= min_len <= max_len, got %(min)s and %(max)s",
    "numbering.spec_algorithm": "%(error)s",
    "numbering.invalid_regex": "invalid regex %(regex)r: %(error)s",
    # problems of supplied numbers
    "numbering.type": "%(value)r: a serial number must be text",
    "numbering.empty": "(empty): a serial number cannot be empty",
    "numbering.control": "%(value)r: invisible or control character U+%(codepoint)s at "
    "position %(position)s",
    "numbering.spaces": "%(value)r: starts or ends with a space",
    "numbering.charset": "%(value)s: %(char)r at position %(position)s is not allowed; use "
    "%(charset_label)s",
    "numbering.length_exact": "%(value)s: has %(length)s characters, needs %(min)s",
    "numbering.length_min": "%(value)s: has %(length)s characters, needs at least %(min)s",
    "numbering.length_max": "%(value)s: has %(length)s characters, allows at most %(max)s",
    "numbering.format": "%(value)s: does not match the expected format %(format)s",
    "numbering.check_format": "%(value)s: %(error)s",
    "numbering.duplicate": "%(value)s: duplicate of %(value)s in this batch (line %(first_line)s)",
    "numbering.exists": "%(value)s: already exists",
}


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------


class _DateToken(NamedTuple):
    width: int
    render: object  # callable(date) -> str
    regex: str  # only the values the token can render, so that parsing rejects month 13


_DATE_TOKENS = {
    "YYYY": _DateToken(4, lambda day: "%04d" % day.year, r"\d{4}"),
    "YY": _DateToken(2, lambda day: "%02d" % (day.year % 100), r"\d{2}"),
    "MM": _DateToken(2, lambda day: "%02d" % day.month, r"0[1-9]|1[0-2]"),
    "DD": _DateToken(2, lambda day: "%02d" % day.day, r"0[1-9]|[12]\d|3[01]"),
    "DDD": _DateToken(
        3,
        lambda day: "%03d" % day.timetuple().tm_yday,
        r"00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6]",
    ),
    "WW": _DateToken(2, lambda day: "%02d" % day.isocalendar()[1], r"0[1-9]|[1-4]\d|5[0-3]"),
}

#: token as written in a pattern -> what it renders (for help texts)
TOKENS = {
    "{YYYY}": "year, 4 digits",
    "{YY}": "year, 2 digits",
    "{MM}": "month, 2 digits",
    "{DD}": "day of the month, 2 digits",
    "{DDD}": "day of the year, 3 digits",
    "{WW}": "ISO week, 2 digits",
    "{SEQ:n}": "sequence number padded to n digits",
    "{WH}": "warehouse code",
    "{REF}": "product internal reference",
    "{CHECK}": "check character (last token only)",
    "{{ and }}": "literal braces",
}

_NAMED_TOKENS = frozenset(_DATE_TOKENS) | {"WH", "REF", "CHECK"}
_SEQUENCE_TOKEN = re.compile(r"SEQ:(\d+)", re.ASCII)


@dataclass(frozen=True, slots=True)
class Token:
    """One piece of a compiled pattern.

    ``kind`` is ``"TEXT"`` for literal text, else the token name (``"SEQ"``, ``"WH"``...).
    """

    kind: str
    position: int  # 0-based index of the piece in the pattern
    text: str = ""  # the literal text of a TEXT piece
    width: int = 0  # the number of digits of SEQ


def _read_token(pattern, position, name):
    """The Token written as ``{name}`` at ``position``."""
    if name in _NAMED_TOKENS:
        return Token(name, position)
    sequence = _SEQUENCE_TOKEN.fullmatch(name)
    if sequence:
        width = int(sequence.group(1))
        if not 1 <= width <= MAX_SEQUENCE_WIDTH:
            raise PatternError(
                pattern, position, "numbering.seq_width", max=MAX_SEQUENCE_WIDTH, width=width
            )
        return Token("SEQ", position, width=width)
    if name == "SEQ":
        raise PatternError(pattern, position, "numbering.seq_no_width")
    if name != name.upper() and (
        name.upper() in _NAMED_TOKENS or _SEQUENCE_TOKEN.fullmatch(name.upper())
    ):
        raise PatternError(pattern, position, "numbering.capitals", token=name.upper())
    known = ", ".join(written for written in TOKENS if " " not in written)
    raise PatternError(pattern, position, "numbering.unknown_token", token=name, known=known)


def _tokenize(pattern):
    """Split ``pattern`` into Tokens, merging consecutive literal characters."""
    tokens = []
    literal = []
    literal_start = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("{{", index) or pattern.startswith("}}", index):
            literal_start = literal_start if literal else index
            literal.append(char)
            index += 2
        elif char == "}":
            raise PatternError(pattern, index, "numbering.unopened_brace")
        elif char == "{":
            end = pattern.find("}", index + 1)
            reopened = pattern.find("{", index + 1)
            if end == -1 or -1 < reopened < end:
                raise PatternError(pattern, index, "numbering.unclosed_brace")
            if literal:
                tokens.append(Token("TEXT", literal_start, text="".join(literal)))
                literal = []
            tokens.append(_read_token(pattern, index, pattern[index + 1 : end]))
            index = end + 1
        elif not char.isprintable():
            raise PatternError(
                pattern, index, "numbering.control_in_pattern", codepoint=f"{ord(char):04X}"
            )
        else:
            literal_start = literal_start if literal else index
            literal.append(char)
            index += 1
    if literal:
        tokens.append(Token("TEXT", literal_start, text="".join(literal)))
    return tokens


def _check_structure(pattern, tokens):
    """Refuse patterns that would make duplicate or unreadable numbers."""
    if not tokens:
        raise PatternError(pattern, 0, "numbering.empty_pattern")
    sequences = [token for token in tokens if token.kind == "SEQ"]
    if not sequences:
        raise PatternError(pattern, max(len(pattern) - 1, 0), "numbering.no_sequence")
    if len(sequences) > 1:
        raise PatternError(pattern, sequences[1].position, "numbering.two_sequences")
    for token in tokens[:-1]:
        if token.kind == "CHECK":
            raise PatternError(pattern, token.position, "numbering.check_not_last")


# ---------------------------------------------------------------------------
# Compiled patterns
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedSerial:
    """A serial number read back through its pattern."""

    value: str
    sequence: int
    fields: dict = field(default_factory=dict)  # token name -> text, e.g. {"YYYY": "2024"}
    check: str = ""


class CompiledPattern:
    """A checked pattern, ready to render and parse serial numbers.

    Build it with ``compile_pattern``; it holds no state besides the pattern.
    """

    def __init__(self, pattern, tokens):
        self.pattern = pattern
        self.tokens = tuple(tokens)
        self.has_check = self.tokens[-1].kind == "CHECK"
        body = self.tokens[:-1] if self.has_check else self.tokens
        seq_index = next(i for i, token in enumerate(body) if token.kind == "SEQ")
        self._body = body
        self._before_sequence = body[:seq_index]
        self._after_sequence = body[seq_index + 1 :]
        self.sequence_width = body[seq_index].width
        self.max_sequence = 10**self.sequence_width - 1
        kinds = {token.kind for token in self.tokens}
        self.uses_date = not kinds.isdisjoint(_DATE_TOKENS)
        self.uses_warehouse = "WH" in kinds
        self.uses_product_ref = "REF" in kinds

    def __repr__(self):
        return f"<CompiledPattern {self.pattern!r}>"

    # -- rendering -----------------------------------------------------------

    def render(self, seq, date, warehouse_code="", product_ref="", algorithm="none"):
        """The serial number for sequence number ``seq`` on ``date``."""
        return self.render_many(
            seq,
            1,
            date,
            warehouse_code=warehouse_code,
            product_ref=product_ref,
            algorithm=algorithm,
        )[0]

    def render_many(
        self, start_seq, count, date, warehouse_code="", product_ref="", algorithm="none"
    ):
        """``count`` consecutive serial numbers from ``start_seq`` on, in order.

        Everything but the sequence is rendered once; each number is then one
        printf-style formatting (plus its check character), so 100,000 numbers take a
        fraction of a second.
        """
        self._check_sequence(start_seq, count)
        self._check_inputs(date, warehouse_code, product_ref, algorithm)
        prefix = self._render_fixed(self._before_sequence, date, warehouse_code, product_ref)
        suffix = self._render_fixed(self._after_sequence, date, warehouse_code, product_ref)
        template = "%s%%0%dd%s" % (
            prefix.replace("%", "%%"),
            self.sequence_width,
            suffix.replace("%", "%%"),
        )
        bodies = [template % seq for seq in range(start_seq, start_seq + count)]
        if not self.has_check:
            return bodies
        try:
            return list(map(partial(check_digits.with_check, algorithm), bodies))
        except check_digits.CheckDigitError as error:
            # e.g. literal text the algorithm cannot read: a pattern problem, said as one.
            raise RenderError(
                "numbering.cannot_carry_check",
                pattern=self.pattern,
                algorithm=algorithm,
                error=error,
            ) from error

    def _check_sequence(self, start_seq, count):
        for code, number in (
            ("numbering.sequence_number_invalid", start_seq),
            ("numbering.count_invalid", count),
        ):
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise RenderError(code, number=number)
        last = start_seq + max(count, 1) - 1
        if last > self.max_sequence:
            raise RenderError(
                "numbering.sequence_too_big",
                last=last,
                width=self.sequence_width,
                pattern=self.pattern,
                max=self.max_sequence,
            )

    def _check_inputs(self, date, warehouse_code, product_ref, algorithm):
        self._check_algorithm(algorithm)
        if self.uses_date and not isinstance(date, datetime.date):
            raise RenderError("numbering.needs_date", pattern=self.pattern, date=date)
        if self.uses_warehouse and not warehouse_code:
            raise RenderError("numbering.needs_warehouse", pattern=self.pattern)
        if self.uses_product_ref and not product_ref:
            raise RenderError("numbering.needs_reference", pattern=self.pattern)

    def _check_algorithm(self, algorithm):
        """The pattern and the rule's algorithm must agree on whether there is a check."""
        check_digits.check_length(algorithm)  # refuses unknown names
        if self.has_check and algorithm == "none":
            raise RenderError("numbering.check_without_algorithm", pattern=self.pattern)
        if not self.has_check and algorithm != "none":
            raise RenderError(
                "numbering.algorithm_without_check", algorithm=algorithm, pattern=self.pattern
            )

    @staticmethod
    def _render_fixed(tokens, date, warehouse_code, product_ref):
        """Render the tokens that do not change from one number to the next."""
        parts = []
        for token in tokens:
            if token.kind == "TEXT":
                parts.append(token.text)
            elif token.kind == "WH":
                parts.append(warehouse_code)
            elif token.kind == "REF":
                parts.append(product_ref)
            else:
                parts.append(_DATE_TOKENS[token.kind].render(date))
        return "".join(parts)

    # -- parsing -------------------------------------------------------------

    def regex(self, warehouse_code=None, product_ref=None, algorithm="none"):
        """A compiled regular expression that matches exactly the numbers of this pattern.

        Named groups hold the token texts (``SEQ``, ``YYYY``, ``WH``, ``CHECK``...). A
        ``warehouse_code`` or ``product_ref`` given is matched literally; left out, it
        matches any non-empty text, which can be ambiguous when two of them are adjacent.
        The check character is matched by its charset only; ``parse`` also verifies it.
        """
        self._check_algorithm(algorithm)
        parts = self._body_regex_parts(warehouse_code, product_ref)
        if self.has_check:
            length = check_digits.check_length(algorithm)
            check_class = re.escape(check_digits.CHECK_CHARSETS[algorithm])
            repeat = "" if length == 1 else "{%d}" % length
            check_part = f"(?P<CHECK>[{check_class}]{repeat})"
            if algorithm == "vin":
                parts = self._insert_at_vin_position(parts, check_part, warehouse_code, product_ref)
            else:
                parts.append(check_part)
        return re.compile(r"\A" + "".join(parts) + r"\Z", re.ASCII)

    def parse(self, value, warehouse_code=None, product_ref=None, algorithm="none"):
        """Read ``value`` back: a ParsedSerial, or None if this pattern cannot have made it.

        A wrong check character gives None as well: such a number was mistyped.
        """
        self._check_algorithm(algorithm)
        if not isinstance(value, str):
            return None
        check = ""
        body = value
        if self.has_check:
            try:
                body, check = check_digits.split_check(algorithm, value)
            except check_digits.CheckDigitError:
                return None
        body_regex = re.compile(
            "".join(self._body_regex_parts(warehouse_code, product_ref)), re.ASCII
        )
        match = body_regex.fullmatch(body)
        if match is None:
            return None
        if self.has_check and not check_digits.is_valid(algorithm, value):
            return None
        fields = {name: text for name, text in match.groupdict().items() if name != "SEQ"}
        return ParsedSerial(value, int(match["SEQ"]), fields, check)

    def _body_regex_parts(self, warehouse_code, product_ref):
        """One regex fragment per body token; a repeated token must repeat its text."""
        parts = []
        seen = set()
        for token in self._body:
            kind = token.kind
            if kind == "TEXT":
                parts.append(re.escape(token.text))
                continue
            if kind in seen:
                parts.append(f"(?P={kind})")
                continue
            seen.add(kind)
            if kind == "SEQ":
                inner = r"\d{%d}" % token.width
            elif kind in ("WH", "REF"):
                known = warehouse_code if kind == "WH" else product_ref
                inner = ".+?" if known is None else re.escape(known)
            else:
                inner = _DATE_TOKENS[kind].regex
            parts.append(f"(?P<{kind}>{inner})")
        return parts

    def _insert_at_vin_position(self, parts, check_part, warehouse_code, product_ref):
        """Put the VIN check group after the 8th body character.

        Only possible when the first 8 characters come from tokens of known width that
        end exactly there (literal text can be cut anywhere).
        """
        offset = 0
        for index, token in enumerate(self._body):
            if offset == check_digits.VIN_CHECK_INDEX:
                return [*parts[:index], check_part, *parts[index:]]
            width = self._token_width(token, warehouse_code, product_ref)
            if token.kind == "TEXT" and offset + width > check_digits.VIN_CHECK_INDEX:
                cut = check_digits.VIN_CHECK_INDEX - offset
                head, tail = re.escape(token.text[:cut]), re.escape(token.text[cut:])
                return [*parts[:index], head, check_part, tail, *parts[index + 1 :]]
            if width is None or offset + width > check_digits.VIN_CHECK_INDEX:
                break
            offset += width
        else:
            if offset == check_digits.VIN_CHECK_INDEX:
                return [*parts, check_part]
        raise PatternError(self.pattern, token.position, "numbering.vin_position")

    def _token_width(self, token, warehouse_code, product_ref):
        """Characters the token renders to, or None when it varies."""
        if token.kind == "TEXT":
            return len(token.text)
        if token.kind == "SEQ":
            return token.width
        if token.kind in _DATE_TOKENS:
            return _DATE_TOKENS[token.kind].width
        known = warehouse_code if token.kind == "WH" else product_ref
        return None if known is None else len(known)


@lru_cache(maxsize=256)
def compile_pattern(pattern):
    """Check ``pattern`` and return its CompiledPattern; raise PatternError if it is wrong."""
    if not isinstance(pattern, str):
        raise PatternError(str(pattern), 0, "numbering.pattern_not_text")
    tokens = _tokenize(pattern)
    _check_structure(pattern, tokens)
    return CompiledPattern(pattern, tokens)


# ---------------------------------------------------------------------------
# Validation of supplied serial numbers
# ---------------------------------------------------------------------------

#: GS1 General Specifications, figure 7.11-1: the 82 characters allowed in AI 21.
GS1_CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


class Charset(NamedTuple):
    label: str
    characters: str | None  # None: any printable character


CHARSETS = {
    "digits": Charset("digits 0-9", check_digits.DIGITS),
    "alnum_upper": Charset("digits and capital letters A-Z", check_digits.ALNUM_UPPER),
    "alnum": Charset(
        "digits and letters A-Z, a-z", check_digits.ALNUM_UPPER + check_digits.UPPER.lower()
    ),
    "gs1_ai21": Charset(
        "digits, letters and ! \" % & ' ( ) * + , - . / : ; < = > ? _ (GS1 character set 82)",
        GS1_CSET82,
    ),
    "any": Charset("any printable characters", None),
}


@dataclass(frozen=True)
class ValidationSpec:
    """What a supplied serial number must look like.

    Every charset refuses control and invisible characters; ``any`` also refuses
    leading and trailing spaces. ``regex`` must match the whole number;
    ``regex_hint`` is shown to users instead of the regex itself.
    """

    charset: str = "any"
    min_len: int = 1
    max_len: int = 64
    regex: str | None = None
    check_algorithm: str = "none"
    label: str = ""
    regex_hint: str = ""

    def __post_init__(self):
        if self.charset not in CHARSETS:
            raise ValidationSpecError(
                "numbering.unknown_charset", charset=self.charset, known=", ".join(CHARSETS)
            )
        if not 1 <= self.min_len <= self.max_len:
            raise ValidationSpecError("numbering.lengths", min=self.min_len, max=self.max_len)
        try:
            check_digits.check_length(self.check_algorithm)
        except check_digits.CheckDigitError as error:
            raise ValidationSpecError("numbering.spec_algorithm", error=error) from None
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as error:
                raise ValidationSpecError(
                    "numbering.invalid_regex", regex=self.regex, error=str(error)
                ) from None


PRESETS = {
    "imei": ValidationSpec(
        charset="digits", min_len=15, max_len=15, check_algorithm="luhn", label="IMEI"
    ),
    "gs1_serial": ValidationSpec(
        charset="gs1_ai21", min_len=1, max_len=20, label="GS1 serial number (AI 21)"
    ),
    "vin": ValidationSpec(
        charset="alnum_upper", min_len=17, max_len=17, check_algorithm="vin", label="VIN"
    ),
    "free": ValidationSpec(charset="any", min_len=1, max_len=64, label="Serial number"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one supplied value; ``line`` counts from 1.

    ``code`` says what is wrong (``too_short``, ``duplicate``...); ``detail`` is the
    :class:`messages.Message` of the sentence that says it, ``message`` its English text.
    """

    value: str
    code: str
    detail: messages.Message
    line: int

    @property
    def message(self):
        return str(self.detail)

    @property
    def coded_message(self):
        return self.detail


class _Validator:
    """A ValidationSpec turned into compiled expressions, built once per spec."""

    def __init__(self, spec):
        self.spec = spec
        characters = CHARSETS[spec.charset].characters
        self.charset_re = (
            None if characters is None else re.compile("[%s]*" % re.escape(characters))
        )
        self.user_re = None if spec.regex is None else re.compile(spec.regex)
        self.check = spec.check_algorithm != "none"
        self.check_is_valid = check_digits.validity_checker(spec.check_algorithm)
        self.is_acceptable = self._make_quick_test()

    def _make_quick_test(self):
        """One predicate that accepts good values in a few C calls; ``problem`` says why not.

        Most values of a batch are right, so they should not pay for diagnostics.
        """
        spec = self.spec
        characters = CHARSETS[spec.charset].characters
        user_match = self.user_re.fullmatch if self.user_re is not None else None
        check_is_valid = self.check_is_valid if self.check else None
        if characters is None:
            min_len, max_len = spec.min_len, spec.max_len

            def shape_ok(value):
                return (
                    min_len <= len(value) <= max_len
                    and value.isprintable()
                    and value[0] != " "
                    and value[-1] != " "
                )
        else:
            shape_ok = re.compile(
                "[%s]{%d,%d}" % (re.escape(characters), spec.min_len, spec.max_len)
            ).fullmatch

        def is_acceptable(value):
            return (
                isinstance(value, str)
                and bool(shape_ok(value))
                and (user_match is None or bool(user_match(value)))
                and (check_is_valid is None or check_is_valid(value))
            )

        return is_acceptable

    def problem(self, value):
        """``(code, message)`` of the first thing wrong with ``value``, or None;
        ``message`` is a :class:`messages.Message`."""
        spec = self.spec
        if not isinstance(value, str):
            return "type", _said("numbering.type", value=value)
        if not value:
            return "empty", _said("numbering.empty")
        if not value.isprintable():
            index, char = next((i, c) for i, c in enumerate(value) if not c.isprintable())
            return "control", _said(
                "numbering.control", value=value, codepoint=f"{ord(char):04X}", position=index + 1
            )
        if self.charset_re is None:
            if value[0] == " " or value[-1] == " ":
                return "spaces", _said("numbering.spaces", value=value)
        elif not self.charset_re.fullmatch(value):
            characters = CHARSETS[spec.charset].characters
            index, char = next((i, c) for i, c in enumerate(value) if c not in characters)
            return "charset", _said(
                "numbering.charset",
                value=value,
                char=char,
                position=index + 1,
                charset_label=spec.charset,
            )
        length = len(value)
        if length < spec.min_len or length > spec.max_len:
            return self._length_problem(value, length)
        if self.user_re is not None and not self.user_re.fullmatch(value):
            return "format", _said(
                "numbering.format", value=value, format=spec.regex_hint or spec.regex
            )
        if self.check:
            return self._check_problem(value)
        return None

    def _length_problem(self, value, length):
        spec = self.spec
        if spec.min_len == spec.max_len:
            template = "numbering.length_exact"
        elif length < spec.min_len:
            template = "numbering.length_min"
        else:
            template = "numbering.length_max"
        code = "too_short" if length < spec.min_len else "too_long"
        return code, _said(template, value=value, length=length, min=spec.min_len, max=spec.max_len)

    def _check_problem(self, value):
        algorithm = self.spec.check_algorithm
        if self.check_is_valid(value):
            return None
        try:
            expected = check_digits.expected_check(algorithm, value)
        except check_digits.CheckDigitError as error:
            return "check_format", _said("numbering.check_format", value=value, error=error)
        return "check", _said(
            check_digits.wrong_check_code(expected), value=value, expected=expected
        )


def _said(code, **params):
    return messages.Message(code, params)


@lru_cache(maxsize=64)
def _validator(spec):
    return _Validator(spec)


messages.register(
    SENTENCES,
    {
        "charset_label": {name: charset.label for name, charset in CHARSETS.items()},
    },
)


def validate_batch(values, spec, existing=frozenset(), max_problems=None):
    """Every problem of a batch of supplied serial numbers, in batch order.

    ``spec`` is a ValidationSpec or the name of one of ``PRESETS``. ``existing`` is any
    container of the numbers already known (a set, for constant-time look-ups); a value
    repeated in the batch is reported as a duplicate from its second occurrence on.
    Stops after ``max_problems`` problems when given.
    """
    if isinstance(spec, str):
        spec = PRESETS[spec]
    validator = _validator(spec)
    is_acceptable = validator.is_acceptable
    problems = []
    first_lines = {}
    for line, value in enumerate(values, start=1):
        if not is_acceptable(value):
            code, message = validator.problem(value)
            problems.append(Problem(value, code, message, line))
        if not isinstance(value, str):
            continue
        first_line = first_lines.setdefault(value, line)
        if first_line != line:
            problems.append(
                Problem(
                    value,
                    "duplicate",
                    _said("numbering.duplicate", value=value, first_line=first_line),
                    line,
                )
            )
        elif value in existing:
            problems.append(Problem(value, "exists", _said("numbering.exists", value=value), line))
        if max_problems is not None and len(problems) >= max_problems:
            return problems[:max_problems]
    return problems
