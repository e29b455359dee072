"""The one way a list is filtered, exported to Excel and printed.

Every office list (tickets, sheets, diaries, audit, ...) reads the same five filters from the
query string — school, technician, status, from, to — through `ListFilterForm`, applies them with
`apply_filters`, and answers `?format=xlsx` with `excel_response`. A list says only which of
its columns each filter means and which statuses it knows.

Decisions worth knowing:
- Dates are site-local days, both ends included (`clock.local_day_start`), as people read them.
- A filter that does not parse (a date like 2026-13-01, an unknown school) is shown with its
  message and left out; the list still answers, so a bad link never hides the page.
- The export holds every row the filters keep (up to MAX_EXPORT_ROWS), not one page.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Sequence

from flask import request, send_file, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from .archive.queries import visible_customers
from .auth.models import Role, User
from .clock import local_day_start
from .extensions import db

MAX_EXPORT_ROWS = 5000


class ListFilterForm(FlaskForm):
    """School, technician, status and a date range, read from the query string."""

    class Meta:
        csrf = False  # a GET form: filtering changes nothing

    school = SelectField(_l("School"), choices=[], validators=[Optional()])
    technician = SelectField(_l("Technician"), choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


@dataclass
class ListFilters:
    """What a list is asked for; empty values do not filter."""

    customer_id: str = ""
    technician_id: int | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links, paging and the export)."""
        args = {"school": self.customer_id, "technician": str(self.technician_id or ""), "status": self.status,
                "date_from": self.date_from.isoformat() if self.date_from else "",
                "date_to": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in args.items() if v}


def filter_form(user: User, statuses: Sequence[tuple[str, Any]] = (), default_status: str = "",
                old_names: dict[str, str] | None = None, schools: Sequence | None = None) -> ListFilterForm:
    """The filter form with the schools the user may see (or the list's own `schools`, e.g. retired
    ones too), the technicians and the list's statuses.
    `old_names` maps a list's former argument (e.g. `customer`) to the shared one (`school`), so
    links and bookmarks made before the list moved onto these filters still filter."""
    args = MultiDict(request.args)
    for old, new in (old_names or {}).items():
        if args.get(old) and new not in args:
            args[new] = args[old]
    form = ListFilterForm(args)
    form.school.choices = [("", _("All schools"))] + [(c.id, c.name) for c in (
        visible_customers(user) if schools is None else schools)]
    people = db.session.execute(
        select(User.id, User.display_name).where(User.role == Role.TECHNICIAN.value).order_by(User.display_name)
    ).all()
    form.technician.choices = [("", _("Everyone"))] + [(str(pid), name) for pid, name in people]
    form.status.choices = [("", _("Any status"))] + [(value, str(label)) for value, label in statuses]
    if "status" not in args and default_status:
        form.status.data = default_status
    return form


def read_filters(form: ListFilterForm) -> ListFilters:
    """The valid filters of a submitted form; a field that does not parse keeps its message and is left out."""
    form.validate()
    if form.date_from.data and form.date_to.data and form.date_to.data < form.date_from.data and not form.date_to.errors:
        form.date_to.errors = list(form.date_to.errors) + [_("The end date comes before the start date.")]

    def ok(field):
        return field.data if field.data and not field.errors else None

    technician = ok(form.technician)
    return ListFilters(
        customer_id=ok(form.school) or "",
        technician_id=int(technician) if technician and str(technician).isdigit() else None,
        status=ok(form.status) or "",
        date_from=ok(form.date_from),
        date_to=ok(form.date_to),
    )


def apply_filters(stmt: Select, filters: ListFilters, *, customer=None, technician=None,
                  statuses: dict[str, Any] | None = None, day=None, day_is_date: bool = False) -> Select:
    """Limit a list's query: `customer`, `technician` and `day` are its columns; `statuses` maps a
    status value to its SQL condition. A filter the list has no column for is not applied."""
    if filters.customer_id and customer is not None:
        stmt = stmt.where(customer == filters.customer_id)
    if filters.technician_id and technician is not None:
        stmt = stmt.where(technician == filters.technician_id)
    if filters.status and statuses and filters.status in statuses:
        stmt = stmt.where(statuses[filters.status])
    if day is not None:
        if filters.date_from:
            stmt = stmt.where(day >= (filters.date_from if day_is_date else local_day_start(filters.date_from)))
        if filters.date_to:
            stmt = stmt.where(day <= filters.date_to if day_is_date
                              else day < local_day_start(filters.date_to + timedelta(days=1)))
    return stmt


def wants_export() -> bool:
    """True when the list is asked for as an Excel file (?format=xlsx)."""
    return request.args.get("format") == "xlsx"


def export_url() -> str:
    """This list, with the same filters, as an Excel file (an empty status stays: it means any
    status, where leaving it out means the list's default)."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "format") and (v or k == "status")}
    return url_for(request.endpoint, **(request.view_args or {}), **args, format="xlsx")


def _cell(value: Any) -> Any:
    """A value as Excel stores it: dates as dates, times in the site's zone, the rest as text or number."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    if isinstance(value, (date, int, float)):
        return value
    return str(value)


def excel_response(title: str, columns: Sequence[tuple[Any, Callable[[Any], Any]]], rows: Iterable,
                   filename: str):
    """An .xlsx of the rows: one header row (the columns' labels), one line per row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([str(label) for label, _get in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for count, row in enumerate(rows):
        if count >= MAX_EXPORT_ROWS:
            break
        sheet.append([_cell(get(row)) for _label, get in columns])
    for index, (label, _get) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(str(label)) * 2 + 4))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"{filename}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)


def export_rows(stmt: Select) -> list:
    """Every row the filters keep, for the export (capped)."""
    return list(db.session.scalars(stmt.limit(MAX_EXPORT_ROWS)))
