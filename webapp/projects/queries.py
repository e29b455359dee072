"""What the office pages show of a project: where it stands, what waits for whom, its rounds, the
plan against progress, and every record and paper. Reads only; changes nothing.

`progress(project)` gives the facts `rules.waiting_for` reads. `timeline(project, today)` is the
plan against what happened, one row per milestone: planned and actual days, late by how many
days (finished after the planned end, or not finished and the planned end is past), and the bar
geometry of a small SVG chart (x and width in per cent of the project's span, so the page needs
no inline style under the content security policy).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..archive.models import Customer
from ..auth.models import User
from ..documents.models import Document, Signature
from ..extensions import db
from . import handover, rounds, rules
from .papers import filed_papers
from .models import (
    Attachment, Change, CompletionReport, EntryReview, ExternalAcceptance, InternalAcceptance, LogEntry,
    Milestone, PlanRevision, Project, ProjectMember, Rectification, Training,
)


def _of(model, project: Project, *order) -> list:
    """The live records of a model for a project, in the given order."""
    return list(db.session.scalars(select(model).where(model.project_id == project.id, model.deleted_at.is_(None))
                                   .order_by(*order)))


def progress(project: Project) -> dict[str, Any]:
    """The facts `rules.waiting_for` needs: failed rounds not rectified, the acceptance team, the last papers."""
    entry = rounds._last_round(EntryReview, project)
    internal = rounds._last_round(InternalAcceptance, project)
    return {
        "entry_failed_unrectified": entry is not None and not entry.met and not rounds.is_rectified(entry),
        "internal_unrectified": internal is not None and not internal.passed and not rounds.is_rectified(internal),
        "acceptance_team": bool(rules.member_ids(project, "acceptance")),
        **handover.completion_facts(project),
    }


def projects_for(user: User, status: str | None = None) -> list[Project]:
    """The projects the user may see (a technician: their schools'), newest first."""
    stmt = select(Project).where(Project.deleted_at.is_(None))
    if not user.sees_all_customers:
        stmt = stmt.where(Project.id.in_(rules.team_project_ids(user)))
    if status:
        stmt = stmt.where(Project.status == status)
    return list(db.session.scalars(stmt.order_by(Project.opened_at.desc(), Project.id)))


# --- the plan against progress ------------------------------------------------------------------


@dataclass
class TimelineRow:
    """One milestone: planned and actual days, lateness, and its two bars (per cent of the span)."""

    milestone: Milestone
    late_days: int
    planned_bar: tuple[float, float]
    actual_bar: tuple[float, float] | None
    done: bool


@dataclass
class Timeline:
    """The milestones of the plan as they stand, from the first day to the last."""

    start: dt.date | None
    end: dt.date | None
    today_x: float | None
    rows: list[TimelineRow] = field(default_factory=list)

    @property
    def late(self) -> list[TimelineRow]:
        """The rows that are late."""
        return [r for r in self.rows if r.late_days > 0]


def timeline(project: Project, today: dt.date) -> Timeline:
    """Planned against actual per milestone; late ones marked with how many days."""
    milestones = _of(Milestone, project, Milestone.position)
    days = [d for m in milestones for d in (m.planned_start, m.planned_end, m.actual_start, m.actual_end) if d]
    if not days:
        return Timeline(None, None, None)
    start, end = min(days), max(days)
    span = max((end - start).days + 1, 1)

    def bar(first: dt.date | None, last: dt.date | None) -> tuple[float, float]:
        first = first or last
        x = (first - start).days / span * 100
        return round(x, 2), round(max(((last - first).days + 1) / span * 100, 0.8), 2)

    rows = []
    for m in milestones:
        if m.actual_end:
            late = (m.actual_end - m.planned_end).days
        else:
            late = (today - m.planned_end).days
        actual = None
        if m.actual_start or m.actual_end:
            actual = bar(m.actual_start or m.actual_end, m.actual_end or max(min(today, end), m.actual_start))
        rows.append(TimelineRow(m, max(late, 0), bar(m.planned_start, m.planned_end), actual, m.actual_end is not None))
    today_x = round((today - start).days / span * 100, 2) if start <= today <= end else None
    return Timeline(start, end, today_x, rows)


# --- the page ----------------------------------------------------------------------------------


def signatures_on(kind: str, document_id: str) -> list[Signature]:
    """The signatures on one paper, oldest first."""
    return list(db.session.scalars(select(Signature).where(
        Signature.document_kind == kind, Signature.document_id == document_id, Signature.deleted_at.is_(None),
    ).order_by(Signature.signed_at, Signature.id)))


def page(project: Project, today: dt.date) -> dict[str, Any]:
    """Everything the project page shows."""
    facts = progress(project)
    rectifications = {r.round_id: r for r in _of(Rectification, project, Rectification.created_at)}
    members = _of(ProjectMember, project, ProjectMember.created_at)
    report = db.session.scalars(select(CompletionReport).where(CompletionReport.project_id == project.id)).first()
    return {
        "project": project,
        "customer": db.session.get(Customer, project.customer_id),
        "status_label": rules.STATUS_LABELS[project.status],
        "waiting": rules.waiting_for(project, facts),
        "facts": facts,
        "team": [m for m in members if m.duty == "team"],
        "acceptance_team": [m for m in members if m.duty == "acceptance"],
        "attachments": _of(Attachment, project, Attachment.created_at),
        "entry_rounds": _of(EntryReview, project, EntryReview.round),
        "internal_rounds": _of(InternalAcceptance, project, InternalAcceptance.round),
        "external_rounds": _of(ExternalAcceptance, project, ExternalAcceptance.round),
        "rectifications": rectifications,
        "timeline": timeline(project, today),
        "revisions": _of(PlanRevision, project, PlanRevision.number.desc()),
        "changes": _of(Change, project, Change.reported_at.desc()),
        "log": _of(LogEntry, project, LogEntry.date.desc(), LogEntry.created_at.desc()),
        "trainings": _of(Training, project, Training.held_on, Training.created_at),
        "report": report,
        "devices": handover.devices_of(project),
        "handover_items": handover.items_of(project),
        "handover": handover.handover_of(project),
        "papers": filed_papers(project),
        "signatures": lambda kind, record: signatures_on(kind, record.id),
    }


def document(document_id: str | None) -> Document | None:
    """A filed document by id."""
    return db.session.get(Document, document_id) if document_id else None
