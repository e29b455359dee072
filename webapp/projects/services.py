"""Project verbs: open, team, acceptance team, hold / resume / cancel, the work plan, log, changes, training.

README of the package (the field app builds on these; every verb takes the acting `user` first,
checks `rules.py` (role, team membership, status), records who and when, never commits):

| verb | module | who | status needed | effect |
|---|---|---|---|---|
| `open_project(user, data)` | services | marketing | -- | new Project (and a new Customer when `data["new_customer"]`); heads notified |
| `assign_team(user, project, leader_id, member_ids)` | services | head | opened .. internal_passed | team members (+ customer scope); opened -> team_assigned |
| `appoint_acceptance_team(user, project, user_ids)` | services | head | team_assigned .. entry_met | acceptance team |
| `hold_project / resume_project / cancel_project(user, project, reason)` | services | marketing, head | active | on_hold (remembers), back, cancelled |
| `file_plan(user, project, data)` | services | team | team_assigned, entry_met | plan text + milestones; a PlanRevision |
| `record_progress(user, milestone, data)` | services | team | installing | a milestone's actual dates |
| `add_log_entry(user, data, record_id)` | services | team | installing | LogEntry |
| `record_change(user, data, record_id)` | services | team | installing | Change; plan dates moved + PlanRevision; heads notified at once |
| `record_training(user, data, record_id)` | services | team | installing | Training; trainees sign `trainee-1..n` |
| `record_entry_review(user, data, record_id)` | rounds | team | team_assigned | EntryReview round n; met -> entry_met, not met -> marketing notified |
| `report_rectified(user, data, record_id)` | rounds | marketing (entry) / team (internal) | the round's | Rectification of the last failed round |
| `record_internal_acceptance(user, data, record_id)` | rounds | acceptance team | entry_met (previous failure rectified) | round n; passed -> internal_passed |
| `record_external_acceptance(user, data, record_id)` | rounds | marketing or team leader | internal_passed | round n; passed -> external_passed, customer's acceptance date |
| `write_report(user, data, record_id)` | rounds | team leader | external_passed | CompletionReport; the leader signs `leader` |
| `add_device / update_device / remove_device` | handover | team, head, office | not archived | ProjectDevice (the device list); `bom_import.import_devices` from Excel |
| `add_handover_item / check_handover_item(user, item)` | handover | team | external_passed to check | HandoverCheck |
| `record_handover(user, data, record_id)` | handover | team | external_passed, all checked | Handover receipt; the school signs `school` |
| `archive_project(user, project)` | handover | head, office | external_passed + receipt | sites / cabinets / devices / hand-over items in the archive, exactly once |
| `add_attachment(user, project, kind, filename, data)` | attachments | marketing, head, office, team | any but cancelled | Attachment in blob storage (PDF, images, office files; size-limited) |

Record shapes the field app syncs (sync kind = `SYNC_KIND`; all carry `project_id`, `customer_id`,
`author_id`, dates as ISO text): `project` (read), `project_member` (read: `user_id`, `duty` team /
acceptance), `project_milestone` (read; actual dates through `record_progress`),
`project_entry_review` {round?, reviewed_on, items: [{key, label, ok, note}], met, notes,
reviewer_name} + photos and the `reviewer` signature on that kind; `project_log` {date, text,
workers}; `project_change` {what, why, effect, milestones: [{milestone_id, planned_start?,
planned_end?}]}; `project_training` {held_on, topics, trainer, trainees: [names]} + signatures
`trainee-n`; `project_internal_acceptance` {round?, checked_on, items: [{name, ok, note, rectify}],
passed, notes}; `project_rectification` {round_kind, round_id, note}. A round's number is the next
one when left out; `met`/`passed` must agree with the items (all ok). Papers (kind -> signer roles):
project_entry_review (reviewer), project_training (trainee-1..n), project_external_acceptance
(school), project_report (leader), project_handover (school).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..archive.models import Customer
from ..archive.rules import record_problems
from ..archive.rules import raise_if as raise_archive_problems
from ..auth.models import Role, User
from ..clock import utcnow
from ..errors import DomainError, NotFound
from ..extensions import db
from ..notifications.services import notify_each, users_with_role
from . import handover, rules
from .models import (
    CANCELLED, ENTRY_MET, ON_HOLD, OPENED, STANDARDS, TEAM_ASSIGNED,
    Change, LogEntry, Milestone, PlanRevision, Project, ProjectMember, Training,
)
from .rules import ACTIVE, Problems, add_problem, date_value, text_value

CUSTOMER_FIELDS = ("name", "address", "person_in_charge", "phone")
MAX_MILESTONES = 60
MAX_TRAINEES = 40


def heads() -> list[User]:
    """The department heads: told of every new project and every change."""
    return users_with_role(Role.SUPERVISOR)


# --- opening, team, status --------------------------------------------------------------------


def _new_customer(data: dict) -> Customer:
    """The customer of a project for a school not in the archive yet."""
    values = {name: (data.get(name) or "").strip() for name in CUSTOMER_FIELDS}
    values["kind"] = "school"
    raise_archive_problems(record_problems("customer", None, values))
    customer = Customer(**values)
    db.session.add(customer)
    return customer


def open_project(user: User, data: dict, record_id: str | None = None) -> Project:
    """Marketing opens a project (施工审批申请单 goes with it as an attachment); heads are told."""
    rules.require_role(user, rules.OPEN_ROLES, _("Only marketing opens an installation project."))
    problems: Problems = {}
    name = text_value(data, "name", problems, required=True, limit=200)
    address = text_value(data, "address", problems, limit=300)
    contract_no = text_value(data, "contract_no", problems, limit=100)
    tendered = bool(data.get("tendered"))
    standard = data.get("standard") or ("contract" if tendered else "company")
    if standard not in STANDARDS:
        add_problem(problems, "standard", _("Not a valid choice."))
    if tendered and not contract_no:
        add_problem(problems, "contract_no", _("A tendered project names its contract or tender number."))
    customer = None
    if not data.get("new_customer"):
        customer = db.session.get(Customer, data.get("customer_id") or "")
        if customer is None or customer.deleted_at is not None:
            add_problem(problems, "customer_id", _("Choose a customer of the archive, or enter a new one."))
    rules.raise_if(problems)
    if customer is None:
        customer = _new_customer({"name": name, "address": address, **(data.get("customer") or {})})
        db.session.flush()
    now = utcnow()
    project = Project(
        customer_id=customer.id, new_customer=bool(data.get("new_customer")), name=name,
        address=address or customer.address, contract_no=contract_no, tendered=tendered, standard=standard,
        standard_notes=text_value(data, "standard_notes", problems), notes=text_value(data, "notes", problems),
        status=OPENED, marketing_id=user.id, opened_at=now,
    )
    if record_id:
        project.id = record_id
    db.session.add(project)
    db.session.flush()
    handover.add_default_items(user, project)
    notify_each(heads(), "project_opened", None,
                lambda: _("New installation project %(name)s: pick its team.", name=project.name),
                dedupe_key=f"project_opened:{project.id}")
    return project


def _set_members(user: User, project: Project, duty: str, user_ids: set[int]) -> list[User]:
    """Make the team of a duty exactly these users (removed ones get a tombstone)."""
    people = [db.session.get(User, uid) for uid in sorted(user_ids)]
    if any(person is None or not person.is_active for person in people):
        raise DomainError(_("Please correct the marked fields."), code="invalid",
                          errors={"member_ids": [_("Choose active members of staff.")]})
    current = {m.user_id: m for m in db.session.scalars(select(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.duty == duty, ProjectMember.deleted_at.is_(None)))}
    for uid, member in current.items():
        if uid not in user_ids:
            member.deleted_at = utcnow()
    for person in people:
        if person.id not in current:
            db.session.add(ProjectMember(project_id=project.id, customer_id=project.customer_id, user_id=person.id,
                                         duty=duty, author_id=user.id))
        if person.has_role(Role.TECHNICIAN) and person not in project.customer.technicians:
            project.customer.technicians.append(person)  # their device pulls the school's records
    return people


def assign_team(user: User, project: Project, leader_id: int | None, member_ids) -> Project:
    """The head picks the installation team (安装调试小组) and its leader."""
    rules.require_role(user, rules.HEAD_ROLES, _("Only the department head picks the installation team."))
    rules.require_status(project, ACTIVE[:4])
    ids = {int(i) for i in member_ids or () if str(i).strip()}
    if leader_id in (None, ""):
        raise DomainError(_("Please correct the marked fields."), code="invalid",
                          errors={"leader_id": [_("Choose the team leader.")]})
    ids.add(int(leader_id))
    people = _set_members(user, project, "team", ids)
    project.leader_id = int(leader_id)
    project.team_assigned_at, project.team_assigned_by_id = utcnow(), user.id
    if project.status == OPENED:
        project.status = TEAM_ASSIGNED
    notify_each(people, "project_team", None,
                lambda: _("You are on the installation team of %(name)s.", name=project.name),
                dedupe_key=f"project_team:{project.id}:{project.version}")
    return project


def appoint_acceptance_team(user: User, project: Project, user_ids) -> Project:
    """The head appoints the internal acceptance team (验收小组)."""
    rules.require_role(user, rules.HEAD_ROLES, _("Only the department head appoints the acceptance team."))
    rules.require_status(project, (TEAM_ASSIGNED, ENTRY_MET))
    ids = {int(i) for i in user_ids or () if str(i).strip()}
    if not ids:
        raise DomainError(_("Please correct the marked fields."), code="invalid",
                          errors={"member_ids": [_("Choose at least one person.")]})
    _set_members(user, project, "acceptance", ids)
    project.acceptance_team_at, project.acceptance_team_by_id = utcnow(), user.id
    return project


def _reason(reason: str | None) -> str:
    """A hold or a cancellation needs its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Please correct the marked fields."), code="invalid",
                          errors={"reason": [_("Say why.")]})
    return reason[:2000]


