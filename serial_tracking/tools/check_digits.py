"""Check characters of serial numbers.

One entry point per question, whatever the algorithm:

- ``compute_check(algorithm, body)``: the check character(s) for a number without them;
- ``with_check(algorithm, body)``: the complete number (check appended, or for a VIN
  put at position 9);
- ``split_check(algorithm, full)``: the body and the check character(s) of a number;
- ``expected_check(algorithm, full)``: what the check character(s) of ``full`` should be;
- ``is_valid(algorithm, full)`` / ``validate(algorithm, full)``.

Algorithm names are the values of ``serial.format.rule.check_algorithm``. The ISO 7064
systems come from python-stdnum. Luhn and GS1 mod 10 are written here with translation
tables because they run on whole batches (a pallet of IMEIs) and stdnum's per-digit loop
is several times slower; the tests compare both against stdnum. python-stdnum has no VIN
module, so the ISO 3779 check digit is implemented here as well.
"""

import operator
import re
from typing import NamedTuple

from stdnum.iso7064 import mod_11_2, mod_37_36, mod_97_10

from . import messages

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM_UPPER = DIGITS + UPPER
# ISO 3779: I, O and Q are never used because they read like 1 and 0.
VIN_CHARSET = DIGITS + "ABCDEFGHJKLMNPRSTUVWXYZ"

VIN_LENGTH = 17
VIN_CHECK_INDEX = 8  # position 9, counted from 1

