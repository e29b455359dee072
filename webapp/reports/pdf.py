"""The monthly report as a PDF, in Chinese (the language the department's papers are printed in):
the title, the analysis and suggestions, each figure's table against last month and the same
month last year, its bar chart (reportlab graphics, the same spec as the page's ECharts), and the
R&D section of product-quality problems with their photos.

Pure drawing code: given the report, its figures and the problems, it returns PDF bytes; it
reads no database and changes nothing."""
from __future__ import annotations

import io

from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image as PILImage
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..clock import local_text
from ..documents.pdf import esc, register_font
from .charts import Chart, charts_of
from .figures import FIGURE_LABELS, FIGURES
from .reading import figure_of, row_label, row_text

SERIES_COLOURS = (colors.HexColor("#2563eb"), colors.HexColor("#94a3b8"), colors.HexColor("#f59e0b"))
WIDTH = A4[0] - 36 * mm
PHOTOS_PER_ROW = 4
PHOTO_MM = 40  # the longer side of a problem's photo in the PDF
PHOTO_PX = 600  # ... and in pixels (about 380 dpi at that size)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    """Title, headings and body text in the Chinese font."""
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=colors.grey),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11),
    }


def chart_drawing(chart: Chart, font: str) -> Drawing:
    """A horizontal bar chart: one bar per period for each category, with a legend."""
    rows = len(chart.labels)
    height = 40 + rows * 30
    drawing = Drawing(WIDTH, height)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = 150, 30, WIDTH - 170, height - 45
    bars.data = [list(reversed(data)) for _name, data in chart.series]
    bars.categoryAxis.categoryNames = list(reversed([label[:18] for label in chart.labels]))
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 7.5
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    for index, colour in enumerate(SERIES_COLOURS):
        bars.bars[index].fillColor = colour
        bars.bars[index].strokeColor = None
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = 150, 12
    legend.fontName, legend.fontSize = font, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.deltax = 110
    legend.colorNamePairs = [(colour, name) for colour, (name, _data) in zip(SERIES_COLOURS, chart.series)]
    drawing.add(legend)
    drawing.add(String(0, height - 10, chart.title[:40], fontName=font, fontSize=8, fillColor=colors.grey))
    return drawing


def _table(key: str, rows: list[dict], styles: dict) -> Table:
    """A figure's rows: item, this month, last month, the same month last year."""
    cell = styles["cell"]
    data = [[Paragraph(esc(t), cell) for t in (_("Item"), _("This month"), _("Last month"), _("Same month last year"))]]
    for row in rows:
        data.append([Paragraph(esc(row_label(key, row)), cell)] +
                    [Paragraph(esc(row_text(row["mode"], row[p])), cell) for p in ("cur", "prev", "ly")])
    table = Table(data, colWidths=[WIDTH * 0.34, WIDTH * 0.22, WIDTH * 0.22, WIDTH * 0.22], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dce8f2")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd5e1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def photo_flowable(data: bytes) -> Image | None:
    """A problem's photo as a picture PHOTO_MM wide at most, re-encoded small (a phone's photo is
    megabytes; the report carries a print-sized copy); None when the bytes are no image."""
    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            picture = picture.convert("RGB")
            picture.thumbnail((PHOTO_PX, PHOTO_PX))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=80)
            width, height = picture.size
    except (OSError, ValueError):
        return None
    scale = PHOTO_MM * mm / max(width, height)
    return Image(io.BytesIO(out.getvalue()), width=width * scale, height=height * scale)


def _photo_rows(images: list[Image]) -> Table:
    """A problem's photos side by side, PHOTOS_PER_ROW to a row."""
    rows = [images[i:i + PHOTOS_PER_ROW] for i in range(0, len(images), PHOTOS_PER_ROW)]
    rows[-1] = rows[-1] + [""] * (PHOTOS_PER_ROW - len(rows[-1]))
    table = Table(rows, colWidths=[WIDTH / PHOTOS_PER_ROW] * PHOTOS_PER_ROW, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def render_report(report, figures: dict, issues: list, font_path: str,
                  photos: dict[str, list[bytes]] | None = None) -> bytes:
    """The report's PDF bytes (`photos`: each problem's images by its id, drawn under it)."""
    font = register_font(font_path)
    styles = _styles(font)
    out = io.BytesIO()
    with force_locale("zh"):
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=16 * mm, title=f"{report.year}年{report.month}月运维报告")
        story = [Paragraph(esc(f"{report.year}年{report.month}月 月度运维报告"), styles["title"])]
        status = (_("Issued %(when)s", when=local_text(report.issued_at)) if report.is_issued else _("Draft"))
        story.append(Paragraph(esc(f"{status} · {_('Compared with %(prev)s and %(ly)s.', prev=figures['periods']['prev'], ly=figures['periods']['ly'])}"),
                               styles["small"]))
        story.append(Paragraph(esc(_("Analysis")), styles["h2"]))
        story.append(Paragraph(esc(report.analysis or "—"), styles["body"]))
        story.append(Paragraph(esc(_("Improvement suggestions")), styles["h2"]))
        story.append(Paragraph(esc(report.suggestions or "—"), styles["body"]))
        charts = {c.key: c for c in charts_of(figures)}
        for key in FIGURES:
            rows = figure_of(figures, key)["rows"]
            story.append(Paragraph(esc(str(FIGURE_LABELS[key])), styles["h2"]))
            if key in charts:
                story.append(chart_drawing(charts[key], font))
                story.append(Spacer(1, 4))
            story.append(_table(key, rows, styles) if rows else Paragraph(esc(_("Nothing this month.")), styles["body"]))
        story.append(Paragraph(esc(_("For R&D: product-quality problems raised this month")), styles["h2"]))
        if not issues:
            story.append(Paragraph(esc(_("None raised this month.")), styles["body"]))
        for issue in issues:
            answer = f" — {_('R&D answer')}: {issue.answer}" if issue.answer else ""
            story.append(Paragraph(esc(f"{issue.model_label}：{issue.text}{answer}"), styles["body"]))
            images = [photo_flowable(data) for data in (photos or {}).get(issue.id, [])]
            images = [image for image in images if image is not None]
            if images:
                story.append(_photo_rows(images))
            story.append(Spacer(1, 4))
        doc.build(story)
    return out.getvalue()
