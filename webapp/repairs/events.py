"""Repair events (`repair_event` in SYNC.md): append-only steps from which a ticket's state is derived.

Every technician or office action on a ticket — assigned, arrived, classified, escalated, sent
to the factory, quoted, approved, resolved, signed, followed up, closed, reworked — is one
`RepairEvent` row. Rows are never changed; a ticket's state is their fold (lifecycle.py) in
the order the server received them. `record_event` is the one path for a new step, for the
HTML views and for sync alike; it checks the step against the state, appends it and updates
the ticket's denormalised columns (status, category, resolved_at, closed_at, filed_category).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Role, User
from ..auth.permissions import can_see_customer, get_visible
from ..clock import UTCDateTime, utcnow
from ..documents.filing import pieces_arrived
from ..documents.signing import check_signed_content
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..records import SyncedMixin, new_id, take_change_seqs
from . import lifecycle as lc
from .models import RepairTicket
from .state import EventLike, report_time
from .step_data import as_int
from .vocabulary import Event

OFFICE_SIDE = (Role.OFFICE.value, Role.SUPERVISOR.value, Role.ADMIN.value)
SUPERVISOR_SIDE = (Role.SUPERVISOR.value, Role.ADMIN.value)
FIELD = (Role.TECHNICIAN.value, Role.OFFICE.value, Role.SUPERVISOR.value, Role.ADMIN.value)
# Who may record each step. The customer's approval of a quote is captured on the technician's
# tablet or typed in by the office; the quote itself and the escalation decision are the
# supervisor's; assignment, follow-up calls, closing and rework are the office's.
EVENT_ROLES: dict[str, tuple[str, ...]] = {
    Event.ASSIGNED: OFFICE_SIDE,
    Event.ACCEPTED: FIELD,
    Event.ARRIVED: FIELD,
    Event.CLASSIFIED: FIELD,
    Event.SUPERVISOR_INFORMED: FIELD,
    Event.ESCALATION_DECISION: SUPERVISOR_SIDE,
    Event.SENT_TO_FACTORY: FIELD,
    Event.RETURNED_FROM_FACTORY: FIELD,
    Event.QUOTE_RECORDED: SUPERVISOR_SIDE,
    Event.QUOTE_APPROVED: FIELD,
    Event.QUOTE_DECLINED: FIELD,
    Event.RESOLVED: FIELD,
    Event.CUSTOMER_SIGNED: FIELD,
    Event.FOLLOW_UP_RECORDED: OFFICE_SIDE,
    Event.CLOSED: OFFICE_SIDE,
    Event.REWORK_OPENED: OFFICE_SIDE,
}


# Called after every newly recorded step (not a resend) with (ticket, event, state before, state
# after), inside the same transaction: notifications and the signed repair form plug in here, so
# the web forms and sync trigger them alike.
after_record: list[Callable[[RepairTicket, "RepairEvent", lc.TicketState, lc.TicketState], None]] = []


class RepairEvent(SyncedMixin, db.Model):
    """One step in a repair ticket's life (append-only submission)."""

    __tablename__ = "repair_event"
    SYNC_KIND = "repair_event"
    ticket_id: Mapped[str] = mapped_column(ForeignKey("repair_ticket.id"), index=True)
    # Copied from the ticket so sync can scope a technician's pull and the audit log can filter.
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    device_time: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Receipt order, from the same counter as change_seq, taken while the ticket row is locked:
    # the order the life-cycle is folded in. change_seq is not used because it moves if the
    # row is ever touched again (e.g. a signature blob arriving late).
    received_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    ticket = relationship("RepairTicket")
    user = relationship("User")

    __table_args__ = (Index("ix_repair_event_ticket_seq", "ticket_id", "received_seq"),)


class EventConflict(DomainError):
    """The same event id was sent before with different content."""

    code = "conflict"
    status = 409


def time_settings() -> tuple[timedelta, timedelta]:
    """(device clock tolerance, how far back a report time may lie) from the configuration."""
    minutes, days = 10, 30
    if has_app_context():
        minutes = current_app.config.get("DEVICE_CLOCK_TOLERANCE_MINUTES", minutes)
        days = current_app.config.get("REPORT_MAX_BACKDATE_DAYS", days)
    return timedelta(minutes=minutes), timedelta(days=days)


