"""GS1 Digital Link URIs: the same GS1 data as a web address a phone can open.

``https://id.gs1.org/01/09521234543213/10/ABC123/21/12345?17=250101`` carries a primary key
(AI 01, a GTIN) and its key qualifiers as path elements, in the order the GS1 Digital Link
standard gives for that key (22, 10, 21 for a GTIN), and any other AI as a query parameter.
Values are percent-encoded: of GS1 character set 82 only letters, digits, ``-``, ``.`` and
``_`` stay as they are.

:func:`build_digital_link` writes such a URI from validated AI values;
:func:`parse_digital_link` reads one back, also accepting the short names of earlier
versions of the standard (``/gtin/``, ``/ser/``, ``?exp=``...), a path prefix before the
primary key (``https://example.com/products/01/...``) and a GTIN-8, -12 or -13, which it pads
to 14 digits. Query parameters that are not AIs (``linkType``, ``context``...) are kept as
extensions. :func:`parse_scan` reads whatever a scanner sent: a Digital Link URI or a GS1
element string. Compressed Digital Link URIs are not supported.

Every problem raises :class:`DigitalLinkError`.
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, unquote

from . import gs1, messages

#: GS1's own resolver, used when no resolver is given.
DEFAULT_RESOLVER = "https://id.gs1.org"

#: Primary key AI -> the ordered key-qualifier sequences allowed after it (alternatives).
PRIMARY_KEYS = {
    "00": (),
    "01": (("22", "10", "21"), ("235",)),
    "253": (),
    "255": (),
    "401": (),
    "402": (),
    "414": (("254",),),
    "415": (("8020",),),
    "417": (),
    "8003": (),
    "8004": (),
    "8006": (("22", "10", "21"),),
    "8017": (("8019",),),
    "8018": (("8019",),),
}

#: Short names of path elements from GS1 Digital Link 1.0/1.1, still to be understood.
PATH_SHORT_NAMES = {
    "sscc": "00",
    "gtin": "01",
    "gdti": "253",
    "gcn": "255",
    "ginc": "401",
    "gsin": "402",
    "gln": "414",
    "party": "417",
    "grai": "8003",
    "giai": "8004",
    "itip": "8006",
    "gsrnp": "8017",
    "gsrn": "8018",
    "cpv": "22",
    "lot": "10",
    "ser": "21",
    "glnx": "254",
    "refno": "8020",
    "srin": "8019",
}

#: Short names the standard's grammar accepts as query parameter names.
QUERY_SHORT_NAMES = {"exp": "17", "expdt": "7003", "lot": "10"}

_QUALIFIERS = frozenset(ai for seqs in PRIMARY_KEYS.values() for seq in seqs for ai in seq)
# The grammar lets a batch/lot be a data attribute too; other qualifiers belong in the path.
_QUERY_QUALIFIERS = frozenset({"10"})

_URI_RE = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#]*)(?P<path>[^?#]*)"
    r"(?:\?(?P<query>[^#]*))?(?:#.*)?"
)
_HOST_RE = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class DigitalLinkError(gs1.GS1WrappingError):
    """A GS1 Digital Link URI that cannot be read or built; ``ai`` names the AI if known.

    ``code`` and ``params`` say what is wrong (see :data:`SENTENCES`); an error that
    stands for a GS1 problem (:meth:`of_gs1`) has that problem's message as its
    ``coded_message``, so that Odoo can say it in the user's language.
    """

    GS1_CODE = "digital_link.gs1"

    def __init__(self, code, *, ai=None, **params):
        self.ai = ai
        # the sentences name it too
        super().__init__(code, **({"ai": ai} if ai is not None else {}), **params)

    @classmethod
    def of_gs1(cls, error):
        """The error of a Digital Link whose GS1 data has ``error`` (a :class:`gs1.GS1Error`)."""
        return super().of_gs1(error, ai=error.ai)


# The sentences of DigitalLinkError, by code (see ``messages``).
SENTENCES = {
    "digital_link.gs1": "%(error)s",
    "digital_link.bad_resolver": "%(resolver)r is not a resolver address such as %(default)s",
    "digital_link.not_primary_key": "AI %(ai)s is not a primary key of these data",
    "digital_link.needs_primary_key": "a Digital Link needs a primary key, one of AIs %(keys)s",
    "digital_link.stray_qualifier": "AI %(ai)s is a key qualifier that cannot follow primary "
    "key AI %(primary)s",
    "digital_link.bad_extension_name": "%(name)r cannot name an extension: it is empty or an AI",
    "digital_link.extension_not_unicode": "extension %(name)r is not valid Unicode text",
    "digital_link.malformed_percent": "%(what)s: malformed percent-encoding %(escape)r",
    "digital_link.percent_not_utf8": "%(what)s: percent-encoding is not valid UTF-8",
    "digital_link.ai_where": "AI %(ai)s %(where)s",
    "digital_link.in_path": "in the path",
    "digital_link.in_query": "in the query string",
    "digital_link.query_name": "query parameter name",
    "digital_link.query_parameter": "query parameter %(name)r",
    "digital_link.value_where": "%(error)s (%(where)s)",
    "digital_link.key_without_value": "AI %(ai)s in the path must be followed by its value and "
    "by /AI/value pairs",
    "digital_link.no_primary_key": "no GS1 primary key (such as /01/<GTIN>) in the URI path",
    "digital_link.not_qualifier": "AI %(ai)s is not a key qualifier of AI %(primary)s",
    "digital_link.attribute_in_path": "AI %(ai)s is not a key qualifier of AI %(primary)s "
    "(data attributes go in the query string)",
    "digital_link.qualifier_order": "key qualifiers after AI %(primary)s must be in the order "
    "%(orders)s, got %(got)s",
    "digital_link.either": "%(first)s or %(then)s",
    "digital_link.unexpected_element": "unexpected path element %(element)r after AI %(primary)s",
    "digital_link.parameter_without_name": "query parameter %(parameter)r has no name",
    "digital_link.unknown_query_ai": "unknown AI %(ai)s in the query string",
    "digital_link.qualifier_in_query": "AI %(ai)s is a key qualifier: it belongs in the path",
    "digital_link.query_ai_without_value": "AI %(ai)s in the query string has no value",
    "digital_link.uri_character": "character %(char)r at position %(position)s is not allowed "
    "in a URI",
    "digital_link.not_http": "a GS1 Digital Link URI starts with https:// or http://",
    "digital_link.bad_host": "%(host)r is not a host name",
}
messages.register(SENTENCES)
# Where in the URI a value was read: the code of its sentence.
_IN_PATH = messages.Message("digital_link.in_path")
_IN_QUERY = messages.Message("digital_link.in_query")


@dataclass(frozen=True)
class DigitalLink:
    """A parsed GS1 Digital Link URI.

    ``base`` is the scheme, host and any path prefix before the primary key;
    ``elements`` holds every AI (primary key, then path qualifiers, then query AIs);
    ``qualifiers`` are the AIs that were path elements after the primary key;
    ``extensions`` the other query parameters, as ``(name, value)`` pairs.
    """

    base: str
    primary_key: str
    qualifiers: tuple
    elements: gs1.GS1ElementString
    extensions: tuple = ()

    @property
    def uri(self):
        """The URI written back in canonical form."""
        return build_digital_link(
            self.elements,
            self.base,
            lot_in_query="10" in self.elements and "10" not in self.qualifiers,
            extensions=self.extensions,
        )


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def _encode(text):
    # quote() with no safe characters keeps exactly the URI unreserved ones: the Digital Link
    # standard's rule for CSET 82 ("!" -> %21, "/" -> %2F, "(" -> %28, ...).
    return quote(text, safe="")


def _normalize_resolver(resolver):
    """``scheme://host[/prefix]`` without trailing slash; ``https://`` added to a bare host."""
    if not isinstance(resolver, str):
        raise TypeError(f"a resolver is given as text, not as {resolver!r}")
    text = resolver.strip()
    if "://" not in text:
        text = "https://" + text
    match = _URI_RE.fullmatch(text)
    if (
        not match
        or match["scheme"].lower() not in ("http", "https")
        or not _HOST_RE.fullmatch(match["host"])
        or match["query"] is not None
        or "#" in text
        or not all(" " < char < "\x7f" for char in text)
    ):
        raise DigitalLinkError(
            "digital_link.bad_resolver", resolver=resolver, default=DEFAULT_RESOLVER
        )
    return f"{match['scheme'].lower()}://{match['host']}{match['path'].rstrip('/')}"


