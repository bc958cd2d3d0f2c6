"""GS1 element strings: read what scanners send, build what label printers need.

An *element string* is a run of GS1 Application Identifiers (AIs) and their values, shown to
people as ``(01)09521234543213(17)250101(10)ABC123(21)12345``. A barcode carries it without
parentheses: the fields are concatenated and a field whose length is not predefined by GS1 is
ended by an FNC1 character, transmitted by scanners as ASCII 29 (GS), unless it is the last one.

:func:`parse` reads every form a scanner, a keyboard wedge or a person produces:

- an optional ISO/IEC 15424 symbology identifier, stripped and reported: ``]C1`` (GS1-128),
  ``]d2`` (GS1 DataMatrix), ``]Q3`` (GS1 QR Code), ``]e0`` (GS1 DataBar), ``]J1`` (GS1
  DotCode); ``]E0`` (EAN-13, UPC-A) and ``]E4`` (EAN-8) carry a bare GTIN read as AI 01;
- an optional ISO/IEC 15434 envelope of format 05 (``[)>`` RS ``05`` GS ... RS EOT);
- FNC1 separators as ASCII 29 or as one of :data:`DEFAULT_SEPARATORS`, the text that keyboard
  wedges and configuration tools produce instead (``<GS>``, ``{GS}``, ``[GS]``, ``<FNC1>``,
  ``{FNC1}``, ``[FNC1]``, ``^]``, ``\\x1d``, ``\\u001d``, ``␝`` and ``↔``, which is what an
  ``Alt+029`` keystroke becomes in code page 437), compared without regard to case;
- a leading FNC1, a trailing FNC1 and surrounding white space (the scanner's Enter suffix);
- the human-readable form with parentheses, spaces allowed around the ``(AI)`` tags.

Every value is checked against the AI table: length (fixed or maximum), character set (digits
or GS1 character set 82), GS1 mod 10 check digits (SSCC, GTIN, GLN, ...), dates (month 01-12,
day 00 allowed where GS1 allows it, day existing in its month, century per the sliding window
of GS1 General Specifications section 7.12), times, and AIs that must not appear together.
A failure raises :class:`GS1Error` naming the AI, the position in the input as given and what
was expected.

:func:`build_element_string` and :func:`to_human_readable` validate every value the same way
and write the element string, predefined-length fields first as GS1 recommends, with an FNC1
only where one is needed.

Positions in messages are 0-based offsets into the text passed to :func:`parse`.
"""

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from . import check_digits, messages

#: FNC1 as scanners transmit it: ASCII 29, group separator.
GS = "\x1d"

#: GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_DIGITS = frozenset("0123456789")

#: Text read as FNC1 besides ASCII 29. Apart from ``<GS>`` and ``<FNC1>`` (whose characters
#: could in theory form a value) each contains a character outside CSET 82, so no valid
#: value is ever mistaken for a separator.
DEFAULT_SEPARATORS = (
    GS,
    "<GS>",
    "{GS}",
    "[GS]",
    "<FNC1>",
    "{FNC1}",
    "[FNC1]",
    "^]",  # caret notation of Ctrl+], the key that types ASCII 29
    "\\x1d",  # escaped text from scanner configuration tools and logs
    "\\u001d",
    "\u241d",  # SYMBOL FOR GROUP SEPARATOR, shown by some terminal emulators
    "\u2194",  # Alt+029 typed by a keyboard wedge lands as code page 437 glyph 29
)

#: Symbology identifiers (ISO/IEC 15424) of the GS1 carriers and their names.
SYMBOLOGIES = {
    "]C1": "GS1-128",
    "]d2": "GS1 DataMatrix",
    "]Q3": "GS1 QR Code",
    "]e0": "GS1 DataBar",
    "]J1": "GS1 DotCode",
    "]E0": "EAN-13 / UPC-A",
    "]E4": "EAN-8",
}
# These carry a GTIN without AI: 13 digits (UPC-A gets a leading zero) or 8 digits.
_BARE_GTIN_SYMBOLOGIES = {"]E0": 13, "]E4": 8}

#: Total length (AI included) of the element strings whose AI starts with these two digits.
#: GS1 froze this table so that old decoders keep working: no FNC1 follows these fields,
#: and every other field needs one unless it is last, even a fixed-length one such as 7003.
PREDEFINED_LENGTHS = {
    "00": 20, "01": 16, "02": 16, "03": 16, "04": 18,
    "11": 8, "12": 8, "13": 8, "14": 8, "15": 8, "16": 8, "17": 8, "18": 8, "19": 8,
    "20": 4,
    "31": 10, "32": 10, "33": 10, "34": 10, "35": 10, "36": 10,
    "41": 16,
}  # fmt: skip

# GS1 gives every AI starting with the same two digits the same length, so the length of an
# AI is known before the AI itself; this also names unsupported AIs correctly in errors.
_AI_LENGTH_BY_PREFIX = {
    **{f"{p:02d}": 2 for p in (*range(0, 5), *range(10, 23), 30, 37, *range(90, 100))},
    **{f"{p:02d}": 3 for p in (23, 24, 25, 40, 41, 42, 71)},
    **{f"{p:02d}": 4 for p in (*range(31, 37), 39, 43, 70, 72, 80, 81, 82)},
}

_DATE_LINTERS = ("yymmd0", "yymmdd")


