"""The rules of the project flow, once: who may do each step, and at which status it may happen.

Every verb in `services.py`, `rounds.py`, `handover.py` and `attachments.py` asks here first:
`require_role` (marketing opens, the head picks the team...), `require_member` (site work is the
team's, internal acceptance the acceptance team's), `require_status` (no installation before
the entry review is met, no external acceptance before internal passes, no hand-over before
external acceptance; nothing moves on hold or cancelled). `waiting_for` says what the project
waits for and from whom (the project page shows it).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import Role, User
from ..auth.permissions import get_visible
from ..errors import DomainError, Forbidden
from ..extensions import db
from .models import (
    CANCELLED, COMPLETED, ENTRY_MET, EXTERNAL_PASSED, FLOW, INTERNAL_PASSED, ON_HOLD, OPENED, TEAM_ASSIGNED,
    Project, ProjectMember,
)

Problems = dict[str, list[str]]

OPEN_ROLES = (Role.MARKETING,)                  # marketing opens a project (市场部)
HEAD_ROLES = (Role.SUPERVISOR,)                 # the head picks the team, appoints the acceptance team
HOLD_ROLES = (Role.MARKETING, Role.SUPERVISOR)  # hold, resume, cancel (with a reason)
OFFICE_ROLES = (Role.SUPERVISOR, Role.OFFICE)   # keep the device list, take the hand-over into the archive
EXTERNAL_ROLES = (Role.MARKETING,)              # marketing joins the external acceptance (or the team leader)
READER_ROLES = (Role.MARKETING, Role.SUPERVISOR, Role.OFFICE, Role.QUALITY, Role.ADMIN, Role.TECHNICIAN,
                Role.LEADERSHIP)                # see the project pages (a technician only his customers')

# Site work happens from these statuses on (after the entry review is met) ...
INSTALLING = (ENTRY_MET, INTERNAL_PASSED)
# ... and the hand-over, report and archive after the external acceptance.
AFTER_EXTERNAL = (EXTERNAL_PASSED,)
ACTIVE = FLOW[:-1]  # not completed, not on hold, not cancelled

STATUS_LABELS = {
    OPENED: _l("Waiting for the team"),
    TEAM_ASSIGNED: _l("Site-entry review"),
    ENTRY_MET: _l("Installing"),
    INTERNAL_PASSED: _l("Internal acceptance passed"),
    EXTERNAL_PASSED: _l("External acceptance passed"),
    COMPLETED: _l("Completed"),
    ON_HOLD: _l("On hold"),
    CANCELLED: _l("Cancelled"),
}


class StageError(DomainError):
    """The project is not at the step the verb needs."""

    code = "project_stage"
    status = 409


class RectificationPending(DomainError):
    """The last failed internal acceptance is not reported rectified."""

    code = "rectification_pending"
    status = 409


class AlreadyArchived(DomainError):
    """The hand-over created the archive records already."""

    code = "already_archived"
    status = 409


class HandoverIncomplete(DomainError):
    """Hand-over items are still unchecked."""

    code = "handover_incomplete"
    status = 409


def add_problem(problems: Problems, name: str, message: str) -> None:
    """Note a problem with one field."""
    problems.setdefault(name, []).append(str(message))


def raise_if(problems: Problems) -> None:
    """Refuse with every problem at once; nothing changes."""
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)


def text_value(data: dict, name: str, problems: Problems, *, required: bool = False, limit: int = 20000) -> str:
    """A trimmed text field: required, and not over its limit."""
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        add_problem(problems, name, _("This field is required."))
    elif len(value) > limit:
        add_problem(problems, name, _("The text is too long."))
    return value


def date_value(data: dict, name: str, problems: Problems, *, required: bool = True) -> dt.date | None:
    """A day between 2000 and 2100 (a date, or ISO text)."""
    value = data.get(name)
    if isinstance(value, str) and value.strip():
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            add_problem(problems, name, _("Not a valid date."))
            return None
    if value in (None, ""):
        if required:
            add_problem(problems, name, _("This field is required."))
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        add_problem(problems, name, _("Not a valid date."))
        return None
    if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
        add_problem(problems, name, _("The date must be between 2000 and 2100."))
        return None
    return value


# --- who -------------------------------------------------------------------------------------


def load_project(user: User, project_id: str) -> Project:
    """A project the user may see (its customer is visible to them), else NotFound."""
    return get_visible(Project, project_id or "", user, include_deleted=False)


def require_role(user: User, roles: tuple[Role, ...], message: str | None = None) -> None:
    """Refuse (403) unless the user holds one of the roles."""
    if not user.has_role(*roles):
        raise Forbidden(message or _("Your role does not take this step of the project."))


def member_ids(project: Project, duty: str = "team") -> set[int]:
    """The users on the project's installation team (or acceptance team)."""
    return set(db.session.scalars(select(ProjectMember.user_id).where(
        ProjectMember.project_id == project.id, ProjectMember.duty == duty, ProjectMember.deleted_at.is_(None),
    )).all())


