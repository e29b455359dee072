"""Reads for the pages of handed-in sheets (the review queue, its counts, a sheet's corrections), and
the per-visit and per-sheet measures of a month the appraisal and the monthly report count."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Inspection, Visit
from .quality import COUNTED_STATES, QUALITY_ACTIVITIES, responsible_for
from .schedule import no_signature_reason


def review_queue(state: str | None = None):
    """A select of sheets handed in (newest first), optionally in one review state."""
    stmt = select(Inspection).where(Inspection.state != "draft", Inspection.deleted_at.is_(None))
    if state:
        stmt = stmt.where(Inspection.state == state)
    # each row names its school, checklist, visit and technician: loaded with the page
    stmt = stmt.options(selectinload(Inspection.customer), selectinload(Inspection.template),
                        selectinload(Inspection.visit), selectinload(Inspection.performed_by))
    return stmt.order_by(Inspection.submitted_at.desc(), Inspection.id)


def review_counts() -> dict[str, int]:
    """How many sheets are in each review state."""
    rows = db.session.execute(
        select(Inspection.state, func.count()).where(Inspection.deleted_at.is_(None)).group_by(Inspection.state)
    ).all()
    return {state: count for state, count in rows}


def corrections_of(sheet: Inspection) -> list[Inspection]:
    """Sheets that name this one as the sheet they correct."""
    return list(db.session.scalars(
        select(Inspection).where(Inspection.supersedes_id == sheet.id).order_by(Inspection.submitted_at)
    ))


# --- per-visit and per-sheet measures of a month (the appraisal's and the monthly report's) ------

# The scheduled work a technician answers for (the quarterly and year-end checks are others').
APPRAISED_ACTIVITIES = ("monthly_patrol", "semi_annual_maintenance")


@dataclass
class VisitMeasure:
    """One visit due in a period, with its sheet: was it done on time?

    Done by the due date (after any reschedule), and for a monthly patrol the customer has
    signed the sheet or someone recorded why not (schedule.record_no_signature_reason).
    """

    visit: Visit
    sheet: Inspection | None
    no_signature_reason: str = ""

    @property
    def signed(self) -> bool:
        """The customer signed the visit's sheet."""
        return self.sheet is not None and self.sheet.signed_at is not None

    @property
    def outcome(self) -> str:
        """on_time, late, unsigned (done in time, but no signature and no reason) or open."""
        visit = self.visit
        if visit.state != "done" or visit.done_on is None:
            return "open"
        if visit.done_on > visit.due_date:
            return "late"
        if visit.activity == "monthly_patrol" and not self.signed and not self.no_signature_reason:
            return "unsigned"
        return "on_time"

    @property
    def on_time(self) -> bool:
        """Counts as done on time."""
        return self.outcome == "on_time"


def visit_measures(first: date, last: date, activities: tuple[str, ...] = APPRAISED_ACTIVITIES) -> list[VisitMeasure]:
    """Visits due from `first` to `last` (not cancelled, assigned), each with its sheet; two queries."""
    visits = db.session.scalars(
        select(Visit).where(Visit.due_date >= first, Visit.due_date <= last, Visit.deleted_at.is_(None),
                            Visit.state != "cancelled", Visit.assignee_id.is_not(None), Visit.activity.in_(activities))
        .options(selectinload(Visit.customer)).order_by(Visit.due_date, Visit.id)
    ).all()
    sheet_ids = [v.inspection_id for v in visits if v.inspection_id]
    sheets = {}
    if sheet_ids:
        sheets = {s.id: s for s in db.session.scalars(select(Inspection).where(Inspection.id.in_(sheet_ids)))}
    return [VisitMeasure(v, sheets.get(v.inspection_id), no_signature_reason(v)) for v in visits]


def returned_sheets(start: datetime, end: datetime) -> list[Inspection]:
    """Sheets the office returned with issues in [start, end): still returned, or since corrected.

    Only a sheet not yet accepted can be corrected, and a review either accepts or returns, so a
    superseded sheet that was reviewed is one that was returned.
    """
    return list(db.session.scalars(
        select(Inspection).where(
            Inspection.deleted_at.is_(None), Inspection.performed_by_id.is_not(None),
            Inspection.reviewed_at >= start, Inspection.reviewed_at < end,
            or_(Inspection.state == "has_issues", Inspection.state == "superseded"),
        ).options(selectinload(Inspection.customer)).order_by(Inspection.reviewed_at)
    ))


def quality_checks_of_people(start: datetime, end: datetime) -> list[tuple[Inspection, set[int]]]:
    """Scored quality checks finished in [start, end), each with the people who answer for its school."""
    checks = list(db.session.scalars(
        select(Inspection).where(
            Inspection.activity.in_(QUALITY_ACTIVITIES), Inspection.state.in_(COUNTED_STATES),
            Inspection.deleted_at.is_(None), Inspection.finished_at >= start, Inspection.finished_at < end,
        ).options(selectinload(Inspection.customer)).order_by(Inspection.finished_at)
    ))
    people = responsible_for({c.customer_id for c in checks}) if checks else {}
    return [(c, people.get(c.customer_id, set())) for c in checks]
