"""Repair tickets: the office inbox and phone intake, a technician's own tickets, the ticket page
with its life-cycle and next steps, the supervisor's deadlines board, the follow-up calls and
the signed repair forms."""
from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..archive.models import Customer, Device
from ..archive.queries import DeviceFilters, customer_query, device_query
from ..auth.models import Role, User
from ..auth.permissions import can_see_customer, customer_scope, get_visible, roles_required
from ..clock import local_today, site_zone
from ..documents import repair_form
from ..documents.models import Document, Signature
from ..errors import DomainError, NotFound
from ..extensions import db
from ..templating import TICKET_SOURCE_LABELS
from . import alerts  # noqa: F401  (registers the notifications of each step)
from . import deadlines as dl
from . import lifecycle as lc
from . import services
from .events import EVENT_ROLES, RepairEvent, load_events, record_event, ticket_state
from .forms import (
    ApproveQuoteForm,
    AssignForm,
    ClassifyForm,
    CloseForm,
    DeclineQuoteForm,
    EscalationDecisionForm,
    FactoryForm,
    FollowUpForm,
    InboxFilterForm,
    IntakeForm,
    NoteForm,
    QuoteForm,
    ReworkForm,
)
from .models import RepairTicket

bp = Blueprint("repairs", __name__)

INBOX_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)
DEVICE_PICK_LIMIT = 30
# Steps offered on the ticket page, and their forms. The technician's own steps (accept,
# arrive, classify, report to the supervisor, factory trips) are done in the field app; they are
# offered here too, folded away, so a broken tablet never stops a ticket. The repair form and
# the customer's signature (resolved, customer_signed) are captured on the tablet only.
STEP_FORMS: dict[str, type] = {
    lc.ASSIGNED_EV: AssignForm,
    lc.ACCEPTED: NoteForm,
    lc.ARRIVED: NoteForm,
    lc.CLASSIFIED_EV: ClassifyForm,
    lc.SUPERVISOR_INFORMED: NoteForm,
    lc.ESCALATION_DECISION: EscalationDecisionForm,
    lc.SENT_TO_FACTORY: FactoryForm,
    lc.RETURNED_FROM_FACTORY: FactoryForm,
    lc.QUOTE_RECORDED: QuoteForm,
    lc.QUOTE_APPROVED: ApproveQuoteForm,
    lc.QUOTE_DECLINED: DeclineQuoteForm,
    lc.FOLLOW_UP_RECORDED: FollowUpForm,
    lc.CLOSED_EV: CloseForm,
    lc.REWORK_OPENED: ReworkForm,
}
FIELD_STEPS = (lc.ACCEPTED, lc.ARRIVED, lc.CLASSIFIED_EV, lc.SUPERVISOR_INFORMED, lc.SENT_TO_FACTORY, lc.RETURNED_FROM_FACTORY)


def _ticket_query(status: str = "open", source: str = ""):
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
    if status == "open":
        stmt = stmt.where(RepairTicket.status != "closed")
    elif status == "closed":
        stmt = stmt.where(RepairTicket.status == "closed")
    if source:
        stmt = stmt.where(RepairTicket.source == source)
    return stmt


def _filter_form() -> InboxFilterForm:
    """The inbox filter, read from the query string, with translated source names."""
    form = InboxFilterForm(request.args)
    form.source.choices = [form.source.choices[0]] + [SelectChoice(k, v) for k, v in TICKET_SOURCE_LABELS.items()]
    if not form.validate():
        form = InboxFilterForm(formdata=None)
        form.source.choices = [form.source.choices[0]] + [SelectChoice(k, v) for k, v in TICKET_SOURCE_LABELS.items()]
    return form


