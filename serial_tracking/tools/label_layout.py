"""Label formats and where symbols and text go on one label (sizes in millimetres).

A label holds linear symbols (Code 128, GS1-128) across its width with their text under them,
and square symbols (QR Code, DataMatrix) side by side, beside the text lines on a short label
or above them on a tall one. :func:`plan` sizes every part to fit; :func:`too_small` tells
whether a symbol would print with modules smaller than a scanner reads reliably.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelFormat:
    code: str
    name: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    margin_x: float = 0.0
    margin_y: float = 0.0

    @property
    def per_page(self):
        return self.columns * self.rows

    @property
    def label_width(self):
        return round((self.page_width - 2 * self.margin_x) / self.columns, 2)

    @property
    def label_height(self):
        return round((self.page_height - 2 * self.margin_y) / self.rows, 2)


FORMATS = {
    fmt.code: fmt
    for fmt in (
        LabelFormat("single_50x25", "Single label 50 × 25 mm", 50, 25, 1, 1),
        LabelFormat("single_100x150", "Single label 100 × 150 mm", 100, 150, 1, 1),
        LabelFormat("a4_4x12", "A4 sheet, 4 × 12 labels", 210, 297, 4, 12, 5, 6),
        LabelFormat("a4_3x8", "A4 sheet, 3 × 8 labels", 210, 297, 3, 8, 5, 6),
    )
}

#: Smallest module (narrow bar, DataMatrix/QR cell) in mm that prints with at least two
#: dots on a 300 dpi label printer (linear) or three (2D) and reads reliably.
MIN_MODULE = {"linear": 0.17, "square": 0.25}


@dataclass(frozen=True)
class Plan:
    """Sizes of one label's parts, in mm."""

    padding: float
    inner_width: float
    font: float  # text height
    square: float  # side of each square symbol (0 without any)
    linear_height: float  # bar height of each linear symbol (0 without any)
    squares_beside_text: bool


def plan(fmt, linear_count, square_count, text_lines):
    """Sizes for ``linear_count`` linear and ``square_count`` square symbols and text."""
    width, height = fmt.label_width, fmt.label_height
    tall = height >= 60
    padding = 3.0 if tall else 1.5
    font = 3.5 if tall else 1.9
    inner_w, inner_h = width - 2 * padding, height - 2 * padding
    linear_height = 0.0
    if linear_count:
        share = 0.3 if tall else (0.6 if not square_count else 0.45)
        linear_height = max(4.0, min(20.0, inner_h * share / linear_count - font * 1.3))
    left = inner_h - linear_count * (linear_height + font * 1.3)
    square = 0.0
    if square_count:
        if tall:
            text_h = text_lines * font * 1.4
            square = min(45.0, inner_w / square_count - 2, left - text_h - 2)
        else:
            text_w = inner_w * 0.4 if text_lines else 0
            square = min(left - 0.5, (inner_w - text_w) / square_count - 1)
        square = max(square, 0.0)
    return Plan(padding, inner_w, font, round(square, 2), round(linear_height, 2), not tall)


def module_size(symbol, layout):
    """Printed size in mm of one module of ``symbol`` on a label planned as ``layout``."""
    if symbol.linear:
        return layout.inner_width / symbol.width
    return layout.square / symbol.width if layout.square else 0.0


def too_small(symbol, layout):
    """Whether ``symbol`` would print below :data:`MIN_MODULE`; returns the size if so."""
    size = module_size(symbol, layout)
    minimum = MIN_MODULE["linear" if symbol.linear else "square"]
    return round(size, 3) if size < minimum else None