def _primary_key(elements, primary):
    if primary is not None:
        if primary not in PRIMARY_KEYS or primary not in elements:
            raise DigitalLinkError("digital_link.not_primary_key", ai=primary)
        return primary
    for ai in elements:
        if ai in PRIMARY_KEYS:
            return ai
    raise DigitalLinkError("digital_link.needs_primary_key", keys=", ".join(PRIMARY_KEYS))


def _path_qualifiers(primary, elements, lot_in_query):
    """The qualifiers to write as path elements, in the standard's order.

    A qualifier left out of the path must be one the query string may carry (a batch/lot);
    among the key's alternative sequences (01: 22/10/21 or 235) the one that leaves no other
    qualifier behind and takes the most of them is used.
    """
    present = [ai for ai in elements if ai in _QUALIFIERS]
    candidates = []
    for sequence in PRIMARY_KEYS[primary] or ((),):
        chosen = tuple(ai for ai in sequence if ai in present and not (ai == "10" and lot_in_query))
        left = [ai for ai in present if ai not in chosen and ai not in _QUERY_QUALIFIERS]
        if not left:
            candidates.append(chosen)
    if not candidates:
        stray = next(ai for ai in present if ai not in _QUERY_QUALIFIERS)
        raise DigitalLinkError("digital_link.stray_qualifier", ai=stray, primary=primary)
    return max(candidates, key=len)


