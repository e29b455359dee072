"""Repair tickets: the office inbox and phone intake, a technician's own tickets, the ticket page
with its life-cycle and next steps, the supervisor's deadlines board, the follow-up calls and
the signed repair forms."""
from __future__ import annotations

import io

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import listing
from ..archive.models import Customer, Device
from ..archive.queries import DeviceFilters, customer_query, device_query
from ..auth.models import Role, User
from ..auth.permissions import can_see_customer, customer_scope, get_visible, roles_required
from ..clock import site_zone
from ..documents.filing import read_document
from ..documents.models import Document, Signature
from ..errors import DomainError, NotFound
from ..extensions import db
from . import alerts
from . import deadlines as dl
from . import follow_up, services, step_forms
from . import lifecycle as lc
from . import quote_pdf as quote_paper
from . import repair_form_pdf
from .events import RepairEvent, load_events, ticket_state
from .forms import InboxFilterForm, IntakeForm
from .models import RepairTicket
from .step_data import as_int, parts_bill
from .vocabulary import SOURCE_LABELS, STATUS_LABELS

bp = Blueprint("repairs", __name__)

INBOX_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)
DEVICE_PICK_LIMIT = 30


def _ticket_query(source: str = ""):
    """Tickets newest first, with what the list shows loaded up front."""
    stmt = (
        select(RepairTicket)
        .where(RepairTicket.deleted_at.is_(None))
        .options(
            selectinload(RepairTicket.customer),
            selectinload(RepairTicket.device),
            selectinload(RepairTicket.cabinet),
            selectinload(RepairTicket.assigned_to),
        )
        .order_by(RepairTicket.reported_at.desc(), RepairTicket.number.desc())
    )
    if source:
        stmt = stmt.where(RepairTicket.source == source)
    return stmt


def _filter_form() -> InboxFilterForm:
    """The inbox's source filter, read from the query string, with translated source names."""
    form = InboxFilterForm(request.args)
    form.source.choices = [form.source.choices[0]] + [SelectChoice(k, v) for k, v in SOURCE_LABELS.items()]
    if not form.validate():
        form = InboxFilterForm(formdata=None)
        form.source.choices = [form.source.choices[0]] + [SelectChoice(k, v) for k, v in SOURCE_LABELS.items()]
    return form


# The inbox's statuses: "not closed" (the default), closed, and each step of the life-cycle.
TICKET_STATUSES = {"open": RepairTicket.status != "closed", "closed": RepairTicket.status == "closed",
                   **{key: RepairTicket.status == key for key in STATUS_LABELS if key != "closed"}}


def _ticket_list(mine: bool):
    """The inbox or the technician's own tickets: filtered, paged, or exported to Excel."""
    source_form = _filter_form()
    labels = {"open": _("Not closed"), "closed": _("Closed"), **STATUS_LABELS}
    form = listing.filter_form(current_user, [(k, labels[k]) for k in TICKET_STATUSES], default_status="open")
    filters = listing.read_filters(form)
    stmt = _ticket_query(source_form.source.data or "")
    if mine:
        stmt = stmt.where(RepairTicket.assigned_to_id == current_user.id)
    stmt = customer_scope(stmt, current_user, RepairTicket.customer_id)
    stmt = listing.apply_filters(stmt, filters, customer=RepairTicket.customer_id,
                                 technician=RepairTicket.assigned_to_id, statuses=TICKET_STATUSES,
                                 day=RepairTicket.reported_at)
    if listing.wants_export():
        return listing.excel_response(_("Repair tickets"), [
            (_("Number"), lambda t: t.number),
            (_("Reported at"), lambda t: t.reported_at),
            (_("School"), lambda t: t.customer.name),
            (_("Device"), lambda t: t.device.name if t.device else (t.cabinet.name if t.cabinet else "")),
            (_("Description"), lambda t: t.description),
            (_("Status"), lambda t: STATUS_LABELS.get(t.status, t.status)),
            (_("Source"), lambda t: SOURCE_LABELS.get(t.source, t.source)),
            (_("Technician"), lambda t: t.assigned_to.display_name if t.assigned_to else ""),
        ], listing.export_rows(stmt), "repair-tickets")
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    args = {**filters.query_args(), **({"source": source_form.source.data} if source_form.source.data else {})}
    if "status" in request.args and not filters.status:
        args["status"] = ""
    return render_template("repairs/inbox.html", page=page, form=form, source_form=source_form, mine=mine,
                           args=args, export_url=listing.export_url())


@bp.route("/repairs")
@roles_required(*INBOX_ROLES)
def inbox():
    """The office's inbox: every repair request, phone and public QR alike, newest first."""
    return _ticket_list(mine=False)


