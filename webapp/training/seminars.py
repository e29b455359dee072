"""The month-end seminar (月底研讨会): the verbs from the drafted agenda to the issued minutes.

Rules worth knowing:
- One seminar a month. Its agenda is drafted from the month (agenda.py); drafting again adds
  only what is new, so the head can draft early and again on the day.
- Everyone on the staff adds their own lessons (心得); the head (or an administrator) records,
  for each problem, the discussion, the solution agreed, an owner and a status, and who attended.
- Issuing the minutes freezes the seminar: the minutes PDF is produced by the filing pipeline
  (minutes_pdf.py) before commit and leadership and R&D are notified. A problem still open or
  in progress is carried into the next month's agenda as a new item naming it, and so on until
  one of the chain is solved: the issued minutes stay as they were.
- A month in the future has no seminar yet.
Nothing here commits.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import Role, User
from ..clock import local_today, utcnow
from ..documents import filing
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..notifications.services import notify_each, users_with_role
from .agenda import add_proposals, proposals_for
from .models import Seminar, SeminarItem
from .vocabulary import UNSOLVED, ItemStatus, SeminarState, Source

DOCUMENT_KIND = "seminar"  # the paper: the minutes (研讨会纪要)
CHAIRS = (Role.SUPERVISOR, Role.ADMIN)
STAFF = (Role.TECHNICIAN, Role.SUPERVISOR, Role.OFFICE, Role.QUALITY, Role.ADMIN)
READERS = (*STAFF, Role.LEADERSHIP, Role.RND)
NOTIFIED = (Role.LEADERSHIP, Role.RND)


def require_chair(user: User) -> None:
    """Only the department head (or an administrator) runs the seminar."""
    if not user.has_role(*CHAIRS):
        raise Forbidden(_("Only the department head runs the seminar."))


def _require_draft(seminar: Seminar) -> None:
    """Issued minutes no longer change."""
    if seminar.state != SeminarState.DRAFT:
        raise DomainError(_("The minutes of this seminar are issued and can no longer change."), code="seminar_issued",
                          details={"seminar_id": seminar.id})


def check_month(year: int, month: int) -> None:
    """A real month, not after this one."""
    today = local_today()
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise NotFound(_("Not found."))
    if (year, month) > (today.year, today.month):
        raise DomainError(_("That month has not come yet."), code="month_in_future", details={"year": year, "month": month})


def seminar_for(year: int, month: int) -> Seminar | None:
    """The seminar of a month, if one was started."""
    return db.session.scalars(
        select(Seminar).where(Seminar.year == year, Seminar.month == month, Seminar.deleted_at.is_(None))
    ).first()


def get_seminar(seminar_id: str) -> Seminar:
    """A live seminar, or NotFound."""
    seminar = db.session.get(Seminar, seminar_id) if seminar_id else None
    if seminar is None or seminar.deleted_at is not None:
        raise NotFound(_("Not found."))
    return seminar


def get_item(seminar: Seminar, item_id: str) -> SeminarItem:
    """One item of this seminar, or NotFound."""
    item = db.session.get(SeminarItem, item_id) if item_id else None
    if item is None or item.seminar_id != seminar.id or item.deleted_at is not None:
        raise NotFound(_("Not found."))
    return item


def draft_agenda(user: User, year: int, month: int) -> tuple[Seminar, list[SeminarItem]]:
    """Start (or bring up to date) a month's seminar with what the month puts on the agenda."""
    require_chair(user)
    check_month(year, month)
    seminar = seminar_for(year, month)
    if seminar is None:
        seminar = Seminar(year=year, month=month, state=SeminarState.DRAFT, created_by_id=user.id)
        db.session.add(seminar)
        db.session.flush()
    _require_draft(seminar)
    return seminar, add_proposals(seminar, proposals_for(year, month))


def _text(data: dict, name: str, limit: int, required: bool = False) -> tuple[str, list[str]]:
    """A trimmed text field and its problems."""
    value = (data.get(name) or "").strip()
    if required and not value:
        return value, [_("This field is required.")]
    if len(value) > limit:
        return value, [_("At most %(n)s characters.", n=limit)]
    return value, []


def _add(seminar: Seminar, user: User, source: str, data: dict) -> SeminarItem:
    """Add an item written by a person (a lesson, or a problem raised in the meeting)."""
    _require_draft(seminar)
    title, title_problems = _text(data, "title", 200, required=True)
    facts, facts_problems = _text(data, "facts", 5000)
    problems = {k: v for k, v in (("title", title_problems), ("facts", facts_problems)) if v}
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)
    position = max((i.position for i in seminar.items), default=0) + 1
    item = SeminarItem(seminar_id=seminar.id, position=position, source=source, title=title, facts=facts,
                       author_id=user.id, owner_id=user.id if source == Source.LESSON else None,
                       status=ItemStatus.SOLVED if source == Source.LESSON else ItemStatus.OPEN)
    db.session.add(item)
    seminar.items.append(item)
    db.session.flush()
    return item