def is_member(user: User, project: Project, duty: str = "team") -> bool:
    """True when the user is on the project's team (or acceptance team)."""
    return user.id in member_ids(project, duty)


def require_member(user: User, project: Project, duty: str = "team") -> None:
    """Refuse (403) unless the user is on the team the step belongs to."""
    if not is_member(user, project, duty):
        if duty == "acceptance":
            raise Forbidden(_("Only the appointed acceptance team does the internal acceptance."))
        raise Forbidden(_("Only the project's installation team does the work on site."))


def require_leader(user: User, project: Project) -> None:
    """Refuse (403) unless the user leads the project's team."""
    if project.leader_id != user.id:
        raise Forbidden(_("Only the team leader takes this step."))


def team_project_ids(user: User):
    """SQL: the ids of the projects whose installation team includes the user (for a device's scope)."""
    return select(ProjectMember.project_id).where(
        ProjectMember.user_id == user.id, ProjectMember.duty.in_(("team", "acceptance")),
        ProjectMember.deleted_at.is_(None),
    )


# --- when ------------------------------------------------------------------------------------


def require_status(project: Project, allowed: tuple[str, ...], message: str | None = None) -> None:
    """Refuse (409 project_stage) unless the project stands at one of the allowed statuses."""
    if project.status in allowed:
        return
    if project.status == ON_HOLD:
        message = _("The project is on hold: %(reason)s", reason=project.status_reason)
    elif project.status == CANCELLED:
        message = _("The project is cancelled: %(reason)s", reason=project.status_reason)
    elif project.status == COMPLETED:
        message = _("The project is completed.")
    raise StageError(
        message or _("The project is not at this step yet."),
        details={"status": project.status, "required": list(allowed)},
    )


def require_installing(project: Project) -> None:
    """Site work (log, changes, training) needs the entry review met."""
    if project.status in (OPENED, TEAM_ASSIGNED):
        raise StageError(_("No installation before the site-entry review is met."),
                         details={"status": project.status, "required": list(INSTALLING)})
    require_status(project, INSTALLING, _("Installation work is over for this project."))


def waiting_for(project: Project, facts: dict[str, Any]) -> list[str]:
    """What the project waits for, and from whom (facts: see `queries.progress`)."""
    status = project.status
    if status == ON_HOLD:
        return [_("On hold: %(reason)s", reason=project.status_reason)]
    if status in (CANCELLED, COMPLETED):
        return []
    if status == OPENED:
        return [_("The department head picks the installation team and its leader.")]
    if status == TEAM_ASSIGNED:
        lines = []
        if facts.get("entry_failed_unrectified"):
            lines.append(_("Marketing has the school rectify the site-entry conditions."))
        lines.append(_("The team reviews the site-entry conditions."))
        if not project.plan_filed_at:
            lines.append(_("The team files the work plan."))
        return lines
    if status == ENTRY_MET:
        lines = []
        if not facts.get("acceptance_team"):
            lines.append(_("The department head appoints the internal acceptance team."))
        if facts.get("internal_unrectified"):
            lines.append(_("The team rectifies the failed acceptance items."))
        else:
            lines.append(_("The team installs; the acceptance team accepts the work."))
        return lines
    if status == INTERNAL_PASSED:
        return [_("Marketing, the team leader and the school hold the external acceptance.")]
    lines = []
    if not facts.get("report_signed"):
        lines.append(_("The team leader writes and signs the completion report."))
    if not facts.get("handover_signed"):
        lines.append(_("The team checks off the hand-over items; the school signs the receipt."))
    if not project.archived_at:
        lines.append(_("The department head takes the device list into the archive."))
    return lines