class GS1Error(messages.CodedError):
    """Invalid GS1 data: which AI (if known), where, and what was expected.

    ``ai`` is the Application Identifier concerned (``None`` when the data could not be read
    that far); ``position`` is the 0-based offset, in the text given to :func:`parse`, that the
    message names first (``None`` for values given to a builder). With ``framed``, the
    sentence starts with the AI and the position (the problems of one value).
    """

    def __init__(self, code, *, ai=None, position=None, framed=False, **params):
        self.ai = ai
        self.position = position
        self.framed = framed
        # the sentences name them too
        known = {"ai": ai, "position": position}
        super().__init__(code, **{k: v for k, v in known.items() if v is not None}, **params)

    def _framed(self, problem):
        if not self.framed:
            return problem
        if self.position is None:
            return messages.Message("gs1.of_ai", {"ai": self.ai, "problem": problem})
        return messages.Message(
            "gs1.of_ai_at", {"ai": self.ai, "position": self.position, "problem": problem}
        )


class GS1WrappingError(messages.CodedError):
    """Base of another module's error, which may stand for a :class:`GS1Error`.

    A subclass names, in ``GS1_CODE``, its code for that case (its sentence is
    ``"%(error)s"``); the error made by :meth:`of_gs1` has the GS1 problem's message as
    its ``coded_message``, so that Odoo can say it in the user's language.
    """

    GS1_CODE = None

    @classmethod
    def of_gs1(cls, error, **params):
        """The error that stands for ``error`` (a :class:`GS1Error`)."""
        return cls(cls.GS1_CODE, error=error, **params)

    def _framed(self, problem):
        if problem.code == self.GS1_CODE:
            return messages.message_of(problem.params["error"])
        return problem


# The sentences of GS1Error, by code (see ``messages``).
SENTENCES = {
    "gs1.of_ai": "AI %(ai)s: %(problem)s",
    "gs1.of_ai_at": "AI %(ai)s at position %(position)s: %(problem)s",
    "gs1.unknown_ai": "unknown AI %(ai)s",
    "gs1.not_gtin": "%(value)r is not a GTIN: expected 8, 12, 13 or 14 digits",
    "gs1.wrong_check": "check digit should be %(expected)s, got %(got)s",
    "gs1.bad_month": "%(value)s is not a valid date (month %(month)s)",
    "gs1.day_zero": "%(value)s is not a valid date (day 00 is not allowed for AI %(ai)s)",
    "gs1.bad_day": "%(value)s is not a valid date (%(year)s-%(month)s has %(days)s days)",
    "gs1.bad_hour": "%(value)s is not a valid time (hour %(hour)s)",
    "gs1.bad_minute": "%(value)s is not a valid time (minute %(minute)s)",
    "gs1.first_digit_zero": "the first digit must be 0, got %(value)s",
    "gs1.bad_piece": "piece %(piece)s of %(total)s is not a valid piece of a total",
    "gs1.offset": "offset %(index)s",
    "gs1.position": "position %(position)s",
    "gs1.expected_digit": "expected a digit at %(where)s, got %(char)r",
    "gs1.not_cset82": "%(char)r at %(where)s is not in GS1 character set 82",
    "gs1.length": "expected %(expected)s, got %(length)s",
    "gs1.length_fnc1": "expected %(expected)s, got %(length)s (missing FNC1 separator?)",
    "gs1.length_none": "expected %(expected)s, got none",
    "gs1.digits": "%(count)s digits",
    "gs1.characters": "%(count)s characters",
    "gs1.digits_between": "%(min)s to %(max)s digits",
    "gs1.characters_between": "%(min)s to %(max)s characters",
    "gs1.followed_by": "%(first)s followed by %(then)s",
    "gs1.optionally_followed_by": "%(first)s optionally followed by %(then)s",
    "gs1.year_window": "year %(year)s cannot be written with two digits (GS1 window "
    "%(first)s-%(last)s)",
    "gs1.given_twice": "given twice with different values (%(first)r, then %(then)r)",
    "gs1.exclusive": "cannot be used together with AI %(other)s",
    "gs1.nothing_to_build": "there is no element string to build",
    "gs1.bad_symbology": "invalid symbology identifier %(identifier)r at position %(position)s",
    "gs1.not_gs1_format": "ISO/IEC 15434 format %(format)r at position %(position)s does not "
    "carry GS1 data",
    "gs1.expected_ai": "expected an AI at position %(position)s, got %(char)r",
    "gs1.incomplete_ai": "incomplete AI %(ai_text)r at position %(position)s",
    "gs1.unknown_ai_at": "unknown AI %(ai)s at position %(position)s",
    "gs1.expected_tag": "expected '(' and an AI at position %(position)s",
    "gs1.bare_gtin": "expected %(digits)s digits after %(symbology)s, got %(value)r",
    "gs1.nothing_to_read": "there is no GS1 data to read",
}
messages.register(SENTENCES)


@dataclass(frozen=True)
class Component:
    """One part of an AI's value, such as the 14 digits of a GTIN.

    ``charset`` is ``"N"`` (digits) or ``"X"`` (GS1 character set 82). ``linters`` name the
    content checks of :data:`_LINTERS`. Only the last component can be variable or optional.
    """

    charset: str
    min_length: int
    max_length: int
    optional: bool = False
    linters: tuple = ()

    @property
    def fixed(self):
        return self.min_length == self.max_length

    def describe(self):
        """What the part looks like, as a :class:`messages.Message`: ``13 digits``."""
        if self.fixed:
            code = "gs1.digits" if self.charset == "N" else "gs1.characters"
            return messages.Message(code, {"count": self.max_length})
        code = "gs1.digits_between" if self.charset == "N" else "gs1.characters_between"
        return messages.Message(code, {"min": self.min_length, "max": self.max_length})


