"""QR label sheets: an A4 PDF with a grid of labels (QR code, school, record name, short code).

Pure domain code: it is given what to print and returns PDF bytes; it knows no request.
"""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Sequence

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .pdf import register_font, wrap

PAGE_W_MM = 210.0
PAGE_H_MM = 297.0
CODE_FONT = "Courier-Bold"
PRINT_MARGIN = 5.0  # mm at the sheet's edge that most office printers leave blank
QUIET_MODULES = 2  # plus the label's own white padding: a scanner sees >= 4 modules of white
GREY = Color(0.25, 0.25, 0.25)
GUIDE = Color(0.7, 0.7, 0.7)


@dataclass(frozen=True)
class LabelItem:
    """What one label shows: the QR's URL, the school, the cabinet/device name and the short code."""

    url: str
    school: str
    name: str
    code: str


@dataclass(frozen=True)
class LabelLayout:
    """A label stock: columns x rows of w x h mm labels, placed from the page's top-left corner."""

    key: str
    cols: int
    rows: int
    label_w: float
    label_h: float
    margin_left: float
    margin_top: float
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        """How many labels one sheet holds."""
        return self.cols * self.rows

    def cells(self) -> list[tuple[float, float, float, float]]:
        """Each label's (x, y, w, h) in mm from the page's top-left corner, row by row."""
        return [
            (
                self.margin_left + col * (self.label_w + self.gap_x),
                self.margin_top + row * (self.label_h + self.gap_y),
                self.label_w,
                self.label_h,
            )
            for row in range(self.rows)
            for col in range(self.cols)
        ]


# Common A4 label stocks; the sizes are printed on the box.
LAYOUTS: dict[str, LabelLayout] = {
    "3x8": LabelLayout("3x8", 3, 8, 70.0, 37.0, 0.0, 0.5),
    "3x7": LabelLayout("3x7", 3, 7, 63.5, 38.1, 7.2, 15.15, 2.5, 0.0),
    "2x5": LabelLayout("2x5", 2, 5, 105.0, 57.0, 0.0, 6.0),
}
DEFAULT_LAYOUT = "3x8"


def positions(count: int, layout: LabelLayout, start_offset: int = 0) -> list[tuple[int, int]]:
    """(page index, cell index) of each of `count` labels, skipping the first `start_offset` cells."""
    if not 0 <= start_offset < layout.per_page:
        raise ValueError("start offset outside the sheet")
    return [divmod(start_offset + i, layout.per_page) for i in range(count)]


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules (quartile error correction: labels get scuffed)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, data: str, x: float, y_top: float, size: float) -> None:
    """Draw a QR code as one vector path (no seams between modules) in a size x size square."""
    matrix = qr_matrix(data)
    n = len(matrix)
    module = size / (n + 2 * QUIET_MODULES)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            path.rect(
                x + (QUIET_MODULES + start) * module,
                y_top - (QUIET_MODULES + r + 1) * module,
                (c - start) * module,
                module,
            )
    canvas.setFillColor(black)
    canvas.drawPath(path, fill=1, stroke=0)


def _draw_lines(canvas: Canvas, lines: list[str], font: str, size: float, x: float, y_top: float) -> float:
    """Draw lines of text downwards from y_top; return the y below the last line."""
    leading = size * 1.22
    y = y_top
    canvas.setFont(font, size)
    for line in lines:
        y -= size
        canvas.drawString(x, y, line)
        y -= leading - size
    return y


def content_box(cell: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A label's printable area in mm: the cell less its padding, kept clear of the page edge
    that office printers cannot reach (stocks like 3x8 run to the edge of the sheet)."""
    x, y, w, h = cell
    pad = max(2.5, 0.07 * min(w, h))
    left = max(x + pad, PRINT_MARGIN)
    top = max(y + pad, PRINT_MARGIN)
    right = min(x + w - pad, PAGE_W_MM - PRINT_MARGIN)
    bottom = min(y + h - pad, PAGE_H_MM - PRINT_MARGIN)
    return left, top, right - left, bottom - top


def label_metrics(layout: LabelLayout) -> tuple[float, float]:
    """(QR size in mm, short-code font size in points), the same on every label of the sheet."""
    scale = layout.label_h / 37.0
    code_size = 8.5 * scale
    code_line = code_size * 1.3 / mm
    boxes = [content_box(cell) for cell in layout.cells()]
    qr_mm = min(min(b[3] for b in boxes) - code_line, 0.5 * min(b[2] for b in boxes))
    return qr_mm, code_size


def draw_label(
    canvas: Canvas,
    item: LabelItem,
    cell: tuple[float, float, float, float],
    layout: LabelLayout,
    font: str,
    caption: str,
) -> None:
    """One label: the QR on the left with the short code under it, the names on the right."""
    bx, by, bw, bh = content_box(cell)
    qr_mm, code_size = label_metrics(layout)
    scale = layout.label_h / 37.0
    x = bx * mm
    top = (PAGE_H_MM - by) * mm
    w, h = bw * mm, bh * mm
    qr_size = qr_mm * mm
    draw_qr(canvas, item.url, x, top, qr_size)
    canvas.setFillColor(black)
    canvas.setFont(CODE_FONT, code_size)
    canvas.drawCentredString(x + qr_size / 2, top - qr_size - code_size * 0.95, item.code)

    text_x = x + qr_size + 1.5 * mm
    text_w = x + w - text_x
    school_size, name_size, caption_size = 7 * scale, 9.5 * scale, 6.5 * scale
    y = top - 1.2 * mm
    canvas.setFillColor(GREY)
    y = _draw_lines(canvas, wrap(item.school, font, school_size, text_w, 2), font, school_size, text_x, y)
    y -= 1.2 * mm
    canvas.setFillColor(black)
    _draw_lines(canvas, wrap(item.name, font, name_size, text_w, 3), font, name_size, text_x, y)
    if caption:
        lines = wrap(caption, font, caption_size, text_w, 2)
        canvas.setFillColor(GREY)
        bottom = top - h
        _draw_lines(canvas, lines, font, caption_size, text_x, bottom + len(lines) * caption_size * 1.22)
    canvas.setFillColor(black)


def build_label_sheet(
    items: Sequence[LabelItem],
    layout: LabelLayout,
    font_path: str,
    start_offset: int = 0,
    caption: str = "",
    cut_lines: bool = False,
    title: str = "QR labels",
) -> bytes:
    """The PDF: labels placed in order from `start_offset` on the first sheet, more sheets as needed."""
    font = register_font(font_path)
    out = BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("School O&M Service")
    cells = layout.cells()
    placed = positions(len(items), layout, start_offset)
    page = 0
    if not items:
        canvas.showPage()
    for item, (item_page, cell_index) in zip(items, placed):
        while page < item_page:
            canvas.showPage()
            page += 1
        cell = cells[cell_index]
        if cut_lines:
            canvas.setStrokeColor(GUIDE)
            canvas.setLineWidth(0.3)
            canvas.setDash(2, 2)
            canvas.rect(cell[0] * mm, (PAGE_H_MM - cell[1] - cell[3]) * mm, cell[2] * mm, cell[3] * mm, fill=0, stroke=1)
            canvas.setDash()
        draw_label(canvas, item, cell, layout, font, caption)
    if items:
        canvas.showPage()
    canvas.save()
    return out.getvalue()
