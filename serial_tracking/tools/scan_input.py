"""What one scan is, before anything is looked up: GS1 data, a product barcode or plain text.

A warehouse scanner sends whatever the symbol holds, followed by Enter or Tab; a person may
type the same. :func:`classify` tells apart

- ``gs1``: GS1 data, as an element string (with a GS1 symbology identifier, FNC1 separators,
  parentheses, or unbracketed starting with a valid GTIN) or as a GS1 Digital Link URI; its
  GTIN, serial (AI 21), batch (AI 10) and expiry (AI 17) are read out;
- ``malformed``: text that announces GS1 data but is not valid GS1 data; ``error`` says what
  is wrong (the AI, the position and what was expected), ``problem`` is the parser's error,
  whose code and parameters let Odoo say it in the user's language;
- ``product``: a bare EAN-13 / UPC-A / EAN-8 announced by its symbology identifier;
- ``text``: anything else, to be matched by the caller against serial numbers, product
  barcodes, document names or location barcodes (``gtin_like`` tells whether it could be a
  GTIN);
- ``empty``: nothing but white space or control characters.

:func:`clean_params` and :func:`clean_undo` check the other parameters of a scanner call
(record ids, lists of ids, text, flags) as they come over JSON-RPC, so that a wrong type is
named instead of reaching the database.

No ``odoo`` import: the scanner model calls this and does the look-ups.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from . import digital_link, gs1

EMPTY = "empty"
GS1 = "gs1"
MALFORMED = "malformed"
PRODUCT = "product"
TEXT = "text"

#: Symbology identifiers of carriers whose data is always GS1 element strings.
GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
#: Symbology identifiers of carriers that hold a bare GTIN (EAN-13 / UPC-A, EAN-8).
GTIN_SYMBOLOGIES = frozenset({"]E0", "]E4"})

# ISO/IEC 15424: "]" + symbology letter + modifier character.
_SYMBOLOGY_RE = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_BRACKETED_RE = re.compile(r"\(\s*\d{2,4}\s*\)")
# Unbracketed GS1 without identifier: AI 01 or 02 and a GTIN, then more AIs.
_RAW_GTIN_RE = re.compile(r"0[12]\d{14}\d{2}")
# Leading/trailing characters a keyboard wedge adds (Enter, Tab) or that are never data.
_TRIM = " \t\r\n\x00\x04\x1e"
_GTIN_LENGTHS = (8, 12, 13, 14)
_LOWER_SEPARATORS = tuple(
    separator.lower() for separator in gs1.DEFAULT_SEPARATORS if separator != gs1.GS
)


@dataclass(frozen=True, slots=True)
class ScanInput:
    """One classified scan. ``text`` is the input without the wedge's surrounding characters
    (and without the symbology identifier of a non-GS1 carrier)."""

    kind: str
    text: str
    gtin: str | None = None
    serial: str | None = None
    batch: str | None = None
    expiry: date | None = None
    via: str | None = None  # "element string" or "Digital Link" for GS1 data
    symbology: str | None = None
    error: str | None = None
    gtin_like: bool = False
    problem: Exception | None = field(default=None, compare=False, repr=False)

    @property
    def product_codes(self):
        """Barcodes a product of this GTIN may carry: GTIN-14, -13, -12 (UPC-A), -8."""
        code = self.gtin if self.gtin else (self.text if self.gtin_like else None)
        return gtin_forms(code) if code else ()

    def as_dict(self):
        """JSON-able summary (dates as ISO text)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "gtin": self.gtin,
            "serial": self.serial,
            "batch": self.batch,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "via": self.via,
            "symbology": self.symbology,
            "error": self.error,
        }


def is_valid_gtin(text):
    """Whether ``text`` is 8, 12, 13 or 14 digits with a correct GS1 check digit."""
    if not (text.isascii() and text.isdigit() and len(text) in _GTIN_LENGTHS):
        return False
    return gs1.gs1_check_digit(text[:-1]) == text[-1]


def gtin_forms(code):
    """The forms of one GTIN a product barcode field may hold, longest first.

    ``"09521234543213"`` gives ``("09521234543213", "9521234543213")``; a GTIN-8 padded to 14
    digits gives its 8 digits back; a 12-digit UPC-A gives its 13-digit EAN form as well.
    """
    if not (code.isascii() and code.isdigit()):
        return (code,)
    gtin14 = code.zfill(14)
    forms = [gtin14]
    stripped = gtin14.lstrip("0")
    for length in (13, 12, 8):
        if len(stripped) <= length:
            forms.append(gtin14[-length:])
    return tuple(dict.fromkeys(forms))


def _trim(raw):
    return raw.strip(_TRIM)


def _has_separator(text):
    if gs1.GS in text:
        return True
    lowered = text.lower()
    return any(separator in lowered for separator in _LOWER_SEPARATORS)


def _from_elements(elements, text, via, symbology):
    expiry = None
    if "17" in elements:
        expiry = elements.get_date("17")
    return ScanInput(
        kind=GS1,
        text=text,
        gtin=elements.get("01") or elements.get("02"),
        serial=elements.get("21"),
        batch=elements.get("10"),
        expiry=expiry,
        via=via,
        symbology=symbology or elements.symbology,
    )


def _parse_gs1(text, symbology, today):
    """GS1 data of ``text``; a ``malformed`` result carries the parser's message."""
    try:
        if digital_link.is_digital_link(text):
            elements = digital_link.parse_scan(text, today=today)
            return _from_elements(elements, text, "Digital Link", symbology)
        elements = gs1.parse(text, today=today)
        return _from_elements(elements, text, "element string", symbology)
    except (gs1.GS1Error, digital_link.DigitalLinkError) as error:
        return ScanInput(
            kind=MALFORMED, text=text, symbology=symbology, error=str(error), problem=error
        )


