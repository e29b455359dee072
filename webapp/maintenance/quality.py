"""Quality checks (spot checks, year-end inspections) by school and site, and what a sheet links to.

A quality check is a sheet of a scored checklist (scoring.py): its total is stored on the sheet
when it is handed in; here the checks of a year are grouped per school and site with their
findings, for the supervisor, and each check counts for the technicians responsible for the
school (figures.py).

Fair inputs to the appraisal (考核): the checks that score a technician's schools are not his to
fill. A spot check or a year-end inspection is the quality team's (`check_performer` refuses
anyone else with `quality_team_only`, so nobody scores his own school 100); the quarterly
inspection is the head's, with the school's leaders, whose names the head records on the sheet
(`record_attendees`); the plan of a year-end inspection belongs to a quality inspector and of a
quarterly inspection to the head (`check_plan_owner`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..archive.models import Customer
from ..auth.models import User
from ..clock import site_zone
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..repairs.models import RepairTicket
from .models import Inspection, MaintenancePlan
from .roles import HEAD_ROLES, QUALITY_TEAM_ROLES
from .scoring import SheetScore, score_sheet

QUALITY_ACTIVITIES = ("spot_check", "year_end_inspection")
COUNTED_STATES = ("submitted", "received", "has_issues", "accepted")
HEAD_ACTIVITIES = ("quarterly_inspection",)
MAX_ATTENDEES = 20


def check_performer(activity: str, user: User) -> None:
    """Refuse a check filled by someone it does not belong to (a technician scoring his own school)."""
    if activity in QUALITY_ACTIVITIES and not user.has_role(*QUALITY_TEAM_ROLES):
        raise Forbidden(_("Spot checks and the year-end inspection are filled by the quality team."),
                        code="quality_team_only", details={"activity": activity})
    if activity in HEAD_ACTIVITIES and not user.has_role(*HEAD_ROLES):
        raise Forbidden(_("The quarterly inspection is led by the department head."), code="head_only",
                        details={"activity": activity})


def check_plan_owner(activity: str, user: User | None) -> None:
    """The person responsible for a plan of a quality or head's activity must hold that role."""
    if user is not None:
        check_performer(activity, user)


def record_attendees(sheet: Inspection, user: User, attendees: list[dict]) -> None:
    """The head records the school's leaders who took part in a quarterly inspection."""
    if sheet.activity not in HEAD_ACTIVITIES:
        raise DomainError(_("Attendees are recorded on a quarterly inspection."), code="invalid_scope")
    check_performer(sheet.activity, user)
    people = []
    for person in attendees or []:
        name = str(person.get("name") or "").strip()[:100]
        if name:
            people.append({"name": name, "title": str(person.get("title") or "").strip()[:100]})
    if not people:
        message = _("Name at least one of the school's leaders who took part.")
        raise DomainError(message, code="attendees_required", errors={"attendees": [message]})
    sheet.attendees = people[:MAX_ATTENDEES]


def sheet_score(sheet: Inspection) -> SheetScore | None:
    """A sheet's score by section and item (None for an unscored checklist)."""
    return score_sheet(sheet.template.items, sheet.answers) if sheet.template else None


def tickets_of(sheet: Inspection) -> dict[str, Any]:
    """The repair tickets opened from the sheet's findings, by id."""
    ids = [a["ticket_id"] for a in (sheet.answers or {}).values() if a.get("ticket_id")]
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(select(RepairTicket).where(RepairTicket.id.in_(ids)))}


@dataclass
class Finding:
    """One flagged item of a check."""

    sheet: Inspection
    label_zh: str
    label_en: str
    note: str


@dataclass
class SiteChecks:
    """A school's (or one of its sites') quality checks in a year."""

    customer: Any
    site: Any
    checks: list[Inspection] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        """The average score of the scored checks."""
        scores = [c.score for c in self.checks if c.score is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    @property
    def latest(self) -> Inspection | None:
        """The most recent check."""
        return self.checks[0] if self.checks else None


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in the site's zone, as UTC instants [start, end)."""
    zone = site_zone()
    start = datetime.combine(date(year, 1, 1), time.min, zone).astimezone(timezone.utc)
    end = datetime.combine(date(year + 1, 1, 1), time.min, zone).astimezone(timezone.utc)
    return start, end


def findings_of(sheet: Inspection) -> list[Finding]:
    """The flagged items of a sheet, in checklist order."""
    out = []
    answers = sheet.answers or {}
    for item in sheet.template.items if sheet.template else []:
        answer = answers.get(item["key"]) or {}
        if answer.get("flagged"):
            out.append(Finding(sheet, item["label_zh"], item["label_en"], (answer.get("note") or "").strip()))
    return out


def checks_by_site(year: int, activity: str | None = None) -> list[SiteChecks]:
    """The year's quality checks grouped by school and site, lowest average first."""
    start, end = year_bounds(year)
    activities = (activity,) if activity in QUALITY_ACTIVITIES else QUALITY_ACTIVITIES
    sheets = db.session.scalars(
        select(Inspection)
        .where(Inspection.activity.in_(activities), Inspection.state.in_(COUNTED_STATES),
               Inspection.deleted_at.is_(None), Inspection.finished_at >= start, Inspection.finished_at < end)
        .options(selectinload(Inspection.customer), selectinload(Inspection.site),
                 selectinload(Inspection.template), selectinload(Inspection.performed_by))
        .order_by(Inspection.finished_at.desc())
    ).all()
    groups: dict[tuple[str, str | None], SiteChecks] = {}
    for sheet in sheets:
        key = (sheet.customer_id, sheet.site_id)
        group = groups.get(key)
        if group is None:
            group = groups[key] = SiteChecks(customer=sheet.customer, site=sheet.site)
        group.checks.append(sheet)
        group.findings += findings_of(sheet)
    return sorted(groups.values(), key=lambda g: (g.average is None, g.average or 0, g.customer.name))


def responsible_for(customer_ids: set[str]) -> dict[str, set[int]]:
    """Who answers for each school's quality: the monthly patrol's responsible person, else the
    school's assigned technicians."""
    out: dict[str, set[int]] = {cid: set() for cid in customer_ids}
    plans = db.session.scalars(
        select(MaintenancePlan).where(MaintenancePlan.customer_id.in_(customer_ids),
                                      MaintenancePlan.activity == "monthly_patrol",
                                      MaintenancePlan.deleted_at.is_(None),
                                      MaintenancePlan.responsible_id.is_not(None))
    )
    for plan in plans:
        out[plan.customer_id].add(plan.responsible_id)
    missing = [cid for cid, people in out.items() if not people]
    if missing:
        for customer in db.session.scalars(select(Customer).where(Customer.id.in_(missing))):
            out[customer.id] = {u.id for u in customer.technicians if u.role == "technician"}
    return out
