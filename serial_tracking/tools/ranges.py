"""Ranges of serial numbers: prefix + zero-padded number + optional suffix.

``SN000001``-``SN005000`` is one ``Range("SN", 1, 5000, 6)``. The counter is the last
run of digits of a number; what precedes it is the prefix, what follows it the suffix.
Numbers of different zero padding never share a range (``SN9`` and ``SN10`` are two
ranges), so that every number of a range reads back to the same range.

When the numbers carry check characters, pass the rule's ``check_algorithm``: the
counter is read from the body, and check characters are recomputed on expansion.

- ``compress(values)``: the fewest ranges that hold exactly ``values``;
- ``format_ranges(ranges)``: ``"SN000001–SN005000, SN005002"``;
- ``parse_range_expression(text)``: what users type, ``"SN0001-SN0100; SN0200..SN0250 X7"``;
- ``expand(ranges)``: back to the numbers, with a limit;
- ``gaps(first, last, present)``: the numbers of ``first``-``last`` that are not present;
- ``merge_ranges(ranges)``: overlapping and adjacent ranges joined.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from . import check_digits, messages

DEFAULT_LIMIT = 100_000
EN_DASH = "\u2013"
EM_DASH = "\u2014"

# Operators that always mean a range; ".." first, so that "..." is not read as "." twice.
_EXPLICIT_OPERATORS = ("..", EN_DASH, EM_DASH)
# A hyphen also appears inside serial numbers (2024-000123), so it is read with care.
_OPERATORS = (*_EXPLICIT_OPERATORS, "-")

#: Longest serial number an expression may hold (GS1's serial AI 21 allows 20): a longer
#: item is refused before any work, so no text costs more than its length to read.
MAX_SERIAL_LENGTH = 256
_MAX_ITEM_LENGTH = 2 * MAX_SERIAL_LENGTH + len("..")
# Items of an expression are separated by commas, semicolons and any white space.
_WORD = re.compile(r"[^\s,;]+")
_SOFT_GAP = re.compile(r"[ \t]+")
_ASCII_DIGITS = frozenset("0123456789")


class RangeError(messages.CodedError):
    """Bad range or range expression; ``position`` is a 0-based index in the text."""

    def __init__(self, code, position=None, **params):
        self.position = position
        super().__init__(code, **params)

    def _framed(self, problem):
        if self.position is None:
            return problem
        return messages.Message(
            "ranges.at_character", {"problem": problem, "character": self.position + 1}
        )


# The sentences of RangeError, by code (see ``messages``).
SENTENCES = {
    "ranges.at_character": "%(problem)s (at character %(character)s)",
    "ranges.affixes_not_text": "prefix and suffix are text: %(prefix)r, %(suffix)r",
    "ranges.start_invalid": "start must be a whole number of 0 or more, not %(number)r",
    "ranges.end_invalid": "end must be a whole number of 0 or more, not %(number)r",
    "ranges.width_invalid": "width must be a whole number of 0 or more, not %(number)r",
    "ranges.verbatim": "a single verbatim value has start = end = 0 and no suffix",
    "ranges.range_backwards": "range %(range)s: runs backwards; write the lower number first",
    "ranges.too_many_digits": "%(end)s has more than %(width)s digits",
    "ranges.digit_affixes": "the prefix %(prefix)r must not end with a digit and the suffix "
    "%(suffix)r must hold none",
    "ranges.serial_not_text": "serial numbers are text, not %(value)r",
    "ranges.over_limit": "the ranges hold %(total)s serial numbers, more than the limit of "
    "%(limit)s",
    "ranges.expression_not_text": "a range expression is text, not %(text)r",
    "ranges.item_too_long": "%(start)s…: an item of %(length)s characters is longer than the "
    "limit of %(limit)s (two serial numbers of %(serial_limit)s and an "
    "operator)",
    "ranges.expression_over_limit": "the expression holds more than %(limit)s serial numbers; "
    "split it up",
    "ranges.nothing_before": "%(word)r has no serial number before it",
    "ranges.nothing_after": "%(word)r has no serial number after it",
    "ranges.ends_open": "%(word)r ends a range with no serial number after it",
    "ranges.two_operators": "%(word)r holds more than one range operator",
    "ranges.ambiguous": "%(word)r can be read as several ranges; write it with '..' between "
    "the first and the last number",
    "ranges.serial_too_long": "%(start)s…: a serial number of %(length)s characters is longer "
    "than the limit of %(limit)s",
    "ranges.check_format": "%(value)s: %(error)s",
    "ranges.operator_in_end": "%(value)r holds a range operator; write a range as first..last",
    "ranges.no_counter": "%(value)r has no number to count from",
    "ranges.prefixes_differ": "%(shown)s: the ends have different prefixes (%(prefix)r and "
    "%(other)r)",
    "ranges.suffixes_differ": "%(shown)s: the ends have different suffixes (%(suffix)r and "
    "%(other)r)",
    "ranges.widths_differ": "%(shown)s: the numbers have %(first)s and %(last)s digits; write "
    "both ends with the same zero padding",
    "ranges.backwards": "%(shown)s: runs backwards; write the lower number first",
    "ranges.not_one_number": "%(serial)s is not one number to count on from",
    "ranges.no_digits": "%(serial)s has no digits to count on from",
}
messages.register(SENTENCES)


@dataclass(frozen=True, slots=True)
class Range:
    """Consecutive serial numbers ``prefix + number padded to width + suffix``.

    A ``width`` of 0 marks a single number kept verbatim in ``prefix`` because it has no
    counter (``X``) or, with a check algorithm, no valid check character.
    """

    prefix: str
    start: int
    end: int
    width: int
    suffix: str = ""

    def __post_init__(self):
        if not isinstance(self.prefix, str) or not isinstance(self.suffix, str):
            raise RangeError("ranges.affixes_not_text", prefix=self.prefix, suffix=self.suffix)
        for name in ("start", "end", "width"):
            number = getattr(self, name)
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise RangeError(f"ranges.{name}_invalid", number=number)
        if self.width == 0:
            if self.start or self.end or self.suffix or not self.prefix:
                raise RangeError("ranges.verbatim")
            return
        if self.start > self.end:
            raise RangeError("ranges.range_backwards", range=str(self))
        if self.end >= 10**self.width:
            raise RangeError("ranges.too_many_digits", end=self.end, width=self.width)
        if self.prefix[-1:] in _ASCII_DIGITS or not _ASCII_DIGITS.isdisjoint(self.suffix):
            # Otherwise "SN1" + "05" would read back as "SN" + "105".
            raise RangeError("ranges.digit_affixes", prefix=self.prefix, suffix=self.suffix)

    @classmethod
    def single(cls, value):
        """A one-number range holding ``value`` verbatim."""
        return cls(value, 0, 0, 0)

    @property
    def is_verbatim(self):
        return self.width == 0

    @property
    def key(self):
        """What numbers of one range share: ``(prefix, width, suffix)``."""
        return self.prefix, self.width, self.suffix

    def __len__(self):
        return self.end - self.start + 1

    def __str__(self):
        return format_ranges([self])

    def number(self, counter, check_algorithm="none"):
        """The serial number of ``counter`` in this range."""
        if self.is_verbatim:
            return self.prefix
        body = f"{self.prefix}{counter:0{self.width}d}{self.suffix}"
        return check_digits.with_check(check_algorithm, body)

    def first(self, check_algorithm="none"):
        return self.number(self.start, check_algorithm)

    def last(self, check_algorithm="none"):
        return self.number(self.end, check_algorithm)

    def values(self, check_algorithm="none"):
        """All serial numbers of the range, in order."""
        if self.is_verbatim:
            return [self.prefix]
        template = "%s%%0%dd%s" % (
            self.prefix.replace("%", "%%"),
            self.width,
            self.suffix.replace("%", "%%"),
        )
        bodies = [template % counter for counter in range(self.start, self.end + 1)]
        if check_algorithm == "none":
            return bodies
        return list(map(partial(check_digits.with_check, check_algorithm), bodies))


def _sort_key(serial_range):
    return serial_range.prefix, serial_range.suffix, serial_range.width, serial_range.start


def split_serial(value, check_algorithm="none"):
    """``(prefix, digits, suffix)`` of a serial number, or None if it has no counter.

    With a check algorithm the counter is read from the body, and a number whose check
    character is wrong has none.
    """
    if not isinstance(value, str):
        return None
    body = value
    if check_algorithm != "none":
        if not check_digits.is_valid(check_algorithm, value):
            return None
        body, _check = check_digits.split_check(check_algorithm, value)
    return _split_counter(body)


def _split_counter(body):
    """``(prefix, digits, suffix)`` around the last run of ASCII digits, or None.

    Read from the end in one pass: a regular expression such as
    ``(.*?)([0-9]+)([^0-9]*)`` backtracks over every run of digits, in quadratic time.
    """
    end = len(body)
    while end and body[end - 1] not in _ASCII_DIGITS:
        end -= 1
    if not end:
        return None
    start = end - 1
    while start and body[start - 1] in _ASCII_DIGITS:
        start -= 1
    return body[:start], body[start:end], body[end:]


def _runs(sorted_numbers):
    """``(first, last)`` of each run of consecutive numbers in a sorted sequence."""
    iterator = iter(sorted_numbers)
    first = last = next(iterator, None)
    if first is None:
        return
    for number in iterator:
        if number != last + 1:
            yield first, last
            first = number
        last = number
    yield first, last


def compress(values, check_algorithm="none"):
    """The fewest ranges that hold exactly the distinct ``values``, sorted.

    Values without a counter (or, with a check algorithm, with a wrong check character)
    come back as single verbatim ranges.
    """
    counters = defaultdict(set)
    verbatim = set()
    for value in values:
        if not isinstance(value, str):
            raise RangeError("ranges.serial_not_text", value=value)
        parts = split_serial(value, check_algorithm)
        if parts is None:
            verbatim.add(value)
            continue
        prefix, digits, suffix = parts
        counters[prefix, len(digits), suffix].add(int(digits))
    ranges = [Range.single(value) for value in verbatim]
    for (prefix, width, suffix), numbers in counters.items():
        ranges.extend(
            Range(prefix, first, last, width, suffix) for first, last in _runs(sorted(numbers))
        )
    ranges.sort(key=_sort_key)
    return ranges


def merge_ranges(ranges):
    """The same numbers as ``ranges``, with overlapping and adjacent ranges joined."""
    spans = defaultdict(list)
    verbatim = set()
    for serial_range in ranges:
        if serial_range.is_verbatim:
            verbatim.add(serial_range.prefix)
        else:
            spans[serial_range.key].append((serial_range.start, serial_range.end))
    merged = [Range.single(value) for value in verbatim]
    for (prefix, width, suffix), pairs in spans.items():
        pairs.sort()
        first, last = pairs[0]
        for start, end in pairs[1:]:
            if start > last + 1:
                merged.append(Range(prefix, first, last, width, suffix))
                first = start
            last = max(last, end)
        merged.append(Range(prefix, first, last, width, suffix))
    merged.sort(key=_sort_key)
    return merged


def format_ranges(ranges, check_algorithm="none", separator=", "):
    """Ranges as people read them: ``"SN000001–SN005000, SN005002"`` (en dash)."""
    parts = []
    for serial_range in ranges:
        first = serial_range.first(check_algorithm)
        if len(serial_range) == 1:
            parts.append(first)
        else:
            parts.append(f"{first}{EN_DASH}{serial_range.last(check_algorithm)}")
    return separator.join(parts)


def expand(ranges, limit=DEFAULT_LIMIT, check_algorithm="none"):
    """All serial numbers of ``ranges``, range after range.

    Refuses to build more than ``limit`` numbers (None: no limit). Overlapping ranges
    give repeated numbers; ``merge_ranges`` first if that matters.
    """
    total = sum(len(serial_range) for serial_range in ranges)
    if limit is not None and total > limit:
        raise RangeError("ranges.over_limit", total=total, limit=limit)
    values = []
    for serial_range in ranges:
        values.extend(serial_range.values(check_algorithm))
    return values


def gaps(range_start, range_end, present_values, check_algorithm="none"):
    """The numbers from ``range_start`` to ``range_end`` missing from ``present_values``.

    Present values outside the range, or of another prefix, width or suffix, are ignored.
    """
    whole = _range_between(range_start, None, range_end, None, check_algorithm)
    present = set()
    for value in present_values:
        parts = split_serial(value, check_algorithm)
        if parts is not None and (parts[0], len(parts[1]), parts[2]) == whole.key:
            counter = int(parts[1])
            if whole.start <= counter <= whole.end:
                present.add(counter)
    missing = []
    cursor = whole.start
    for counter in sorted(present):
        if counter > cursor:
            missing.append(Range(whole.prefix, cursor, counter - 1, whole.width, whole.suffix))
        cursor = counter + 1
    if cursor <= whole.end:
        missing.append(Range(whole.prefix, cursor, whole.end, whole.width, whole.suffix))
    return missing


# ---------------------------------------------------------------------------
# Range expressions
# ---------------------------------------------------------------------------


def parse_range_expression(text, limit=DEFAULT_LIMIT, check_algorithm="none", hyphen_is_range=True):
    """The ranges of an expression typed or pasted by a user, in the order written.

    Items are separated by commas, semicolons, new lines or spaces. A range is written
    ``A..B``, ``A–B`` or ``A - B``; ``A-B`` without spaces is a range only when both
    sides are numbers of the same prefix, width and suffix in ascending order, and
    otherwise one serial number that contains a hyphen (``2024-000123``). Set
    ``hyphen_is_range=False`` when the rule's numbers can look like ``0001-0002``.

    Raises RangeError with the position of the first bad item: ends with different
    prefixes, suffixes or widths, a range that runs backwards, a wrong check character,
    or more than ``limit`` numbers in all.
    """
    if not isinstance(text, str):
        raise RangeError("ranges.expression_not_text", text=text)
    check_digits.check_length(check_algorithm)  # refuses unknown names before any work
    ranges = []
    total = 0
    for position, left, right_position, right in _items(text):
        if len(left) > _MAX_ITEM_LENGTH:  # bounds the hyphens tried in _parse_word
            raise RangeError(
                "ranges.item_too_long",
                position,
                start=left[:20],
                length=len(left),
                limit=_MAX_ITEM_LENGTH,
                serial_limit=MAX_SERIAL_LENGTH,
            )
        if right is None:
            serial_range = _parse_word(left, position, check_algorithm, hyphen_is_range)
        else:
            serial_range = _range_between(left, position, right, right_position, check_algorithm)
        total += len(serial_range)
        if limit is not None and total > limit:
            raise RangeError("ranges.expression_over_limit", position, limit=limit)
        ranges.append(serial_range)
    return ranges


def _items(text):
    """``(position, left, right_position, right)`` per item; ``right`` None for one word.

    Joins ``A - B``, ``A -B`` and ``A- B`` (and the same with the other operators) into
    one range item, but never across a comma, a semicolon or a line break.
    """
    words = [(match.start(), match.group()) for match in _WORD.finditer(text)]

    def soft_gap(index):
        """Whether words[index] and words[index + 1] are on one line, spaces apart."""
        if index + 1 >= len(words):
            return False
        end = words[index][0] + len(words[index][1])
        return bool(_SOFT_GAP.fullmatch(text, end, words[index + 1][0]))

    index = 0
    while index < len(words):
        position, word = words[index]
        if word in _OPERATORS:
            raise RangeError("ranges.nothing_before", position, word=word)
        after = _trailing_operator(word)
        if after and soft_gap(index):
            next_position, next_word = words[index + 1]
            yield position, word[: -len(after)], next_position, next_word
            index += 2
        elif soft_gap(index) and words[index + 1][1] in _OPERATORS:
            operator_position, operator = words[index + 1]
            if not soft_gap(index + 1):
                raise RangeError("ranges.nothing_after", operator_position, word=operator)
            yield position, word, words[index + 2][0], words[index + 2][1]
            index += 3
        elif soft_gap(index) and _leading_operator(words[index + 1][1]):
            next_position, next_word = words[index + 1]
            cut = len(_leading_operator(next_word))
            yield position, word, next_position + cut, next_word[cut:]
            index += 2
        else:
            if _trailing_operator(word) in _EXPLICIT_OPERATORS:
                raise RangeError("ranges.ends_open", position, word=word)
            yield position, word, None, None
            index += 1


def _trailing_operator(word):
    return next((op for op in _OPERATORS if word.endswith(op) and len(word) > len(op)), None)


def _leading_operator(word):
    return next((op for op in _OPERATORS if word.startswith(op) and len(word) > len(op)), None)


def _parse_word(word, position, check_algorithm, hyphen_is_range):
    """The Range that one word without spaces stands for."""
    for operator in _EXPLICIT_OPERATORS:
        if operator in word:
            left, separator, right = word.partition(operator)
            if any(other in right for other in _EXPLICIT_OPERATORS):
                raise RangeError("ranges.two_operators", position, word=word)
            right_position = position + len(left) + len(separator)
            return _range_between(left, position, right, right_position, check_algorithm)
    if hyphen_is_range and "-" in word:
        candidates = [
            found
            for index, char in enumerate(word)
            if char == "-"
            and (found := _hyphen_range(word[:index], word[index + 1 :], check_algorithm))
        ]
        if len(candidates) > 1:
            raise RangeError("ranges.ambiguous", position, word=word)
        if candidates:
            return candidates[0]
    return _single(word, position, check_algorithm)


def _hyphen_range(left, right, check_algorithm):
    """The range ``left-right`` if both ends make a proper range, else None."""
    left_parts = split_serial(left, check_algorithm)
    right_parts = split_serial(right, check_algorithm)
    if left_parts is None or right_parts is None:
        return None
    (prefix, first, suffix), (right_prefix, last, right_suffix) = left_parts, right_parts
    if (prefix, len(first), suffix) != (right_prefix, len(last), right_suffix):
        return None
    if int(first) > int(last):
        return None
    return Range(prefix, int(first), int(last), len(first), suffix)


def _check_length(value, position):
    if len(value) > MAX_SERIAL_LENGTH:
        raise RangeError(
            "ranges.serial_too_long",
            position,
            start=value[:20],
            length=len(value),
            limit=MAX_SERIAL_LENGTH,
        )


def _single(value, position, check_algorithm):
    """The one-number range of ``value``, refusing a wrong check character."""
    _check_length(value, position)
    _require_check(value, position, check_algorithm)
    parts = split_serial(value, check_algorithm)
    if parts is None:
        return Range.single(value)
    prefix, digits, suffix = parts
    return Range(prefix, int(digits), int(digits), len(digits), suffix)


def _require_check(value, position, check_algorithm):
    if check_algorithm == "none" or check_digits.is_valid(check_algorithm, value):
        return
    try:
        expected = check_digits.expected_check(check_algorithm, value)
    except check_digits.CheckDigitError as error:
        raise RangeError("ranges.check_format", position, value=value, error=error) from None
    raise RangeError("check_digits.wrong_check", position, value=value, expected=expected)


def _range_between(left, left_position, right, right_position, check_algorithm):
    """The range from ``left`` to ``right``; both ends must agree on everything but the
    number, and the first must not come after the last."""
    ends = []
    for value, position in ((left, left_position), (right, right_position)):
        _check_length(value, position)
        # "0000..- 0001..": an end holding an operator could never be read back
        if any(operator in value for operator in _EXPLICIT_OPERATORS):
            raise RangeError("ranges.operator_in_end", position, value=value)
        _require_check(value, position, check_algorithm)
        parts = split_serial(value, check_algorithm)
        if parts is None:
            raise RangeError("ranges.no_counter", position, value=value)
        ends.append(parts)
    (prefix, first, suffix), (right_prefix, last, right_suffix) = ends
    shown = f"{left}{EN_DASH}{right}"
    if prefix != right_prefix:
        raise RangeError(
            "ranges.prefixes_differ", left_position, shown=shown, prefix=prefix, other=right_prefix
        )
    if suffix != right_suffix:
        raise RangeError(
            "ranges.suffixes_differ", left_position, shown=shown, suffix=suffix, other=right_suffix
        )
    if len(first) != len(last):
        raise RangeError(
            "ranges.widths_differ", right_position, shown=shown, first=len(first), last=len(last)
        )
    if int(first) > int(last):
        raise RangeError("ranges.backwards", left_position, shown=shown)
    return Range(prefix, int(first), int(last), len(first), suffix)