def _check_extensions(extensions):
    for name, value in extensions:
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"an extension is a (name, value) pair of text, not {(name, value)!r}")
        if not name or (name.isascii() and name.isdigit()) or name in QUERY_SHORT_NAMES:
            raise DigitalLinkError("digital_link.bad_extension_name", name=name)
        try:
            (name + value).encode("utf-8")
        except UnicodeEncodeError:
            raise DigitalLinkError("digital_link.extension_not_unicode", name=name) from None


def build_digital_link(
    pairs,
    resolver=DEFAULT_RESOLVER,
    *,
    lot_in_query=False,
    extensions=(),
    primary=None,
    today=None,
):
    """GS1 Digital Link URI of ``pairs`` (a mapping or ``(ai, value)`` pairs).

    The primary key is ``primary`` or the first AI of ``pairs`` that is one (01, 00, 414...).
    Its key qualifiers present in ``pairs`` follow as path elements in the standard's order
    (01/22/10/21); with ``lot_in_query`` a batch/lot goes in the query string instead, which
    the standard also allows. Every other AI becomes a query parameter, in the given order,
    followed by ``extensions`` (``(name, value)`` pairs such as ``("linkType", "gs1:pip")``).
    Values are validated like :func:`gs1.validate_value`.
    """
    extensions = tuple(extensions)
    _check_extensions(extensions)
    base = _normalize_resolver(resolver)
    try:
        elements = gs1.GS1ElementString(pairs, today=today)
    except gs1.GS1Error as exc:
        raise DigitalLinkError.of_gs1(exc) from exc
    key = _primary_key(elements, primary)
    qualifiers = _path_qualifiers(key, elements, lot_in_query)
    path = "".join(f"/{ai}/{_encode(elements[ai])}" for ai in (key, *qualifiers))
    query = [
        f"{ai}={_encode(value)}"
        for ai, value in elements.items()
        if ai != key and ai not in qualifiers
    ]
    query += [f"{_encode(name)}={_encode(value)}" for name, value in extensions]
    return base + path + ("?" + "&".join(query) if query else "")


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def _decode(raw, what):
    """Percent-decode ``raw``; a malformed escape or invalid UTF-8 is an error.

    ``what`` (a :class:`messages.Message`) names the part of the URI in the error.
    """
    bad = _BAD_PERCENT_RE.search(raw)
    if bad:
        raise DigitalLinkError(
            "digital_link.malformed_percent", what=what, escape=raw[bad.start() :][:3]
        )
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise DigitalLinkError("digital_link.percent_not_utf8", what=what) from None


