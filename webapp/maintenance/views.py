"""Maintenance pages: the month calendar, visits, my visits, customer plans, checklist templates
(the editor is template_editor.py) and, from sheet_pages.py, the pages of handed-in sheets."""
from __future__ import annotations

from datetime import date

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import listing
from ..archive.models import Customer
from ..auth.permissions import get_visible, roles_required
from ..clock import local_today
from ..documents.filing import produce_missing
from ..errors import DomainError
from ..extensions import db
from ..templating import format_month
from ..paging import ListPage, page_number
from . import generation, schedule, services, sheet_pages, template_editor
from .diary import DiaryEntry, diary_query
from .forms import CancelForm, DoneForm, NoSignatureForm, PlanForm, ReassignForm, RescheduleForm
from .labels import ACTIVITY_LABELS, VISIT_STATE_LABELS, labels
from .models import RECURRING_ACTIVITIES, Inspection, MaintenancePlan, Visit
from .periods import month_end, parse_month, shift_month
from .roles import CALENDAR_ROLES, EDITOR_ROLES

bp = Blueprint("maintenance", __name__, url_prefix="/maintenance")


@bp.app_context_processor
def _maintenance_labels() -> dict:
    """Labels of activities, states and item types for every template."""
    return labels()


def _can_edit() -> bool:
    """Supervisors and admins plan, reassign and edit checklists."""
    return current_user.is_authenticated and current_user.has_role(*EDITOR_ROLES)


@bp.route("/")
@login_required
def index():
    """Technicians start at their visits; office staff at the calendar."""
    if current_user.has_role(*CALENDAR_ROLES):
        return redirect(url_for("maintenance.calendar"))
    return redirect(url_for("maintenance.my_visits"))


# --- technicians ------------------------------------------------------------------------


@bp.route("/my")
@login_required
def my_visits():
    """My visits: overdue, today, this week, coming up."""
    today = local_today()
    groups = schedule.my_visits(current_user, today)
    return render_template("maintenance/my_visits.html", groups=groups, today=today)


# --- the calendar ----------------------------------------------------------------------

# schools per page of the month calendar (overdue ones first): a district has hundreds
CALENDAR_SCHOOLS_PER_PAGE = 40


def _calendar_period(filters: listing.ListFilters, today: date) -> tuple[date, date, bool]:
    """The days the calendar shows: the ?month= (this month by default), or the date range when
    one is given (an open end stops at the end of its month, or starts on the 1st of it)."""
    year, month = parse_month(request.args.get("month"), today)
    if not (filters.date_from or filters.date_to):
        return date(year, month, 1), month_end(year, month), False
    first = filters.date_from or filters.date_to.replace(day=1)
    return first, filters.date_to or month_end(first.year, first.month), True


def _visit_state_label(visit: Visit, today: date) -> str:
    """A visit's state as the calendar shows it: overdue once open past its due date."""
    return str(VISIT_STATE_LABELS["overdue" if visit.is_overdue_on(today) else visit.state])


