from datetime import date

import pytest

from serial_tracking.tools import label_layout, label_symbols
from serial_tracking.tools.label_layout import FORMATS

GTIN = "09521234543213"


@pytest.mark.parametrize(
    ("code", "per_page", "width", "height"),
    [
        ("single_50x25", 1, 50, 25),
        ("single_100x150", 1, 100, 150),
        ("a4_4x12", 48, 50, 23.75),
        ("a4_3x8", 24, 66.67, 35.62),
    ],
)
def test_formats(code, per_page, width, height):
    fmt = FORMATS[code]
    assert (fmt.per_page, fmt.label_width, fmt.label_height) == (per_page, width, height)
    # the labels of a sheet fill it between its margins
    assert fmt.columns * fmt.label_width + 2 * fmt.margin_x == pytest.approx(fmt.page_width, 0.01)
    assert fmt.rows * fmt.label_height + 2 * fmt.margin_y == pytest.approx(fmt.page_height, 0.01)


@pytest.mark.parametrize("code", FORMATS)
@pytest.mark.parametrize(
    ("linear", "square", "texts"), [(0, 1, 2), (1, 0, 3), (1, 2, 6), (2, 2, 0)]
)
def test_every_part_fits_on_the_label(code, linear, square, texts):
    fmt = FORMATS[code]
    plan = label_layout.plan(fmt, linear, square, texts)
    inner_h = fmt.label_height - 2 * plan.padding
    used = linear * (plan.linear_height + plan.font * 1.3)
    if plan.squares_beside_text:
        used += plan.square
        assert square * (plan.square + 1) <= plan.inner_width
    else:
        used += plan.square + texts * plan.font * 1.4
    assert used <= inner_h + 0.01
    assert (plan.square > 0) == bool(square)
    assert (plan.linear_height > 0) == bool(linear)


def test_module_size_decides_what_is_too_small():
    pairs = [("01", GTIN), ("21", "LONG-SERIAL-00000001")]
    gs1_128 = label_symbols.gs1_128(pairs, today=date(2025, 1, 1))
    small = label_layout.plan(FORMATS["single_50x25"], 1, 0, 2)
    large = label_layout.plan(FORMATS["single_100x150"], 1, 0, 2)
    assert label_layout.module_size(gs1_128, small) == pytest.approx(47 / gs1_128.width)
    assert label_layout.too_small(gs1_128, small) == round(47 / gs1_128.width, 3)
    assert label_layout.too_small(gs1_128, large) is None
    datamatrix = label_symbols.gs1_datamatrix(pairs)
    sheet = label_layout.plan(FORMATS["a4_4x12"], 0, 1, 2)
    assert label_layout.too_small(datamatrix, sheet) is None