def classify(raw, *, today=None):
    """Classify one scan (see the module's documentation)."""
    if not isinstance(raw, str):
        raise TypeError(f"a scan is text, not {type(raw).__name__}")
    today = today or date.today()
    text = _trim(raw)
    if not text:
        return ScanInput(kind=EMPTY, text="")
    symbology = text[:3] if _SYMBOLOGY_RE.match(text) else None
    if symbology in GS1_SYMBOLOGIES:
        return _parse_gs1(text, symbology, today)
    if symbology in GTIN_SYMBOLOGIES:
        return _bare_gtin(text, symbology, today)
    if symbology:  # another carrier (Code 128 without FNC1, Code 39, plain QR...): its text
        text = _trim(text[3:])
        if not text:
            return ScanInput(kind=EMPTY, text="", symbology=symbology)
    lowered = text[:8].lower()
    if lowered.startswith(("https://", "http://")):
        return _parse_gs1(text, symbology, today)
    if _has_separator(text) or _BRACKETED_RE.match(text):
        return _parse_gs1(text, symbology, today)
    if _RAW_GTIN_RE.match(text) and is_valid_gtin(text[2:16]):
        parsed = _parse_gs1(text, symbology, today)
        if parsed.kind == GS1:
            return parsed
        # digits that only happen to start like a GTIN: leave them to the caller as text
    return ScanInput(kind=TEXT, text=text, symbology=symbology, gtin_like=is_valid_gtin(text))


def _bare_gtin(text, symbology, today):
    try:
        elements = gs1.parse(text, today=today)
    except gs1.GS1Error as error:
        return ScanInput(
            kind=MALFORMED, text=text, symbology=symbology, error=str(error), problem=error
        )
    return ScanInput(
        kind=PRODUCT, text=text[3:], gtin=elements.gtin, symbology=symbology, gtin_like=True
    )


# --- the parameters of a scanner call ------------------------------------------------------

#: Largest id PostgreSQL's ``integer`` columns hold: a larger number is no record.
MAX_ID = 2**31 - 1
#: Most ids one call may carry (a count of a big shelf stays far below).
MAX_IDS = 100_000
ID = "id"
IDS = "ids"
TEXT_VALUE = "text"
FLAG = "flag"
#: What the screen sends in ``params``, by name.
PARAMS = {
    "picking_id": ID,
    "location_id": ID,
    "product_id": ID,
    "reason_id": ID,
    "scanned": IDS,
    "note": TEXT_VALUE,
}
#: What the screen sends back of a scan's ``undo`` data.
UNDO = {
    "line_id": ID,
    "lot_id": ID,
    "previous_lot_id": ID,
    "created": FLAG,
    "lot_created": FLAG,
    "listed": FLAG,
    "action": TEXT_VALUE,
}


class ParameterError(ValueError):
    """A parameter of a scanner call of the wrong type: ``name`` names it, ``expected``
    is one of ``ID``, ``IDS``, ``TEXT_VALUE``, ``FLAG`` or ``"mapping"``, ``value``
    shows what came (shortened)."""

    def __init__(self, name, expected, value):
        shown = repr(value)
        self.name = name
        self.expected = expected
        self.value = shown if len(shown) <= 40 else shown[:37] + "..."
        super().__init__(f"{name}: {expected} expected, got {self.value}")


def _is_id(value):
    # JSON true/false arrive as bool, a subclass of int: neither is a record
    return type(value) is int and 0 < value <= MAX_ID


def _clean_value(name, kind, value):
    if kind == ID:
        if value is None or value is False:
            return False
        if not _is_id(value):
            raise ParameterError(name, ID, value)
        return value
    if kind == IDS:
        if value is None or value is False:
            return []
        if (
            not isinstance(value, list | tuple)
            or len(value) > MAX_IDS
            or not all(_is_id(item) for item in value)
        ):
            raise ParameterError(name, IDS, value)
        return list(value)
    if kind == FLAG:
        if value is None:
            return False
        if not isinstance(value, bool):
            raise ParameterError(name, FLAG, value)
        return value
    if value is None or value is False:
        return False
    if not isinstance(value, str):
        raise ParameterError(name, TEXT_VALUE, value)
    return value


def clean_mapping(name, values, spec):
    """``values`` (a JSON object, or ``None``) checked against ``spec`` (name -> kind):
    the known names with their values normalised (no id is ``False``, no ids ``[]``),
    unknown names left out. Raises :class:`ParameterError` naming the first wrong one."""
    if values is None or values is False:
        values = {}
    if not isinstance(values, dict):
        raise ParameterError(name, "mapping", values)
    return {
        key: _clean_value(key, kind, values[key]) for key, kind in spec.items() if key in values
    }


def clean_params(params):
    """The ``params`` of a scanner call, checked (see :data:`PARAMS`)."""
    return clean_mapping("params", params, PARAMS)


def clean_undo(entry):
    """The ``undo`` data of the running list's ``entry``, checked (see :data:`UNDO`)."""
    if not isinstance(entry, dict):
        raise ParameterError("entry", "mapping", entry)
    return clean_mapping("undo", entry.get("undo"), UNDO)


__all__ = [
    "EMPTY",
    "GS1",
    "GS1_SYMBOLOGIES",
    "GTIN_SYMBOLOGIES",
    "MALFORMED",
    "PRODUCT",
    "TEXT",
    "PARAMS",
    "UNDO",
    "ParameterError",
    "ScanInput",
    "classify",
    "clean_mapping",
    "clean_params",
    "clean_undo",
    "gtin_forms",
    "is_valid_gtin",
]
