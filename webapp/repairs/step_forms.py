"""The steps of the ticket page: which are offered to whom, their forms, and the verb each one calls.

The technician's own steps (accept, arrive, classify, report to the supervisor, factory trips)
are done in the field app; they are offered here too, folded away, so a broken tablet never
stops a ticket. The repair form and the customer's signature (resolved, customer_signed) are
captured on the tablet only. Which steps may come next is the life-cycle's (`allowed_events`);
this module only offers those the user's role may record.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..archive.models import Customer
from ..auth.models import User
from ..clock import local_today
from ..errors import DomainError
from ..extensions import db
from . import follow_up, services
from . import lifecycle as lc
from .events import EVENT_ROLES, record_event
from .forms import (
    ApproveQuoteForm,
    AssignForm,
    ClassifyForm,
    CloseForm,
    DeclineQuoteForm,
    EscalationDecisionForm,
    FactoryForm,
    FollowUpForm,
    NoteForm,
    QuoteForm,
    ReworkForm,
)
from .models import RepairTicket
from .vocabulary import CLASSIFICATION_LABELS, CLASSIFICATIONS, EVENT_LABELS, Event

STEP_FORMS: dict[str, type] = {
    Event.ASSIGNED: AssignForm,
    Event.ACCEPTED: NoteForm,
    Event.ARRIVED: NoteForm,
    Event.CLASSIFIED: ClassifyForm,
    Event.SUPERVISOR_INFORMED: NoteForm,
    Event.ESCALATION_DECISION: EscalationDecisionForm,
    Event.SENT_TO_FACTORY: FactoryForm,
    Event.RETURNED_FROM_FACTORY: FactoryForm,
    Event.QUOTE_RECORDED: QuoteForm,
    Event.QUOTE_APPROVED: ApproveQuoteForm,
    Event.QUOTE_DECLINED: DeclineQuoteForm,
    Event.FOLLOW_UP_RECORDED: FollowUpForm,
    Event.CLOSED: CloseForm,
    Event.REWORK_OPENED: ReworkForm,
}
FIELD_STEPS = (Event.ACCEPTED, Event.ARRIVED, Event.CLASSIFIED, Event.SUPERVISOR_INFORMED, Event.SENT_TO_FACTORY, Event.RETURNED_FROM_FACTORY)


def technician_choices(customer: Customer, blank: str) -> list[SelectChoice]:
    """The customer's technicians as select choices, after a blank one."""
    return [SelectChoice("", blank)] + [
        SelectChoice(u.id, u.display_name) for u in services.responsible_technicians(customer)
    ]


def build_form(step: str, ticket: RepairTicket, state: lc.TicketState, formdata: Any = None):
    """The form of one step, its choices filled, read from `formdata` (None: blank)."""
    cls = STEP_FORMS[step]
    kwargs: dict[str, Any] = {"prefix": step}
    if formdata is None:
        kwargs["formdata"] = None
    form = cls(**kwargs)
    customer = ticket.customer
    if step == Event.ASSIGNED:
        form.assignee.choices = technician_choices(customer, _("Choose…"))
        if formdata is None:
            form.assignee.data = state.assignee_id
    elif step == Event.CLASSIFIED:
        form.classification.choices = [SelectChoice(k, CLASSIFICATION_LABELS[k]) for k in CLASSIFICATIONS]
    elif step in (Event.FOLLOW_UP_RECORDED, Event.REWORK_OPENED):
        form.responsible.choices = technician_choices(customer, _("Choose…"))
        form.assignee.choices = technician_choices(customer, _("Nobody yet — assign later"))
        if formdata is None:
            form.responsible.data = state.assignee_id
            form.assignee.data = state.assignee_id
    elif step == Event.QUOTE_APPROVED and formdata is None:
        form.approved_on.data = local_today()
    return form


def offered_steps(ticket: RepairTicket, state: lc.TicketState) -> list[str]:
    """The steps this user may record now, on this page."""
    role = current_user.role
    return [t for t in lc.allowed_events(state, current_user.id) if t in STEP_FORMS and role in EVENT_ROLES[t]]


def _quote_lines(form: QuoteForm) -> list[dict]:
    """The quote form's lines as (name, qty, price); the arithmetic is the service's."""
    return [{"name": e.form.item_name.data, "qty": e.form.qty.data, "price": e.form.price.data} for e in form.items.entries]


def _note(form) -> dict:
    """{'note': ...} when the form has a note filled in."""
    note = (getattr(form, "note", None) and form.note.data or "").strip()
    return {"note": note} if note else {}


def perform(step: str, form, ticket: RepairTicket) -> str:
    """Record one step from its validated form; returns the message to flash."""
    user = current_user._get_current_object()
    label = str(EVENT_LABELS[step])
    if step == Event.ASSIGNED:
        assignee = db.session.get(User, form.assignee.data)
        services.check_assignable(ticket.customer, assignee)
        record_event(ticket, step, {"user_id": assignee.id, **_note(form)}, user)
        return _("Assigned to %(name)s.", name=assignee.display_name)
    if step in (Event.ACCEPTED, Event.ARRIVED, Event.SUPERVISOR_INFORMED, Event.CLOSED):
        record_event(ticket, step, _note(form), user)
    elif step == Event.CLASSIFIED:
        record_event(ticket, step, {"classification": form.classification.data, **_note(form)}, user)
    elif step == Event.ESCALATION_DECISION:
        data = {"decided_with": form.decided_with.data, "solution": form.solution.data.strip()}
        for name in ("vendor_name", "people"):
            value = (getattr(form, name).data or "").strip()
            if value:
                data[name] = value
        record_event(ticket, step, data, user)
    elif step in (Event.SENT_TO_FACTORY, Event.RETURNED_FROM_FACTORY):
        exception = (form.exception.data or "").strip()
        record_event(ticket, step, {"exception": exception} if exception else {}, user)
    elif step == Event.QUOTE_RECORDED:
        services.record_quote(ticket, user, _quote_lines(form), note=form.note.data or "")
    elif step == Event.QUOTE_APPROVED:
        record_event(ticket, step, {"approver_name": form.approver_name.data.strip(),
                                    "approved_on": form.approved_on.data.isoformat()}, user)
    elif step == Event.QUOTE_DECLINED:
        record_event(ticket, step, {"approver_name": form.approver_name.data.strip(), **_note(form)}, user)
        return _("The customer declined the quote: the ticket is closed.")
    elif step == Event.FOLLOW_UP_RECORDED:
        rework = follow_up.record_follow_up(
            ticket, user, quality=form.quality.data, attitude=form.attitude.data, result=form.result.data,
            reason=form.reason.data or "", notes=form.notes.data or "",
            responsible=db.session.get(User, form.responsible.data) if form.responsible.data else None,
            assignee=db.session.get(User, form.assignee.data) if form.assignee.data else None,
        )
        if rework is None:
            return _("Follow-up call recorded; the repair is closed and filed.")
        return _("Follow-up call recorded; rework ticket %(number)s opened.", number=rework.number)
    elif step == Event.REWORK_OPENED:
        rework = services.open_rework(
            ticket, user, form.reason.data or "",
            responsible=db.session.get(User, form.responsible.data) if form.responsible.data else None,
            assignee=db.session.get(User, form.assignee.data) if form.assignee.data else None,
        )
        return _("Rework ticket %(number)s opened.", number=rework.number)
    return _("Recorded: %(step)s.", step=label)


def refusal_status(err: DomainError) -> int:
    """422 for details that do not pass, 409 for a step the life-cycle refuses, else the error's own."""
    if err.status != 400:
        return err.status
    return 422 if err.code == "invalid" else 409
