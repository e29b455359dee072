"""The notification list and the bell's count."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Notification
from .services import mark_read, notifications_for, unread_count

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _bell() -> dict:
    """`unread_notifications()` for the top bar's bell (counted only when a page shows it)."""

    def unread_notifications() -> int:
        """The signed-in user's unread count."""
        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user)

    return {"unread_notifications": unread_notifications}


@bp.route("/notifications")
@login_required
def index():
    """The signed-in user's notifications, newest first, unread ones marked."""
    page = db.paginate(
        notifications_for(current_user).options(selectinload(Notification.ticket)),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("notifications/list.html", page=page, unread=unread_count(current_user))


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    """Mark one notification read and go to what it is about."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        return redirect(url_for(".index"))
    mark_read(current_user, notification_id)
    db.session.commit()
    if note.ticket_id:
        return redirect(url_for("repairs.ticket_detail", ticket_id=note.ticket_id))
    if note.link and note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)
    return redirect(url_for(".index"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all():
    """Mark every notification of the signed-in user read."""
    mark_read(current_user)
    db.session.commit()
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url) else url_for(".index"))
