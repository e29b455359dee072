"""Label sheets as a person gets them: render the PDF to images, decode every QR code back, read the text."""
from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from config import Config
from tests.support.label_decoding import crop_cell, decode_sheet, is_blank, render_pages
from webapp.archive.qr import new_token, short_code
from webapp.documents.label_sheet import (
    LAYOUTS,
    PAGE_H_MM,
    PAGE_W_MM,
    PRINT_MARGIN,
    LabelItem,
    build_label_sheet,
    content_box,
    positions,
)
from webapp.documents.pdf import register_font, wrap

FONT = Config.PDF_FONT_PATH
SCHOOLS = ["滨江第一中学", "城南实验小学"]


def make_items(count: int) -> list[LabelItem]:
    """Labels with random tokens, as the archive issues them."""
    items = []
    for i in range(count):
        token = new_token()
        items.append(
            LabelItem(
                url=f"https://om.example.cn/q/{token}",
                school=SCHOOLS[i % 2],
                name=f"教学楼A 3F弱电间 机柜{i + 1}",
                code=token[:8],
            )
        )
    return items


def test_every_qr_decodes_to_its_url_in_order_across_pages():
    """Each of 27 labels on a 3x8 stock decodes to exactly its URL, filling page 1 then page 2."""
    layout = LAYOUTS["3x8"]
    items = make_items(27)
    pdf = build_label_sheet(items, layout, FONT)
    decoded = decode_sheet(pdf, layout.cells())
    assert len(decoded) == 2
    assert decoded[0] == [item.url for item in items[:24]]
    assert decoded[1] == [item.url for item in items[24:]] + [None] * 21


def test_start_offset_leaves_the_first_cells_empty():
    """With a start offset of 5 the first five positions stay blank and label 1 is in position 6."""
    layout = LAYOUTS["3x8"]
    items = make_items(4)
    pdf = build_label_sheet(items, layout, FONT, start_offset=5)
    decoded = decode_sheet(pdf, layout.cells())
    assert decoded == [[None] * 5 + [item.url for item in items] + [None] * 15]


def test_start_offset_with_cut_lines_still_leaves_skipped_cells_blank():
    """Cut lines are drawn only around printed labels: skipped positions stay white."""
    layout = LAYOUTS["3x8"]
    pdf = build_label_sheet(make_items(2), layout, FONT, start_offset=3, cut_lines=True)
    page = render_pages(pdf)[0]
    cells = layout.cells()
    assert all(is_blank(crop_cell(page, cells[i])) for i in range(3))
    assert not is_blank(crop_cell(page, cells[3]))


@pytest.mark.parametrize("key", ["2x5", "3x7"])
def test_other_stocks_decode_too(key):
    """The large 2x5 and the 3x7 stocks print decodable labels in their own grid."""
    layout = LAYOUTS[key]
    items = make_items(layout.per_page)
    pdf = build_label_sheet(items, layout, FONT, start_offset=1)
    decoded = decode_sheet(pdf, layout.cells())
    flat = [url for page in decoded for url in page]
    assert flat[0] is None
    assert [url for url in flat if url] == [item.url for item in items]


def test_text_layer_has_chinese_school_names_names_and_short_codes():
    """The PDF's text holds the Chinese school names, the record names and every short code."""
    items = make_items(6)
    pdf = build_label_sheet(items, LAYOUTS["3x8"], FONT, caption="扫码报修")
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    for school in SCHOOLS:
        assert school in text
    for item in items:
        assert item.code in text
        assert item.name.split()[-1] in text
    assert "扫码报修" in text


def test_long_names_wrap_within_the_width_and_end_in_an_ellipsis():
    """A name too long for three lines is cut with an ellipsis; each line fits the column."""
    from reportlab.pdfbase import pdfmetrics

    font = register_font(FONT)
    width = 34 * mm
    lines = wrap("西湖区职业技术学校附属实验学校东校区图书信息楼五层网络中心核心机柜甲", font, 9.5, width, 3)
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(pdfmetrics.stringWidth(line, font, 9.5) <= width for line in lines)


def test_latin_names_break_at_spaces():
    """Names with spaces break between words, not inside them."""
    font = register_font(FONT)
    lines = wrap("Core switch S5735 rack A", font, 9.5, 25 * mm, 3)
    assert " ".join(lines) == "Core switch S5735 rack A"


@pytest.mark.parametrize("key", sorted(LAYOUTS))
def test_layouts_fit_on_a4_and_keep_content_printable(key):
    """Every cell lies on the A4 page without overlapping; what is drawn stays 5 mm from the edge."""
    cells = LAYOUTS[key].cells()
    for x, y, w, h in cells:
        assert 0 <= x and x + w <= PAGE_W_MM + 0.01
        assert 0 <= y and y + h <= PAGE_H_MM + 0.01
        bx, by, bw, bh = content_box((x, y, w, h))
        assert bx >= PRINT_MARGIN and by >= PRINT_MARGIN
        assert bx + bw <= PAGE_W_MM - PRINT_MARGIN + 1e-6 and by + bh <= PAGE_H_MM - PRINT_MARGIN + 1e-6
    for i, a in enumerate(cells):
        for b in cells[i + 1 :]:
            overlap_x = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
            overlap_y = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
            assert overlap_x <= 1e-6 or overlap_y <= 1e-6


def test_offset_outside_the_sheet_is_refused():
    """A start offset of a whole sheet or more is a mistake, not a blank page."""
    with pytest.raises(ValueError):
        positions(1, LAYOUTS["3x8"], 24)


def test_tokens_are_random_and_their_short_codes_easy_to_read_aloud():
    """Tokens never repeat and hold no look-alike characters (0/o, 1/i/l), so the printed code can be read out."""
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    codes = {short_code(t) for t in tokens}
    assert len(codes) == 2000
    assert not set("".join(tokens)) & set("01ilo-_ABCDEFGHIJKLMNOPQRSTUVWXYZ")
