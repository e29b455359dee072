"""A month's appraisal figures per technician, measured from the work itself.

The per-visit and per-ticket measures live with the features that own the work
(`maintenance.queries`, `repairs.queries`); this module groups them by person into
`scheme.Figure`s, each keeping the records behind it so a page can link to every one. A fixed
number of queries per month, whatever the number of people or records.

What counts for whom, and in which month:
- visits (monthly patrols, semi-annual maintenance) due in the month, for the assignee;
- sheets the office returned with issues in the month, for the person who filled them;
- quality checks (spot checks, year-end inspections) finished in the month, for the people
  who answer for the school (`maintenance.quality.responsible_for`);
- repair deadline clocks due in the month, for the technician assigned to the ticket;
- follow-up calls and reworks recorded in the month (see `repairs.queries`);
- suggestions filed in the month by their author, and those adopted among them.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..clock import site_zone
from ..extensions import db
from ..maintenance.labels import ACTIVITY_LABELS
from ..maintenance.periods import month_end, shift_month
from ..maintenance.queries import quality_checks_of_people, returned_sheets, visit_measures
from ..repairs.deadlines import FACTORY_RETURN
from ..repairs.queries import clocks_due, follow_up_calls, reworks
from .models import Suggestion
from .scheme import Figure, Record

OUTCOME_LABELS = {
    "on_time": _l("On time"),
    "late": _l("Late"),
    "unsigned": _l("No signature and no reason"),
    "open": _l("Not done"),
    "met": _l("Met"),
    "breached": _l("Missed"),
    "excused": _l("Late, circumstance noted"),
    "returned": _l("Returned with issues"),
    "scored": _l("Scored"),
    "rated": _l("Rated"),
    "responsible": _l("Held responsible"),
    "filed": _l("Filed"),
    "adopted": _l("Adopted"),
}


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """A month in the site's zone as UTC instants [start, end)."""
    zone = site_zone()
    next_year, next_month = shift_month(year, month, 1)
    start = datetime.combine(date(year, month, 1), time.min, zone).astimezone(timezone.utc)
    end = datetime.combine(date(next_year, next_month, 1), time.min, zone).astimezone(timezone.utc)
    return start, end


class _Board:
    """Figures by person and measure, made on first use."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Figure]] = {}

    def figure(self, user_id: int, key: str, scale: float = 1) -> Figure:
        """The person's figure of a measure."""
        row = self.rows.setdefault(user_id, {})
        if key not in row:
            row[key] = Figure(key, scale=scale)
        return row[key]


def _visits(board: _Board, year: int, month: int) -> None:
    """Patrols and maintenance due in the month: on time out of due."""
    for m in visit_measures(date(year, month, 1), month_end(year, month)):
        visit = m.visit
        figure = board.figure(visit.assignee_id, "visits_on_time")
        figure.out_of += 1
        figure.done += 1 if m.on_time else 0
        label = f"{visit.customer.name} · {ACTIVITY_LABELS.get(visit.activity, visit.activity)} {visit.period_key}"
        figure.records.append(Record("visit", visit.id, label, m.outcome))


def _sheets(board: _Board, start: datetime, end: datetime) -> None:
    """Sheets returned with issues in the month."""
    for sheet in returned_sheets(start, end):
        figure = board.figure(sheet.performed_by_id, "returned_sheet")
        figure.done += 1
        label = f"{sheet.customer.name} · {ACTIVITY_LABELS.get(sheet.activity, sheet.activity)}"
        figure.records.append(Record("sheet", sheet.id, label, "returned"))


def _quality(board: _Board, start: datetime, end: datetime) -> None:
    """Quality checks of the schools each person answers for: the average score."""
    for check, people in quality_checks_of_people(start, end):
        if check.score is None:
            continue
        for uid in sorted(people):
            figure = board.figure(uid, "quality_score", scale=100)
            figure.out_of += 1
            figure.done += check.score
            label = f"{check.customer.name} · {ACTIVITY_LABELS.get(check.activity, check.activity)} {check.score:g}"
            figure.records.append(Record("sheet", check.id, label, "scored"))


def _repairs(board: _Board, start: datetime, end: datetime, now: datetime | None) -> None:
    """Deadline clocks due in the month; factory returns apart from the same-day clocks."""
    for m in clocks_due(start, end, now=now):
        if m.technician_id is None:
            continue
        key = "factory_returns" if m.clock.key == FACTORY_RETURN else "repair_deadlines"
        figure = board.figure(m.technician_id, key)
        figure.out_of += 1
        ok = m.met or m.excused
        figure.done += 1 if ok else 0
        outcome = "met" if m.met else "excused" if m.excused else "breached"
        figure.records.append(Record("ticket", m.ticket.id, f"{m.ticket.number} · {m.clock.label}", outcome))
    for call in follow_up_calls(start, end):
        if call.technician_id is None or call.quality is None or call.attitude is None:
            continue
        figure = board.figure(call.technician_id, "follow_up", scale=5)
        figure.out_of += 1
        figure.done += (call.quality + call.attitude) / 2
        label = f"{call.ticket.number} · {call.quality} / {call.attitude}"
        figure.records.append(Record("ticket", call.ticket.id, label, "rated"))
    for rework in reworks(start, end):
        figure = board.figure(rework.responsible_id, "rework")
        figure.done += 1
        figure.records.append(Record("ticket", rework.ticket.id, f"{rework.ticket.number} · {rework.reason}", "responsible"))


def _suggestions(board: _Board, start: datetime, end: datetime) -> None:
    """Suggestions filed in the month, and the adopted ones among them."""
    for suggestion in db.session.scalars(
        select(Suggestion).where(Suggestion.created_at >= start, Suggestion.created_at < end).order_by(Suggestion.created_at)
    ):
        filed = board.figure(suggestion.author_id, "suggestion")
        filed.done += 1
        filed.records.append(Record("suggestion", suggestion.id, suggestion.title, "filed"))
        if suggestion.adopted:
            adopted = board.figure(suggestion.author_id, "adopted_suggestion")
            adopted.done += 1
            adopted.records.append(Record("suggestion", suggestion.id, suggestion.title, "adopted"))


def month_figures(year: int, month: int, now: datetime | None = None) -> dict[int, dict[str, Figure]]:
    """Every person's figures of a month, by user id and measure key."""
    start, end = month_bounds(year, month)
    board = _Board()
    _visits(board, year, month)
    _sheets(board, start, end)
    _quality(board, start, end)
    _repairs(board, start, end, now)
    _suggestions(board, start, end)
    return board.rows