# ISO 3779 / 49 CFR 565.15: letter values and position weights (position 9 is the check).
_VIN_VALUES = {
    **{digit: int(digit) for digit in DIGITS},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS_WITHOUT_CHECK = (8, 7, 6, 5, 4, 3, 2, 10, 9, 8, 7, 6, 5, 4, 3, 2)
# Every value is a single digit: transliterate to digits, then weigh their bytes.
_VIN_TRANSLITERATION = str.maketrans({char: str(value) for char, value in _VIN_VALUES.items()})
_VIN_ZERO_OFFSET = ord("0") * sum(_VIN_WEIGHTS_WITHOUT_CHECK)

# Luhn doubles every second digit and adds the digits of the product: 7 -> 14 -> 5.
_LUHN_DOUBLED = bytes.maketrans(DIGITS.encode(), b"0246813579")
_ASCII_ZERO = ord("0")


class CheckDigitError(messages.CodedError):
    """A check character cannot be computed or read for the given input."""


# The sentences of CheckDigitError, by code (see ``messages``). ``check_label`` and
# ``check_charset`` are algorithm names, rendered as the algorithm's label and the
# characters it reads.
SENTENCES = {
    "check_digits.vin_body_length": "a VIN without its check digit has %(length)s characters, "
    "%(body)r has %(got)s",
    "check_digits.unknown_algorithm": "unknown check algorithm %(algorithm)r; use one of: "
    "%(known)s",
    "check_digits.not_text": "check characters are computed on text, not on %(value)r",
    "check_digits.empty_body": "%(check_label)s: there is nothing to compute a check character on",
    "check_digits.body_charset": "%(check_label)s accepts %(check_charset)s only; %(body)r "
    "has %(char)r at position %(position)s",
    "check_digits.vin_length": "a VIN has %(length)s characters, %(value)r has %(got)s",
    "check_digits.too_short": "%(value)r is too short to carry %(count)s check character(s) "
    "after a number",
    "check_digits.wrong_check": "%(value)s: check character should be %(expected)s",
    "check_digits.wrong_checks": "%(value)s: check characters should be %(expected)s",
}


class Algorithm(NamedTuple):
    """What users see of an algorithm: its label and the characters a body may hold.

    ``charset`` is ``None`` when the algorithm accepts any text (``none``).
    """

    label: str
    charset: str | None


class _Rule(NamedTuple):
    """Everything the module needs to know about one algorithm."""

    label: str
    charset: str | None
    charset_description: str
    check_charset: str
    check_length: int
    compute: object  # callable(body) -> str, called with a body already checked


def _luhn_check(body):
    """Luhn check digit: the body's rightmost digit is the first one doubled."""
    digits = body.encode("ascii")
    length = len(digits)
    doubled = digits[(length - 1) % 2 :: 2].translate(_LUHN_DOUBLED)
    kept = digits[length % 2 :: 2]
    return str(-(sum(doubled) + sum(kept) - _ASCII_ZERO * length) % 10)


def _gs1_mod10_check(body):
    """GS1 mod 10 (GTIN, SSCC, GLN): weights 3, 1, 3, ... from the rightmost body digit."""
    digits = body.encode("ascii")
    length = len(digits)
    tripled = digits[(length - 1) % 2 :: 2]
    kept = digits[length % 2 :: 2]
    # Byte sums count 48 (ord "0") per digit, hence the correction term.
    return str(-(3 * sum(tripled) + sum(kept) - _ASCII_ZERO * (2 * len(tripled) + length)) % 10)


def _mod97_10_check(body):
    """ISO 7064 MOD 97-10, two digits; plain integer arithmetic when the body is numeric."""
    if body.isdigit():
        return "%02d" % (98 - int(body + "00") % 97)
    return mod_97_10.calc_check_digits(body)


def _vin_check(body):
    """ISO 3779 check digit of a VIN given without it (16 characters)."""
    if len(body) != VIN_LENGTH - 1:
        raise CheckDigitError(
            "check_digits.vin_body_length", length=VIN_LENGTH - 1, body=body, got=len(body)
        )
    values = body.translate(_VIN_TRANSLITERATION).encode("ascii")
    total = sum(map(operator.mul, values, _VIN_WEIGHTS_WITHOUT_CHECK)) - _VIN_ZERO_OFFSET
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


_RULES = {
    "none": _Rule("No check character", None, "any characters", "", 0, lambda body: ""),
    "luhn": _Rule("Luhn (IMEI, payment cards)", DIGITS, "digits 0-9", DIGITS, 1, _luhn_check),
    "gs1_mod10": _Rule(
        "GS1 mod 10 (GTIN, SSCC)", DIGITS, "digits 0-9", DIGITS, 1, _gs1_mod10_check
    ),
    "iso7064_mod11_2": _Rule(
        "ISO 7064 MOD 11-2", DIGITS, "digits 0-9", DIGITS + "X", 1, mod_11_2.calc_check_digit
    ),
    "iso7064_mod37_36": _Rule(
        "ISO 7064 MOD 37-36",
        ALNUM_UPPER,
        "digits and capital letters A-Z",
        ALNUM_UPPER,
        1,
        mod_37_36.calc_check_digit,
    ),
    "iso7064_mod97_10": _Rule(
        "ISO 7064 MOD 97-10",
        ALNUM_UPPER,
        "digits and capital letters A-Z",
        DIGITS,
        2,
        _mod97_10_check,
    ),
    "vin": _Rule(
        "VIN (ISO 3779, position 9)",
        VIN_CHARSET,
        "digits and capital letters except I, O and Q",
        DIGITS + "X",
        1,
        _vin_check,
    ),
}

#: algorithm name -> (label, characters allowed in the body, None for any)
ALGORITHMS = {name: Algorithm(rule.label, rule.charset) for name, rule in _RULES.items()}

#: algorithm name -> characters a check character can be
CHECK_CHARSETS = {name: rule.check_charset for name, rule in _RULES.items()}


def _is_ascii_digits(text):
    # str.isdigit alone would accept other scripts' digits such as '٣' or '²'.
    return text.isascii() and text.isdigit()


# algorithm -> predicate telling whether a non-empty body uses only allowed characters
_ACCEPTS = {
    name: (
        _is_ascii_digits
        if rule.charset == DIGITS
        else re.compile("[%s]+" % re.escape(rule.charset)).fullmatch
    )
    for name, rule in _RULES.items()
    if rule.charset is not None
}


def _rule(algorithm):
    """The rule of ``algorithm``, or a CheckDigitError that lists the known names."""
    try:
        return _RULES[algorithm]
    except (KeyError, TypeError):
        raise CheckDigitError(
            "check_digits.unknown_algorithm", algorithm=algorithm, known=", ".join(_RULES)
        ) from None


def _require_text(value):
    if not isinstance(value, str):
        raise CheckDigitError("check_digits.not_text", value=value)


def _require_body(algorithm, rule, body):
    """Refuse bodies the algorithm cannot read, naming the first offending character."""
    _require_text(body)
    if not body:
        raise CheckDigitError("check_digits.empty_body", check_label=algorithm)
    if rule.charset is None or _ACCEPTS[algorithm](body):
        return
    index, char = next((i, c) for i, c in enumerate(body) if c not in rule.charset)
    raise CheckDigitError(
        "check_digits.body_charset",
        check_label=algorithm,
        check_charset=algorithm,
        body=body,
        char=char,
        position=index + 1,
    )


def check_length(algorithm):
    """Number of check characters ``algorithm`` adds (0, 1, or 2 for MOD 97-10)."""
    return _rule(algorithm).check_length


def compute_check(algorithm, body):
    """Check character(s) for ``body``, a number given without them.

    For ``vin`` the body is the 16 characters of the VIN other than position 9.
    ``none`` always gives the empty string.
    """
    rule = _rule(algorithm)
    if not rule.check_length:
        _require_text(body)
        return ""
    _require_body(algorithm, rule, body)
    return rule.compute(body)


def with_check(algorithm, body):
    """The complete number: ``body`` with its check character(s) where they belong."""
    check = compute_check(algorithm, body)
    if algorithm == "vin":
        return body[:VIN_CHECK_INDEX] + check + body[VIN_CHECK_INDEX:]
    return body + check


def split_check(algorithm, full):
    """``(body, check)`` of a complete number, without judging whether the check is right."""
    rule = _rule(algorithm)
    _require_text(full)
    if algorithm == "vin":
        if len(full) != VIN_LENGTH:
            raise CheckDigitError(
                "check_digits.vin_length", length=VIN_LENGTH, value=full, got=len(full)
            )
        # Checked on the whole VIN so that the position named is the one the user sees.
        _require_body(algorithm, rule, full)
        return (
            full[:VIN_CHECK_INDEX] + full[VIN_CHECK_INDEX + 1 :],
            full[VIN_CHECK_INDEX],
        )
    if not rule.check_length:
        return full, ""
    if len(full) <= rule.check_length:
        raise CheckDigitError("check_digits.too_short", value=full, count=rule.check_length)
    return full[: -rule.check_length], full[-rule.check_length :]


def expected_check(algorithm, full):
    """What the check character(s) of ``full`` should be, computed from its body."""
    body, _check = split_check(algorithm, full)
    return compute_check(algorithm, body)


def is_valid(algorithm, full):
    """Whether ``full`` carries the right check character(s).

    Text the algorithm cannot read (a letter in a Luhn number, a short VIN) is simply
    not valid; only an unknown algorithm raises, because that is a configuration error.
    """
    return validity_checker(algorithm)(full)


def validity_checker(algorithm):
    """A function ``full -> bool`` equivalent to ``is_valid(algorithm, full)``.

    Batches call it once per value, so the algorithm is looked up only once.
    """
    _rule(algorithm)
    return _CHECKERS[algorithm]


def _make_checker(algorithm, rule):
    length = rule.check_length
    accepts = _ACCEPTS.get(algorithm)
    compute = rule.compute

    def is_text(full):
        return isinstance(full, str)

    def is_valid_vin(full):
        try:
            body, check = split_check(algorithm, full)
        except CheckDigitError:
            return False
        return compute(body) == check

    def is_valid_appended(full):
        # split_check and compute_check inlined: this runs once per value of a batch.
        if not isinstance(full, str) or len(full) <= length:
            return False
        body = full[:-length]
        return bool(accepts(body)) and compute(body) == full[-length:]

    if not length:
        return is_text
    return is_valid_vin if algorithm == "vin" else is_valid_appended


_CHECKERS = {name: _make_checker(name, rule) for name, rule in _RULES.items()}

messages.register(
    SENTENCES,
    {
        "check_label": {name: rule.label for name, rule in _RULES.items()},
        "check_charset": {name: rule.charset_description for name, rule in _RULES.items()},
    },
)


def wrong_check_code(expected):
    """The sentence code of a wrong check of ``expected`` characters."""
    return "check_digits.wrong_check" if len(expected) == 1 else "check_digits.wrong_checks"


def validate(algorithm, full):
    """Return ``full`` if its check character(s) are right, else raise CheckDigitError."""
    expected = expected_check(algorithm, full)
    _body, check = split_check(algorithm, full)
    if check != expected:
        raise CheckDigitError(wrong_check_code(expected), value=full, expected=expected)
    return full
