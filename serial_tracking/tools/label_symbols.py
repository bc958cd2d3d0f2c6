"""Label symbols as SVG: Code 128, GS1-128, QR Code, GS1 QR Code and GS1 DataMatrix.

The encoders are maintained libraries:

- python-barcode encodes Code 128 and GS1-128 (FNC1 in first position and as the separator
  after every variable-length field, placed by :func:`gs1.build_element_string`);
- qrcode encodes the QR Code that carries a GS1 Digital Link URI;
- zint-bindings encodes GS1 DataMatrix and GS1 QR Code in its GS1 mode, which writes real FNC1
  codewords (not a ``<GS>`` look-alike) where GS1 requires them.

Every value is validated by :mod:`gs1` first, because encoders may only warn about a wrong
check digit or an impossible date. This module writes the encoders' modules as one SVG path
with a ``viewBox`` in module units and the quiet zone each symbology needs, so that a label
can scale the symbol to any box (linear symbols stretch, 2D symbols keep their aspect) and
embed it as a data URI (:attr:`Symbol.data_uri`). It does not import Odoo.
"""

import base64
from dataclasses import dataclass

import barcode
import qrcode
import zint
from barcode.errors import BarcodeError

from . import gs1, messages

#: Code 128 function character FNC1 as python-barcode takes it.
FNC1 = "\xf1"

#: Symbologies this module draws -> (label, ISO/IEC 15424 identifier a reader reports).
SYMBOLOGIES = {
    "code128": ("Code 128 (serial number)", "]C0"),
    "gs1_128": ("GS1-128", "]C1"),
    "qr_link": ("QR Code (GS1 Digital Link URI)", "]Q1"),
    "gs1_qr": ("GS1 QR Code", "]Q3"),
    "gs1_datamatrix": ("GS1 DataMatrix", "]d2"),
}
LINEAR = frozenset({"code128", "gs1_128"})

# Quiet zones in modules: Code 128 asks for 10, QR Code for 4, DataMatrix for 1 (2 is safer
# for the printers labels are made on).
_QUIET = {"linear": 10, "qr": 4, "datamatrix": 2}
# Height of a linear symbol in modules when drawn at its natural aspect (about 12 mm at a
# 0.25 mm module); the label's box usually sets the height.
_LINEAR_HEIGHT = 48
_CODE128_MAX = 80  # characters; past this a Code 128 symbol is too wide for any label
_GS1_128_MAX = 48  # data characters GS1 allows in one GS1-128 symbol


class LabelSymbolError(gs1.GS1WrappingError):
    """The data cannot be drawn in the requested symbology; the message says why.

    ``code`` and ``params`` say what is wrong (see :data:`SENTENCES`); an error that
    stands for a GS1 problem (:meth:`of_gs1`) has that problem's message as its
    ``coded_message``, so that Odoo can say it in the user's language.
    """

    GS1_CODE = "label_symbols.gs1"


# The sentences of LabelSymbolError, by code (see ``messages``). ``encoder`` is what an
# encoding library said (English: it cannot be translated).
SENTENCES = {
    "label_symbols.gs1": "%(error)s",
    "label_symbols.no_gs1_data": "there is no GS1 data to draw",
    "label_symbols.code128_empty": "Code 128 needs a non-empty text",
    "label_symbols.code128_charset": "Code 128 cannot carry %(chars)r of %(text)r: use "
    "printable ASCII only",
    "label_symbols.code128_too_long": "%(text)r has %(length)s characters; Code 128 labels "
    "take at most %(max)s",
    "label_symbols.code128_encoder": "Code 128 cannot carry %(text)r: %(encoder)s",
    "label_symbols.gs1_128_too_long": "%(data)s needs %(length)s characters; a GS1-128 symbol "
    "carries at most %(max)s: use GS1 DataMatrix or print "
    "fewer AIs",
    "label_symbols.qr_empty": "a QR Code needs a non-empty URI",
    "label_symbols.encoder": "%(symbology)s of %(data)s: %(encoder)s",
    "label_symbols.unknown_symbology": "unknown symbology %(symbology)r; use one of %(known)s",
}
messages.register(SENTENCES)


