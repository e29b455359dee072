"""The office pages of the installation projects: marketing opens one, the head picks the team and
the acceptance team, the project page shows where it stands and what waits for whom, and the
office steps are taken here (external acceptance, completion report, device list and bill of
materials, hand-over, the archive). Thin: read the form, call one verb, commit or show its errors.
The team's site forms are in the field app (static/js/view-project*.js).
"""
from __future__ import annotations

import base64
import binascii
import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..archive.models import Customer
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..clock import local_today
from ..errors import DomainError, NotFound
from ..extensions import db
from ..forms import show_errors
from ..archive.excel_import import Problem
from . import attachments, bom_import, handover, queries, rounds, rules, services
from .forms import (
    ATTACHMENT_LABELS, AcceptanceTeamForm, AttachmentForm, ConfirmForm, DeviceForm, ExternalForm, HandoverForm,
    ImportForm, ItemForm, OpenForm, ReasonForm, RectifyForm, ReportForm, TeamForm,
)
from .models import Attachment, EntryReview, HandoverCheck, ProjectDevice
from .signatures import sign_paper

bp = Blueprint("projects", __name__, url_prefix="/projects")
READERS = rules.READER_ROLES
STAFF_ROLES = (Role.TECHNICIAN, Role.SUPERVISOR, Role.QUALITY, Role.OFFICE)


@bp.app_context_processor
def _project_labels() -> dict:
    """The projects' label tables for the templates."""
    return {"PROJECT_STATUS_LABELS": rules.STATUS_LABELS, "PROJECT_ATTACHMENT_LABELS": ATTACHMENT_LABELS}


def _staff() -> list[tuple[int, str]]:
    """Active staff who can be on a team, as choices."""
    people = db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(
        [r.value for r in STAFF_ROLES])).order_by(User.id)).all()
    return [(u.id, f"{u.display_name} ({u.username})") for u in people]


def _png(value: str | None) -> bytes | None:
    """The image bytes of a 'data:image/png;base64,...' value (None when empty or not base64)."""
    if not value or "," not in value:
        return None
    try:
        return base64.b64decode(value.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def _back(project_id: str, anchor: str = ""):
    """Back to the project page (at a section)."""
    return redirect(url_for("projects.detail", project_id=project_id) + (f"#{anchor}" if anchor else ""))


def _run(form, action, done: str) -> bool:
    """Run one verb: commit and flash on success; roll back and show the verb's errors on the form."""
    try:
        action()
    except DomainError as err:
        db.session.rollback()
        show_errors(form, err)
        return False
    db.session.commit()
    flash(done, "success")
    return True


# --- list and opening ------------------------------------------------------------------------


@bp.route("/")
@roles_required(*READERS)
def project_list():
    """The projects the user may see, with where each stands and what it waits for."""
    status = request.args.get("status") or None
    projects = queries.projects_for(current_user, status if status in rules.STATUS_LABELS else None)
    rows = [(p, rules.waiting_for(p, queries.progress(p))) for p in projects]
    return render_template("projects/list.html", rows=rows, status=status,
                           may_open=current_user.has_role(*rules.OPEN_ROLES))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*rules.OPEN_ROLES)
def new():
    """Marketing opens a project, with the construction approval application attached."""
    form = OpenForm()
    customers = db.session.scalars(select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name)).all()
    form.customer_id.choices = [("", _("— a new school —"))] + [(c.id, c.name) for c in customers]
    if request.method == "GET" and request.args.get("customer_id"):
        form.customer_id.data = request.args["customer_id"]
    if form.validate_on_submit():
        upload = form.approval.data

        def action():
            project = services.open_project(current_user, form.data_for_service())
            attachments.add_attachment(current_user, project, "approval_application", upload.filename or "",
                                       upload.read())
            action.project = project

        if _run(form, action, _("The project is open; the department head is told to pick its team.")):
            return _back(action.project.id)
    return render_template("projects/new.html", form=form)


