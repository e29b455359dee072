"""Training sessions: the verbs (create, sign, close, attach a handout), when each kind is due,
and each person's training record.

Rules worth knowing:
- A session lists its attendees when it is created (more can be added while it is open). Each
  signs the one attendance sheet on the tablet; the sheet (attendance_pdf.py) is produced by the
  filing pipeline once every listed attendee has signed, or when the session is closed — then
  those who did not sign are printed as absent. `sign_attendance` and `close_session` are the
  verbs where a piece of that paper arrives, and both say so (`filing.pieces_arrived`).
- A signature never changes and a closed session takes no more signatures or attendees.
- Only a signed attendance counts in a person's record and hours (`hours_for`, for the appraisal).
- A kind of training is due `INTERVAL_MONTHS` after it was last held; a kind never held is due now.
Nothing here commits.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import Role, User
from ..clock import local_today, utcnow
from ..documents import filing
from ..documents.models import Blob
from ..documents.storage import clean_image, spool_upload, storage_for, upload_temp_dir
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from .models import TrainingAttendee, TrainingMaterial, TrainingSession
from .vocabulary import INTERVAL_MONTHS, Kind, SessionState

DOCUMENT_KIND = "training_session"  # the paper: the attendance sheet (签到表)
ORGANISERS = (Role.SUPERVISOR, Role.ADMIN, Role.OFFICE)
MAX_MINUTES = 16 * 60
# What a handout may be: the extension, the type it is served as, and how its first bytes begin.
MATERIAL_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".mp4": ("video/mp4", (b"ftyp",)),  # the box type sits at bytes 4-8
}


class MaterialTooLarge(DomainError):
    """A handout over the size limit (nothing is kept)."""

    code = "material_too_large"
    status = 413


def _invalid(errors: dict[str, list[str]]) -> DomainError:
    """The one refusal for fields that do not pass."""
    return DomainError(_("Please correct the marked fields."), code="invalid", errors=errors)


def require_organiser(user: User) -> None:
    """Only the head, the office or an administrator organises training."""
    if not user.has_role(*ORGANISERS):
        raise Forbidden(_("Only the department head or the office organises training."))


def get_session(session_id: str) -> TrainingSession:
    """A live training session, or NotFound."""
    session = db.session.get(TrainingSession, session_id) if session_id else None
    if session is None or session.deleted_at is not None:
        raise NotFound(_("Not found."))
    return session


def _check_session_fields(data: dict) -> dict[str, list[str]]:
    """Problems with a session's fields (kind, title, date, duration, trainer)."""
    problems: dict[str, list[str]] = {}
    if data.get("kind") not in tuple(Kind):
        problems["kind"] = [_("Choose the kind of training.")]
    for name in ("title", "trainer"):
        if not (data.get(name) or "").strip():
            problems[name] = [_("This field is required.")]
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        problems["held_on"] = [_("Give the date.")]
    elif held_on > local_today():
        problems["held_on"] = [_("A training is recorded on the day it is held, not before.")]
    minutes = data.get("duration_minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        problems["duration_minutes"] = [_("Give the length in minutes (1 to %(max)s).", max=MAX_MINUTES)]
    if data.get("kind") == Kind.VENDOR and not (data.get("vendor") or "").strip():
        problems["vendor"] = [_("Name the supplier whose engineer gives the training.")]
    return problems


def _people(ids) -> list[User]:
    """The active users with these ids, in the order given; unknown ids raise a field error."""
    wanted = [int(i) for i in dict.fromkeys(ids or ())]
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted), User.active.is_(True)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise _invalid({"attendee_ids": [_("Unknown or disabled people: %(ids)s.", ids=", ".join(map(str, missing)))]})
    return [found[i] for i in wanted]


def create_session(user: User, data: dict) -> TrainingSession:
    """Record a training held, with the people expected to sign its attendance sheet."""
    require_organiser(user)
    problems = _check_session_fields(data)
    if not data.get("attendee_ids"):
        problems["attendee_ids"] = [_("List who attends: each of them signs the sheet.")]
    if problems:
        raise _invalid(problems)
    people = _people(data["attendee_ids"])
    session = TrainingSession(
        kind=data["kind"], title=data["title"].strip(), held_on=data["held_on"],
        duration_minutes=data["duration_minutes"], trainer=data["trainer"].strip(),
        vendor=(data.get("vendor") or "").strip(), location=(data.get("location") or "").strip(),
        topics=(data.get("topics") or "").strip(), state=SessionState.OPEN, created_by_id=user.id,
    )
    db.session.add(session)
    for position, person in enumerate(people):
        session.attendees.append(TrainingAttendee(user_id=person.id, position=position))
    db.session.flush()
    return session


