"""The pages of the month-end seminar: draft the agenda, add lessons, record each problem in the
meeting (a page made for the tablet), record attendance, issue and read the minutes. Thin:
parse the form, call a verb in seminars.py, commit."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, NotFound
from ..extensions import db
from ..forms import submit
from .agenda import next_month, previous_month
from .forms import ConfirmForm, ItemForm, LessonForm, SeminarAttendanceForm
from .models import Seminar
from .responses import file_response
from .seminars import (
    CHAIRS,
    READERS,
    STAFF,
    add_lesson,
    add_problem,
    check_month,
    draft_agenda,
    get_item,
    get_seminar,
    issue_minutes,
    minutes_bytes,
    record_item,
    seminar_for,
    set_attendance,
    unsolved,
)
from .session_views import staff_choices
from .vocabulary import SeminarState


def _require_reader() -> None:
    """Staff, leadership and R&D read the seminars."""
    if not current_user.has_role(*READERS):
        abort(403)


def _back(seminar: Seminar, anchor: str = ""):
    """Back to the seminar's page (at one item, when given)."""
    return redirect(url_for("training.seminar", year=seminar.year, month=seminar.month) + (f"#{anchor}" if anchor else ""))


def _item_form(item) -> ItemForm:
    """The outcome form of one item, filled with what is recorded."""
    form = ItemForm(prefix=f"i{item.id[:8]}", data={"discussion": item.discussion, "solution": item.solution,
                                                     "owner_id": item.owner_id, "status": item.status})
    form.owner_id.choices = [(None, "—")] + staff_choices()
    return form


@login_required
def seminar(year: int, month: int):
    """A month's seminar: the agenda with each problem's outcome, lessons, attendance, minutes."""
    _require_reader()
    try:
        check_month(year, month)
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("training.index"))
    found = seminar_for(year, month)
    chair = current_user.has_role(*CHAIRS)
    if found is not None and found.state != SeminarState.ISSUED and not current_user.has_role(*STAFF):
        found = None  # leadership and R&D read issued minutes only
    attendance = None
    if found is not None and chair and found.state == SeminarState.DRAFT:
        attendance = SeminarAttendanceForm(data={"held_on": found.held_on,
                                                 "attendee_ids": [u.id for u in found.attendees]})
        attendance.attendee_ids.choices = staff_choices()
    return render_template(
        "training/seminar.html", year=year, month=month, seminar=found, chair=chair,
        staff=current_user.has_role(*STAFF), forms={i.id: _item_form(i) for i in (found.items if found else [])},
        lesson=LessonForm(), problem=LessonForm(prefix="problem"), attendance=attendance, confirm=ConfirmForm(),
        unsolved=unsolved(found) if found else [], previous=previous_month(year, month), following=next_month(year, month),
    )


@login_required
def draft(year: int, month: int):
    """Draft (or bring up to date) the month's agenda from its repairs and patrols."""
    if ConfirmForm().validate_on_submit():
        try:
            found, added = draft_agenda(current_user, year, month)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
            return redirect(url_for("training.index"))
        db.session.commit()
        flash(_("%(n)s items added to the agenda from the month.", n=len(added)) if added
              else _("The agenda is up to date: the month has nothing new."), "success")
        return _back(found)
    return redirect(url_for("training.seminar", year=year, month=month))


@login_required
def record(seminar_id: str, item_id: str):
    """Record one problem's discussion, solution, owner and status."""
    found = get_seminar(seminar_id)
    item = get_item(found, item_id)
    form = _item_form(item)
    if submit(form, lambda: record_item(current_user, item, {
            "discussion": form.discussion.data, "solution": form.solution.data,
            "owner_id": form.owner_id.data, "status": form.status.data})).done:
        flash(_("Saved: %(title)s", title=item.title[:60]), "success")
    return _back(found, f"item-{item.id}")


def _add(seminar_id: str, verb, prefix: str = ""):
    """Add a lesson or a problem from its form."""
    found = get_seminar(seminar_id)
    form = LessonForm(prefix=prefix)
    if form.validate_on_submit():
        try:
            item = verb(current_user, found, {"title": form.title.data, "facts": form.facts.data})
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Added to the agenda."), "success")
            return _back(found, f"item-{item.id}")
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return _back(found)


@login_required
def lesson(seminar_id: str):
    """A colleague adds a lesson (心得)."""
    return _add(seminar_id, add_lesson)


@login_required
def problem(seminar_id: str):
    """The head adds a problem raised in the meeting."""
    return _add(seminar_id, add_problem, "problem")


@login_required
def attendance(seminar_id: str):
    """Record the day and who attended."""
    found = get_seminar(seminar_id)
    form = SeminarAttendanceForm()
    form.attendee_ids.choices = staff_choices()
    if form.validate_on_submit():
        try:
            set_attendance(current_user, found, form.held_on.data, form.attendee_ids.data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Attendance saved."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return _back(found, "attendance")


@login_required
def issue(seminar_id: str):
    """Issue the minutes to leadership and R&D."""
    found = get_seminar(seminar_id)
    if ConfirmForm().validate_on_submit():
        try:
            issue_minutes(current_user, found)
        except DomainError as err:
            db.session.rollback()
            for messages in err.errors.values():
                for message in messages:
                    flash(message, "error")
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("The minutes are issued to company leadership and R&D."), "success")
    return _back(found)


@login_required
def seminar_minutes(seminar_id: str):
    """The issued minutes PDF."""
    _require_reader()
    found = get_seminar(seminar_id)
    if found.state != SeminarState.ISSUED:
        raise NotFound(_("The minutes are not issued yet."))
    return file_response(minutes_bytes(found), "application/pdf", f"研讨会纪要 {found.year}-{found.month:02d}.pdf",
                         found.minutes_sha256)


def register(bp: Blueprint) -> None:
    """Add the seminar routes to the training blueprint."""
    bp.add_url_rule("/seminars/<int:year>/<int:month>", view_func=seminar)
    bp.add_url_rule("/seminars/<int:year>/<int:month>/draft", view_func=draft, methods=["POST"])
    bp.add_url_rule("/seminars/<seminar_id>/items/<item_id>", view_func=record, endpoint="record_item",
                    methods=["POST"])
    bp.add_url_rule("/seminars/<seminar_id>/lessons", view_func=lesson, methods=["POST"])
    bp.add_url_rule("/seminars/<seminar_id>/problems", view_func=problem, methods=["POST"])
    bp.add_url_rule("/seminars/<seminar_id>/attendance", view_func=attendance, methods=["POST"])
    bp.add_url_rule("/seminars/<seminar_id>/issue", view_func=issue, methods=["POST"])
    bp.add_url_rule("/seminars/<seminar_id>/minutes.pdf", view_func=seminar_minutes)