@bp.route("/calendar")
@roles_required(*CALENDAR_ROLES)
def calendar():
    """The month (or a date range) for all schools, by school, technician and status: a grid on
    tablets, a list by school on phones, overdue first; or every visit it holds as Excel."""
    today = local_today()
    form = listing.filter_form(current_user, list(VISIT_STATE_LABELS.items()))
    filters = listing.read_filters(form)
    first, last, is_range = _calendar_period(filters, today)
    stmt = listing.apply_filters(schedule.calendar_query(first, last, today), filters, customer=Visit.customer_id,
                                 technician=Visit.assignee_id, statuses=schedule.visit_status_conditions(today))
    if listing.wants_export():
        return listing.excel_response(_("Visits"), [
            (_("Due"), lambda v: v.due_date),
            (_("School"), lambda v: v.customer.name),
            (_("Activity"), lambda v: ACTIVITY_LABELS.get(v.activity, v.activity)),
            (_("Assignee"), lambda v: v.assignee.display_name if v.assignee else ""),
            (_("State"), lambda v: _visit_state_label(v, today)),
            (_("Done on"), lambda v: v.done_on),
        ], listing.export_rows(stmt), "visits")
    overview = schedule.overview_of(db.session.scalars(stmt), first.year, first.month, today)
    prev_month, next_month = shift_month(first.year, first.month, -1), shift_month(first.year, first.month, 1)
    args = filters.query_args()
    nav_args = {k: v for k, v in args.items() if k not in ("date_from", "date_to")}
    return render_template(
        "maintenance/calendar.html",
        overview=overview, rows=ListPage(overview.rows, page_number(), CALENDAR_SCHOOLS_PER_PAGE),
        form=form, today=today, first=first, export_url=listing.export_url(),
        month_title=(_("%(start)s to %(end)s", start=format_date(first), end=format_date(last))
                     if is_range else format_month(first)),
        month_value=f"{first.year:04d}-{first.month:02d}",
        prev_value=f"{prev_month[0]:04d}-{prev_month[1]:02d}",
        next_value=f"{next_month[0]:04d}-{next_month[1]:02d}",
        activities=RECURRING_ACTIVITIES, can_edit=_can_edit(), filters=nav_args, filtered=bool(args),
        args={**args, **({} if is_range else {"month": f"{first.year:04d}-{first.month:02d}"})},
    )


