"""The pages of a training session: record it, attach handouts, collect signatures on the tablet,
close it, read its attendance sheet. Thin: parse the form, call a verb in sessions.py, commit."""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..clock import local_today
from ..documents.filing import image_bytes
from ..errors import NotFound
from ..extensions import db
from ..forms import submit
from ..request_body import body_limit
from .attendance_pdf import sheet_bytes
from .forms import AttendeesForm, ConfirmForm, MaterialForm, SessionForm, SignatureForm
from .models import TrainingAttendee, TrainingMaterial
from .responses import file_response
from .sessions import (
    ORGANISERS,
    add_attendees,
    attach_material,
    close_session,
    create_session,
    get_session,
    material_bytes,
    sign_attendance,
)

PEOPLE_ROLES = (Role.TECHNICIAN, Role.SUPERVISOR, Role.OFFICE, Role.QUALITY)


def staff_choices(exclude=()) -> list[tuple[int, str]]:
    """The active staff, as choices for attendees and owners."""
    people = db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_([r.value for r in PEOPLE_ROLES])).order_by(User.id)
    ).all()
    return [(u.id, u.display_name) for u in people if u.id not in exclude]


def _visible_session(session_id: str):
    """A session the user may open: organisers any, others those they are listed for."""
    session = get_session(session_id)
    if not current_user.has_role(*ORGANISERS) and all(a.user_id != current_user.id for a in session.attendees):
        raise NotFound(_("Not found."))
    return session


@roles_required(*ORGANISERS)
def new_session():
    """Record a training held and who attends it."""
    form = SessionForm()
    form.attendee_ids.choices = staff_choices()
    if request.method == "GET":
        form.held_on.data = local_today()
    result = submit(form, lambda: create_session(current_user, form.data_for_service()))
    if result.done:
        flash(_("The session is recorded. Hand the tablet round for the signatures."), "success")
        return redirect(url_for("training.session_detail", session_id=result.value.id))
    return render_template("training/session_form.html", form=form), result.status


@login_required
def session_detail(session_id: str):
    """A session: its particulars, handouts and attendance, with the sheet once produced."""
    session = _visible_session(session_id)
    organiser = current_user.has_role(*ORGANISERS)
    more = AttendeesForm()
    more.attendee_ids.choices = staff_choices(exclude={a.user_id for a in session.attendees})
    return render_template("training/session_detail.html", session=session, organiser=organiser, more=more,
                           material_form=MaterialForm(), confirm=ConfirmForm(),
                           signed=sum(1 for a in session.attendees if a.signed_at))


@login_required
def sign(session_id: str, user_id: int):
    """The signature pad for one attendee, on the tablet (or the attendee's own device)."""
    session = _visible_session(session_id)
    attendee = next((a for a in session.attendees if a.user_id == user_id), None)
    if attendee is None or (user_id != current_user.id and not current_user.has_role(*ORGANISERS)):
        raise NotFound(_("Not found."))
    form = SignatureForm()
    result = submit(form, lambda: sign_attendance(current_user, session, user_id, _png_from_data_url(form.signature.data)))
    if result.done:
        flash(_("Thank you, %(name)s: your signature is on the sheet.", name=attendee.signer_name), "success")
        return redirect(url_for("training.session_detail", session_id=session.id))
    return render_template("training/sign.html", session=session, attendee=attendee, form=form), result.status


def _png_from_data_url(value: str | None) -> bytes | None:
    """The image bytes of a 'data:image/png;base64,...' value (None when empty or not base64)."""
    if not value or "," not in value:
        return None
    try:
        return base64.b64decode(value.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


@roles_required(*ORGANISERS)
def more_attendees(session_id: str):
    """List more people for an open session."""
    session = get_session(session_id)
    form = AttendeesForm()
    form.attendee_ids.choices = staff_choices(exclude={a.user_id for a in session.attendees})
    submit(form, lambda: add_attendees(current_user, session, form.attendee_ids.data))
    return redirect(url_for("training.session_detail", session_id=session.id))


@roles_required(*ORGANISERS)
def close(session_id: str):
    """Close the session: the sheet is produced with whoever did not sign marked absent."""
    session = get_session(session_id)
    if submit(ConfirmForm(), lambda: close_session(current_user, session)).done:
        flash(_("The session is closed and its attendance sheet is filed."), "success")
    return redirect(url_for("training.session_detail", session_id=session.id))


@roles_required(*ORGANISERS)
@body_limit("TRAINING_MATERIAL_MAX_BYTES")
def upload_material(session_id: str):
    """Attach a handout to the session."""
    session = get_session(session_id)
    form = MaterialForm()
    upload = form.file.data
    if submit(form, lambda: attach_material(current_user, session, getattr(upload, "filename", "") or "",
                                            upload.read() if upload else b"")).done:
        flash(_("The handout is attached."), "success")
    return redirect(url_for("training.session_detail", session_id=session.id))


@login_required
def material(material_id: str):
    """A handout, for the people who may open its session."""
    item = db.session.get(TrainingMaterial, material_id)
    if item is None or item.deleted_at is not None:
        raise NotFound(_("Not found."))
    _visible_session(item.session_id)
    return file_response(material_bytes(item), item.mime, item.filename, item.sha256)


@login_required
def signature_image(session_id: str, attendee_id: str):
    """One attendee's signature image, for the organiser and the attendee."""
    session = _visible_session(session_id)
    attendee = db.session.get(TrainingAttendee, attendee_id)
    if attendee is None or attendee.session_id != session.id or not attendee.image_sha256 or (
            attendee.user_id != current_user.id and not current_user.has_role(*ORGANISERS)):
        raise NotFound(_("Not found."))
    return file_response(image_bytes(attendee.image_sha256), "image/png", "signature.png", attendee.image_sha256)


@login_required
def attendance_sheet(session_id: str):
    """The session's attendance sheet PDF."""
    session = _visible_session(session_id)
    return file_response(sheet_bytes(session), "application/pdf", f"培训签到表 {session.held_on} {session.title}.pdf",
                         session.sheet_sha256)


def register(bp: Blueprint) -> None:
    """Add the session routes to the training blueprint."""
    bp.add_url_rule("/sessions/new", view_func=new_session, methods=["GET", "POST"])
    bp.add_url_rule("/sessions/<session_id>", view_func=session_detail)
    bp.add_url_rule("/sessions/<session_id>/sign/<int:user_id>", view_func=sign, methods=["GET", "POST"])
    bp.add_url_rule("/sessions/<session_id>/attendees", view_func=more_attendees, methods=["POST"])
    bp.add_url_rule("/sessions/<session_id>/close", view_func=close, methods=["POST"])
    bp.add_url_rule("/sessions/<session_id>/materials", view_func=upload_material, methods=["POST"])
    bp.add_url_rule("/materials/<material_id>", view_func=material)
    bp.add_url_rule("/sessions/<session_id>/signatures/<attendee_id>", view_func=signature_image)
    bp.add_url_rule("/sessions/<session_id>/attendance.pdf", view_func=attendance_sheet)