def _value(ai, raw, where, today):
    """Decoded, validated value of ``ai``; GTINs of 8, 12 or 13 digits padded to 14.

    ``where`` is :data:`_IN_PATH` or :data:`_IN_QUERY`.
    """
    value = _decode(raw, messages.Message("digital_link.ai_where", {"ai": ai, "where": where}))
    if ai == "01" and value.isascii() and value.isdigit() and len(value) in (8, 12, 13):
        value = value.zfill(14)
    try:
        return gs1.validate_value(ai, value, today=today)
    except gs1.GS1Error as exc:
        raise DigitalLinkError("digital_link.value_where", ai=ai, error=exc, where=where) from exc


def _path_ai(code):
    """AI named by a path element: numeric AI or short name; ``None`` for anything else."""
    if code in gs1.AI_TABLE:
        return code
    return PATH_SHORT_NAMES.get(code)


def _find_primary(segments):
    """Index of the primary key: the rightmost key code followed by whole AI/value pairs.

    Values sit at odd distances from the key and qualifier codes are never key codes, so
    only a path prefix can hold an earlier candidate; the rightmost one is the key.
    """
    for index in range(len(segments) - 2, -1, -2):
        if _path_ai(segments[index]) in PRIMARY_KEYS:
            return index
    for segment in segments:
        ai = _path_ai(segment)
        if ai in PRIMARY_KEYS:
            raise DigitalLinkError("digital_link.key_without_value", ai=ai)
    raise DigitalLinkError("digital_link.no_primary_key")


def _check_qualifier_order(primary, qualifiers):
    if not qualifiers:
        return
    sequences = PRIMARY_KEYS[primary]
    for ai in qualifiers:
        if not any(ai in sequence for sequence in sequences):
            attribute = ai in gs1.AI_TABLE and ai not in _QUALIFIERS
            code = "digital_link.attribute_in_path" if attribute else "digital_link.not_qualifier"
            raise DigitalLinkError(code, ai=ai, primary=primary)
    for sequence in sequences:
        if all(ai in sequence for ai in qualifiers):
            positions = [sequence.index(ai) for ai in qualifiers]
            if positions == sorted(set(positions)):
                return
    orders = "/".join(sequences[0])
    for sequence in sequences[1:]:
        orders = messages.Message(
            "digital_link.either", {"first": orders, "then": "/".join(sequence)}
        )
    raise DigitalLinkError(
        "digital_link.qualifier_order", primary=primary, orders=orders, got="/".join(qualifiers)
    )


def _parse_path(path, today):
    """``(prefix, [(ai, value), ...])`` of the URI path."""
    segments = path.split("/")[1:]
    if segments and not segments[-1]:
        segments.pop()  # a trailing slash adds nothing
    index = _find_primary(segments)
    primary = _path_ai(segments[index])
    codes = segments[index + 2 :: 2]
    qualifiers = [_path_ai(code) or code for code in codes]
    for code, ai in zip(codes, qualifiers, strict=True):
        if ai == code and ai not in gs1.AI_TABLE:
            raise DigitalLinkError("digital_link.unexpected_element", element=code, primary=primary)
    _check_qualifier_order(primary, qualifiers)
    pairs = [
        (ai, _value(ai, raw, _IN_PATH, today))
        for ai, raw in zip([primary, *qualifiers], segments[index + 1 :: 2], strict=True)
    ]
    prefix = "/".join(segments[:index])
    return ("/" + prefix if prefix else ""), pairs


