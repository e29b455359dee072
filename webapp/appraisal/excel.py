"""The month's appraisal as an Excel workbook for the payroll office (openpyxl): one row per
person with every figure, the base score, the counts' points, the adjustments and the total; a
second sheet lists the adjustments with their reasons."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..clock import local_text
from .scheme import MEASURE_LABELS, MEASURES, Figure

HEADER_FILL = PatternFill("solid", fgColor="DCE8F2")


def figure_text(figure: Figure) -> str:
    """What a figure counted, in a cell: '7 / 8', 'avg 85.0 (2)', or a count."""
    if not figure.is_rate:
        return f"{figure.done:g}"
    if not figure.out_of:
        return "—"
    if figure.scale != 1:
        return f"{figure.average:g} ({figure.out_of:g})"
    return f"{figure.done:g} / {figure.out_of:g}"


def _header(sheet, titles: list[str], widths: list[int]) -> None:
    """A bold, shaded first row with column widths."""
    sheet.append(titles)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"


def month_workbook(rows: list, year: int, month: int) -> bytes:
    """The workbook of one month's appraisals (services.appraise_month)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year:04d}-{month:02d}"
    scheme = rows[0].scheme if rows else None
    titles = [_("Technician"), _("User name")]
    for key in MEASURES:
        titles += [str(MEASURE_LABELS[key]), _("Points")]
    titles += [_("Base score"), _("Points of the counts"), _("Adjustments"), _("Total"), _("Scheme version")]
    _header(sheet, titles, [16, 12] + [14, 8] * len(MEASURES) + [10, 10, 10, 10, 10])
    for a in rows:
        line: list = [a.user.display_name, a.user.username]
        for figure in a.score.figures:
            line += [figure_text(figure), figure.points]
        line += [a.score.base, a.score.count_points, a.score.adjustments, a.score.total,
                 scheme.version_no if scheme else _("default")]
        sheet.append(line)
    notes = book.create_sheet(_("Adjustments"))
    _header(notes, [_("Technician"), _("Points"), _("Reason"), _("By"), _("When")], [16, 8, 60, 16, 18])
    for a in rows:
        for adj in a.adjustments:
            notes.append([a.user.display_name, adj.points, adj.reason,
                          adj.created_by.display_name if adj.created_by else "", local_text(adj.created_at)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