# --- the project page ------------------------------------------------------------------------


@bp.route("/<project_id>")
@roles_required(*READERS)
def detail(project_id: str):
    """Where the project stands, what waits for whom, and every round, record and paper."""
    project = rules.load_project(current_user, project_id)
    return render_template("projects/detail.html", **_page_context(project))


def _page_context(project, **forms) -> dict:
    """The page's data and the forms the user may use on it."""
    context = queries.page(project, local_today())
    user = current_user
    is_head = user.has_role(*rules.HEAD_ROLES)
    team = TeamForm(prefix="team")
    team.leader_id.choices = _staff()
    team.member_ids.choices = _staff()
    if request.method == "GET":
        team.leader_id.data = project.leader_id
        team.member_ids.data = [m.user_id for m in context["team"]]
    acceptance = AcceptanceTeamForm(prefix="acc")
    acceptance.member_ids.choices = _staff()
    if request.method == "GET":
        acceptance.member_ids.data = [m.user_id for m in context["acceptance_team"]]
    context.update(
        is_head=is_head,
        is_marketing=user.has_role(*rules.OPEN_ROLES),
        may_hold=user.has_role(*rules.HOLD_ROLES),
        may_attach=attachments.can_attach(user, project),
        may_keep_devices=handover.can_keep_device_list(user, project),
        is_member=rules.is_member(user, project),
        is_leader=project.leader_id == user.id,
        may_archive=user.has_role(*rules.OFFICE_ROLES),
        may_external=user.has_role(*rules.EXTERNAL_ROLES) or project.leader_id == user.id,
        team_form=team, acceptance_form=acceptance, reason_form=ReasonForm(), confirm=ConfirmForm(),
        rectify_form=RectifyForm(), attachment_form=AttachmentForm(), device_form=DeviceForm(prefix="dev"),
        import_form=ImportForm(prefix="bom"), item_form=ItemForm(prefix="item"), bom_problems=[],
    )
    context.update(forms)
    return context


def _page_with_errors(project, **forms):
    """The project page again, with a form's errors shown where it sits."""
    return render_template("projects/detail.html", **_page_context(project, **forms)), 422


@bp.route("/<project_id>/team", methods=["POST"])
@roles_required(*rules.HEAD_ROLES)
def team(project_id: str):
    """The head picks the installation team and its leader."""
    project = rules.load_project(current_user, project_id)
    form = TeamForm(prefix="team")
    form.leader_id.choices = form.member_ids.choices = _staff()
    form.validate()
    if _run(form, lambda: services.assign_team(current_user, project, form.leader_id.data, form.member_ids.data or []),
            _("The installation team is set; its members are told.")):
        return _back(project.id, "team")
    return _page_with_errors(project, team_form=form)


@bp.route("/<project_id>/acceptance-team", methods=["POST"])
@roles_required(*rules.HEAD_ROLES)
def acceptance_team(project_id: str):
    """The head appoints the internal acceptance team."""
    project = rules.load_project(current_user, project_id)
    form = AcceptanceTeamForm(prefix="acc")
    form.member_ids.choices = _staff()
    form.validate()
    if _run(form, lambda: services.appoint_acceptance_team(current_user, project, form.member_ids.data or []),
            _("The acceptance team is appointed.")):
        return _back(project.id, "team")
    return _page_with_errors(project, acceptance_form=form)


@bp.route("/<project_id>/status/<action>", methods=["POST"])
@roles_required(*rules.HOLD_ROLES)
def status(project_id: str, action: str):
    """Put on hold, resume or cancel (with a reason)."""
    project = rules.load_project(current_user, project_id)
    form = ReasonForm()
    verbs = {
        "hold": (lambda: services.hold_project(current_user, project, form.reason.data), _("The project is on hold.")),
        "resume": (lambda: services.resume_project(current_user, project), _("The project is under way again.")),
        "cancel": (lambda: services.cancel_project(current_user, project, form.reason.data),
                   _("The project is cancelled.")),
    }
    if action not in verbs or not form.validate_on_submit():
        raise NotFound(_("Not found."))
    verb, done = verbs[action]
    if _run(form, verb, done):
        return _back(project.id)
    return _page_with_errors(project, reason_form=form)