@bp.route("/repairs/mine")
@login_required
def my_tickets():
    """The tickets assigned to the signed-in technician."""
    return _ticket_list(mine=True)


# --- intake by phone ---------------------------------------------------------------------------


def _device_choices(customer: Customer, text: str, chosen: str) -> tuple[list[Device], int]:
    """Devices of the customer matching the search (at most DEVICE_PICK_LIMIT), and how many matched."""
    stmt = device_query(current_user, DeviceFilters(text=text, customer_id=customer.id))
    devices = list(db.session.scalars(stmt.limit(DEVICE_PICK_LIMIT + 1)))
    total = len(devices)
    devices = devices[:DEVICE_PICK_LIMIT]
    if chosen and all(d.id != chosen for d in devices):
        picked = db.session.get(Device, chosen)
        if picked is not None and picked.customer_id == customer.id and picked.deleted_at is None:
            devices.insert(0, picked)
    return devices, total


def _site_time(value):
    """A naive local date-time from a form as an aware instant in the site's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=site_zone())


@bp.route("/repairs/new", methods=["GET", "POST"])
@roles_required(*INBOX_ROLES)
def intake():
    """Record a repair call: find the school, say what is wrong, pick the device and the technician."""
    customer_id = request.values.get("customer_id", "")
    if not customer_id:
        q = request.args.get("q", "").strip()
        customers = list(db.session.scalars(customer_query(current_user, q).limit(40))) if q else []
        return render_template("repairs/intake_customer.html", q=q, customers=customers)
    customer = get_visible(Customer, customer_id, current_user, include_deleted=False)
    form = IntakeForm()
    suggested = services.suggest_technician(customer)
    form.assignee.choices = step_forms.technician_choices(customer, _("Nobody yet — assign later"))
    if request.method == "GET":
        form.assignee.data = suggested.id if suggested else None
        form.device_id.data = request.args.get("device_id", "")
    device_q = request.args.get("device_q", "").strip()
    devices, matched = _device_choices(customer, device_q, form.device_id.data or "")
    form.device_id.choices = [SelectChoice("", _("No particular device"))] + [SelectChoice(d.id, d.name) for d in devices]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            device = db.session.get(Device, form.device_id.data) if form.device_id.data else None
            assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
            try:
                ticket = services.take_call(
                    current_user, customer, form.description.data,
                    location=form.location.data or "", reporter_name=form.reporter_name.data or "",
                    reporter_phone=form.reporter_phone.data or "", device=device,
                    agreed_arrival_at=_site_time(form.agreed_arrival.data), assignee=assignee,
                )
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                form.form_errors.append(err.message)
            else:
                if assignee is not None:
                    flash(_("Ticket %(number)s recorded and assigned to %(name)s.", number=ticket.number,
                            name=assignee.display_name), "success")
                else:
                    flash(_("Ticket %(number)s recorded. Nobody is assigned yet.", number=ticket.number), "warning")
                return redirect(url_for(".ticket_detail", ticket_id=ticket.id), code=303)
        status = 422
    return render_template(
        "repairs/intake.html", form=form, customer=customer, devices={d.id: d for d in devices},
        device_q=device_q, matched=matched, limit=DEVICE_PICK_LIMIT, suggested=suggested,
    ), status


# --- the ticket page --------------------------------------------------------------------------


def _users_by_id(events: list[RepairEvent], state: lc.TicketState) -> dict[int, User]:
    """Everyone named on the page (authors, assignees, people held responsible)."""
    ids = {e.user_id for e in events if e.user_id}
    for e in events:
        for key in ("user_id", "assign_to", "responsible_user_id"):
            value = as_int((e.data or {}).get(key))
            if value:
                ids.add(value)
    if state.assignee_id:
        ids.add(state.assignee_id)
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _render_ticket(ticket: RepairTicket, *, forms: dict | None = None, open_step: str = "", error: str = "", status: int = 200):
    """The ticket page with its timeline, clocks and the forms of the allowed next steps."""
    events = load_events(ticket.id)
    state = ticket_state(ticket, events)
    clocks = dl.ticket_clocks(ticket, state=state)
    steps = step_forms.offered_steps(ticket, state)
    forms = dict(forms or {})
    for step in steps:
        forms.setdefault(step, step_forms.build_form(step, ticket, state))
    reworks = list(db.session.scalars(
        select(RepairTicket).where(RepairTicket.rework_of_id == ticket.id).order_by(RepairTicket.reported_at)
    ))
    documents = list(db.session.scalars(
        select(Document).where(Document.ticket_id == ticket.id, Document.deleted_at.is_(None)).order_by(Document.round)
    ))
    signatures = list(db.session.scalars(
        select(Signature).where(Signature.document_kind == repair_form_pdf.DOCUMENT_KIND, Signature.document_id == ticket.id)
    ))
    show_sample = current_user.role in (Role.OFFICE.value, Role.SUPERVISOR.value, Role.ADMIN.value)
    return render_template(
        "repairs/detail.html", ticket=ticket, state=state, events=events, clocks=clocks,
        calendar_years=dl.assumed_years(clocks), steps=steps, field_steps=step_forms.FIELD_STEPS, forms=forms,
        open_step=open_step, step_error=error, people=_users_by_id(events, state), reworks=reworks,
        documents=documents, signatures=signatures, lc=lc, dl=dl, parts_bill=parts_bill,
        sampled=follow_up.in_follow_up_sample(ticket) if show_sample else None,
        unhappy=follow_up.customer_unhappy(state),
    ), status


@bp.route("/repairs/<ticket_id>")
@login_required
def ticket_detail(ticket_id: str):
    """One ticket: what was reported, its life-cycle, clocks and the next steps."""
    ticket = get_visible(RepairTicket, ticket_id, current_user)
    return _render_ticket(ticket)


@bp.route("/repairs/<ticket_id>/steps/<step>", methods=["POST"])
@login_required
def record_step(ticket_id: str, step: str):
    """Record one step of the life-cycle from its form; illegal steps are refused, nothing changes."""
    ticket = get_visible(RepairTicket, ticket_id, current_user)
    if step not in step_forms.STEP_FORMS:
        abort(404)
    state = ticket_state(ticket)
    form = step_forms.build_form(step, ticket, state, formdata=request.form)
    if not form.validate():
        return _render_ticket(ticket, forms={step: form}, open_step=step,
                              error=_("Please correct the marked fields."), status=422)
    try:
        message = step_forms.perform(step, form, ticket)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        ticket = get_visible(RepairTicket, ticket_id, current_user)
        return _render_ticket(ticket, forms={step: step_forms.build_form(step, ticket, ticket_state(ticket), formdata=request.form)},
                              open_step=step, error=err.message, status=step_forms.refusal_status(err))
    flash(message, "success")
    return redirect(url_for(".ticket_detail", ticket_id=ticket.id), code=303)


# --- the supervisor's board and the follow-up calls ---------------------------------------------


@bp.route("/repairs/board")
@roles_required(*INBOX_ROLES)
def board():
    """Tickets whose deadlines are breached or at risk, and the rework tickets being followed."""
    data = dl.supervisor_board()
    return render_template("repairs/board.html", board=data, calendar_years=data.assumed_years,
                           reworks=alerts.open_rework_tickets(), dl=dl)


@bp.route("/repairs/follow-ups")
@roles_required(*INBOX_ROLES)
def follow_ups():
    """The office's follow-up list: the sampled share of signed repairs and every unhappy customer."""
    to_call, others = follow_up.follow_up_list()
    return render_template(
        "repairs/follow_ups.html", to_call=to_call, others=others, recent=follow_up.recent_follow_ups(),
        rate=follow_up.follow_up_rate(), lc=lc,
    )


