"""The office's sync review page: conflicts, rejected mutations, submissions waiting for blobs.

Lists come from `review.py` (true counts, filters, pages); resolving and marking handled from
`conflicts.py`. The page is for office roles only.
"""
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
from webapp.paging import page_number

from .conflicts import incomplete_submissions, mark_handled, record_label, resolve_conflict
from .models import Conflict, RejectedMutation
from .review import (
    WAITING,
    RejectionFilters,
    conflicts_page,
    dismiss_rejections,
    dismissal_scope,
    incomplete_count,
    open_conflict_count,
    rejection_choices,
    rejections_page,
    waiting_causes,
    waiting_rejection_count,
)

bp = Blueprint("sync_admin", __name__, url_prefix="/sync")
REVIEWERS = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)
TABS = ("conflicts", "rejected", "incomplete")
INCOMPLETE_SHOWN = 200


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



def _back_to_rejected(source) -> str:
    """The rejected tab with the filters and page a form came from."""
    filters = RejectionFilters.from_args(source)
    page = str(source.get("page", "")).strip()
    args = filters.args() | ({"page": page} if page.isdigit() and page != "1" else {})
    return url_for("sync_admin.review", tab="rejected", **args)


@bp.route("/review")
@roles_required(*REVIEWERS)
def review():
    """Open conflicts (server vs device), rejected mutations and incomplete submissions."""
    tab = request.args.get("tab", "conflicts")
    if tab not in TABS:
        tab = "conflicts"
    context = {
        "tab": tab,
        "counts": {
            "conflicts": open_conflict_count(),
            "rejected": waiting_rejection_count(),
            "incomplete": incomplete_count(),
        },
        "record_label": record_label,
        "kind_label": kind_label,
        "pretty": _pretty,
    }
    if tab == "conflicts":
        context["page"] = conflicts_page(page_number())
    elif tab == "rejected":
        filters = RejectionFilters.from_args(request.args)
        context.update(
            filters=filters,
            page=rejections_page(filters, page_number()),
            choices=rejection_choices(),
            causes=waiting_causes() if filters.state == WAITING else [],
        )
    else:
        context.update(incomplete=incomplete_submissions(INCOMPLETE_SHOWN), shown_limit=INCOMPLETE_SHOWN)
    return render_template("sync_admin/review.html", **context)


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
    page = request.form.get("page", "")
    return redirect(url_for("sync_admin.review", tab="conflicts", **({"page": page} if page.isdigit() else {})))


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
    return redirect(_back_to_rejected(request.form))


@bp.route("/review/rejected/dismiss", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def dismiss():
    """Dismiss every waiting rejection of one cause: a page that states the count, then the POST."""
    source = request.form if request.method == "POST" else request.args
    filters = RejectionFilters.from_args(source)
    if not filters.names_a_cause():
        flash(_("Choose a kind and a code to dismiss rejections of one cause."), "error")
        return redirect(_back_to_rejected(source))
    if request.method == "GET":
        count, newest = dismissal_scope(filters)
        if not count:
            flash(_("No waiting rejections match these filters."), "error")
            return redirect(_back_to_rejected(source))
        return render_template(
            "sync_admin/dismiss.html", filters=filters, count=count, up_to_id=newest,
            choices=rejection_choices(), kind_label=kind_label,
        )
    up_to_id = request.form.get("up_to_id", "")
    try:
        if not up_to_id.isdigit():
            raise DomainError(_("The confirmation is missing; look at the count again."), code="invalid")
        dismissed = dismiss_rejections(current_user, filters, int(up_to_id), request.form.get("note", ""))
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(_back_to_rejected(source))
    flash(_("%(n)s rejected changes were dismissed. They stay listed under “Handled or dismissed”.", n=dismissed), "success")
    return redirect(url_for("sync_admin.review", tab="rejected", **RejectionFilters(kind=filters.kind, code=filters.code).args()))
