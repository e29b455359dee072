"""Maintenance pages: the month calendar, visits, my visits, customer plans, checklist templates."""
from __future__ import annotations

from datetime import date

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..archive.models import Customer
from ..auth.models import Role, User
from ..auth.permissions import get_visible, roles_required
from ..clock import local_today
from ..documents import patrol_sheet
from ..errors import DomainError
from ..extensions import db
from ..templating import format_month
from . import schedule, services
from .figures import technician_month_figures
from .forms import (
    CalendarFilterForm,
    CancelForm,
    DoneForm,
    PlanForm,
    QualityFilterForm,
    ReassignForm,
    RescheduleForm,
    ReviewForm,
    TemplateForm,
    item_to_form_data,
    items_from_form,
)
from .labels import labels
from . import quality
from .models import RECURRING_ACTIVITIES, REVIEW_STATES, ChecklistTemplate, Inspection, MaintenancePlan, Visit
from .periods import month_end, parse_month, shift_month

bp = Blueprint("maintenance", __name__, url_prefix="/maintenance")

EDITOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)
CALENDAR_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.QUALITY, Role.ADMIN)
REVIEW_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)


@bp.app_context_processor
def _maintenance_labels() -> dict:
    """Labels of activities, states and item types for every template."""
    return labels()


@bp.app_template_filter("num")
def _num(value) -> str:
    """A reading without a needless '.0': 30.0 → '30', 2.5 → '2.5'."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


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


def _staff_choices() -> list[tuple]:
    """People who do visits, for filters."""
    users = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_((Role.TECHNICIAN.value, Role.SUPERVISOR.value, Role.QUALITY.value)))
        .order_by(User.display_name)
    )
    return [("", _("Everyone"))] + [(u.id, u.display_name) for u in users]


@bp.route("/calendar")
@roles_required(*CALENDAR_ROLES)
def calendar():
    """The month for all schools: a grid on tablets, a list by school on phones; overdue first."""
    today = local_today()
    form = CalendarFilterForm(request.args)
    form.assignee.choices = _staff_choices()
    form.validate()
    year, month = parse_month(request.args.get("month"), today)
    assignee = form.assignee.data if not form.assignee.errors else None
    overview = schedule.month_overview(year, month, today, assignee_id=assignee, overdue_only=bool(form.overdue.data))
    first = date(year, month, 1)
    prev_month, next_month = shift_month(year, month, -1), shift_month(year, month, 1)
    return render_template(
        "maintenance/calendar.html",
        overview=overview, form=form, today=today, first=first,
        month_title=format_month(first),
        month_value=f"{year:04d}-{month:02d}",
        prev_value=f"{prev_month[0]:04d}-{prev_month[1]:02d}",
        next_value=f"{next_month[0]:04d}-{next_month[1]:02d}",
        activities=RECURRING_ACTIVITIES, can_edit=_can_edit(),
        filters={"assignee": assignee or "", "overdue": "y" if form.overdue.data else ""},
    )


@bp.route("/calendar/generate", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def generate():
    """Schedule every plan's visits up to the end of the month shown; mark late ones overdue."""
    today = local_today()
    year, month = parse_month(request.form.get("month"), today)
    made = schedule.generate_visits(month_end(year, month), today=today)
    schedule.refresh_visit_states(today)
    db.session.commit()
    flash(_("%(n)s visits scheduled.", n=made), "success")
    return redirect(url_for("maintenance.calendar", month=f"{year:04d}-{month:02d}"))


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
        from .models import Inspection

        sheet = db.session.get(Inspection, visit.inspection_id)
    return render_template(
        "maintenance/visit_detail.html", visit=visit, today=local_today(), can_edit=_can_edit(),
        can_complete=_can_complete(visit), sheet=sheet, **context,
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


# --- plans -------------------------------------------------------------------------------


@bp.route("/plans")
@roles_required(*EDITOR_ROLES)
def plan_list():
    """Every customer with what recurs for it and who is responsible."""
    page = db.paginate(
        select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name),
        page=max(request.args.get("page", 1, type=int) or 1, 1), per_page=50, error_out=False,
    )
    ids = [c.id for c in page.items]
    plans: dict[str, dict[str, MaintenancePlan]] = {cid: {} for cid in ids}
    for plan in db.session.scalars(
        select(MaintenancePlan).where(MaintenancePlan.customer_id.in_(ids), MaintenancePlan.deleted_at.is_(None))
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
            made = schedule.generate_visits(month_end(*shift_month(today.year, today.month, 1)),
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


def _editor_action() -> tuple[str, int | None]:
    """Which editor button was pressed: save, preview, add, up/down/remove with a row number."""
    action = request.form.get("action", "save")
    name, _sep, index = action.partition(":")
    return name, (int(index) if index.isdigit() else None)


def _rebuild(form: TemplateForm, rows: list[dict]) -> TemplateForm:
    """A fresh editor form holding the given item rows (after add / move)."""
    header = {name: getattr(form, name).data for name in
              ("template_key", "name_zh", "name_en", "activity", "applies_to", "device_category", "description",
               "change_note")}
    return TemplateForm(formdata=None, data={**header, "items": rows})


def _template_data(form: TemplateForm) -> tuple[dict, list[int]]:
    """The template content the editor holds, and the row index of each item."""
    items, rows = items_from_form(form)
    return {
        "name_zh": form.name_zh.data or "", "name_en": form.name_en.data or "", "activity": form.activity.data,
        "applies_to": form.applies_to.data, "device_category": form.device_category.data or None,
        "description": form.description.data or "", "items": items,
    }, rows


def _check_labels(form: TemplateForm, rows: list[int]) -> bool:
    """Every kept item needs both labels (translated messages before the schema's checks)."""
    ok = True
    for index in rows:
        sub = form.items.entries[index].form
        for name in ("label_zh", "label_en"):
            if not (sub[name].data or "").strip():
                sub[name].errors = list(sub[name].errors) + [_("This field is required.")]
                ok = False
    return ok


def _attach_errors(form: TemplateForm, errors: dict[str, list[str]], rows: list[int]) -> list[str]:
    """Put the schema's errors (dotted paths such as `items.0.max`) on the editor's fields;
    returns the ones that belong to no field."""
    general: list[str] = []
    for path, messages in errors.items():
        name, _dot, rest = path.partition(".")
        position, _dot, field_path = rest.partition(".")
        field_name = field_path.partition(".")[0]
        if name == "items" and position.isdigit() and int(position) < len(rows):
            sub = form.items.entries[rows[int(position)]].form
            target = sub[field_name] if field_name in sub else sub["label_en"]
            target.errors = list(target.errors) + messages
        elif name in form and name != "items" and not rest:
            form[name].errors = list(form[name].errors) + messages
        else:
            general += messages
    return general


def _editor(current: ChecklistTemplate | None):
    """The editor for a new checklist (current=None) or for a new version of `current`."""
    if request.method == "GET":
        if current is not None:
            data = {name: getattr(current, name) for name in
                    ("name_zh", "name_en", "activity", "applies_to", "device_category", "description")}
            data["items"] = [item_to_form_data(i) for i in current.items]
        else:
            data = {"applies_to": "site", "items": [item_to_form_data({}, existing=False)]}
        form = TemplateForm(formdata=None, data=data)
        return render_template("maintenance/template_form.html", form=form, current=current, preview=None,
                               general_errors=[])
    form = TemplateForm()
    action, index = _editor_action()
    general_errors: list[str] = []
    if action in ("add", "up", "down"):
        rows = [entry.form.data for entry in form.items.entries]
        focus = (len(rows), "label")
        if action == "add":
            rows.append(item_to_form_data({"type": request.form.get("new_type", "pass_flag_fail")}, existing=False))
        elif index is not None and 0 <= index < len(rows):
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(rows):
                rows[index], rows[other] = rows[other], rows[index]
                focus = (other, action)
            else:
                focus = (index, action)
        form = _rebuild(form, rows)
        return render_template("maintenance/template_form.html", form=form, current=current, preview=None,
                               general_errors=[], focus=focus)
    fields_ok = form.validate_on_submit()
    data, rows = _template_data(form)
    labels_ok = _check_labels(form, rows)
    preview = None
    if fields_ok and labels_ok:
        try:
            clean = services.load_template_data(data)
        except DomainError as err:
            general_errors = _attach_errors(form, err.errors, rows) or [err.message]
        else:
            if action == "preview":
                preview = clean
            else:
                try:
                    if current is None:
                        template = services.create_template(form.template_key.data or "", data, current_user,
                                                            form.change_note.data or "")
                    else:
                        template = services.revise_template(current, data, current_user, form.change_note.data or "")
                    db.session.commit()
                except DomainError as err:
                    db.session.rollback()
                    general_errors = _attach_errors(form, err.errors, rows)
                    general_errors = general_errors or [err.message]
                except IntegrityError:
                    db.session.rollback()
                    general_errors = [_("Someone saved a new version of this checklist at the same moment. "
                                        "Open the current version and edit that.")]
                else:
                    flash(_("Saved as version %(n)s.", n=template.version_no), "success")
                    return redirect(url_for("maintenance.template_detail", template_id=template.id))
    status = 200 if action == "preview" and preview is not None else 400
    return render_template("maintenance/template_form.html", form=form, current=current, preview=preview,
                           general_errors=general_errors), status


@bp.route("/templates/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def template_new():
    """Make a new checklist."""
    return _editor(None)


@bp.route("/templates/<template_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def template_edit(template_id: str):
    """Edit a checklist: saving makes a new version."""
    current = services.get_template(template_id)
    if not current.is_current:
        flash(_("This is an old version. You are editing the current one."), "warning")
        latest = services.template_versions(current.template_key)[0]
        return redirect(url_for("maintenance.template_edit", template_id=latest.id))
    return _editor(current)


# --- handed-in sheets: the sheet, its PDF, review ------------------------------------------------


def _can_review() -> bool:
    """The office and the supervisor review synced sheets."""
    return current_user.is_authenticated and current_user.has_role(*REVIEW_ROLES)


def _render_sheet(sheet: Inspection, form: ReviewForm | None = None, status: int = 200):
    """The sheet page."""
    return render_template(
        "maintenance/sheet_detail.html", sheet=sheet, template=sheet.template,
        score=quality.sheet_score(sheet), tickets=quality.tickets_of(sheet),
        corrections=services.corrections_of(sheet), document=patrol_sheet.sheet_document(sheet),
        signature=patrol_sheet.customer_signature(sheet.id),
        form=form or ReviewForm(outcome="accepted"), can_review=_can_review(),
    ), status


@bp.route("/sheets/<sheet_id>")
@login_required
def sheet_detail(sheet_id: str):
    """A handed-in sheet: answers, findings, photos, signature, its PDF and its review."""
    sheet = get_visible(Inspection, sheet_id, current_user)
    if sheet.state == "draft":
        abort(404)
    return _render_sheet(sheet)


@bp.route("/sheets/<sheet_id>/pdf")
@login_required
def sheet_pdf(sheet_id: str):
    """The signed PDF of a sheet (404 until the customer's signature is in)."""
    sheet = get_visible(Inspection, sheet_id, current_user)
    document = patrol_sheet.sheet_document(sheet)
    data = patrol_sheet.read_document(document) if document is not None else None
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"{document.title}.pdf",
                     as_attachment=request.args.get("download") == "1", etag=document.sha256, max_age=0)


@bp.route("/sheets/<sheet_id>/review", methods=["POST"])
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


@bp.route("/review")
@roles_required(*CALENDAR_ROLES)
def review_list():
    """Sheets handed in, by review state: received, has issues, accepted."""
    state = request.args.get("state", "received")
    if state not in REVIEW_STATES + ("all",):
        state = "received"
    page = db.paginate(
        services.review_queue(None if state == "all" else state),
        page=max(request.args.get("page", 1, type=int) or 1, 1), per_page=30, error_out=False,
    )
    return render_template("maintenance/review_list.html", page=page, state=state,
                           counts=services.review_counts(), states=REVIEW_STATES)


@bp.route("/quality")
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


@bp.route("/figures")
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


@bp.cli.command("generate")
def generate_command() -> None:
    """Schedule visits up to the end of next month, mark late ones overdue, and file any signed
    sheet whose PDF is still missing (run daily)."""
    import click

    today = local_today()
    made = schedule.generate_visits(month_end(*shift_month(today.year, today.month, 1)), today=today)
    changed = schedule.refresh_visit_states(today)
    db.session.commit()
    filed = patrol_sheet.produce_missing_patrol_sheets()
    db.session.commit()
    click.echo(f"{made} visits scheduled, {changed} states updated, {filed} signed sheets filed.")