@bp.route("/calendar/generate", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def generate():
    """Schedule every plan's visits up to the end of the month shown; mark late ones overdue."""
    today = local_today()
    year, month = parse_month(request.form.get("month"), today)
    made = generation.generate_visits(month_end(year, month), today=today)
    generation.refresh_visit_states(today)
    db.session.commit()
    flash(_("%(n)s visits scheduled.", n=made), "success")
    return redirect(url_for("maintenance.calendar", month=f"{year:04d}-{month:02d}"))


# --- the service diary, for the office ----------------------------------------------------


@bp.route("/diary")
@login_required
def diary_list():
    """The service diary written on the devices: by technician, school and date; or as Excel."""
    form = listing.filter_form(current_user)
    filters = listing.read_filters(form)
    stmt = listing.apply_filters(diary_query(current_user), filters, customer=DiaryEntry.customer_id,
                                 technician=DiaryEntry.author_id, day=DiaryEntry.date, day_is_date=True)
    if listing.wants_export():
        return listing.excel_response(_("Service diary"), [
            (_("Date"), lambda e: e.date),
            (_("School"), lambda e: e.customer.name),
            (_("Technician"), lambda e: e.author.display_name if e.author else ""),
            (_("About"), lambda e: e.device.name if e.device else (e.cabinet.name if e.cabinet else "")),
            (_("Diary"), lambda e: e.text),
            (_("Corrected"), lambda e: _("yes") if e.supersedes else ""),
        ], listing.export_rows(stmt), "service-diary")
    page = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render_template("maintenance/diary_list.html", page=page, form=form, args=filters.query_args(),
                           export_url=listing.export_url())


# --- one visit ---------------------------------------------------------------------------


def _load_visit(visit_id: str) -> Visit:
    """A visit of a customer the user may see (404 otherwise)."""
    return get_visible(Visit, visit_id, current_user)


def _visit_forms(visit: Visit) -> dict:
    """The change forms of a visit page, prefixed so several fit on one page."""
    reassign = ReassignForm(prefix="reassign")
    reassign.assignee.choices = [("", "—")] + [
        (u.id, u.display_name) for u in schedule.assignable_users(visit.customer_id) if u.id != visit.assignee_id
    ]
    return {
        "reassign_form": reassign,
        "reschedule_form": RescheduleForm(prefix="reschedule"),
        "cancel_form": CancelForm(prefix="cancel"),
        "done_form": DoneForm(prefix="done", done_on=local_today()),
        "no_signature_form": NoSignatureForm(prefix="nosig"),
    }


def _can_complete(visit: Visit) -> bool:
    """The assignee or a supervisor may record a visit done."""
    return _can_edit() or visit.assignee_id == current_user.id


def _render_visit(visit: Visit, status: int = 200, **forms):
    """The visit page, with any forms that carry errors."""
    context = _visit_forms(visit)
    context.update(forms)
    sheet = None
    if visit.inspection_id:
        sheet = db.session.get(Inspection, visit.inspection_id)
    return render_template(
        "maintenance/visit_detail.html", visit=visit, today=local_today(), can_edit=_can_edit(),
        can_complete=_can_complete(visit), sheet=sheet, no_signature_reason=schedule.no_signature_reason(visit),
        **context,
    ), status


@bp.route("/visits/<visit_id>")
@login_required
def visit_detail(visit_id: str):
    """One visit: dates, who, its history, and the changes allowed."""
    return _render_visit(_load_visit(visit_id))


def _visit_change(visit_id: str, form_name: str, apply) -> object:
    """Run one visit change from its form; errors re-render the page with the form's messages."""
    visit = _load_visit(visit_id)
    forms = _visit_forms(visit)
    form = forms[form_name]
    if form.validate_on_submit():
        try:
            apply(visit, form)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            visit = _load_visit(visit_id)
            flash(err.message, "error")
            return _render_visit(visit, 400, **{form_name: form})
        flash(_("Saved."), "success")
        return redirect(url_for("maintenance.visit_detail", visit_id=visit.id))
    return _render_visit(visit, 400, **{form_name: form})


@bp.route("/visits/<visit_id>/reassign", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def visit_reassign(visit_id: str):
    """Give the visit to someone else (audited)."""
    return _visit_change(visit_id, "reassign_form", lambda v, f: schedule.reassign_visit(
        v, f.assignee.data, current_user, f.reason.data))


@bp.route("/visits/<visit_id>/reschedule", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def visit_reschedule(visit_id: str):
    """Move the visit to a new date with a reason."""
    return _visit_change(visit_id, "reschedule_form", lambda v, f: schedule.reschedule_visit(
        v, f.new_date.data, f.reason.data, current_user))


@bp.route("/visits/<visit_id>/cancel", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def visit_cancel(visit_id: str):
    """Call the visit off with a reason."""
    return _visit_change(visit_id, "cancel_form", lambda v, f: schedule.cancel_visit(v, f.reason.data, current_user))


@bp.route("/visits/<visit_id>/done", methods=["POST"])
@login_required
def visit_done(visit_id: str):
    """Record the visit done on a day (the assignee or a supervisor)."""
    visit = _load_visit(visit_id)
    if not _can_complete(visit):
        abort(403)
    return _visit_change(visit_id, "done_form", lambda v, f: schedule.complete_visit(v, f.done_on.data, current_user))


@bp.route("/visits/<visit_id>/no-signature", methods=["POST"])
@login_required
def visit_no_signature(visit_id: str):
    """Say why the customer did not sign the done patrol's sheet (the assignee or a supervisor)."""
    visit = _load_visit(visit_id)
    if not _can_complete(visit):
        abort(403)
    return _visit_change(visit_id, "no_signature_form", lambda v, f: schedule.record_no_signature_reason(
        v, f.reason.data, current_user))


# --- plans -------------------------------------------------------------------------------


@bp.route("/plans")
@roles_required(*EDITOR_ROLES)
def plan_list():
    """Every customer with what recurs for it and who is responsible."""
    page = db.paginate(
        select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name),
        page=page_number(), per_page=50, error_out=False,
    )
    ids = [c.id for c in page.items]
    plans: dict[str, dict[str, MaintenancePlan]] = {cid: {} for cid in ids}
    for plan in db.session.scalars(
        select(MaintenancePlan).where(MaintenancePlan.customer_id.in_(ids), MaintenancePlan.deleted_at.is_(None))
        .options(selectinload(MaintenancePlan.responsible))  # one statement, not one per technician
    ):
        plans[plan.customer_id][plan.activity] = plan
    return render_template("maintenance/plan_list.html", page=page, plans=plans, activities=RECURRING_ACTIVITIES)


@bp.route("/customers/<customer_id>/plan", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def plan_edit(customer_id: str):
    """A customer's plan: which activities recur, from when, who is responsible."""
    customer = get_visible(Customer, customer_id, current_user, include_deleted=False)
    existing = schedule.plans_for(customer.id)
    today = local_today()
    if request.method == "GET":
        data = {}
        for activity in RECURRING_ACTIVITIES:
            plan = existing.get(activity)
            data[activity] = {
                "active": plan.active if plan else False,
                "responsible": plan.responsible_id if plan else None,
                "start_date": plan.start_date if plan else today.replace(day=1),
            }
        form = PlanForm(data=data)
    else:
        form = PlanForm()
    people = schedule.assignable_users(customer.id)
    for _activity, row in form.rows():
        row.responsible.choices = [("", "—")] + [(u.id, u.display_name) for u in people]
    if form.validate_on_submit():
        try:
            for activity, row in form.rows():
                plan = existing.get(activity)
                if plan is None and not row.active.data:
                    continue
                schedule.save_plan(
                    customer, activity, active=bool(row.active.data), responsible_id=row.responsible.data,
                    start_date=row.start_date.data, by=current_user, today=today,
                )
            made = generation.generate_visits(month_end(*shift_month(today.year, today.month, 1)),
                                            customer_ids=[customer.id], today=today)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            flash(_("Plan saved; %(n)s visits scheduled.", n=made), "success")
            return redirect(url_for("maintenance.plan_edit", customer_id=customer.id))
    upcoming = db.session.scalars(
        select(Visit).where(Visit.customer_id == customer.id, Visit.state.in_(("due", "overdue")))
        .order_by(Visit.due_date).limit(12)
    ).all()
    return render_template("maintenance/plan_form.html", customer=customer, form=form, upcoming=upcoming,
                           people=people, today=today)


# --- checklist templates -----------------------------------------------------------------


@bp.route("/templates")
@login_required
def template_list():
    """The current version of every checklist, by activity."""
    return render_template("maintenance/template_list.html", templates=services.current_templates(),
                           can_edit=_can_edit())


@bp.route("/templates/<template_id>")
@login_required
def template_detail(template_id: str):
    """One version of a checklist with its items as a technician will see them, and its versions."""
    template = services.get_template(template_id)
    return render_template("maintenance/template_detail.html", template=template,
                           versions=services.template_versions(template.template_key), can_edit=_can_edit())


@bp.route("/templates/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def template_new():
    """Make a new checklist."""
    return template_editor.edit_template(None)


@bp.route("/templates/<template_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def template_edit(template_id: str):
    """Edit a checklist: saving makes a new version."""
    current = services.get_template(template_id)
    if not current.is_current:
        flash(_("This is an old version. You are editing the current one."), "warning")
        latest = services.template_versions(current.template_key)[0]
        return redirect(url_for("maintenance.template_edit", template_id=latest.id))
    return template_editor.edit_template(current)


# --- handed-in sheets, quality checks and figures (sheet_pages.py) -----------------------------

bp.add_url_rule("/sheets/<sheet_id>", view_func=sheet_pages.sheet_detail)
bp.add_url_rule("/sheets/<sheet_id>/pdf", view_func=sheet_pages.sheet_pdf)
bp.add_url_rule("/sheets/<sheet_id>/review", view_func=sheet_pages.sheet_review, methods=["POST"])
bp.add_url_rule("/sheets/<sheet_id>/attendees", view_func=sheet_pages.sheet_attendees, methods=["POST"])
bp.add_url_rule("/review", view_func=sheet_pages.review_list)
bp.add_url_rule("/quality", view_func=sheet_pages.quality_checks)
bp.add_url_rule("/figures", view_func=sheet_pages.figures)


@bp.cli.command("generate")
def generate_command() -> None:
    """Schedule visits up to the end of next month, mark late ones overdue, and file any signed
    sheet whose PDF is still missing (run daily)."""
    today = local_today()
    made = generation.generate_visits(month_end(*shift_month(today.year, today.month, 1)), today=today)
    changed = generation.refresh_visit_states(today)
    db.session.commit()
    filed = produce_missing(Inspection.SYNC_KIND)
    db.session.commit()
    click.echo(f"{made} visits scheduled, {changed} states updated, {filed} signed sheets filed.")
