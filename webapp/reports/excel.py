"""The monthly report as an Excel workbook (openpyxl): a summary sheet with the analysis and the
suggestions, one sheet per figure (item, this month, last month, same month last year, and the
headline numbers the chart reads), a native bar chart on each charted figure's sheet (the same
spec as the page and the PDF), and a sheet of every figure per school."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from ..clock import local_text
from .charts import charts_of
from .figures import FIGURE_LABELS, FIGURES
from .reading import figure_of, row_label, row_text, row_value

HEADER_FILL = PatternFill("solid", fgColor="DCE8F2")


def _header(sheet, titles: list[str]) -> None:
    """A bold, shaded row."""
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL


def _summary(book: Workbook, report, figures: dict) -> None:
    """The first sheet: the month, the status and the head's text."""
    sheet = book.active
    sheet.title = _("Report")[:31]
    sheet.append([f"{report.year}-{report.month:02d} {_('Monthly O&M report')}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Issued %(when)s", when=local_text(report.issued_at)) if report.is_issued else _("Draft")])
    sheet.append([_("Compared with %(prev)s and %(ly)s.", prev=figures["periods"]["prev"], ly=figures["periods"]["ly"])])
    for title, text in ((_("Analysis"), report.analysis), (_("Improvement suggestions"), report.suggestions)):
        sheet.append([])
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append([text or "—"])
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 100


def _figure_sheet(book: Workbook, index: int, key: str, figures: dict, charted: dict) -> None:
    """One figure's rows, and its chart when it is charted."""
    sheet = book.create_sheet(f"{index:02d} {str(FIGURE_LABELS[key])}"[:31])
    sheet.append([str(FIGURE_LABELS[key])])
    sheet["A1"].font = Font(bold=True)
    _header(sheet, [_("Item"), _("This month"), _("Last month"), _("Same month last year"),
                    _("This month"), _("Last month"), _("Same month last year")])
    rows = figure_of(figures, key)["rows"]
    for row in rows:
        sheet.append([row_label(key, row)] + [row_text(row["mode"], row[p]) for p in ("cur", "prev", "ly")]
                     + [row_value(row["mode"], row[p]) for p in ("cur", "prev", "ly")])
    for column, width in zip("ABCDEFG", (36, 20, 20, 20, 12, 12, 12)):
        sheet.column_dimensions[column].width = width
    spec = charted.get(key)
    if spec is None:
        return
    # the chart's own numbers, beside the table: only the rows the chart draws, as the page and PDF
    sheet.cell(row=2, column=9, value=_("Chart"))
    for column, (name, _data) in enumerate(spec.series, start=10):
        sheet.cell(row=2, column=column, value=name)
    for offset, label in enumerate(spec.labels):
        sheet.cell(row=3 + offset, column=9, value=label)
        for column, (_name, data) in enumerate(spec.series, start=10):
            sheet.cell(row=3 + offset, column=column, value=data[offset])
    last = 2 + len(spec.labels)
    chart = BarChart()
    chart.type = "bar"
    chart.title = spec.title
    chart.add_data(Reference(sheet, min_col=10, max_col=9 + len(spec.series), min_row=2, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=9, min_row=3, max_row=last))
    chart.height, chart.width = 7 + 0.5 * len(spec.labels), 18
    sheet.add_chart(chart, "I" + str(last + 2))


def _schools_sheet(book: Workbook, figures: dict) -> None:
    """Every figure's rows per school: school, figure, item, this month, last month, last year."""
    sheet = book.create_sheet(_("Per school")[:31])
    _header(sheet, [_("School"), _("Figure"), _("Item"), _("This month"), _("Last month"), _("Same month last year")])
    for school_id, name in figures["schools"].items():
        for key in FIGURES:
            for row in figure_of(figures, key)["rows"]:
                share = row["schools"].get(school_id)
                if share:
                    sheet.append([name, str(FIGURE_LABELS[key]), row_label(key, row)]
                                 + [row_text(row["mode"], share[p]) for p in ("cur", "prev", "ly")])
    for column, width in zip("ABCDEF", (24, 30, 30, 18, 18, 18)):
        sheet.column_dimensions[column].width = width


def report_workbook(report, figures: dict) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    _summary(book, report, figures)
    charted = {c.key: c for c in charts_of(figures)}
    for index, key in enumerate(FIGURES, start=1):
        _figure_sheet(book, index, key, figures, charted)
    _schools_sheet(book, figures)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
