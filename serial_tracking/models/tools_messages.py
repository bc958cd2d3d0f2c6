"""The sentences of the Odoo-free core, in the reader's language.

The errors and problems of ``tools/`` carry a code and parameters (``tools/messages.py``).
This file holds a translatable copy of every sentence of the core (a test keeps both the
same), so that Odoo's translation export finds them, and renders a core message with
``env``'s language: use :func:`translate` wherever such a message reaches a user.
"""

from odoo.tools.translate import LazyTranslate

from ..tools import (
    check_digits,
    digital_link,
    gs1,
    label_symbols,
    lifecycle,
    messages,
    numbering,
    ranges,
)
from ..tools import recall as recall_tools

_lt = LazyTranslate(__name__)

# The sentences of ``tools.messages.SENTENCES``, marked for translation.
SENTENCES = {
    "check_digits.vin_body_length": _lt(
        "a VIN without its check digit has %(length)s characters, %(body)r has %(got)s"
    ),
    "check_digits.unknown_algorithm": _lt(
        "unknown check algorithm %(algorithm)r; use one of: %(known)s"
    ),
    "check_digits.not_text": _lt("check characters are computed on text, not on %(value)r"),
    "check_digits.empty_body": _lt(
        "%(check_label)s: there is nothing to compute a check character on"
    ),
    "check_digits.body_charset": _lt(
        "%(check_label)s accepts %(check_charset)s only; %(body)r has %(char)r at position "
        "%(position)s"
    ),
    "check_digits.vin_length": _lt("a VIN has %(length)s characters, %(value)r has %(got)s"),
    "check_digits.too_short": _lt(
        "%(value)r is too short to carry %(count)s check character(s) after a number"
    ),
    "check_digits.wrong_check": _lt("%(value)s: check character should be %(expected)s"),
    "check_digits.wrong_checks": _lt("%(value)s: check characters should be %(expected)s"),
    "numbering.pattern": _lt(
        "serial number pattern %(pattern)r, character %(character)s: %(problem)s"
    ),
    "numbering.seq_width": _lt("the width of {SEQ:n} must be 1 to %(max)s digits, not %(width)s"),
    "numbering.seq_no_width": _lt("{SEQ} needs a width, e.g. {SEQ:6} for 000001"),
    "numbering.capitals": _lt("tokens are written in capitals: {%(token)s}"),
    "numbering.unknown_token": _lt(
        "unknown token {%(token)s}; use one of %(known)s, or {{ and }} for literal braces"
    ),
    "numbering.unopened_brace": _lt("'}' closes no token; write '}}' for a literal brace"),
    "numbering.unclosed_brace": _lt(
        "'{' opens a token that is never closed; write '{{' for a literal brace"
    ),
    "numbering.control_in_pattern": _lt(
        "invisible or control character U+%(codepoint)s is not allowed in serial numbers"
    ),
    "numbering.empty_pattern": _lt("the pattern is empty"),
    "numbering.no_sequence": _lt(
        "the pattern needs a sequence {SEQ:n}, otherwise every number is the same"
    ),
    "numbering.two_sequences": _lt("only one {SEQ:n} is allowed"),
    "numbering.check_not_last": _lt(
        "{CHECK} must be the last token: it is computed over everything before it"
    ),
    "numbering.vin_position": _lt(
        "a VIN check digit goes after the 8th character: the text before it must be literal text "
        "or fixed-width tokens ending exactly there"
    ),
    "numbering.pattern_not_text": _lt("a pattern is text"),
    "numbering.cannot_carry_check": _lt(
        "pattern %(pattern)r cannot carry a %(algorithm)s check character: %(error)s"
    ),
    "numbering.sequence_number_invalid": _lt(
        "the sequence number must be a whole number of 0 or more: %(number)r"
    ),
    "numbering.count_invalid": _lt("the count must be a whole number of 0 or more: %(number)r"),
    "numbering.sequence_too_big": _lt(
        "sequence number %(last)s does not fit in {SEQ:%(width)s} of pattern %(pattern)r; the "
        "largest is %(max)s"
    ),
    "numbering.needs_date": _lt("pattern %(pattern)r needs a date, got %(date)r"),
    "numbering.needs_warehouse": _lt(
        "pattern %(pattern)r uses {WH} but no warehouse code was given"
    ),
    "numbering.needs_reference": _lt(
        "pattern %(pattern)r uses {REF} but the product has no internal reference"
    ),
    "numbering.check_without_algorithm": _lt(
        "pattern %(pattern)r ends with {CHECK} but the check algorithm is 'none'; choose an "
        "algorithm or remove {CHECK}"
    ),
    "numbering.algorithm_without_check": _lt(
        "the check algorithm is %(algorithm)r but pattern %(pattern)r has no {CHECK}; add {CHECK} "
        "at its end"
    ),
    "numbering.unknown_charset": _lt("unknown charset %(charset)r; use one of: %(known)s"),
    "numbering.lengths": _lt(
        "lengths must satisfy 1 <= min_len <= max_len, got %(min)s and %(max)s"
    ),
    "numbering.spec_algorithm": _lt("%(error)s"),
    "numbering.invalid_regex": _lt("invalid regex %(regex)r: %(error)s"),
    "numbering.type": _lt("%(value)r: a serial number must be text"),
    "numbering.empty": _lt("(empty): a serial number cannot be empty"),
    "numbering.control": _lt(
        "%(value)r: invisible or control character U+%(codepoint)s at position %(position)s"
    ),
    "numbering.spaces": _lt("%(value)r: starts or ends with a space"),
    "numbering.charset": _lt(
        "%(value)s: %(char)r at position %(position)s is not allowed; use %(charset_label)s"
    ),
    "numbering.length_exact": _lt("%(value)s: has %(length)s characters, needs %(min)s"),
    "numbering.length_min": _lt("%(value)s: has %(length)s characters, needs at least %(min)s"),
    "numbering.length_max": _lt("%(value)s: has %(length)s characters, allows at most %(max)s"),
    "numbering.format": _lt("%(value)s: does not match the expected format %(format)s"),
    "numbering.check_format": _lt("%(value)s: %(error)s"),
    "numbering.duplicate": _lt(
        "%(value)s: duplicate of %(value)s in this batch (line %(first_line)s)"
    ),
    "numbering.exists": _lt("%(value)s: already exists"),
    "ranges.at_character": _lt("%(problem)s (at character %(character)s)"),
    "ranges.affixes_not_text": _lt("prefix and suffix are text: %(prefix)r, %(suffix)r"),
    "ranges.start_invalid": _lt("start must be a whole number of 0 or more, not %(number)r"),
    "ranges.end_invalid": _lt("end must be a whole number of 0 or more, not %(number)r"),
    "ranges.width_invalid": _lt("width must be a whole number of 0 or more, not %(number)r"),
    "ranges.verbatim": _lt("a single verbatim value has start = end = 0 and no suffix"),
    "ranges.range_backwards": _lt("range %(range)s: runs backwards; write the lower number first"),
    "ranges.too_many_digits": _lt("%(end)s has more than %(width)s digits"),
    "ranges.digit_affixes": _lt(
        "the prefix %(prefix)r must not end with a digit and the suffix %(suffix)r must hold none"
    ),
    "ranges.serial_not_text": _lt("serial numbers are text, not %(value)r"),
    "ranges.over_limit": _lt(
        "the ranges hold %(total)s serial numbers, more than the limit of %(limit)s"
    ),
    "ranges.expression_not_text": _lt("a range expression is text, not %(text)r"),
    "ranges.item_too_long": _lt(
        "%(start)s…: an item of %(length)s characters is longer than the limit of %(limit)s (two "
        "serial numbers of %(serial_limit)s and an operator)"
    ),
    "ranges.expression_over_limit": _lt(
        "the expression holds more than %(limit)s serial numbers; split it up"
    ),
    "ranges.nothing_before": _lt("%(word)r has no serial number before it"),
    "ranges.nothing_after": _lt("%(word)r has no serial number after it"),
    "ranges.ends_open": _lt("%(word)r ends a range with no serial number after it"),
    "ranges.two_operators": _lt("%(word)r holds more than one range operator"),
    "ranges.ambiguous": _lt(
        "%(word)r can be read as several ranges; write it with '..' between the first and the "
        "last number"
    ),
    "ranges.serial_too_long": _lt(
        "%(start)s…: a serial number of %(length)s characters is longer than the limit of %(limit)s"
    ),
    "ranges.check_format": _lt("%(value)s: %(error)s"),
    "ranges.operator_in_end": _lt("%(value)r holds a range operator; write a range as first..last"),
    "ranges.no_counter": _lt("%(value)r has no number to count from"),
    "ranges.prefixes_differ": _lt(
        "%(shown)s: the ends have different prefixes (%(prefix)r and %(other)r)"
    ),
    "ranges.suffixes_differ": _lt(
        "%(shown)s: the ends have different suffixes (%(suffix)r and %(other)r)"
    ),
    "ranges.widths_differ": _lt(
        "%(shown)s: the numbers have %(first)s and %(last)s digits; write both ends with the same "
        "zero padding"
    ),
    "ranges.backwards": _lt("%(shown)s: runs backwards; write the lower number first"),
    "ranges.not_one_number": _lt("%(serial)s is not one number to count on from"),
    "ranges.no_digits": _lt("%(serial)s has no digits to count on from"),
    "gs1.of_ai": _lt("AI %(ai)s: %(problem)s"),
    "gs1.of_ai_at": _lt("AI %(ai)s at position %(position)s: %(problem)s"),
    "gs1.unknown_ai": _lt("unknown AI %(ai)s"),
    "gs1.not_gtin": _lt("%(value)r is not a GTIN: expected 8, 12, 13 or 14 digits"),
    "gs1.wrong_check": _lt("check digit should be %(expected)s, got %(got)s"),
    "gs1.bad_month": _lt("%(value)s is not a valid date (month %(month)s)"),
    "gs1.day_zero": _lt("%(value)s is not a valid date (day 00 is not allowed for AI %(ai)s)"),
    "gs1.bad_day": _lt("%(value)s is not a valid date (%(year)s-%(month)s has %(days)s days)"),
    "gs1.bad_hour": _lt("%(value)s is not a valid time (hour %(hour)s)"),
    "gs1.bad_minute": _lt("%(value)s is not a valid time (minute %(minute)s)"),
    "gs1.first_digit_zero": _lt("the first digit must be 0, got %(value)s"),
    "gs1.bad_piece": _lt("piece %(piece)s of %(total)s is not a valid piece of a total"),
    "gs1.offset": _lt("offset %(index)s"),
    "gs1.position": _lt("position %(position)s"),
    "gs1.expected_digit": _lt("expected a digit at %(where)s, got %(char)r"),
    "gs1.not_cset82": _lt("%(char)r at %(where)s is not in GS1 character set 82"),
    "gs1.length": _lt("expected %(expected)s, got %(length)s"),
    "gs1.length_fnc1": _lt("expected %(expected)s, got %(length)s (missing FNC1 separator?)"),
    "gs1.length_none": _lt("expected %(expected)s, got none"),
    "gs1.digits": _lt("%(count)s digits"),
    "gs1.characters": _lt("%(count)s characters"),
    "gs1.digits_between": _lt("%(min)s to %(max)s digits"),
    "gs1.characters_between": _lt("%(min)s to %(max)s characters"),
    "gs1.followed_by": _lt("%(first)s followed by %(then)s"),
    "gs1.optionally_followed_by": _lt("%(first)s optionally followed by %(then)s"),
    "gs1.year_window": _lt(
        "year %(year)s cannot be written with two digits (GS1 window %(first)s-%(last)s)"
    ),
    "gs1.given_twice": _lt("given twice with different values (%(first)r, then %(then)r)"),
    "gs1.exclusive": _lt("cannot be used together with AI %(other)s"),
    "gs1.nothing_to_build": _lt("there is no element string to build"),
    "gs1.bad_symbology": _lt(
        "invalid symbology identifier %(identifier)r at position %(position)s"
    ),
    "gs1.not_gs1_format": _lt(
        "ISO/IEC 15434 format %(format)r at position %(position)s does not carry GS1 data"
    ),
    "gs1.expected_ai": _lt("expected an AI at position %(position)s, got %(char)r"),
    "gs1.incomplete_ai": _lt("incomplete AI %(ai_text)r at position %(position)s"),
    "gs1.unknown_ai_at": _lt("unknown AI %(ai)s at position %(position)s"),
    "gs1.expected_tag": _lt("expected '(' and an AI at position %(position)s"),
    "gs1.bare_gtin": _lt("expected %(digits)s digits after %(symbology)s, got %(value)r"),
    "gs1.nothing_to_read": _lt("there is no GS1 data to read"),
    "recall.already": _lt("%(serial)s is already %(new_status)s; choose another status."),
    "recall.cannot_change": _lt(
        "%(serial)s cannot go from %(old_status)s to %(new_status)s; allowed: %(allowed_statuses)s."
    ),
    "recall.status_final": _lt(
        "%(serial)s cannot go from %(old_status)s to %(new_status)s; its status is final."
    ),
    "recall.needs_reason": _lt("%(serial)s: marking it %(new_status)s needs a reason; give one."),
    "recall.no_criteria": _lt(
        "The recall has no criteria: choose products, lots, serial ranges, a supplier, a "
        "date window or component lots."
    ),
    "recall.supplier_window_needs_supplier": _lt(
        "A supplier date window needs a supplier: choose the supplier whose deliveries are "
        "affected."
    ),
    "recall.window_backwards": _lt(
        "%(window)s: the window starts after it ends (%(date_from)s > %(date_to)s); swap the dates."
    ),
    "recall.supplier_window": _lt("Supplier window"),
    "recall.produced_window": _lt("Produced/received window"),
    "digital_link.gs1": _lt("%(error)s"),
    "digital_link.bad_resolver": _lt("%(resolver)r is not a resolver address such as %(default)s"),
    "digital_link.not_primary_key": _lt("AI %(ai)s is not a primary key of these data"),
    "digital_link.needs_primary_key": _lt(
        "a Digital Link needs a primary key, one of AIs %(keys)s"
    ),
    "digital_link.stray_qualifier": _lt(
        "AI %(ai)s is a key qualifier that cannot follow primary key AI %(primary)s"
    ),
    "digital_link.bad_extension_name": _lt(
        "%(name)r cannot name an extension: it is empty or an AI"
    ),
    "digital_link.extension_not_unicode": _lt("extension %(name)r is not valid Unicode text"),
    "digital_link.malformed_percent": _lt("%(what)s: malformed percent-encoding %(escape)r"),
    "digital_link.percent_not_utf8": _lt("%(what)s: percent-encoding is not valid UTF-8"),
    "digital_link.ai_where": _lt("AI %(ai)s %(where)s"),
    "digital_link.in_path": _lt("in the path"),
    "digital_link.in_query": _lt("in the query string"),
    "digital_link.query_name": _lt("query parameter name"),
    "digital_link.query_parameter": _lt("query parameter %(name)r"),
    "digital_link.value_where": _lt("%(error)s (%(where)s)"),
    "digital_link.key_without_value": _lt(
        "AI %(ai)s in the path must be followed by its value and by /AI/value pairs"
    ),
    "digital_link.no_primary_key": _lt("no GS1 primary key (such as /01/<GTIN>) in the URI path"),
    "digital_link.not_qualifier": _lt("AI %(ai)s is not a key qualifier of AI %(primary)s"),
    "digital_link.attribute_in_path": _lt(
        "AI %(ai)s is not a key qualifier of AI %(primary)s (data attributes go in the query "
        "string)"
    ),
    "digital_link.qualifier_order": _lt(
        "key qualifiers after AI %(primary)s must be in the order %(orders)s, got %(got)s"
    ),
    "digital_link.either": _lt("%(first)s or %(then)s"),
    "digital_link.unexpected_element": _lt(
        "unexpected path element %(element)r after AI %(primary)s"
    ),
    "digital_link.parameter_without_name": _lt("query parameter %(parameter)r has no name"),
    "digital_link.unknown_query_ai": _lt("unknown AI %(ai)s in the query string"),
    "digital_link.qualifier_in_query": _lt("AI %(ai)s is a key qualifier: it belongs in the path"),
    "digital_link.query_ai_without_value": _lt("AI %(ai)s in the query string has no value"),
    "digital_link.uri_character": _lt(
        "character %(char)r at position %(position)s is not allowed in a URI"
    ),
    "digital_link.not_http": _lt("a GS1 Digital Link URI starts with https:// or http://"),
    "digital_link.bad_host": _lt("%(host)r is not a host name"),
    "lifecycle.refused": _lt(
        "%(serial)s: cannot be %(event_type)s because it is %(lifecycle_state)s; %(advice)s."
    ),
    "lifecycle.refused_on": _lt(
        "%(serial)s: cannot be %(event_type)s on %(document)s because it is "
        "%(lifecycle_state)s; %(advice)s."
    ),
    "lifecycle.new": _lt("new"),
    "lifecycle.more": _lt("... and %(count)s more."),
    "lifecycle.advice": _lt("check the unit's history"),
    "lifecycle.advice_received": _lt(
        "receive a new serial number, or return the unit through its own document"
    ),
    "lifecycle.advice_found": _lt(
        "the unit is already accounted for; count its current location instead"
    ),
    "lifecycle.advice_produced": _lt("use a new serial number for the finished unit"),
    "lifecycle.advice_allocated": _lt(
        "pick another unit that is in stock (a quarantined unit must be released first)"
    ),
    "lifecycle.advice_shipped": _lt(
        "pick another unit that is in stock; quarantined, scrapped, consumed or shipped "
        "units cannot leave again"
    ),
    "lifecycle.advice_returned": _lt("only a unit delivered to a customer can come back from one"),
    "lifecycle.advice_consumed": _lt("consume a unit that is in stock"),
    "lifecycle.advice_scrapped": _lt("only a unit in our stock can be scrapped"),
    "lifecycle.advice_returned_to_vendor": _lt(
        "only a unit in our stock can go back to the vendor"
    ),
    "lifecycle.advice_quarantined": _lt("only a unit in our stock can be quarantined"),
    "lifecycle.advice_released": _lt("only a quarantined unit can be released"),
    "lifecycle.advice_installed": _lt("only a unit delivered to a customer can be installed"),
    "lifecycle.advice_registered": _lt("only a delivered or stocked unit can be registered"),
    "lifecycle.advice_in_repair": _lt(
        "only a unit in stock, returned or at the customer can enter repair"
    ),
    "lifecycle.advice_repaired": _lt("only a unit in repair can leave repair"),
    "label_symbols.gs1": _lt("%(error)s"),
    "label_symbols.no_gs1_data": _lt("there is no GS1 data to draw"),
    "label_symbols.code128_empty": _lt("Code 128 needs a non-empty text"),
    "label_symbols.code128_charset": _lt(
        "Code 128 cannot carry %(chars)r of %(text)r: use printable ASCII only"
    ),
    "label_symbols.code128_too_long": _lt(
        "%(text)r has %(length)s characters; Code 128 labels take at most %(max)s"
    ),
    "label_symbols.code128_encoder": _lt("Code 128 cannot carry %(text)r: %(encoder)s"),
    "label_symbols.gs1_128_too_long": _lt(
        "%(data)s needs %(length)s characters; a GS1-128 symbol carries at most %(max)s: use "
        "GS1 DataMatrix or print fewer AIs"
    ),
    "label_symbols.qr_empty": _lt("a QR Code needs a non-empty URI"),
    "label_symbols.encoder": _lt("%(symbology)s of %(data)s: %(encoder)s"),
    "label_symbols.unknown_symbology": _lt("unknown symbology %(symbology)r; use one of %(known)s"),
}