def ticket_report_time(ticket: RepairTicket) -> tuple[datetime, str]:
    """When the ticket's fault was reported, and whether that is the 'device' or 'server' time."""
    tolerance, backdate = time_settings()
    return report_time(ticket.reported_at, ticket.created_at or ticket.reported_at, tolerance, backdate)


def load_events(ticket_id: str) -> list[RepairEvent]:
    """A ticket's events in receipt order."""
    return list(
        db.session.scalars(
            select(RepairEvent)
            .where(RepairEvent.ticket_id == ticket_id)
            .order_by(RepairEvent.received_seq, RepairEvent.id)
        )
    )


def load_events_of(ticket_ids: list[str]) -> dict[str, list[EventLike]]:
    """The events of many tickets in one query, each ticket's in receipt order, as read-only rows
    with what the fold reads (state.EventLike): for folding many tickets at once (a report's month),
    where building an ORM object per step was most of the time."""
    by_ticket: dict[str, list[EventLike]] = {ticket_id: [] for ticket_id in ticket_ids}
    if by_ticket:
        for event in db.session.execute(
            select(RepairEvent.ticket_id, RepairEvent.id, RepairEvent.type, RepairEvent.data, RepairEvent.user_id,
                   RepairEvent.device_time, RepairEvent.received_at, RepairEvent.received_seq)
            .where(RepairEvent.ticket_id.in_(list(by_ticket)))
            .order_by(RepairEvent.received_seq, RepairEvent.id)
        ):
            by_ticket[event.ticket_id].append(event)
    return by_ticket


def ticket_state(ticket: RepairTicket, events: list[EventLike] | None = None) -> lc.TicketState:
    """Fold a ticket's events into its state (loads the events unless given)."""
    if events is None:
        events = load_events(ticket.id)
    tolerance, _backdate = time_settings()
    reported_at, _basis = ticket_report_time(ticket)
    return lc.fold_events(
        events,
        reported_at=reported_at,
        initial_assignee_id=ticket.intake_assignee_id,
        tolerance=tolerance,
    )


def apply_to_ticket(ticket: RepairTicket, state: lc.TicketState) -> None:
    """Copy the derived state onto the ticket's denormalised columns (only what changed)."""
    values = {
        "status": state.status,
        "category": state.current.classification,
        "assigned_to_id": state.assignee_id,
        "resolved_at": state.current.resolved_at,
        "closed_at": state.current.closed_at,
        "filed_category": state.current.filed_category,
        "rework_round": state.round_number,
    }
    for name, value in values.items():
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)


def refresh_ticket(ticket: RepairTicket) -> lc.TicketState:
    """Recompute the ticket's denormalised columns from its events (e.g. right after intake)."""
    state = ticket_state(ticket)
    apply_to_ticket(ticket, state)
    return state


def _same_event(existing: RepairEvent, ticket: RepairTicket, event_type: str, data: dict) -> bool:
    """True when a resent event carries the content already stored."""
    return existing.ticket_id == ticket.id and existing.type == event_type and (existing.data or {}) == data


def _check_people(event_type: str, data: dict) -> None:
    """Users named in the data must exist and be active."""
    names = {Event.ASSIGNED: ("user_id",), Event.REWORK_OPENED: ("assign_to", "responsible_user_id")}
    for name in names.get(event_type, ()):
        raw = data.get(name)
        if raw in (None, ""):
            continue
        user = db.session.get(User, as_int(raw))
        if user is None or not user.is_active:
            raise DomainError(_("That person cannot be chosen."), code="invalid", errors={name: [_("That person cannot be chosen.")]})


def _check_rework_link(ticket: RepairTicket, event_type: str, data: dict) -> None:
    """A rework_opened naming a linked ticket must name a rework ticket made for this one."""
    link = str(data.get("rework_ticket_id") or "").strip() if event_type == Event.REWORK_OPENED else ""
    if not link:
        return
    linked = db.session.get(RepairTicket, link)
    if linked is None or linked.rework_of_id != ticket.id:
        message = _("The rework ticket must be one opened for this ticket.")
        raise DomainError(message, code="invalid", errors={"rework_ticket_id": [message]})