@bp.route("/repairs")
@roles_required(*INBOX_ROLES)
def inbox():
    """The office's inbox: every repair request, phone and public QR alike, newest first."""
    form = _filter_form()
    page = db.paginate(
        _ticket_query(form.status.data or "open", form.source.data or ""),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("repairs/inbox.html", page=page, form=form, mine=False)


@bp.route("/repairs/mine")
@login_required
def my_tickets():
    """The tickets assigned to the signed-in technician."""
    form = _filter_form()
    stmt = customer_scope(
        _ticket_query(form.status.data or "open", form.source.data or "").where(
            RepairTicket.assigned_to_id == current_user.id
        ),
        current_user,
        RepairTicket.customer_id,
    )
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("repairs/inbox.html", page=page, form=form, mine=True)


# --- intake by phone ---------------------------------------------------------------------------


def _technician_choices(customer: Customer, blank: str) -> list[SelectChoice]:
    """The customer's technicians as select choices, after a blank one."""
    return [SelectChoice("", blank)] + [
        SelectChoice(u.id, u.display_name) for u in services.responsible_technicians(customer)
    ]


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
    form.assignee.choices = _technician_choices(customer, _("Nobody yet — assign later"))
    if request.method == "GET":
        form.assignee.data = suggested.id if suggested else None
        form.device_id.data = request.args.get("device_id", "")
    device_q = request.args.get("device_q", "").strip()
    devices, matched = _device_choices(customer, device_q, form.device_id.data or "")
    form.device_id.choices = [SelectChoice("", _("No particular device"))] + [SelectChoice(d.id, d.name) for d in devices]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            device = None
            if form.device_id.data:
                device = db.session.get(Device, form.device_id.data)
                if device is None or device.customer_id != customer.id or device.deleted_at is not None:
                    form.device_id.errors = [_("Choose a device of this school.")]
            assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
            if not form.device_id.errors:
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


def _build_form(step: str, ticket: RepairTicket, state: lc.TicketState, formdata: Any = None):
    """The form of one step, its choices filled, read from `formdata` (None: blank)."""
    cls = STEP_FORMS[step]
    kwargs: dict[str, Any] = {"prefix": step}
    if formdata is None:
        kwargs["formdata"] = None
    form = cls(**kwargs)
    customer = ticket.customer
    if step == lc.ASSIGNED_EV:
        form.assignee.choices = _technician_choices(customer, _("Choose…"))
        if formdata is None:
            form.assignee.data = state.assignee_id
    elif step == lc.CLASSIFIED_EV:
        form.classification.choices = [SelectChoice(k, lc.CLASSIFICATION_LABELS[k]) for k in lc.CLASSIFICATIONS]
    elif step in (lc.FOLLOW_UP_RECORDED, lc.REWORK_OPENED):
        form.responsible.choices = _technician_choices(customer, _("Choose…"))
        form.assignee.choices = _technician_choices(customer, _("Nobody yet — assign later"))
        if formdata is None:
            form.responsible.data = state.assignee_id
            form.assignee.data = state.assignee_id
    elif step == lc.QUOTE_APPROVED and formdata is None:
        form.approved_on.data = local_today()
    return form


def _offered_steps(ticket: RepairTicket, state: lc.TicketState) -> list[str]:
    """The steps this user may record now, on this page."""
    allowed = lc.allowed_events(state)
    role = current_user.role
    steps = [t for t in allowed if t in STEP_FORMS and role in EVENT_ROLES[t]]
    # Accepting is the assignee's own word; telling the supervisor is about a difficult fault.
    steps = [t for t in steps if t != lc.ACCEPTED or state.assignee_id == current_user.id]
    if state.current.classification != lc.DIFFICULT or state.current.supervisor_informed_at is not None:
        steps = [t for t in steps if t != lc.SUPERVISOR_INFORMED]
    return steps


def _users_by_id(events: list[RepairEvent], state: lc.TicketState) -> dict[int, User]:
    """Everyone named on the page (authors, assignees, people held responsible)."""
    ids = {e.user_id for e in events if e.user_id}
    for e in events:
        for key in ("user_id", "assign_to", "responsible_user_id"):
            value = lc._as_int((e.data or {}).get(key))
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
    steps = _offered_steps(ticket, state)
    forms = dict(forms or {})
    for step in steps:
        forms.setdefault(step, _build_form(step, ticket, state))
    reworks = list(db.session.scalars(
        select(RepairTicket).where(RepairTicket.rework_of_id == ticket.id).order_by(RepairTicket.reported_at)
    ))
    documents = list(db.session.scalars(
        select(Document).where(Document.ticket_id == ticket.id, Document.deleted_at.is_(None)).order_by(Document.round)
    ))
    signatures = list(db.session.scalars(
        select(Signature).where(Signature.document_kind == repair_form.DOCUMENT_KIND, Signature.document_id == ticket.id)
    ))
    show_sample = current_user.role in (Role.OFFICE.value, Role.SUPERVISOR.value, Role.ADMIN.value)
    return render_template(
        "repairs/detail.html", ticket=ticket, state=state, events=events, clocks=clocks,
        calendar_years=dl.assumed_years(clocks), steps=steps, field_steps=FIELD_STEPS, forms=forms,
        open_step=open_step, step_error=error, people=_users_by_id(events, state), reworks=reworks,
        documents=documents, signatures=signatures, lc=lc, dl=dl,
        sampled=services.in_follow_up_sample(ticket) if show_sample else None,
        unhappy=services.customer_unhappy(state),
    ), status


@bp.route("/repairs/<ticket_id>")
@login_required
def ticket_detail(ticket_id: str):
    """One ticket: what was reported, its life-cycle, clocks and the next steps."""
    ticket = get_visible(RepairTicket, ticket_id, current_user)
    return _render_ticket(ticket)


def _quote_data(form: QuoteForm) -> dict:
    """Items and total of a quote form (lines without a name are left out)."""
    items, total = [], Decimal("0")
    problems = []
    for entry in form.items.entries:
        line = entry.form
        name = (line.item_name.data or "").strip()
        if not name:
            continue
        qty = line.qty.data if line.qty.data is not None else Decimal("1")
        price = line.price.data
        if price is None:
            problems.append(name)
            continue
        amount = (qty * price).quantize(Decimal("0.01"))
        total += amount
        items.append({"name": name, "qty": str(qty.normalize()), "price": str(price.quantize(Decimal('0.01'))),
                      "amount": str(amount)})
    if problems:
        raise DomainError(_("Give a unit price for: %(items)s.", items="、".join(problems)), code="invalid",
                          errors={"items": [_("Each item needs a unit price.")]})
    if not items:
        raise DomainError(_("Add at least one item to the quote."), code="invalid",
                          errors={"items": [_("Add at least one item to the quote.")]})
    data = {"items": items, "amount": str(total.quantize(Decimal("0.01")))}
    if (form.note.data or "").strip():
        data["note"] = form.note.data.strip()
    return data


def _note(form) -> dict:
    """{'note': ...} when the form has a note filled in."""
    note = (getattr(form, "note", None) and form.note.data or "").strip()
    return {"note": note} if note else {}


def _perform(step: str, form, ticket: RepairTicket) -> str:
    """Record one step from its validated form; returns the message to flash."""
    user = current_user._get_current_object()
    label = str(lc.EVENT_LABELS[step])
    if step == lc.ASSIGNED_EV:
        assignee = db.session.get(User, form.assignee.data)
        services.check_assignable(ticket.customer, assignee)
        record_event(ticket, step, {"user_id": assignee.id, **_note(form)}, user)
        return _("Assigned to %(name)s.", name=assignee.display_name)
    if step in (lc.ACCEPTED, lc.ARRIVED, lc.SUPERVISOR_INFORMED, lc.CLOSED_EV):
        record_event(ticket, step, _note(form), user)
    elif step == lc.CLASSIFIED_EV:
        record_event(ticket, step, {"classification": form.classification.data, **_note(form)}, user)
    elif step == lc.ESCALATION_DECISION:
        data = {"decided_with": form.decided_with.data, "solution": form.solution.data.strip()}
        for name in ("vendor_name", "people"):
            value = (getattr(form, name).data or "").strip()
            if value:
                data[name] = value
        record_event(ticket, step, data, user)
    elif step in (lc.SENT_TO_FACTORY, lc.RETURNED_FROM_FACTORY):
        exception = (form.exception.data or "").strip()
        record_event(ticket, step, {"exception": exception} if exception else {}, user)
    elif step == lc.QUOTE_RECORDED:
        record_event(ticket, step, _quote_data(form), user)
    elif step == lc.QUOTE_APPROVED:
        record_event(ticket, step, {"approver_name": form.approver_name.data.strip(),
                                    "approved_on": form.approved_on.data.isoformat()}, user)
    elif step == lc.QUOTE_DECLINED:
        record_event(ticket, step, {"approver_name": form.approver_name.data.strip(), **_note(form)}, user)
        return _("The customer declined the quote: the ticket is closed.")
    elif step == lc.FOLLOW_UP_RECORDED:
        rework = services.record_follow_up(
            ticket, user, quality=form.quality.data, attitude=form.attitude.data, result=form.result.data,
            reason=form.reason.data or "", notes=form.notes.data or "",
            responsible=db.session.get(User, form.responsible.data) if form.responsible.data else None,
            assignee=db.session.get(User, form.assignee.data) if form.assignee.data else None,
        )
        if rework is None:
            return _("Follow-up call recorded; the repair is closed and filed.")
        return _("Follow-up call recorded; rework ticket %(number)s opened.", number=rework.number)
    elif step == lc.REWORK_OPENED:
        rework = services.open_rework(
            ticket, user, form.reason.data or "",
            responsible=db.session.get(User, form.responsible.data) if form.responsible.data else None,
            assignee=db.session.get(User, form.assignee.data) if form.assignee.data else None,
        )
        return _("Rework ticket %(number)s opened.", number=rework.number)
    return _("Recorded: %(step)s.", step=label)


def _refusal_status(err: DomainError) -> int:
    """422 for details that do not pass, 409 for a step the life-cycle refuses, else the error's own."""
    if err.status != 400:
        return err.status
    return 422 if err.code == "invalid" else 409


@bp.route("/repairs/<ticket_id>/steps/<step>", methods=["POST"])
@login_required
def record_step(ticket_id: str, step: str):
    """Record one step of the life-cycle from its form; illegal steps are refused, nothing changes."""
    ticket = get_visible(RepairTicket, ticket_id, current_user)
    if step not in STEP_FORMS:
        abort(404)
    state = ticket_state(ticket)
    form = _build_form(step, ticket, state, formdata=request.form)
    if not form.validate():
        return _render_ticket(ticket, forms={step: form}, open_step=step,
                              error=_("Please correct the marked fields."), status=422)
    try:
        message = _perform(step, form, ticket)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        ticket = get_visible(RepairTicket, ticket_id, current_user)
        return _render_ticket(ticket, forms={step: _build_form(step, ticket, ticket_state(ticket), formdata=request.form)},
                              open_step=step, error=err.message, status=_refusal_status(err))
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
    to_call, others = services.follow_up_list()
    return render_template(
        "repairs/follow_ups.html", to_call=to_call, others=others, recent=services.recent_follow_ups(),
        rate=services.follow_up_rate(), lc=lc,
    )


# --- the signed repair form -----------------------------------------------------------------------


@bp.route("/repairs/documents/<document_id>")
@login_required
def document_file(document_id: str):
    """A filed document (the signed repair form PDF), for people who may see its customer."""
    document = db.session.get(Document, document_id)
    if document is None or document.deleted_at is not None or not can_see_customer(current_user, document.customer_id):
        raise NotFound(_("Not found."))
    data = repair_form.read_document(document)
    if data is None:
        raise NotFound(_("The file of this document is missing."))
    return send_file(io.BytesIO(data), mimetype=document.mime, download_name=f"{document.title}.pdf",
                     as_attachment=request.args.get("download") == "1", etag=document.sha256, max_age=0)
