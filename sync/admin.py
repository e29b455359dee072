"""The office's sync review page: conflicts, rejected mutations, submissions waiting for blobs."""
from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.audit.services import ENTITY_LABELS
from webapp.auth.models import Role
from webapp.auth.permissions import roles_required
from webapp.errors import DomainError, NotFound
from webapp.extensions import db

from .conflicts import (
    incomplete_submissions,
    mark_handled,
    open_conflicts,
    record_label,
    resolve_conflict,
    unhandled_rejections,
)
from .models import Conflict, RejectedMutation

bp = Blueprint("sync_admin", __name__, url_prefix="/sync")
REVIEWERS = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)


def kind_label(kind: str) -> str:
    """A readable name for a sync kind (kinds registered later show their own name)."""
    return str(ENTITY_LABELS.get(kind, kind))


def _pretty(value) -> str:
    """A stored value as readable JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


@bp.route("/review")
@roles_required(*REVIEWERS)
def review():
    """Open conflicts (server vs device), rejected mutations and incomplete submissions."""
    tab = request.args.get("tab", "conflicts")
    if tab not in ("conflicts", "rejected", "incomplete"):
        tab = "conflicts"
    conflicts = open_conflicts()
    rejected = unhandled_rejections()
    incomplete = incomplete_submissions()
    return render_template(
        "sync_admin/review.html",
        tab=tab,
        conflicts=conflicts,
        rejected=rejected,
        incomplete=incomplete,
        record_label=record_label,
        kind_label=kind_label,
        pretty=_pretty,
    )


@bp.route("/review/conflicts/<int:conflict_id>", methods=["POST"])
@roles_required(*REVIEWERS)
def resolve(conflict_id: int):
    """Keep the server's value or take the device's."""
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotFound(_("Not found."))
    try:
        resolve_conflict(current_user, conflict, request.form.get("resolution", ""))
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        flash(_("Conflict resolved."), "success")
    return redirect(url_for("sync_admin.review", tab="conflicts"))


@bp.route("/review/rejected/<int:rejected_id>", methods=["POST"])
@roles_required(*REVIEWERS)
def handled(rejected_id: int):
    """Mark a rejected mutation handled."""
    rejected = db.session.get(RejectedMutation, rejected_id)
    if rejected is None:
        raise NotFound(_("Not found."))
    try:
        mark_handled(current_user, rejected, request.form.get("note", ""))
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        flash(_("Marked as handled."), "success")
    return redirect(url_for("sync_admin.review", tab="rejected"))
