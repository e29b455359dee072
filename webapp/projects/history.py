"""Where a school's archive came from: its installation projects in the customer page's timeline.

Each project gives a line when it was opened and one when it was handed over into the archive
(both link the project page, which holds every round and record), and a line for each original
file kept with it (the approval application, contracts, drawings, design), linking the file. The
project's signed papers are filed for the school, so the documents section lists them with their
PDFs; the hand-over line names them. Registered by the app factory.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..history import HistoryItem, HistorySection, register_section, url_if_exists
from . import rules
from .forms import ATTACHMENT_LABELS
from .models import Attachment, Project, ProjectPaper
from .papers import TITLES


def _project_lines(project: Project, readable: bool) -> list[HistoryItem]:
    """The project's opening, its hand-over into the archive (once done) and its original files."""
    url = url_if_exists("projects.detail", project_id=project.id) if readable else None
    who = project.marketing.display_name if project.marketing else ""
    lines = [HistoryItem(at=project.opened_at, title=_("Installation project opened: %(name)s", name=project.name),
                         url=url, tag=str(rules.STATUS_LABELS[project.status]),
                         tag_class="tag-ok" if project.status == "completed" else "",
                         detail=" · ".join(p for p in (who, project.contract_no) if p))]
    if project.archived_at:
        kinds = Counter(db.session.scalars(select(ProjectPaper.record_kind).where(ProjectPaper.project_id == project.id)))
        titles = [title + (f" ×{kinds[kind]}" if kinds[kind] > 1 else "") for kind, title in TITLES.items() if kinds[kind]]
        lines.append(HistoryItem(at=project.archived_at, url=url, tag=_("Handed over"), tag_class="tag-ok",
                                 title=_("Handed over into the archive: %(name)s", name=project.name),
                                 detail=_("Signed papers filed: %(papers)s", papers="、".join(titles) or "—")))
    files = db.session.scalars(select(Attachment).where(
        Attachment.project_id == project.id, Attachment.deleted_at.is_(None)).order_by(Attachment.created_at))
    for found in files:
        lines.append(HistoryItem(
            at=found.created_at, title=found.filename, tag=str(ATTACHMENT_LABELS.get(found.kind, found.kind)),
            url=url_if_exists("projects.attachment", attachment_id=found.id) if readable else None,
            detail=_("Original file of the project %(name)s", name=project.name)))
    return lines


def projects_of_customer(customer: Any, user: Any) -> HistorySection:
    """The installation projects of a school, with their original files."""
    projects = db.session.scalars(select(Project).where(
        Project.customer_id == customer.id, Project.deleted_at.is_(None)).order_by(Project.opened_at)).all()
    readable = bool(user.has_role(*rules.READER_ROLES))
    items = [line for project in projects for line in _project_lines(project, readable)]
    return HistorySection("projects", _("Installation projects"), items, _("No installation project for this school."))


def register_history() -> None:
    """Put the projects into the customer pages' timeline."""
    register_section("customer", "projects", projects_of_customer)