def _parse_query(query, today):
    """``([(ai, value), ...], [(name, value), ...])`` of the query string."""
    pairs, extensions = [], []
    for param in re.split("[&;]", query or ""):
        if not param:
            continue
        raw_name, has_value, raw = param.partition("=")
        name = _decode(raw_name, messages.Message("digital_link.query_name"))
        if not name:
            raise DigitalLinkError("digital_link.parameter_without_name", parameter=param)
        ai = QUERY_SHORT_NAMES.get(name, name)
        if not (ai.isascii() and ai.isdigit()):
            what = messages.Message("digital_link.query_parameter", {"name": name})
            extensions.append((name, _decode(raw, what)))
            continue
        if ai not in gs1.AI_TABLE:
            raise DigitalLinkError("digital_link.unknown_query_ai", ai=ai)
        if ai in _QUALIFIERS and ai not in _QUERY_QUALIFIERS:
            raise DigitalLinkError("digital_link.qualifier_in_query", ai=ai)
        if not has_value or not raw:
            raise DigitalLinkError("digital_link.query_ai_without_value", ai=ai)
        pairs.append((ai, _value(ai, raw, _IN_QUERY, today)))
    return pairs, extensions


def _split_uri(uri):
    text = uri.strip()
    for index, char in enumerate(text):
        if not " " < char < "\x7f":
            raise DigitalLinkError("digital_link.uri_character", char=char, position=index)
    match = _URI_RE.fullmatch(text)
    if not match or match["scheme"].lower() not in ("http", "https"):
        raise DigitalLinkError("digital_link.not_http")
    if not _HOST_RE.fullmatch(match["host"]):
        raise DigitalLinkError("digital_link.bad_host", host=match["host"])
    return match


def parse_digital_link(uri, *, today=None):
    """Read a GS1 Digital Link URI into a :class:`DigitalLink`.

    ``today`` anchors the GS1 century window of two-digit years in dates (default: today).
    """
    if not isinstance(uri, str):
        raise TypeError(f"a URI is parsed from text, not from {type(uri).__name__}")
    today = today or date.today()
    match = _split_uri(uri)
    prefix, path_pairs = _parse_path(match["path"], today)
    query_pairs, extensions = _parse_query(match["query"], today)
    try:
        elements = gs1.GS1ElementString([*path_pairs, *query_pairs], today=today)
    except gs1.GS1Error as exc:
        raise DigitalLinkError.of_gs1(exc) from exc
    return DigitalLink(
        base=f"{match['scheme'].lower()}://{match['host']}{prefix}",
        primary_key=path_pairs[0][0],
        qualifiers=tuple(ai for ai, _value in path_pairs[1:]),
        elements=elements,
        extensions=tuple(extensions),
    )


def is_digital_link(text):
    """Whether ``text`` (a symbology identifier aside) looks like an http(s) URI."""
    _symbology, rest = gs1.split_symbology(text)
    return rest[:8].lower().startswith(("https://", "http://"))


def parse_scan(data, *, today=None, separators=gs1.DEFAULT_SEPARATORS):
    """GS1 data of one scan, whether a Digital Link URI or an element string.

    Returns a :class:`gs1.GS1ElementString` carrying the symbology identifier. Raises
    :class:`DigitalLinkError` for a bad URI and :class:`gs1.GS1Error` for bad element strings.
    """
    if not isinstance(data, str):
        raise TypeError(f"scanned data is text, not {type(data).__name__}")
    symbology, rest = gs1.split_symbology(data)
    if not rest[:8].lower().startswith(("https://", "http://")):
        return gs1.parse(data, today=today, separators=separators)
    today = today or date.today()
    link = parse_digital_link(rest, today=today)
    return gs1.GS1ElementString(link.elements, today=today, symbology=symbology)


__all__ = [
    "DEFAULT_RESOLVER",
    "PATH_SHORT_NAMES",
    "PRIMARY_KEYS",
    "QUERY_SHORT_NAMES",
    "DigitalLink",
    "DigitalLinkError",
    "build_digital_link",
    "is_digital_link",
    "parse_digital_link",
    "parse_scan",
]