def record_event(
    ticket: RepairTicket,
    event_type: str,
    data: dict | None,
    user: User,
    device_time: datetime | None = None,
    client_id: str | None = None,
    *,
    event_id: str | None = None,
    now: datetime | None = None,
) -> RepairEvent:
    """Check a step against the ticket's state, append it, update the ticket. The caller commits.

    `device_time` is when the user's device says it happened; the server's receipt time is
    stamped here. Resending an `event_id` already stored with the same content returns the
    stored event; with different content it raises EventConflict.
    """
    data = dict(data) if data is not None else {}
    if event_id:
        existing = db.session.get(RepairEvent, event_id)
        if existing is not None:
            if _same_event(existing, ticket, event_type, data):
                return existing
            raise EventConflict(_("This step was already recorded with different details."), details={"id": event_id})
    if event_type not in EVENT_ROLES:
        raise DomainError(_("Unknown kind of repair step: %(type)s.", type=event_type), code="unknown_event")
    if not can_see_customer(user, ticket.customer_id):
        raise NotFound(_("Not found."))
    if user.role not in EVENT_ROLES[event_type]:
        raise Forbidden(_("Your role may not record this step."), details={"event": event_type})
    if ticket.deleted_at is not None:
        raise DomainError(_("This ticket was withdrawn."), code="ticket_withdrawn")
    if device_time is not None and device_time.tzinfo is None:
        raise DomainError(_("The device time needs a time zone."), code="naive_time")

    # One step at a time per ticket: the lock makes the check and the append one decision
    # even with several app servers (PostgreSQL; SQLite serialises writers anyway).
    ticket = db.session.execute(
        select(RepairTicket).where(RepairTicket.id == ticket.id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    state = ticket_state(ticket)
    event = RepairEvent(
        id=event_id or new_id(),
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        type=event_type,
        device_time=device_time,
        received_at=now or utcnow(),
        user_id=user.id,
        client_id=client_id,
        data=data,
    )
    tolerance, _backdate = time_settings()
    new_state = lc.next_state(state, event, tolerance)
    if event_type == Event.CUSTOMER_SIGNED:  # the signature may have come first: it must cover this form
        check_signed_content("repair_ticket", ticket.id, {**(new_state.current.resolution or {}), **data},
                             data.get("signature"))
    _check_people(event_type, data)
    _check_rework_link(ticket, event_type, data)
    event.received_seq = take_change_seqs(db.session, 1)[0]
    db.session.add(event)
    apply_to_ticket(ticket, new_state)
    db.session.flush()
    for hook in after_record:
        hook(ticket, event, state, new_state)
    if event_type in (Event.RESOLVED, Event.CUSTOMER_SIGNED):
        pieces_arrived("repair_ticket", ticket.id)  # the signed repair form (repair_form_pdf.py)
    if event_type in (Event.QUOTE_APPROVED, Event.QUOTE_DECLINED):
        pieces_arrived("repair_quote", ticket.id)  # the signed quote (quote_pdf.py)
    return event


def serialize_event(event: RepairEvent) -> dict[str, Any]:
    """The event as sync's pull sends it."""
    return {
        "ticket_id": event.ticket_id,
        "customer_id": event.customer_id,
        "type": event.type,
        "device_time": event.device_time.isoformat() if event.device_time else None,
        "received_at": event.received_at.isoformat() if event.received_at else None,
        "received_seq": event.received_seq,
        "user_id": event.user_id,
        "client_id": event.client_id,
        "data": event.data or {},
    }


def record_event_for(
    user: User,
    ticket_id: str,
    event_type: str,
    data: dict | None,
    *,
    device_time: datetime | None = None,
    client_id: str | None = None,
    event_id: str | None = None,
) -> RepairEvent:
    """Record a step on a ticket named by id, as `record_event` does, once the user may see it.

    The field app's door: the step's id is made on the device, so a resend of the same step is
    a duplicate and a changed one a conflict.
    """
    ticket = get_visible(RepairTicket, ticket_id or "", user, include_deleted=False)
    return record_event(ticket, event_type, data or {}, user, device_time=device_time, client_id=client_id,
                        event_id=event_id)
