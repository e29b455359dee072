"""The pages of handed-in sheets: a sheet with its PDF and review, the review queue, the quality
checks per site and the figures per technician. views.py puts them on the maintenance blueprint.
"""
from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import listing
from ..auth.permissions import get_visible, roles_required
from ..clock import local_today
from ..documents.filing import read_document
from ..errors import DomainError
from ..extensions import db
from ..templating import format_month
from ..paging import page_number
from . import queries, quality, services
from .figures import technician_month_figures
from .forms import AttendeesForm, QualityFilterForm, ReviewForm
from .labels import INSPECTION_STATE_LABELS
from .models import REVIEW_STATES, Inspection
from .periods import parse_month, shift_month
from .roles import CALENDAR_ROLES, HEAD_ROLES, REVIEW_ROLES
from .sheet_pdf import customer_signature, sheet_document, upgraded_device_names

def _can_review() -> bool:
    """The office and the supervisor review synced sheets."""
    return current_user.is_authenticated and current_user.has_role(*REVIEW_ROLES)


def _render_sheet(sheet: Inspection, form: ReviewForm | None = None, status: int = 200,
                  attendees_form: AttendeesForm | None = None):
    """The sheet page."""
    return render_template(
        "maintenance/sheet_detail.html", sheet=sheet, template=sheet.template,
        score=quality.sheet_score(sheet), tickets=quality.tickets_of(sheet),
        corrections=queries.corrections_of(sheet), document=sheet_document(sheet),
        signature=customer_signature(sheet.id), device_names=upgraded_device_names(sheet.answers or {}),
        form=form or ReviewForm(outcome="accepted"), can_review=_can_review(),
        attendees_form=attendees_form or AttendeesForm(attendees="\n".join(
            ", ".join(x for x in (p.get("name"), p.get("title")) if x) for p in sheet.attendees or [])),
        can_record_attendees=sheet.activity in quality.HEAD_ACTIVITIES and current_user.has_role(*HEAD_ROLES),
    ), status


@login_required
def sheet_detail(sheet_id: str):
    """A handed-in sheet: answers, findings, photos, signature, its PDF and its review."""
    sheet = get_visible(Inspection, sheet_id, current_user)
    if sheet.state == "draft":
        abort(404)
    return _render_sheet(sheet)


@login_required
def sheet_pdf(sheet_id: str):
    """The signed PDF of a sheet (404 until the customer's signature is in)."""
    sheet = get_visible(Inspection, sheet_id, current_user)
    document = sheet_document(sheet)
    data = read_document(document) if document is not None else None
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"{document.title}.pdf",
                     as_attachment=request.args.get("download") == "1", etag=document.sha256, max_age=0)


@roles_required(*REVIEW_ROLES)
def sheet_review(sheet_id: str):
    """Accept the sheet, or return it with a comment the technician sees at the next sync."""
    sheet = get_visible(Inspection, sheet_id, current_user)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render_sheet(sheet, form, 400)
    try:
        services.review_inspection(sheet, current_user, form.outcome.data, form.comment.data or "")
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        sheet = get_visible(Inspection, sheet_id, current_user)
        form.comment.errors = list(form.comment.errors) + [err.message]
        return _render_sheet(sheet, form, 400)
    flash(_("Accepted.") if form.outcome.data == "accepted" else _("Returned to the technician."), "success")
    return redirect(url_for("maintenance.review_list", state="received"))


@roles_required(*HEAD_ROLES)
def sheet_attendees(sheet_id: str):
    """The head records the school's leaders who took part in a quarterly inspection."""
    sheet = get_visible(Inspection, sheet_id, current_user)
    form = AttendeesForm()
    if not form.validate_on_submit():
        return _render_sheet(sheet, status=400, attendees_form=form)
    try:
        quality.record_attendees(sheet, current_user, form.people())
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        sheet = get_visible(Inspection, sheet_id, current_user)
        form.attendees.errors = list(form.attendees.errors) + [err.message]
        return _render_sheet(sheet, status=400, attendees_form=form)
    flash(_("Saved."), "success")
    return redirect(url_for("maintenance.sheet_detail", sheet_id=sheet.id))


@roles_required(*CALENDAR_ROLES)
def review_list():
    """Sheets handed in, by review state (the tabs), school, technician and dates; or as Excel."""
    state = request.args.get("state", "received")
    if state not in REVIEW_STATES + ("all",):
        state = "received"
    form = listing.filter_form(current_user)
    filters = listing.read_filters(form)
    stmt = listing.apply_filters(queries.review_queue(None if state == "all" else state), filters,
                                 customer=Inspection.customer_id, technician=Inspection.performed_by_id,
                                 day=Inspection.submitted_at)
    if listing.wants_export():
        return listing.excel_response(_("Sheets"), [
            (_("Handed in"), lambda s: s.submitted_at),
            (_("School"), lambda s: s.customer.name),
            (_("Checklist"), lambda s: s.template.name(str(get_locale()))),
            (_("Technician"), lambda s: s.performed_by.display_name if s.performed_by else ""),
            (_("Review state"), lambda s: INSPECTION_STATE_LABELS.get(s.state, s.state)),
            (_("Findings"), lambda s: s.flagged_count or 0),
            (_("Score"), lambda s: s.score),
        ], listing.export_rows(stmt), "sheets")
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template("maintenance/review_list.html", page=page, state=state, form=form,
                           args=filters.query_args(), export_url=listing.export_url(),
                           counts=queries.review_counts(), states=REVIEW_STATES)


@roles_required(*CALENDAR_ROLES)
def quality_checks():
    """Spot checks and year-end inspections by school and site, with their scores and findings."""
    today = local_today()
    form = QualityFilterForm(request.args)
    form.validate()
    year = int(form.year.data) if form.year.data and not form.year.errors else today.year
    activity = form.activity.data or None
    groups = quality.checks_by_site(year, activity)
    return render_template("maintenance/quality.html", form=form, year=year, groups=groups,
                           activity=activity)


# --- quality figures (groundwork for the monthly report) -------------------------------------


@roles_required(*CALENDAR_ROLES)
def figures():
    """Per technician: visits done on time, late, overdue and findings flagged, for a month."""
    today = local_today()
    year, month = parse_month(request.args.get("month"), today)
    rows = technician_month_figures(year, month, today)
    prev_month, next_month = shift_month(year, month, -1), shift_month(year, month, 1)
    return render_template(
        "maintenance/figures.html", rows=rows, month_title=format_month(date(year, month, 1)),
        prev_value=f"{prev_month[0]:04d}-{prev_month[1]:02d}", next_value=f"{next_month[0]:04d}-{next_month[1]:02d}",
    )