# What ``check_digits`` says an algorithm reads (its ``check_charset`` parameter).
_CHECK_CHARSETS = {
    "any characters": _lt("any characters"),
    "digits 0-9": _lt("digits 0-9"),
    "digits and capital letters A-Z": _lt("digits and capital letters A-Z"),
    "digits and capital letters except I, O and Q": _lt(
        "digits and capital letters except I, O and Q"
    ),
}

# Modules whose sentences are copied above: imported so that their sentences are known.
_CORE = (check_digits, digital_link, gs1, label_symbols, lifecycle, numbering, ranges, recall_tools)


def translate(env, value):
    """The sentence of ``value`` in ``env``'s language.

    ``value`` is a :class:`tools.messages.Message`, an error of the core
    (:class:`tools.messages.CodedError`), a ``numbering.Problem`` or a
    ``lifecycle.Refusal``; anything else is shown as ``str(value)``.
    """
    message = messages.message_of(value)
    if message is None:
        return str(value)
    return messages.render(message, lambda code: _sentence(env, code), _labels(env))


def _sentence(env, code):
    if code in SENTENCES:
        return env._(SENTENCES[code])
    return messages.SENTENCES[code]


def _labels(env):
    """The labels of the coded parameters, in ``env``'s language."""

    def selection(field_name, model="serial.format.rule"):
        field = env[model]._fields[field_name]
        return dict(field._description_selection(env))

    def lower(labels):
        # a state or status in the middle of a sentence
        return {code: label.lower() for code, label in labels.items()}

    statuses = lower(selection("status", "serial.recall.unit"))
    return {
        "event_type": lower(selection("event_type", "serial.event")),
        "lifecycle_state": lower(selection("lifecycle_state", "stock.lot")),
        "old_status": statuses,
        "new_status": statuses,
        "allowed_statuses": statuses,
        "check_label": selection("check_algorithm"),
        "charset_label": selection("charset"),
        "check_charset": {
            name: env._(_CHECK_CHARSETS[text]) if text in _CHECK_CHARSETS else text
            for name, text in messages.LABELS["check_charset"].items()
        },
    }