def _status_change(user: User, project: Project, status: str, reason: str) -> Project:
    """Move the project to a status, noting who, when and why."""
    project.status, project.status_reason = status, reason
    project.status_changed_at, project.status_changed_by_id = utcnow(), user.id
    return project


def hold_project(user: User, project: Project, reason: str | None) -> Project:
    """Put an active project on hold with a reason; it remembers where it stood."""
    rules.require_role(user, rules.HOLD_ROLES)
    rules.require_status(project, ACTIVE)
    project.held_status = project.status
    return _status_change(user, project, ON_HOLD, _reason(reason))


def resume_project(user: User, project: Project) -> Project:
    """Take a project off hold: back to where it stood."""
    rules.require_role(user, rules.HOLD_ROLES)
    rules.require_status(project, (ON_HOLD,), _("The project is not on hold."))
    status, project.held_status = project.held_status or OPENED, None
    return _status_change(user, project, status, "")


def cancel_project(user: User, project: Project, reason: str | None) -> Project:
    """Cancel a project (active or on hold) with a reason; it stays, with every record."""
    rules.require_role(user, rules.HOLD_ROLES)
    rules.require_status(project, ACTIVE + (ON_HOLD,))
    project.held_status = None
    return _status_change(user, project, CANCELLED, _reason(reason))


