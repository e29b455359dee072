"""Quality figures per technician and month: visits done on time, late, overdue; flagged findings;
the quality team's checks of their schools.

Groundwork for the monthly report and appraisal (考核): a visit counts in the month it is due
(after any reschedule) and for the person it is assigned to; inspections count in the month they
were finished, for the person who did them; a spot check or year-end inspection counts in the
month it was finished for the people who answer for the school (quality.responsible_for).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import select

from ..auth.models import User
from ..clock import local_today, site_zone
from ..extensions import db
from .models import OPEN_VISIT_STATES, Inspection, Visit
from .periods import month_end
from .quality import COUNTED_STATES, QUALITY_ACTIVITIES, responsible_for


@dataclass
class TechnicianMonthFigures:
    """One person's figures for one month."""

    user_id: int
    name: str
    due: int = 0            # visits due in the month, cancelled ones not counted
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0        # still open and past the due date
    pending: int = 0        # still open, not yet due
    cancelled: int = 0
    rescheduled: int = 0
    inspections: int = 0    # sheets finished in the month (drafts not counted)
    flagged_items: int = 0  # findings flagged on those sheets
    quality_checks: int = 0  # spot checks and year-end inspections of their schools
    quality_findings: int = 0
    quality_scores: list[float] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        """Share of due visits done on time (None when nothing was due)."""
        return self.done_on_time / self.due if self.due else None

    @property
    def quality_score(self) -> float | None:
        """The average score of the quality checks of their schools (None when none was scored)."""
        return round(sum(self.quality_scores) / len(self.quality_scores), 1) if self.quality_scores else None


def _utc_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's first and last instant in the site's zone, as UTC."""
    zone = site_zone()
    start = datetime.combine(date(year, month, 1), time.min, zone).astimezone(timezone.utc)
    end = datetime.combine(month_end(year, month), time.max, zone).astimezone(timezone.utc)
    return start, end


def technician_month_figures(year: int, month: int, today: date | None = None,
                             user_id: int | None = None) -> list[TechnicianMonthFigures]:
    """Each technician's (or one person's) visit and finding counts for a month, by name."""
    today = today or local_today()
    first, last = date(year, month, 1), month_end(year, month)
    figures: dict[int, TechnicianMonthFigures] = {}

    def entry(uid: int) -> TechnicianMonthFigures:
        """The row of one person, named below once every row is known."""
        if uid not in figures:
            figures[uid] = TechnicianMonthFigures(user_id=uid, name=str(uid))
        return figures[uid]

    visits = select(Visit).where(
        Visit.due_date >= first, Visit.due_date <= last, Visit.deleted_at.is_(None), Visit.assignee_id.is_not(None)
    )
    if user_id is not None:
        visits = visits.where(Visit.assignee_id == user_id)
    for visit in db.session.scalars(visits):
        row = entry(visit.assignee_id)
        if any(h.get("action") == "rescheduled" for h in visit.history or []):
            row.rescheduled += 1
        if visit.state == "cancelled":
            row.cancelled += 1
            continue
        row.due += 1
        if visit.state == "done":
            if visit.done_on is not None and visit.done_on <= visit.due_date:
                row.done_on_time += 1
            else:
                row.done_late += 1
        elif visit.state in OPEN_VISIT_STATES:
            if today > visit.due_date:
                row.overdue += 1
            else:
                row.pending += 1

    start, end = _utc_bounds(year, month)
    sheets = select(Inspection).where(
        Inspection.state != "draft", Inspection.deleted_at.is_(None), Inspection.performed_by_id.is_not(None),
        Inspection.finished_at >= start, Inspection.finished_at <= end,
    )
    if user_id is not None:
        sheets = sheets.where(Inspection.performed_by_id == user_id)
    for sheet in db.session.scalars(sheets):
        if sheet.activity in QUALITY_ACTIVITIES:
            continue  # the quality team's own sheets count for the schools' technicians, below
        row = entry(sheet.performed_by_id)
        row.inspections += 1
        row.flagged_items += sheet.flagged_count or 0

    checks = db.session.scalars(select(Inspection).where(
        Inspection.activity.in_(QUALITY_ACTIVITIES), Inspection.state.in_(COUNTED_STATES),
        Inspection.deleted_at.is_(None), Inspection.finished_at >= start, Inspection.finished_at <= end,
    )).all()
    people = responsible_for({c.customer_id for c in checks}) if checks else {}
    for check in checks:
        for uid in sorted(people.get(check.customer_id, ())):
            if user_id is not None and uid != user_id:
                continue
            row = entry(uid)
            row.quality_checks += 1
            row.quality_findings += check.flagged_count or 0
            if check.score is not None:
                row.quality_scores.append(check.score)
    if figures:
        names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(list(figures)))).all())
        for uid, row in figures.items():
            row.name = names.get(uid, row.name)
    return sorted(figures.values(), key=lambda f: f.name)