@dataclass(frozen=True)
class AIDefinition:
    """What GS1 says about one Application Identifier."""

    ai: str
    title: str
    components: tuple
    #: the field is in :data:`PREDEFINED_LENGTHS`: no FNC1 ever follows it
    predefined: bool
    #: AIs sharing a group (e.g. net weight in kg with 0..5 decimals) exclude each other
    exclusive_group: str | None = None

    @property
    def min_length(self):
        return sum(c.min_length for c in self.components if not c.optional)

    @property
    def max_length(self):
        return sum(c.max_length for c in self.components)

    @property
    def fixed(self):
        return self.min_length == self.max_length

    @property
    def value_type(self):
        """``"date"`` (YYMMDD), ``"datetime"`` (YYMMDDHHMM) or ``None``."""
        linters = [c.linters for c in self.components]
        if linters in ([("yymmd0",)], [("yymmdd",)]):
            return "date"
        if linters == [("yymmdd",), ("hhmm",)]:
            return "datetime"
        return None

    @property
    def decimals(self):
        """Implied decimal places of measures and amounts (4th AI digit), else ``None``."""
        if len(self.ai) == 4 and self.ai[:2] in ("31", "32", "33", "34", "35", "36", "39"):
            return int(self.ai[3])
        return None

    def describe(self):
        """What a value looks like, for error messages: ``14 digits``, ``1 to 20 characters``
        (a :class:`messages.Message`)."""
        rest = list(self.components)
        digits = 0
        # Leading fixed digit parts read as one number to people: "14 digits", not "1 + 13".
        while rest and rest[0].charset == "N" and rest[0].fixed and not rest[0].optional:
            digits += rest.pop(0).max_length
        if digits:
            text = messages.Message("gs1.digits", {"count": digits})
        else:
            text = rest.pop(0).describe()
        for component in rest:
            joiner = "gs1.optionally_followed_by" if component.optional else "gs1.followed_by"
            text = messages.Message(joiner, {"first": text, "then": component.describe()})
        return text


_COMPONENT_RE = re.compile(r"(?P<open>\[)?(?P<set>[NX])(?P<var>\.\.)?(?P<len>\d+)(?P<close>\])?")


def _component(spec):
    """Read one component written in GS1's notation: ``N14,csum``, ``X..20``, ``[N..12]``."""
    head, *linters = spec.split(",")
    match = _COMPONENT_RE.fullmatch(head)
    if not match or bool(match["open"]) != bool(match["close"]):
        raise ValueError(f"bad component specification {spec!r}")
    length = int(match["len"])
    return Component(
        charset=match["set"],
        min_length=1 if match["var"] else length,
        max_length=length,
        optional=bool(match["open"]),
        linters=tuple(linters),
    )


def _definition(ai, spec, title, group=None):
    predefined = ai[:2] in PREDEFINED_LENGTHS
    return AIDefinition(
        ai=ai,
        title=title,
        components=tuple(_component(part) for part in spec.split()),
        predefined=predefined,
        exclusive_group=group,
    )


# AI, format (GS1 notation: N digits, X CSET 82, ..n up to n, [] optional; linters after
# commas), data title. Ranges "a-b" cover every AI in between.
_AI_SPECS = (
    ("00", "N18,csum", "SSCC"),
    ("01", "N14,csum", "GTIN"),
    ("02", "N14,csum", "CONTENT"),
    ("10", "X..20", "BATCH/LOT"),
    ("11", "N6,yymmd0", "PROD DATE"),
    ("12", "N6,yymmd0", "DUE DATE"),
    ("13", "N6,yymmd0", "PACK DATE"),
    ("15", "N6,yymmd0", "BEST BEFORE or BEST BY"),
    ("16", "N6,yymmd0", "SELL BY"),
    ("17", "N6,yymmd0", "USE BY or EXPIRY"),
    ("20", "N2", "VARIANT"),
    ("21", "X..20", "SERIAL"),
    ("22", "X..20", "CPV"),
    ("235", "X..28", "TPX"),
    ("240", "X..30", "ADDITIONAL ID"),
    ("241", "X..30", "CUST. PART No."),
    ("242", "N..6", "MTO VARIANT"),
    ("243", "X..20", "PCN"),
    ("250", "X..30", "SECONDARY SERIAL"),
    ("251", "X..30", "REF. TO SOURCE"),
    ("253", "N13,csum [X..17]", "GDTI"),
    ("254", "X..20", "GLN EXTENSION COMPONENT"),
    ("255", "N13,csum [N..12]", "GCN"),
    ("30", "N..8", "VAR. COUNT"),
    ("37", "N..8", "COUNT"),
    ("400", "X..30", "ORDER NUMBER"),
    ("401", "X..30", "GINC"),
    ("402", "N17,csum", "GSIN"),
    ("403", "X..30", "ROUTE"),
    ("410", "N13,csum", "SHIP TO LOC"),
    ("411", "N13,csum", "BILL TO"),
    ("412", "N13,csum", "PURCHASE FROM"),
    ("413", "N13,csum", "SHIP FOR LOC"),
    ("414", "N13,csum", "LOC No."),
    ("415", "N13,csum", "PAY TO"),
    ("416", "N13,csum", "PROD/SERV LOC"),
    ("417", "N13,csum", "PARTY"),
    ("420", "X..20", "SHIP TO POST"),
    ("710", "X..20", "NHRN PZN"),
    ("711", "X..20", "NHRN CIP"),
    ("712", "X..20", "NHRN CN"),
    ("713", "X..20", "NHRN DRN"),
    ("714", "X..20", "NHRN AIM"),
    ("715", "X..20", "NHRN NDC"),
    ("7003", "N6,yymmdd N4,hhmm", "EXPIRY TIME"),
    ("7020", "X..20", "REFURB LOT"),
    ("7021", "X..20", "FUNC STAT"),
    ("7022", "X..20", "REV STAT"),
    ("7240", "X..20", "PROTOCOL"),
    ("8002", "X..20", "CMT No."),
    ("8003", "N1,zero N13,csum [X..16]", "GRAI"),
    ("8004", "X..30", "GIAI"),
    ("8006", "N14,csum N4,pieceoftotal", "ITIP"),
    ("8012", "X..20", "VERSION"),
    ("8017", "N18,csum", "GSRN - PROVIDER"),
    ("8018", "N18,csum", "GSRN - RECIPIENT"),
    ("8019", "N..10", "SRIN"),
    ("8020", "X..25", "REF No."),
    ("8026", "N14,csum N4,pieceoftotal", "ITIP CONTENT"),
    ("8200", "X..70", "PRODUCT URL"),
    ("90", "X..30", "INTERNAL"),
    ("91-99", "X..90", "INTERNAL"),
)