# --- the work plan ----------------------------------------------------------------------------


def plan_snapshot(project: Project) -> list[dict]:
    """The milestones as they stand now, for a PlanRevision."""
    return [{"milestone_id": m.id, "name": m.name, "planned_start": m.planned_start and m.planned_start.isoformat(),
             "planned_end": m.planned_end.isoformat()} for m in _milestones(project)]


def _milestones(project: Project) -> list[Milestone]:
    """The plan's milestones in order (read fresh, not from a cached relationship)."""
    return list(db.session.scalars(select(Milestone).where(
        Milestone.project_id == project.id, Milestone.deleted_at.is_(None)).order_by(Milestone.position)))


def _revise(user: User, project: Project, reason: str, change: Change | None = None) -> PlanRevision:
    """Keep the plan as it stands now in its history."""
    db.session.flush()
    number = (db.session.scalar(select(func.max(PlanRevision.number)).where(
        PlanRevision.project_id == project.id)) or 0) + 1
    revision = PlanRevision(project_id=project.id, customer_id=project.customer_id, number=number, reason=reason,
                            change_id=change.id if change else None, milestones=plan_snapshot(project),
                            author_id=user.id)
    db.session.add(revision)
    return revision


def file_plan(user: User, project: Project, data: dict) -> Project:
    """The team files the work plan (工程安装调试进度计划): scheme, process, quality, milestones.

    Filing again replaces the milestones that have no actual dates yet; each filing is a revision.
    """
    rules.require_member(user, project)
    rules.require_status(project, (TEAM_ASSIGNED, ENTRY_MET))
    problems: Problems = {}
    scheme = text_value(data, "scheme", problems, required=True)
    process = text_value(data, "process", problems)
    quality = text_value(data, "quality", problems)
    rows = data.get("milestones") or []
    if not isinstance(rows, list) or not rows or len(rows) > MAX_MILESTONES:
        add_problem(problems, "milestones", _("List the plan's milestones (at most %(n)d).", n=MAX_MILESTONES))
        rows = []
    cleaned = []
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        sub: Problems = {}
        name = text_value(row, "name", sub, required=True, limit=200)
        start = date_value(row, "planned_start", sub, required=False)
        end = date_value(row, "planned_end", sub)
        if start and end and end < start:
            add_problem(sub, "planned_end", _("The end is before the start."))
        for key, messages in sub.items():
            problems[f"milestones.{i}.{key}"] = messages
        cleaned.append((name, start, end))
    rules.raise_if(problems)
    project.plan_scheme, project.plan_process, project.plan_quality = scheme, process, quality
    project.plan_filed_at, project.plan_filed_by_id = utcnow(), user.id
    for old in _milestones(project):
        if old.actual_start is None and old.actual_end is None:
            old.deleted_at = utcnow()
    for position, (name, start, end) in enumerate(cleaned):
        db.session.add(Milestone(project_id=project.id, customer_id=project.customer_id, position=position,
                                 name=name, planned_start=start, planned_end=end, author_id=user.id))
    _revise(user, project, _("Work plan filed"))
    return project


