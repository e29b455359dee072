"""The training blueprint: the overview, each person's record, and the routes of the sessions
(session_views.py) and the seminar (seminar_views.py), registered here on the one blueprint."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.models import User
from ..clock import local_today
from ..errors import NotFound
from ..extensions import db
from . import seminar_views, session_views
from .models import Seminar, TrainingAttendee, TrainingSession
from .seminars import READERS, STAFF
from .sessions import ORGANISERS, hours_for, kinds_due, may_see_record, training_record
from .vocabulary import labels

bp = Blueprint("training", __name__, url_prefix="/training")
session_views.register(bp)
seminar_views.register(bp)


@bp.app_context_processor
def _training_labels() -> dict:
    """The training label tables for every template (the home page's tile reads them too)."""
    return labels()


@bp.route("/")
@login_required
def index():
    """Training kinds and when each is due, the sessions, my sessions to sign, the seminars."""
    if not current_user.has_role(*READERS):
        abort(403)
    organiser = current_user.has_role(*ORGANISERS)
    sessions = []
    if organiser:
        sessions = db.session.scalars(
            select(TrainingSession).where(TrainingSession.deleted_at.is_(None))
            .order_by(TrainingSession.held_on.desc(), TrainingSession.id).limit(30)
        ).all()
    mine = db.session.scalars(
        select(TrainingSession).join(TrainingAttendee, TrainingAttendee.session_id == TrainingSession.id)
        .where(TrainingAttendee.user_id == current_user.id, TrainingAttendee.signed_at.is_(None),
               TrainingSession.state == "open", TrainingSession.deleted_at.is_(None))
        .order_by(TrainingSession.held_on.desc())
    ).all() if current_user.has_role(*STAFF) else []
    seminars = db.session.scalars(
        select(Seminar).where(Seminar.deleted_at.is_(None)).order_by(Seminar.year.desc(), Seminar.month.desc()).limit(12)
    ).all()
    today = local_today()
    return render_template(
        "training/index.html", organiser=organiser, due=kinds_due(today) if organiser else [], sessions=sessions,
        mine=mine, seminars=seminars, today=today, staff=current_user.has_role(*STAFF),
    )


@bp.route("/people/<int:user_id>")
@login_required
def record(user_id: int):
    """A person's training record: sessions signed for, hours, topics (theirs and the head's to see)."""
    person = db.session.get(User, user_id)
    if person is None or not may_see_record(current_user, user_id):
        raise NotFound(_("Not found."))
    today = local_today()
    rows = training_record(user_id)
    return render_template("training/record.html", person=person, rows=rows, today=today,
                           year_hours=hours_for(user_id, today.year),
                           month_hours=hours_for(user_id, today.year, today.month))


@bp.route("/me")
@login_required
def my_record():
    """My own training record."""
    return redirect(url_for("training.record", user_id=current_user.id))