@dataclass(frozen=True)
class Symbol:
    """A drawn symbol.

    ``content`` is exactly what a reader returns (for GS1 symbologies the element string with
    ASCII 29 after variable-length fields, without the symbology identifier); ``text`` is what
    to print under it for people (the ``(01)...`` form for GS1 data).
    """

    symbology: str
    svg: str
    content: str
    text: str
    width: int  # modules, quiet zone included
    height: int

    @property
    def identifier(self):
        """The symbology identifier a reader prefixes (``]C1``, ``]d2``, ``]Q3``...)."""
        return SYMBOLOGIES[self.symbology][1]

    @property
    def linear(self):
        return self.symbology in LINEAR

    @property
    def data_uri(self):
        """The SVG as a ``data:`` URI for an ``<img src>`` (base64, safe inside QWeb)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


# ---------------------------------------------------------------------------------------------
# SVG
# ---------------------------------------------------------------------------------------------


def _svg(rects, width, height, *, stretch):
    """One black path of ``(x, y, w, h)`` rectangles on white, in module units."""
    path = "".join(f"M{x:g} {y:g}h{w:g}v{h:g}h{-w:g}z" for x, y, w, h in rects)
    aspect = "none" if stretch else "xMidYMid meet"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'preserveAspectRatio="{aspect}" shape-rendering="crispEdges">'
        f'<rect width="{width:g}" height="{height:g}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    )


def _linear_svg(modules):
    """Bars of a ``'1'``/``'0'`` module string, one rectangle per run of dark modules."""
    quiet = _QUIET["linear"]
    rects, start = [], None
    for index, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = index
        elif module != "1" and start is not None:
            rects.append((quiet + start, 0, index - start, _LINEAR_HEIGHT))
            start = None
    return _svg(rects, len(modules) + 2 * quiet, _LINEAR_HEIGHT, stretch=True), (
        len(modules) + 2 * quiet
    )


def _matrix_svg(rows, quiet):
    """Modules of a boolean matrix, one rectangle per horizontal run of dark modules."""
    rects = []
    for y, row in enumerate(rows):
        start = None
        for x, dark in enumerate([*row, False]):
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                rects.append((quiet + start, quiet + y, x - start, 1))
                start = None
    width = (len(rows[0]) if rows else 0) + 2 * quiet
    height = len(rows) + 2 * quiet
    return _svg(rects, width, height, stretch=False), width, height


# ---------------------------------------------------------------------------------------------
# Encoders
# ---------------------------------------------------------------------------------------------


def _elements(data, today):
    """A validated :class:`gs1.GS1ElementString` from pairs, a mapping or one itself."""
    try:
        if isinstance(data, gs1.GS1ElementString):
            return data
        elements = gs1.GS1ElementString(data, today=today)
    except gs1.GS1Error as exc:
        raise LabelSymbolError.of_gs1(exc) from exc
    if not elements:
        raise LabelSymbolError("label_symbols.no_gs1_data")
    return elements


def code128(text):
    """Code 128 of ``text`` (a serial number): printable ASCII, up to 80 characters."""
    if not isinstance(text, str) or not text:
        raise LabelSymbolError("label_symbols.code128_empty")
    bad = sorted({char for char in text if not " " <= char <= "~"})
    if bad:
        raise LabelSymbolError("label_symbols.code128_charset", chars="".join(bad), text=text)
    if len(text) > _CODE128_MAX:
        raise LabelSymbolError(
            "label_symbols.code128_too_long", text=text, length=len(text), max=_CODE128_MAX
        )
    try:
        modules = barcode.get_barcode_class("code128")(text).build()[0]
    except BarcodeError as exc:  # pragma: no cover - the checks above come first
        raise LabelSymbolError(
            "label_symbols.code128_encoder", text=text, encoder=str(exc)
        ) from exc
    svg, width = _linear_svg(modules)
    return Symbol("code128", svg, text, text, width, _LINEAR_HEIGHT)


def gs1_128(data, *, today=None):
    """GS1-128 of GS1 data (pairs, a mapping or a :class:`gs1.GS1ElementString`)."""
    elements = _elements(data, today)
    content = elements.element_string()
    if len(content) > _GS1_128_MAX:
        raise LabelSymbolError(
            "label_symbols.gs1_128_too_long",
            data=elements.human_readable(),
            length=len(content),
            max=_GS1_128_MAX,
        )
    code = barcode.get_barcode_class("gs1_128")(elements.element_string(fnc1=FNC1))
    modules = code.build()[0]
    svg, width = _linear_svg(modules)
    return Symbol("gs1_128", svg, content, elements.human_readable(), width, _LINEAR_HEIGHT)


def qr_link(uri):
    """QR Code of a URI (the GS1 Digital Link of the unit), error correction level M."""
    if not isinstance(uri, str) or not uri:
        raise LabelSymbolError("label_symbols.qr_empty")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(uri.encode("utf-8"))
    code.make(fit=True)
    svg, width, height = _matrix_svg(code.get_matrix(), _QUIET["qr"])
    return Symbol("qr_link", svg, uri, uri, width, height)


def _zint(symbology, elements, quiet, name):
    symbol = zint.Symbol()
    symbol.symbology = symbology
    symbol.input_mode = zint.InputMode.GS1
    # zint's GS1 syntax: AIs in square brackets; it writes FNC1 itself
    # in the order of elements.element_string(): predefined-length fields first
    items = sorted(elements.items(), key=lambda item: not gs1.AI_TABLE[item[0]].predefined)
    data = "".join(f"[{ai}]{value}" for ai, value in items)
    symbol.encode(data)
    if symbol.errtxt:
        # zint only warns on GS1 rules; gs1 validated the data already, so this is a bug or
        # a capacity limit and must not print an unreadable symbol
        raise LabelSymbolError(
            "label_symbols.encoder",
            symbology=name,
            data=elements.human_readable(),
            encoder=symbol.errtxt,
        )
    symbol.buffer_vector()
    vector = symbol.vector
    module = vector.width / symbol.width
    rows = [[False] * symbol.width for _row in range(symbol.rows)]
    for rect in vector.rectangles:
        x0, y0 = round(rect.x / module), round(rect.y / module)
        for y in range(y0, y0 + round(rect.height / module)):
            for x in range(x0, x0 + round(rect.width / module)):
                rows[y][x] = True
    return _matrix_svg(rows, quiet)


def gs1_datamatrix(data, *, today=None):
    """GS1 DataMatrix (ECC 200, FNC1 in first position and as separator) of GS1 data."""
    elements = _elements(data, today)
    svg, width, height = _zint(
        zint.Symbology.DATAMATRIX, elements, _QUIET["datamatrix"], "GS1 DataMatrix"
    )
    return Symbol(
        "gs1_datamatrix", svg, elements.element_string(), elements.human_readable(), width, height
    )


def gs1_qr(data, *, today=None):
    """GS1 QR Code (FNC1 in first position) of GS1 data."""
    elements = _elements(data, today)
    svg, width, height = _zint(zint.Symbology.QRCODE, elements, _QUIET["qr"], "GS1 QR Code")
    return Symbol(
        "gs1_qr", svg, elements.element_string(), elements.human_readable(), width, height
    )


def render(symbology, *, serial=None, elements=None, link=None, today=None):
    """Draw one of :data:`SYMBOLOGIES` from what a unit's label knows.

    ``serial`` feeds ``code128``, ``elements`` (GS1 data) the GS1 symbologies and ``link``
    (a Digital Link URI) ``qr_link``.
    """
    if symbology == "code128":
        return code128(serial)
    if symbology == "qr_link":
        return qr_link(link)
    if symbology == "gs1_128":
        return gs1_128(elements, today=today)
    if symbology == "gs1_datamatrix":
        return gs1_datamatrix(elements, today=today)
    if symbology == "gs1_qr":
        return gs1_qr(elements, today=today)
    raise LabelSymbolError(
        "label_symbols.unknown_symbology", symbology=symbology, known=", ".join(SYMBOLOGIES)
    )


__all__ = [
    "FNC1",
    "LINEAR",
    "LabelSymbolError",
    "SYMBOLOGIES",
    "Symbol",
    "code128",
    "gs1_128",
    "gs1_datamatrix",
    "gs1_qr",
    "qr_link",
    "render",
]