# --- the printable quote ---------------------------------------------------------------------------


@bp.route("/repairs/<ticket_id>/quote.pdf")
@login_required
def quote_pdf(ticket_id: str):
    """The ticket's quote as a printable A4 page (with the customer's signed decision once made)."""
    ticket = get_visible(RepairTicket, ticket_id, current_user)
    pdf = quote_paper.render_quote(ticket, ticket_state(ticket), current_app.config["PDF_FONT_PATH"])
    if pdf is None:
        raise NotFound(_("No quote was recorded on this ticket."))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"报价单 {ticket.number}.pdf", max_age=0)


# --- the signed repair form -----------------------------------------------------------------------


@bp.route("/repairs/documents/<document_id>")
@login_required
def document_file(document_id: str):
    """A filed document of a ticket (the signed repair form or quote PDF), for people who may see its customer."""
    document = db.session.get(Document, document_id)
    if document is None or document.deleted_at is not None or not can_see_customer(current_user, document.customer_id):
        raise NotFound(_("Not found."))
    data = read_document(document)
    if data is None:
        raise NotFound(_("The file of this document is missing."))
    return send_file(io.BytesIO(data), mimetype=document.mime, download_name=f"{document.title}.pdf",
                     as_attachment=request.args.get("download") == "1", etag=document.sha256, max_age=0)