# Measures: AI "xyzn" with n = implied decimals 0..5, always six digits.
_MEASURES = {
    "310": "NET WEIGHT (kg)", "311": "LENGTH (m)", "312": "WIDTH (m)", "313": "HEIGHT (m)",
    "314": "AREA (m²)", "315": "NET VOLUME (l)", "316": "NET VOLUME (m³)",
    "320": "NET WEIGHT (lb)", "321": "LENGTH (in)", "322": "LENGTH (ft)", "323": "LENGTH (yd)",
    "324": "WIDTH (in)", "325": "WIDTH (ft)", "326": "WIDTH (yd)", "327": "HEIGHT (in)",
    "328": "HEIGHT (ft)", "329": "HEIGHT (yd)",
    "330": "GROSS WEIGHT (kg)", "331": "LENGTH (m), log", "332": "WIDTH (m), log",
    "333": "HEIGHT (m), log", "334": "AREA (m²), log", "335": "VOLUME (l), log",
    "336": "VOLUME (m³), log", "337": "KG PER m²",
    "340": "GROSS WEIGHT (lb)", "341": "LENGTH (in), log", "342": "LENGTH (ft), log",
    "343": "LENGTH (yd), log", "344": "WIDTH (in), log", "345": "WIDTH (ft), log",
    "346": "WIDTH (yd), log", "347": "HEIGHT (in), log", "348": "HEIGHT (ft), log",
    "349": "HEIGHT (yd), log",
    "350": "AREA (in²)", "351": "AREA (ft²)", "352": "AREA (yd²)", "353": "AREA (in²), log",
    "354": "AREA (ft²), log", "355": "AREA (yd²), log", "356": "NET WEIGHT (t oz)",
    "357": "NET VOLUME (oz)",
    "360": "NET VOLUME (qt)", "361": "NET VOLUME (gal.)", "362": "VOLUME (qt), log",
    "363": "VOLUME (gal.), log", "364": "VOLUME (in³)", "365": "VOLUME (ft³)",
    "366": "VOLUME (yd³)", "367": "VOLUME (in³), log", "368": "VOLUME (ft³), log",
    "369": "VOLUME (yd³), log",
}  # fmt: skip
_AMOUNTS = {"390": "AMOUNT", "392": "PRICE"}  # N..15 with n implied decimals 0..9


def _build_table():
    table = {}
    for ais, spec, title in _AI_SPECS:
        first, _sep, last = ais.partition("-")
        for number in range(int(first), int(last or first) + 1):
            ai = str(number).zfill(len(first))
            table[ai] = _definition(ai, spec, title)
    for prefix, title in _MEASURES.items():
        for decimals in range(6):
            ai = f"{prefix}{decimals}"
            table[ai] = _definition(ai, "N6", title, group=prefix)
    for prefix, title in _AMOUNTS.items():
        for decimals in range(10):
            ai = f"{prefix}{decimals}"
            table[ai] = _definition(ai, "N..15", title, group=prefix)
    return dict(sorted(table.items()))


#: AI -> :class:`AIDefinition`, for every AI this module reads and writes.
AI_TABLE = _build_table()