@bp.route("/<project_id>/entry/<round_id>/rectified", methods=["POST"])
@roles_required(*rules.OPEN_ROLES)
def entry_rectified(project_id: str, round_id: str):
    """Marketing reports the school's rectification after a failed site-entry review."""
    project = rules.load_project(current_user, project_id)
    form = RectifyForm()
    form.validate()
    if _run(form, lambda: rounds.report_rectified(current_user, {
            "round_kind": EntryReview.SYNC_KIND, "round_id": round_id, "note": form.note.data}),
            _("Reported rectified: the team reviews the site again.")):
        return _back(project.id, "entry")
    return _page_with_errors(project, rectify_form=form)


# --- files -----------------------------------------------------------------------------------


@bp.route("/<project_id>/attachments", methods=["POST"])
@roles_required(*READERS)
def attach(project_id: str):
    """Keep a file with the project (type and size checked)."""
    project = rules.load_project(current_user, project_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        if _run(form, lambda: attachments.add_attachment(current_user, project, form.kind.data, upload.filename or "",
                                                          upload.read()), _("The file is kept with the project.")):
            return _back(project.id, "files")
    elif not form.errors.get("csrf_token"):
        flash(_("Choose a file."), "error")
    return _page_with_errors(project, attachment_form=form)


@bp.route("/attachments/<attachment_id>")
@roles_required(*READERS)
def attachment(attachment_id: str):
    """One of a project's files."""
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.deleted_at is not None:
        raise NotFound(_("Not found."))
    rules.load_project(current_user, found.project_id)
    data = attachments.read_attachment(found)
    if data is None:
        raise NotFound(_("The file of this document is missing."))
    return send_file(io.BytesIO(data), mimetype=found.mime, download_name=found.filename, etag=found.sha256,
                     max_age=0)


# --- external acceptance and the completion report ------------------------------------------


@bp.route("/<project_id>/external", methods=["GET", "POST"])
@roles_required(*READERS)
def external(project_id: str):
    """The external acceptance with marketing and the school; its representative signs on the pad."""
    project = rules.load_project(current_user, project_id)
    form = ExternalForm()
    if request.method == "GET":
        form.held_on.data = local_today()
    if form.validate_on_submit():
        def action():
            acceptance = rounds.record_external_acceptance(current_user, {
                "project_id": project.id, "held_on": form.held_on.data, "passed": form.passed.data == "yes",
                "school_representative": form.school_representative.data, "attendees": form.attendees.data,
                "remarks": form.remarks.data})
            sign_paper(current_user, "project_external_acceptance", acceptance, "school",
                       acceptance.school_representative, _png(form.signature.data))

        if _run(form, action, _("The external acceptance is recorded and signed.")):
            return _back(project.id, "external")
    return render_template("projects/external.html", project=project, form=form)


@bp.route("/<project_id>/report", methods=["GET", "POST"])
@roles_required(*READERS)
def report(project_id: str):
    """The team leader writes the completion report and signs it; the paper draws the project's records."""
    project = rules.load_project(current_user, project_id)
    form = ReportForm()
    if form.validate_on_submit():
        def action():
            written = rounds.write_report(current_user, {"project_id": project.id, "summary": form.summary.data})
            sign_paper(current_user, "project_report", written, "leader", current_user.display_name,
                       _png(form.signature.data))

        if _run(form, action, _("The completion report is signed and filed.")):
            return _back(project.id, "completion")
    return render_template("projects/report.html", form=form, **queries.page(project, local_today()))


# --- device list, hand-over, archive ---------------------------------------------------------


@bp.route("/<project_id>/devices", methods=["POST"])
@roles_required(*READERS)
def add_device(project_id: str):
    """Add a device to the project's list."""
    project = rules.load_project(current_user, project_id)
    form = DeviceForm(prefix="dev")
    form.validate()
    if _run(form, lambda: handover.add_device(current_user, project, form.data_for_service()),
            _("The device is on the list.")):
        return _back(project.id, "devices")
    return _page_with_errors(project, device_form=form)


@bp.route("/devices/<device_id>/remove", methods=["POST"])
@roles_required(*READERS)
def remove_device(device_id: str):
    """Take a device off the list."""
    device = handover.load_record(current_user, ProjectDevice, device_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        _run(form, lambda: handover.remove_device(current_user, device), _("The device is off the list."))
    return _back(device.project_id, "devices")


@bp.route("/handover-items/<item_id>/check", methods=["POST"])
@roles_required(*READERS)
def check_item(item_id: str):
    """The team checks one hand-over item off."""
    item = handover.load_record(current_user, HandoverCheck, item_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        _run(form, lambda: handover.check_handover_item(current_user, item), _("Checked off."))
    return _back(item.project_id, "handover")


@bp.route("/<project_id>/handover-items", methods=["POST"])
@roles_required(*READERS)
def add_item(project_id: str):
    """One more item to hand over."""
    project = rules.load_project(current_user, project_id)
    form = ItemForm(prefix="item")
    form.validate()
    if _run(form, lambda: handover.add_handover_item(current_user, project, {
            "kind": form.kind.data, "description": form.description.data,
            "quantity": form.quantity.data if form.quantity.data is not None else 1}), _("The item is listed.")):
        return _back(project.id, "handover")
    return _page_with_errors(project, item_form=form)


@bp.route("/<project_id>/handover", methods=["GET", "POST"])
@roles_required(*READERS)
def handover_receipt(project_id: str):
    """The hand-over receipt: every item checked, the school's person signs on the pad."""
    project = rules.load_project(current_user, project_id)
    form = HandoverForm()
    if request.method == "GET":
        form.handed_on.data = local_today()
    if form.validate_on_submit():
        def action():
            receipt = handover.record_handover(current_user, {
                "project_id": project.id, "handed_on": form.handed_on.data, "received_by": form.received_by.data,
                "notes": form.notes.data})
            sign_paper(current_user, "project_handover", receipt, "school", receipt.received_by,
                       _png(form.signature.data))

        if _run(form, action, _("The hand-over receipt is signed.")):
            return _back(project.id, "handover")
    return render_template("projects/handover.html", project=project, form=form,
                           items=handover.items_of(project))


@bp.route("/<project_id>/archive", methods=["POST"])
@roles_required(*rules.OFFICE_ROLES)
def archive(project_id: str):
    """Take the device list and the hand-over into the school's archive, once."""
    project = rules.load_project(current_user, project_id)
    form = ConfirmForm()
    if form.validate_on_submit() and _run(form, lambda: handover.archive_project(current_user, project),
                                          _("The school's archive now holds the project's devices.")):
        return redirect(url_for("archive.customer_detail", customer_id=project.customer_id))
    return _back(project.id, "devices")


@bp.route("/<project_id>/devices/import", methods=["POST"])
@roles_required(*READERS)
def import_devices(project_id: str):
    """The bill of materials from Excel into the device list: every row, or none with each problem named."""
    project = rules.load_project(current_user, project_id)
    form = ImportForm(prefix="bom")
    problems = []
    if form.validate_on_submit():
        try:
            result = bom_import.import_devices(current_user, project, form.file.data.stream)
        except DomainError as err:
            db.session.rollback()
            show_errors(form, err)
            problems = [Problem(**p) for p in err.details.get("problems", [])]
        else:
            db.session.commit()
            flash(_("%(n)s devices imported from the bill of materials.", n=result.created), "success")
            return _back(project.id, "devices")
    return _page_with_errors(project, import_form=form, bom_problems=problems)