def add_lesson(user: User, seminar: Seminar, data: dict) -> SeminarItem:
    """A colleague's own lesson (心得) for the seminar: shared, so nothing is left open by it."""
    if not user.has_role(*STAFF):
        raise Forbidden(_("Only the department's staff add lessons."))
    return _add(seminar, user, Source.LESSON, data)


def add_problem(user: User, seminar: Seminar, data: dict) -> SeminarItem:
    """A problem raised in the meeting that the month's records did not bring up."""
    require_chair(user)
    return _add(seminar, user, Source.OTHER, data)


def record_item(user: User, item: SeminarItem, data: dict) -> SeminarItem:
    """Record what the meeting said of one problem: discussion, solution agreed, owner, status."""
    require_chair(user)
    _require_draft(item.seminar)
    problems: dict[str, list[str]] = {}
    discussion, found = _text(data, "discussion", 5000)
    if found:
        problems["discussion"] = found
    solution, found = _text(data, "solution", 5000)
    if found:
        problems["solution"] = found
    status = data.get("status") or item.status
    if status not in tuple(ItemStatus):
        problems["status"] = [_("Choose a status.")]
    elif status == ItemStatus.SOLVED and not solution and item.source != Source.LESSON:
        problems["solution"] = [_("Say how it was solved.")]
    owner_id = data.get("owner_id") or None
    owner = db.session.get(User, int(owner_id)) if owner_id else None
    if owner_id and (owner is None or not owner.is_active):
        problems["owner_id"] = [_("Unknown or disabled person.")]
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)
    item.discussion, item.solution, item.status = discussion, solution, status
    item.owner_id = owner.id if owner else None
    return item


def set_attendance(user: User, seminar: Seminar, held_on: date | None, attendee_ids) -> Seminar:
    """Record the day the seminar was held and who took part."""
    require_chair(user)
    _require_draft(seminar)
    wanted = [int(i) for i in dict.fromkeys(attendee_ids or ())]
    people = list(db.session.scalars(select(User).where(User.id.in_(wanted), User.active.is_(True)).order_by(User.id)))
    problems: dict[str, list[str]] = {}
    if held_on is None:
        problems["held_on"] = [_("Give the date.")]
    elif held_on > local_today():
        problems["held_on"] = [_("A seminar is recorded on the day it is held, not before.")]
    if len(people) != len(wanted):
        problems["attendee_ids"] = [_("Unknown or disabled people.")]
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)
    seminar.held_on = held_on
    seminar.attendees = people
    return seminar


def unsolved(seminar: Seminar) -> list[SeminarItem]:
    """The problems still open or in progress: they carry over into next month's seminar."""
    return [i for i in seminar.items if i.status in UNSOLVED and i.deleted_at is None]


def issue_minutes(user: User, seminar: Seminar) -> Seminar:
    """Issue the minutes: freeze the seminar, produce its PDF before commit, tell leadership and R&D."""
    require_chair(user)
    _require_draft(seminar)
    problems: dict[str, list[str]] = {}
    if seminar.held_on is None or not seminar.attendees:
        problems["attendee_ids"] = [_("Record the day and who attended first.")]
    if not seminar.items:
        problems["items"] = [_("The agenda is empty: draft it or add a problem first.")]
    if problems:
        raise DomainError(_("The minutes cannot be issued yet."), code="minutes_incomplete", errors=problems)
    seminar.state = SeminarState.ISSUED
    seminar.issued_at = utcnow()
    seminar.issued_by_id = user.id
    filing.pieces_arrived(DOCUMENT_KIND, seminar.id)
    total, still_open = len(seminar.items), len(unsolved(seminar))
    notify_each(
        users_with_role(*NOTIFIED), "seminar_minutes", None,
        lambda: _("The minutes of the %(year)s-%(month)02d seminar are issued: %(total)s items, %(open)s still open "
                  "(carried into next month). Open them under Training and seminars.",
                  year=seminar.year, month=seminar.month, total=total, open=still_open),
        dedupe_key=f"seminar_minutes:{seminar.id}",
    )
    return seminar


def issued_seminar(year: int, month: int) -> Seminar | None:
    """The seminar of a month whose minutes are issued."""
    seminar = seminar_for(year, month)
    return seminar if seminar is not None and seminar.state == SeminarState.ISSUED else None


def minutes_bytes(seminar: Seminar) -> bytes | None:
    """The stored minutes PDF, once produced."""
    return filing.document_storage().get(seminar.minutes_sha256) if seminar.minutes_sha256 else None


def minutes_for_month(year: int, month: int) -> str | None:
    """The address of a month's issued minutes PDF, or None while they are not issued.

    For the monthly report's link; it works inside a request (an address for this site) and
    outside one (the path, e.g. when a PDF report is built by a job).
    """
    seminar = issued_seminar(year, month)
    if seminar is None:
        return None
    if has_request_context():
        return url_for("training.seminar_minutes", seminar_id=seminar.id)
    return current_app.url_map.bind("localhost").build("training.seminar_minutes", {"seminar_id": seminar.id})