def _require_open(session: TrainingSession) -> None:
    """A closed session takes no more signatures, attendees or handouts."""
    if session.state != SessionState.OPEN:
        raise DomainError(_("The session is closed: its attendance sheet is final."), code="session_closed",
                          details={"session_id": session.id})


def add_attendees(user: User, session: TrainingSession, ids) -> list[TrainingAttendee]:
    """List more people for an open session (those listed already are left as they are)."""
    require_organiser(user)
    _require_open(session)
    listed = {a.user_id for a in session.attendees}
    added = []
    for person in _people(ids):
        if person.id not in listed:
            attendee = TrainingAttendee(user_id=person.id, position=len(session.attendees))
            session.attendees.append(attendee)
            added.append(attendee)
    db.session.flush()
    return added


def store_signature_image(png: bytes, user: User) -> Blob:
    """Check a signature image (a complete PNG or JPEG within the limits), strip its metadata and
    keep it in blob storage as sync/blobs.py does for the field app's uploads; returns its Blob."""
    max_bytes = int(current_app.config["BLOB_MAX_BYTES"])
    spooled = spool_upload(io.BytesIO(png), max_bytes, upload_temp_dir())
    try:
        existing = db.session.get(Blob, spooled.sha256)
        if existing is not None:
            return existing
        image = clean_image(spooled.path, int(current_app.config["BLOB_MAX_PIXELS"]))
    finally:
        spooled.path.unlink(missing_ok=True)
    storage_for().put(image.stored_sha256, image.data)
    blob = Blob(sha256=spooled.sha256, stored_sha256=image.stored_sha256, size=len(image.data),
                uploaded_size=spooled.size, mime=image.mime, width=image.width, height=image.height,
                uploaded_by_id=user.id)
    db.session.add(blob)
    db.session.flush()
    return blob


def sign_attendance(user: User, session: TrainingSession, attendee_user_id: int, png: bytes | None) -> TrainingAttendee:
    """An attendee signs the session's sheet (on the tablet the organiser hands round, or on their
    own device); when the last listed attendee has signed, the sheet is produced before commit."""
    _require_open(session)
    attendee = next((a for a in session.attendees if a.user_id == attendee_user_id), None)
    if attendee is None:
        raise NotFound(_("This person is not listed for the session."))
    if user.id != attendee_user_id and not user.has_role(*ORGANISERS):
        raise Forbidden(_("Only the person listed, or the organiser's tablet, records this signature."))
    if attendee.signed_at is not None:
        raise DomainError(_("%(name)s has signed already; a signature never changes.", name=attendee.signer_name),
                          code="already_signed", details={"attendee_id": attendee.id})
    if not png:
        raise DomainError(_("Sign in the box first."), code="signature_required",
                          errors={"signature": [_("Sign in the box first.")]})
    blob = store_signature_image(png, user)
    attendee.signer_name = attendee.user.display_name
    attendee.signed_at = utcnow()
    attendee.image_sha256 = blob.sha256
    attendee.recorded_by_id = user.id
    filing.pieces_arrived(DOCUMENT_KIND, session.id)
    return attendee


def close_session(user: User, session: TrainingSession) -> TrainingSession:
    """Close the session: nobody else signs, and the sheet is produced with the absent marked."""
    require_organiser(user)
    _require_open(session)
    if not any(a.signed_at for a in session.attendees):
        raise DomainError(_("Nobody has signed yet: collect the signatures before closing."), code="nobody_signed")
    session.state = SessionState.CLOSED
    session.closed_at = utcnow()
    filing.pieces_arrived(DOCUMENT_KIND, session.id)
    return session