def record_progress(user: User, milestone: Milestone, data: dict) -> Milestone:
    """The team notes a milestone's actual start and end."""
    project = db.session.get(Project, milestone.project_id)
    rules.require_member(user, project)
    rules.require_installing(project)
    problems: Problems = {}
    values = {name: date_value(data, name, problems, required=False)
              for name in ("actual_start", "actual_end") if name in data}
    start = values.get("actual_start", milestone.actual_start)
    end = values.get("actual_end", milestone.actual_end)
    if start and end and end < start:
        add_problem(problems, "actual_end", _("The end is before the start."))
    rules.raise_if(problems)
    for name, value in values.items():
        setattr(milestone, name, value)
    return milestone


# --- site work: log, changes, training -------------------------------------------------------


def site_project(user: User, data: dict) -> Project:
    """The project a site record names, checked: the user's team, installation under way."""
    project = rules.load_project(user, data.get("project_id") or "")
    rules.require_member(user, project)
    rules.require_installing(project)
    return project


def add_log_entry(user: User, data: dict, record_id: str | None = None) -> LogEntry:
    """A day's entry in the site log."""
    project = site_project(user, data)
    problems: Problems = {}
    day = date_value(data, "date", problems)
    text = text_value(data, "text", problems, required=True)
    workers = text_value(data, "workers", problems, limit=300)
    rules.raise_if(problems)
    entry = LogEntry(project_id=project.id, customer_id=project.customer_id, date=day, text=text,
                     workers=workers, author_id=user.id)
    if record_id:
        entry.id = record_id
    db.session.add(entry)
    return entry