# Pairs GS1 forbids in the same item's data (GS1 General Specifications 4.14.1), among the
# AIs of the table. Same-group measures (3100 with 3102) are handled by exclusive_group.
_INVALID_PAIRS = frozenset(
    frozenset(pair)
    for pair in (
        ("01", "02"), ("01", "37"), ("01", "255"), ("21", "235"),
        ("8006", "01"), ("8006", "37"), ("8026", "02"), ("8026", "8006"),
        ("255", "02"), ("255", "415"), ("255", "8006"), ("255", "8020"), ("255", "8026"),
        ("8017", "8018"),
    )
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Small public helpers
# ---------------------------------------------------------------------------------------------


def ai_definition(ai):
    """The :class:`AIDefinition` of ``ai``; :class:`GS1Error` if the AI is not supported."""
    if not isinstance(ai, str):
        raise TypeError(f"an AI is given as text such as '01', not as {ai!r}")
    try:
        return AI_TABLE[ai]
    except KeyError:
        raise GS1Error("gs1.unknown_ai", ai=ai) from None


def are_exclusive(ai, other):
    """Whether GS1 forbids ``ai`` and ``other`` in the data of the same item."""
    if ai == other:
        return False
    if frozenset((ai, other)) in _INVALID_PAIRS:
        return True
    group = AI_TABLE[ai].exclusive_group if ai in AI_TABLE else None
    return group is not None and group == getattr(AI_TABLE.get(other), "exclusive_group", None)


def gs1_check_digit(body):
    """GS1 mod 10 check digit of ``body`` (GTIN, SSCC, GLN... without their last digit)."""
    return check_digits.compute_check("gs1_mod10", body)


def century_window(today=None):
    """First and last year a two-digit GS1 year can mean on ``today``.

    GS1 General Specifications 7.12: a year 51 to 99 years after the current year (within
    the century) is in the previous century, one 50 to 99 years before it in the next
    century, any other in the current century: the window runs from 49 years back to 50
    years ahead.
    """
    year = (today or date.today()).year
    return year - 49, year + 50


def expand_year(yy, today=None):
    """Four-digit year of the two-digit GS1 year ``yy`` (0-99), per :func:`century_window`."""
    first, _last = century_window(today)
    # The one year of the window's hundred years that ends with yy.
    return first + (yy - first) % 100


def normalize_gtin(value):
    """A GTIN-8, -12, -13 or -14 as the 14 digits GS1 element strings carry, check digit valid."""
    if not isinstance(value, str):
        raise TypeError(f"a GTIN is given as text, not as {value!r}")
    if not (_is_digits(value) and len(value) in (8, 12, 13, 14)):
        raise GS1Error("gs1.not_gtin", ai="01", value=value)
    return validate_value("01", value.zfill(14))


def split_symbology(data):
    """``(identifier, rest)``: the symbology identifier starting ``data`` (or ``None``).

    Surrounding white space is dropped first, as :func:`parse` does.
    """
    start, end = _trim(data)
    symbology, start = _read_symbology(data, start, end)
    return symbology, data[start:end]


# ---------------------------------------------------------------------------------------------
# Value validation
# ---------------------------------------------------------------------------------------------


class _Context:
    """Where a value came from, so that errors name the AI and the input position."""

    __slots__ = ("ai", "position", "origin", "today")

    def __init__(self, ai, today, position=None, origin=None):
        self.ai = ai
        self.today = today
        self.position = position  # input offset of the value, None for built values
        self.origin = origin  # input offset of each value character

    def fail(self, code, **params):
        """Raise the GS1Error ``code`` of this value, framed with its AI and position."""
        raise GS1Error(code, ai=self.ai, position=self.position, framed=True, **params)

    def locate(self, index):
        """Name value character ``index``: its input position, or its offset in the value."""
        if self.origin is None:
            return messages.Message("gs1.offset", {"index": index})
        return messages.Message("gs1.position", {"position": self.origin[index]})


def _is_digits(text):
    # str.isdigit alone would accept other scripts' digits such as '٣' or '²'.
    return text.isascii() and text.isdigit()


def _lint_csum(part, ctx):
    expected = gs1_check_digit(part[:-1])
    if part[-1] != expected:
        ctx.fail("gs1.wrong_check", expected=expected, got=part[-1])


def _lint_date(part, ctx, day_zero_allowed):
    month, day = int(part[2:4]), int(part[4:6])
    if not 1 <= month <= 12:
        ctx.fail("gs1.bad_month", value=part, month=part[2:4])
    if day == 0:
        if not day_zero_allowed:
            ctx.fail("gs1.day_zero", value=part)
        return
    # The century decides February 29th (2000 was a leap year, 2100 will not be).
    year = expand_year(int(part[:2]), ctx.today)
    days = calendar.monthrange(year, month)[1]
    if day > days:
        ctx.fail("gs1.bad_day", value=part, year=year, month=f"{month:02d}", days=days)


def _lint_hhmm(part, ctx):
    if int(part[:2]) > 23:
        ctx.fail("gs1.bad_hour", value=part, hour=part[:2])
    if int(part[2:]) > 59:
        ctx.fail("gs1.bad_minute", value=part, minute=part[2:])


def _lint_zero(part, ctx):
    if part != "0":
        ctx.fail("gs1.first_digit_zero", value=part)


def _lint_pieceoftotal(part, ctx):
    piece, total = int(part[:2]), int(part[2:])
    if not 0 < piece <= total:
        ctx.fail("gs1.bad_piece", piece=part[:2], total=part[2:])


_LINTERS = {
    "csum": _lint_csum,
    "yymmd0": lambda part, ctx: _lint_date(part, ctx, day_zero_allowed=True),
    "yymmdd": lambda part, ctx: _lint_date(part, ctx, day_zero_allowed=False),
    "hhmm": _lint_hhmm,
    "zero": _lint_zero,
    "pieceoftotal": _lint_pieceoftotal,
}


def _check_charset(component, part, offset, ctx):
    allowed = _DIGITS if component.charset == "N" else CSET82
    for index, char in enumerate(part):
        if char in allowed:
            continue
        where = ctx.locate(offset + index)
        if component.charset == "N":
            ctx.fail("gs1.expected_digit", where=where, char=char)
        ctx.fail("gs1.not_cset82", char=char, where=where)


def _check_value(definition, value, ctx, fnc1_hint=False):
    """Raise a GS1Error through ``ctx`` unless ``value`` is valid for ``definition``;
    ``fnc1_hint`` suggests a missing FNC1 separator when the value is too long."""
    if not definition.min_length <= len(value) <= definition.max_length:
        if not value:
            code = "gs1.length_none"
        elif fnc1_hint and len(value) > definition.max_length:
            code = "gs1.length_fnc1"
        else:
            code = "gs1.length"
        ctx.fail(code, expected=definition.describe(), length=len(value))
    offset = 0
    for component in definition.components:
        part = (
            value[offset:] if not component.fixed else value[offset : offset + component.max_length]
        )
        if not part and component.optional:
            break
        _check_charset(component, part, offset, ctx)
        for linter in component.linters:
            _LINTERS[linter](part, ctx)
        offset += len(part)


def _format_value(definition, value, ctx):
    """Text of a value given to a builder: text as is, dates as YYMMDD, datetimes as ...HHMM."""
    if isinstance(value, str):
        return value
    wanted = definition.value_type
    if isinstance(value, datetime) and wanted == "datetime":
        _check_year(value.year, ctx)
        return value.strftime("%y%m%d%H%M")
    if isinstance(value, date) and not isinstance(value, datetime) and wanted == "date":
        _check_year(value.year, ctx)
        return value.strftime("%y%m%d")
    expected = {"date": "text or a date", "datetime": "text or a datetime"}.get(wanted, "text")
    raise TypeError(f"AI {definition.ai}: expected {expected}, got {value!r}")


def _check_year(year, ctx):
    first, last = century_window(ctx.today)
    if not first <= year <= last:
        ctx.fail("gs1.year_window", year=year, first=first, last=last)


def validate_value(ai, value, *, today=None):
    """Return the element-string text of ``value`` for ``ai``, or raise :class:`GS1Error`.

    ``value`` is text; date AIs (11, 13, 15, 17...) also take a :class:`datetime.date` and
    AI 7003 a :class:`datetime.datetime`. ``today`` anchors the GS1 century window.
    """
    definition = ai_definition(ai)
    ctx = _Context(ai, today or date.today())
    text = _format_value(definition, value, ctx)
    _check_value(definition, text, ctx)
    return text


def _assemble(fields):
    """AI -> value of ``(ai, value, ctx)`` triples, refusing conflicting repeats and pairs."""
    values = {}
    for ai, value, ctx in fields:
        if ai in values:
            # Scanners and label layouts repeat fields; only a contradiction is an error.
            if values[ai] != value:
                ctx.fail("gs1.given_twice", first=values[ai], then=value)
            continue
        for other in values:
            if are_exclusive(ai, other):
                ctx.fail("gs1.exclusive", other=other)
        values[ai] = value
    return values


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


class GS1ElementString(Mapping):
    """Validated, ordered, read-only AI -> value mapping with typed accessors.

    Build one from pairs or a mapping (values are validated like :func:`validate_value`), or
    get one from :func:`parse`. ``symbology`` is the symbology identifier the data came with.
    Two instances are equal when they hold the same AIs and values, in any order.
    """

    __slots__ = ("_values", "_today", "symbology")

    def __init__(self, pairs=(), *, today=None, symbology=None):
        if isinstance(pairs, str):
            raise TypeError("GS1ElementString takes (ai, value) pairs; read text with parse()")
        today = today or date.today()
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        fields = []
        for ai, value in items:
            ctx = _Context(ai, today)
            fields.append((ai, validate_value(ai, value, today=today), ctx))
        self._setup(_assemble(fields), today, symbology)

    @classmethod
    def _checked(cls, values, today, symbology):
        self = cls.__new__(cls)
        self._setup(values, today, symbology)
        return self

    def _setup(self, values, today, symbology):
        self._values = values
        self._today = today
        self.symbology = symbology

    def __getitem__(self, ai):
        return self._values[ai]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return f"{type(self).__name__}({_human_readable(self._values.items())!r})"

    @property
    def symbology_name(self):
        """Name of the carrier the symbology identifier announces, if known."""
        return SYMBOLOGIES.get(self.symbology)

    def element_string(self, fnc1=GS):
        """This data as a barcode carries it (see :func:`build_element_string`)."""
        return build_element_string(self, fnc1)

    def human_readable(self):
        """This data with AIs in parentheses (see :func:`to_human_readable`)."""
        return to_human_readable(self)

    def get_date(self, ai):
        """Date of a YYMMDD AI; day 00 (allowed for 11-17) means the month's last day."""
        value = self._typed(ai, "date")
        if value is None:
            return None
        year, month, day = (
            expand_year(int(value[:2]), self._today),
            int(value[2:4]),
            int(value[4:6]),
        )
        return date(year, month, day or calendar.monthrange(year, month)[1])

    def get_datetime(self, ai):
        """Date and time of a YYMMDDHHMM AI (7003)."""
        value = self._typed(ai, "datetime")
        if value is None:
            return None
        year = expand_year(int(value[:2]), self._today)
        return datetime(year, *(int(value[i : i + 2]) for i in range(2, 10, 2)))

    def get_decimal(self, ai):
        """Measure or amount (31nn-36nn, 390n, 392n) with its implied decimal point."""
        decimals = ai_definition(ai).decimals
        if decimals is None:
            raise ValueError(f"AI {ai} has no implied decimal point")
        value = self.get(ai)
        return None if value is None else Decimal(value).scaleb(-decimals)

    def _typed(self, ai, value_type):
        if ai_definition(ai).value_type != value_type:
            raise ValueError(f"AI {ai} does not hold a {value_type}")
        return self.get(ai)

    @property
    def sscc(self):
        return self.get("00")

    @property
    def gtin(self):
        return self.get("01")

    @property
    def content_gtin(self):
        """GTIN of the trade items contained in a logistic unit (AI 02)."""
        return self.get("02")

    @property
    def lot(self):
        return self.get("10")

    @property
    def serial(self):
        return self.get("21")

    @property
    def cpv(self):
        """Consumer product variant (AI 22)."""
        return self.get("22")

    @property
    def production_date(self):
        return self.get_date("11")

    @property
    def packaging_date(self):
        return self.get_date("13")

    @property
    def best_before(self):
        return self.get_date("15")

    @property
    def sell_by(self):
        return self.get_date("16")

    @property
    def expiry(self):
        return self.get_date("17")

    @property
    def expiry_time(self):
        return self.get_datetime("7003")

    @property
    def count(self):
        value = self.get("37")
        return None if value is None else int(value)

    @property
    def variable_count(self):
        value = self.get("30")
        return None if value is None else int(value)

    @property
    def location_gln(self):
        return self.get("414")


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def _elements(pairs, today):
    if isinstance(pairs, GS1ElementString) and today is None:
        return pairs
    return GS1ElementString(pairs, today=today)


def _ordered(elements, reorder):
    items = list(elements.items())
    if not reorder:
        return items
    # GS1 recommends predefined-length fields first: they need no FNC1, so the symbol gets
    # the fewest separators. sorted() is stable: the given order holds within each group.
    return sorted(items, key=lambda item: not AI_TABLE[item[0]].predefined)


def build_element_string(pairs, fnc1=GS, *, reorder=True, today=None):
    """Element string of ``pairs`` as a barcode encoder takes it.

    ``pairs`` is a mapping or an iterable of ``(ai, value)``; every value is validated first.
    An FNC1 (``fnc1``) follows each field whose length is not predefined, except the last.
    With ``reorder`` (default) predefined-length fields come first. The leading FNC1 that
    marks GS1 data is the symbol encoder's business and is not included.
    """
    if not isinstance(fnc1, str) or not fnc1:
        raise ValueError("fnc1 must be a non-empty string")
    items = _ordered(_elements(pairs, today), reorder)
    if not items:
        raise GS1Error("gs1.nothing_to_build")
    parts = []
    for index, (ai, value) in enumerate(items):
        parts.append(ai + value)
        if index < len(items) - 1 and not AI_TABLE[ai].predefined:
            parts.append(fnc1)
    return "".join(parts)


def _human_readable(items):
    return "".join(f"({ai}){value}" for ai, value in items)


def to_human_readable(pairs, *, reorder=True, today=None):
    """``(01)09521234543213(21)12345``: the text printed under a GS1 barcode."""
    items = _ordered(_elements(pairs, today), reorder)
    if not items:
        raise GS1Error("gs1.nothing_to_build")
    return _human_readable(items)


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------

_TRIM = " \t\r\n"
_SYMBOLOGY_RE = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_ENVELOPE_HEADER = "[)>\x1e"
_TAG_RE = re.compile(r"\(([0-9]+)\)")


class _Input:
    """Scanned text reduced to AIs, values and GS, remembering each character's origin."""

    __slots__ = ("text", "origin", "symbology")

    def __init__(self, text, origin, symbology):
        self.text = text
        self.origin = origin  # input offset per character, plus one for the end
        self.symbology = symbology


def _trim(data):
    start, end = 0, len(data)
    while start < end and data[start] in _TRIM:
        start += 1
    while end > start and data[end - 1] in _TRIM:
        end -= 1
    return start, end


def _read_symbology(data, start, end):
    if start >= end or data[start] != "]":
        return None, start
    if not _SYMBOLOGY_RE.match(data, start, end):
        raise GS1Error("gs1.bad_symbology", position=start, identifier=data[start : start + 3])
    return data[start : start + 3], start + 3


def _strip_envelope(data, start, end):
    """Skip an ISO/IEC 15434 envelope; only format 05 carries GS1 element strings."""
    if not data.startswith(_ENVELOPE_HEADER, start, end):
        return start, end
    fmt = data[start + 4 : start + 6]
    if fmt != "05" or not data.startswith(GS, start + 6, end):
        raise GS1Error("gs1.not_gs1_format", position=start + 4, format=fmt)
    if data.endswith("\x04", start, end):
        end -= 1
    if data.endswith("\x1e", start, end):
        end -= 1
    return start + 7, end


@lru_cache(maxsize=16)
def _separator_pattern(separators):
    alternatives = sorted({s for s in (*separators, GS) if s}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)


def _prepare(data, separators):
    """Trim, strip symbology identifier and envelope, turn every separator into GS."""
    start, end = _trim(data)
    symbology, start = _read_symbology(data, start, end)
    start, end = _strip_envelope(data, start, end)
    chunks, origin = [], []
    position = start
    for match in _separator_pattern(tuple(separators)).finditer(data, start, end):
        chunks.append(data[position : match.start()])
        origin.extend(range(position, match.start()))
        chunks.append(GS)
        origin.append(match.start())
        position = match.end()
    chunks.append(data[position:end])
    origin.extend(range(position, end))
    origin.append(end)
    return _Input("".join(chunks), origin, symbology)


def _read_ai(source, index):
    """The AI starting at ``index`` of the prepared text, or a GS1Error saying why not."""
    text, position = source.text, source.origin[index]
    if text[index] not in _DIGITS:
        raise GS1Error("gs1.expected_ai", position=position, char=text[index])
    length = _AI_LENGTH_BY_PREFIX.get(text[index : index + 2], 2)
    ai = text[index : index + length]
    if len(ai) < length or not _is_digits(ai):
        raise GS1Error("gs1.incomplete_ai", position=position, ai_text=ai)
    if ai not in AI_TABLE:
        raise GS1Error("gs1.unknown_ai_at", ai=ai, position=position)
    return ai


def _field(source, ai, start, end, today, fnc1_hint=False):
    """Validate ``text[start:end]`` as the value of ``ai``; return the field triple."""
    ctx = _Context(ai, today, source.origin[start], source.origin[start:end])
    value = source.text[start:end]
    _check_value(AI_TABLE[ai], value, ctx, fnc1_hint)
    return ai, value, ctx


def _parse_raw(source, today):
    """Fields of the barcode form: AIs and values, GS after non-predefined fields."""
    text, fields, index = source.text, [], 0
    while index < len(text):
        if text[index] == GS:  # leading, trailing or doubled FNC1: nothing to read
            index += 1
            continue
        ai = _read_ai(source, index)
        start = index + len(ai)
        definition = AI_TABLE[ai]
        separator = text.find(GS, start)
        end = len(text) if separator < 0 else separator
        if definition.predefined:
            end = min(end, start + definition.max_length)
        fields.append(_field(source, ai, start, end, today, fnc1_hint=True))
        index = end
    return fields


def _compact(source):
    """The parenthesised form without the spaces and separators people put around tags."""
    keep = [i for i, char in enumerate(source.text) if char not in " \t" + GS]
    return _Input(
        "".join(source.text[i] for i in keep),
        [source.origin[i] for i in keep] + [source.origin[-1]],
        source.symbology,
    )


def _next_tag(text, start):
    """Start of the next ``(AI)`` tag naming a known AI, or the end of ``text``.

    A value may itself hold parentheses; only a tag naming a supported AI ends it.
    """
    for match in _TAG_RE.finditer(text, start):
        if match[1] in AI_TABLE:
            return match.start()
    return len(text)


def _parse_bracketed(source, today):
    """Fields of the human-readable form ``(01)...(21)...``."""
    source = _compact(source)
    text, fields, index = source.text, [], 0
    while index < len(text):
        match = _TAG_RE.match(text, index)
        if not match:
            position = source.origin[index]
            raise GS1Error("gs1.expected_tag", position=position)
        ai = match[1]
        position = source.origin[match.start(1)]
        if ai not in AI_TABLE:
            raise GS1Error("gs1.unknown_ai_at", ai=ai, position=position)
        end = _next_tag(text, match.end())
        fields.append(_field(source, ai, match.end(), end, today))
        index = end
    return fields


def _parse_bare_gtin(source, today):
    """EAN-13, UPC-A and EAN-8 symbols carry a GTIN without AI 01."""
    digits = _BARE_GTIN_SYMBOLOGIES[source.symbology]
    value = source.text.strip(GS)
    start = source.text.index(value) if value else 0
    ctx = _Context("01", today, source.origin[start], source.origin[start : start + len(value)])
    if len(value) != digits or not _is_digits(value):
        ctx.fail("gs1.bare_gtin", digits=digits, symbology=source.symbology, value=value)
    value = value.zfill(14)
    _check_value(AI_TABLE["01"], value, _Context("01", today, ctx.position))
    return [("01", value, ctx)]


def parse(data, *, today=None, separators=DEFAULT_SEPARATORS):
    """Read scanned or typed GS1 data into a :class:`GS1ElementString`.

    ``today`` anchors the GS1 century window of two-digit years (default: today).
    ``separators`` replaces :data:`DEFAULT_SEPARATORS` (ASCII 29 is always one), e.g. to add
    the replacement character a particular wedge is configured with.
    Raises :class:`GS1Error` on anything that is not valid GS1 data.
    """
    if not isinstance(data, str):
        raise TypeError(f"GS1 data is parsed from text, not from {type(data).__name__}")
    today = today or date.today()
    source = _prepare(data, separators)
    content = source.text.strip(GS)
    if not content:
        raise GS1Error("gs1.nothing_to_read", position=source.origin[-1])
    if source.symbology in _BARE_GTIN_SYMBOLOGIES:
        fields = _parse_bare_gtin(source, today)
    elif content.startswith("("):
        fields = _parse_bracketed(source, today)
    else:
        fields = _parse_raw(source, today)
    return GS1ElementString._checked(_assemble(fields), today, source.symbology)


__all__ = [
    "AI_TABLE",
    "AIDefinition",
    "CSET82",
    "Component",
    "DEFAULT_SEPARATORS",
    "GS",
    "GS1ElementString",
    "GS1Error",
    "PREDEFINED_LENGTHS",
    "SYMBOLOGIES",
    "ai_definition",
    "are_exclusive",
    "build_element_string",
    "century_window",
    "expand_year",
    "gs1_check_digit",
    "normalize_gtin",
    "parse",
    "split_symbology",
    "to_human_readable",
    "validate_value",
]