def attach_material(user: User, session: TrainingSession, filename: str, data: bytes) -> TrainingMaterial:
    """Attach a handout (PDF, slides, a picture...) to a session; its type and size are checked."""
    require_organiser(user)
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    limit = int(current_app.config["TRAINING_MATERIAL_MAX_BYTES"])
    if not data:
        raise _invalid({"file": [_("Choose a file.")]})
    if len(data) > limit:
        raise MaterialTooLarge(_("The file is larger than %(limit)s bytes.", limit=limit),
                               errors={"file": [_("The file is larger than %(limit)s bytes.", limit=limit)]},
                               details={"max_bytes": limit})
    kind = MATERIAL_TYPES.get(extension)
    head = data[4:8] if extension == ".mp4" else data[:8]
    if kind is None or not any(head.startswith(magic) for magic in kind[1]):
        allowed = ", ".join(sorted(MATERIAL_TYPES))
        message = _("Only these kinds of file are kept: %(allowed)s (and the file must really be one).", allowed=allowed)
        raise DomainError(message, code="unsupported_material", errors={"file": [message]},
                          details={"allowed": sorted(MATERIAL_TYPES)})
    digest = hashlib.sha256(data).hexdigest()
    storage_for().put(digest, data)
    material = TrainingMaterial(session_id=session.id, filename=name, mime=kind[0], size=len(data), sha256=digest,
                                uploaded_by_id=user.id)
    db.session.add(material)
    db.session.flush()
    return material


def material_bytes(material: TrainingMaterial) -> bytes | None:
    """The stored bytes of a handout."""
    return storage_for().get(material.sha256)


# --- when each kind is due --------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day some months later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month, min(day.day, last[month - 1]))


@dataclass(frozen=True)
class KindDue:
    """When a kind of training was last held and is next due."""

    kind: str
    last_held: date | None
    due_on: date
    interval_months: int
    overdue: bool


def kinds_due(today: date | None = None) -> list[KindDue]:
    """Every kind of training with its last session and due date (one grouped query)."""
    today = today or local_today()
    last = dict(db.session.execute(
        select(TrainingSession.kind, func.max(TrainingSession.held_on))
        .where(TrainingSession.deleted_at.is_(None)).group_by(TrainingSession.kind)
    ).all())
    out = []
    for kind in Kind:
        months = INTERVAL_MONTHS[kind]
        held = last.get(kind.value)
        due = add_months(held, months) if held else today
        out.append(KindDue(kind.value, held, due, months, overdue=held is None or due < today))
    return out


def overdue_kinds(today: date | None = None) -> list[KindDue]:
    """The kinds of training that are overdue (never held, or past their due date)."""
    return [k for k in kinds_due(today) if k.overdue]


# --- each person's record ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """One session a person attended and signed."""

    session: TrainingSession
    signed_at: object


def _signed(user_id: int):
    """A select of (session, signed_at) for the sessions a person signed, newest first."""
    return (
        select(TrainingSession, TrainingAttendee.signed_at)
        .join(TrainingAttendee, TrainingAttendee.session_id == TrainingSession.id)
        .where(TrainingAttendee.user_id == user_id, TrainingAttendee.signed_at.is_not(None),
               TrainingSession.deleted_at.is_(None))
        .order_by(TrainingSession.held_on.desc(), TrainingSession.id)
    )


def training_record(user_id: int, year: int | None = None) -> list[RecordRow]:
    """The sessions a person signed for (of one year, or all), newest first."""
    stmt = _signed(user_id)
    if year is not None:
        stmt = stmt.where(TrainingSession.held_on >= date(year, 1, 1), TrainingSession.held_on < date(year + 1, 1, 1))
    return [RecordRow(s, at) for s, at in db.session.execute(stmt).all()]


def hours_for(user_id: int, year: int, month: int | None = None) -> float:
    """Hours of training a person attended and signed for in a month (or a whole year): the
    figure the appraisal reads."""
    start = date(year, month or 1, 1)
    end = add_months(start, 1 if month else 12)
    minutes = db.session.scalar(
        select(func.coalesce(func.sum(TrainingSession.duration_minutes), 0))
        .join(TrainingAttendee, TrainingAttendee.session_id == TrainingSession.id)
        .where(TrainingAttendee.user_id == user_id, TrainingAttendee.signed_at.is_not(None),
               TrainingSession.deleted_at.is_(None), TrainingSession.held_on >= start, TrainingSession.held_on < end)
    ) or 0
    return round(int(minutes) / 60, 2)


def may_see_record(viewer: User, user_id: int) -> bool:
    """A person sees their own record; the head and administrators see everyone's."""
    return viewer.id == user_id or viewer.has_role(Role.SUPERVISOR, Role.ADMIN)