def record_change(user: User, data: dict, record_id: str | None = None) -> Change:
    """A change on site: what, why, effect; the plan's dates move (history kept); heads told at once."""
    project = site_project(user, data)
    problems: Problems = {}
    what = text_value(data, "what", problems, required=True)
    why = text_value(data, "why", problems, required=True)
    effect = text_value(data, "effect", problems)
    moves = data.get("milestones") or []
    if not isinstance(moves, list) or len(moves) > MAX_MILESTONES:
        add_problem(problems, "milestones", _("Not a list of milestone dates."))
        moves = []
    plan = {m.id: m for m in _milestones(project)}
    updates = []
    for i, move in enumerate(moves):
        move = move if isinstance(move, dict) else {}
        milestone = plan.get(move.get("milestone_id") or "")
        if milestone is None:
            add_problem(problems, f"milestones.{i}.milestone_id", _("Not a milestone of this project's plan."))
            continue
        sub: Problems = {}
        values = {k: date_value(move, k, sub, required=False) for k in ("planned_start", "planned_end") if k in move}
        if values.get("planned_end", True) is None:
            add_problem(sub, "planned_end", _("This field is required."))
        for key, messages in sub.items():
            problems[f"milestones.{i}.{key}"] = messages
        updates.append((milestone, values))
    rules.raise_if(problems)
    change = Change(project_id=project.id, customer_id=project.customer_id, what=what, why=why, effect=effect,
                    milestones=[{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in m.items()}
                                for m in moves], reported_at=utcnow(), author_id=user.id)
    if record_id:
        change.id = record_id
    db.session.add(change)
    for milestone, values in updates:
        for name, value in values.items():
            setattr(milestone, name, value)
    if updates:
        db.session.flush()
        _revise(user, project, what[:200], change)
    notify_each(heads(), "project_change", None,
                lambda: _("Change at %(name)s: %(what)s (why: %(why)s)", name=project.name, what=what[:200],
                          why=why[:200]),
                dedupe_key=f"project_change:{change.id}")
    return change


def record_training(user: User, data: dict, record_id: str | None = None) -> Training:
    """An operator training session on site; each trainee then signs as `trainee-n`."""
    project = site_project(user, data)
    problems: Problems = {}
    day = date_value(data, "held_on", problems)
    topics = text_value(data, "topics", problems, required=True)
    trainer = text_value(data, "trainer", problems, required=True, limit=100)
    names = data.get("trainees")
    if not isinstance(names, list) or not names or len(names) > MAX_TRAINEES:
        add_problem(problems, "trainees", _("Name the trainees (at most %(n)d).", n=MAX_TRAINEES))
        names = []
    trainees = [str(n).strip()[:100] for n in names if str(n).strip()]
    if names and len(trainees) != len(names):
        add_problem(problems, "trainees", _("A trainee's name is empty."))
    rules.raise_if(problems)
    training = Training(project_id=project.id, customer_id=project.customer_id, held_on=day, topics=topics,
                        trainer=trainer, trainees=trainees, author_id=user.id)
    if record_id:
        training.id = record_id
    db.session.add(training)
    return training


def load_milestone(user: User, milestone_id: str) -> Milestone:
    """A milestone of a project the user may see."""
    milestone = db.session.get(Milestone, milestone_id or "")
    if milestone is None or milestone.deleted_at is not None:
        raise NotFound(_("Not found."))
    rules.load_project(user, milestone.project_id)
    return milestone

