"""Reads for the pages of handed-in sheets: the review queue, its counts, a sheet's corrections."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Inspection


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
