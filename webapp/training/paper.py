"""A small writer for the department's own A4 papers of this feature (the attendance sheet and the
seminar's minutes): a title, labelled rows, headings and wrapped text, new pages as needed.

Pure drawing: it is given text and images and returns PDF bytes; it reads no database.
"""
from __future__ import annotations

import io

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ..documents.pdf import register_font, wrap

GREY = Color(0.35, 0.35, 0.35)
LINE = Color(0.6, 0.6, 0.6)
SIZE, LEAD = 10, 14


class Paper:
    """One PDF being written top to bottom; `y` is where the next line goes."""

    def __init__(self, title: str, subtitle: str, font_path: str, footer: str = ""):
        """Start the first page with the paper's title."""
        self.font = register_font(font_path)
        self.out = io.BytesIO()
        self.canvas = Canvas(self.out, pagesize=A4, invariant=True)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("运维服务部")
        self.width, self.height = A4
        self.left, self.right = 18 * mm, self.width - 18 * mm
        self.title, self.subtitle, self.footer = title, subtitle, footer
        self.page = 0
        self._new_page()

    def _new_page(self) -> None:
        """Begin a page: the title on the first, a running head on the others."""
        if self.page:
            self._foot()
            self.canvas.showPage()
        self.page += 1
        self.y = self.height - 20 * mm
        c = self.canvas
        c.setFillColor(black)
        if self.page == 1:
            c.setFont(self.font, 18)
            c.drawString(self.left, self.y, self.title)
            c.setFont(self.font, 10)
            c.setFillColor(GREY)
            c.drawString(self.left, self.y - 6 * mm, self.subtitle)
            self.y -= 14 * mm
        else:
            c.setFont(self.font, 9)
            c.setFillColor(GREY)
            c.drawString(self.left, self.y, f"{self.title}（续）")
            self.y -= 8 * mm

    def _foot(self) -> None:
        """The page's footer: the fingerprint line and the page number."""
        c = self.canvas
        c.setFont(self.font, 8)
        c.setFillColor(GREY)
        if self.footer:
            c.drawString(self.left, 12 * mm, self.footer)
        c.drawRightString(self.right, 12 * mm, f"第 {self.page} 页")

    def room(self, height: float) -> None:
        """Start a new page unless `height` points still fit above the footer."""
        if self.y - height < 22 * mm:
            self._new_page()

    def heading(self, text: str) -> None:
        """A section heading."""
        self.room(3 * LEAD)
        self.y -= 4 * mm
        self.canvas.setFont(self.font, 13)
        self.canvas.setFillColor(black)
        self.canvas.drawString(self.left, self.y - LEAD, text)
        self.y -= LEAD + 3 * mm

    def rows(self, rows: list[tuple[str, str]], label_w: float = 28 * mm) -> None:
        """Labelled rows between rules, the label grey on the left, the text wrapped beside it."""
        c = self.canvas
        text_w = self.right - self.left - label_w - 4 * mm
        c.setStrokeColor(LINE)
        c.line(self.left, self.y, self.right, self.y)
        for label, text in rows:
            lines: list[str] = []
            for paragraph in (text or "—").splitlines() or [""]:
                lines += wrap(paragraph, self.font, SIZE, text_w, 40) or [""]
            height = max(1, len(lines)) * LEAD + 6
            self.room(height)
            c.setFont(self.font, SIZE)
            c.setFillColor(GREY)
            c.drawString(self.left + 1 * mm, self.y - LEAD, label)
            c.setFillColor(black)
            for i, line in enumerate(lines):
                c.drawString(self.left + label_w, self.y - LEAD - i * LEAD, line)
            self.y -= height
            c.setStrokeColor(LINE)
            c.line(self.left, self.y, self.right, self.y)

    def text(self, text: str, size: float = SIZE, grey: bool = False) -> None:
        """A wrapped paragraph across the page."""
        c = self.canvas
        for line in wrap(text, self.font, size, self.right - self.left, 60) or [""]:
            self.room(LEAD)
            c.setFont(self.font, size)
            c.setFillColor(GREY if grey else black)
            c.drawString(self.left, self.y - LEAD, line)
            self.y -= LEAD

    def table(self, head: list[tuple[str, float]], rows: list[list], row_h: float = 9 * mm) -> None:
        """A ruled table: (heading, width in points) columns; a cell is text or image bytes."""
        c = self.canvas

        def draw_head() -> None:
            """The heading row, repeated on each page the table runs onto."""
            c.setFont(self.font, SIZE)
            c.setFillColor(black)
            x = self.left
            for label, w in head:
                c.drawString(x + 1.5 * mm, self.y - LEAD, label)
                x += w
            self.y -= LEAD + 4
            c.setStrokeColor(black)
            c.line(self.left, self.y, self.right, self.y)

        self.room(row_h + 2 * LEAD)
        draw_head()
        for row in rows:
            if self.y - row_h < 22 * mm:
                self._new_page()
                draw_head()
            x = self.left
            for (label, w), cell in zip(head, row):
                if isinstance(cell, bytes):
                    image = ImageReader(io.BytesIO(cell))
                    iw, ih = image.getSize()
                    scale = min((w - 3 * mm) / iw, (row_h - 2 * mm) / ih)
                    c.drawImage(image, x + 1.5 * mm, self.y - row_h + 1 * mm, width=iw * scale, height=ih * scale,
                                mask="auto")
                else:
                    c.setFont(self.font, SIZE)
                    c.setFillColor(black)
                    lines = wrap(str(cell or ""), self.font, SIZE, w - 3 * mm, 2) or [""]
                    for i, line in enumerate(lines):
                        c.drawString(x + 1.5 * mm, self.y - LEAD - i * LEAD, line)
                x += w
            self.y -= row_h
            c.setStrokeColor(LINE)
            c.line(self.left, self.y, self.right, self.y)

    def finish(self) -> bytes:
        """Close the last page and return the PDF."""
        self._foot()
        self.canvas.showPage()
        self.canvas.save()
        return self.out.getvalue()
