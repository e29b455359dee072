"""Repair tickets: intake (phone, public QR page) and numbering. Issue 5 grows the life-cycle here."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from ..archive.models import Cabinet, Customer, Device
from ..auth.models import Role, User
from ..clock import site_zone, utcnow
from ..errors import DomainError
from ..extensions import db
from ..records import new_id
from .models import TICKET_SOURCES, RepairTicket

OPEN_STATUSES_EXCLUDED = ("closed",)
NUMBER_PREFIX = "BX"


def next_ticket_number(year: int) -> str:
    """Take the next number of a year (BX2026-00042) inside the caller's transaction.

    The UPDATE locks the year's counter row until the caller commits, so two intakes at
    the same moment (two gunicorn workers, two offices) can never get the same number;
    the INSERT ... ON CONFLICT DO NOTHING creates the row for a new year race-free.
    """
    conn = db.session.connection()
    bump = text("UPDATE ticket_number_counter SET value = value + 1 WHERE year = :y RETURNING value")
    row = conn.execute(bump, {"y": year}).first()
    if row is None:
        conn.execute(
            text(
                "INSERT INTO ticket_number_counter (year, value) VALUES (:y, 0) "
                "ON CONFLICT (year) DO NOTHING"
            ),
            {"y": year},
        )
        row = conn.execute(bump, {"y": year}).first()
    return f"{NUMBER_PREFIX}{year}-{int(row[0]):05d}"


def suggest_technician(customer: Customer) -> User | None:
    """The responsible technician (运维责任人) for a customer: of those assigned, the least busy."""
    techs = [
        u for u in customer.technicians if u.is_active and u.role == Role.TECHNICIAN.value
    ]
    if not techs:
        return None
    if len(techs) == 1:
        return techs[0]
    open_counts = dict(
        db.session.execute(
            select(RepairTicket.assigned_to_id, func.count())
            .where(
                RepairTicket.assigned_to_id.in_([t.id for t in techs]),
                RepairTicket.status.not_in(OPEN_STATUSES_EXCLUDED),
                RepairTicket.deleted_at.is_(None),
            )
            .group_by(RepairTicket.assigned_to_id)
        ).all()
    )
    return min(techs, key=lambda t: (open_counts.get(t.id, 0), t.id))


def default_location(device: Device | None, cabinet: Cabinet | None) -> str:
    """Where the fault is when the reporter did not say: the cabinet's location or the room."""
    if cabinet is not None and cabinet.location:
        return cabinet.location
    room = (device.room if device is not None else None) or (cabinet.room if cabinet is not None else None)
    if room is not None:
        return room.name
    return ""


def create_ticket(
    customer: Customer,
    description: str,
    *,
    source: str,
    location: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    device: Device | None = None,
    cabinet: Cabinet | None = None,
    agreed_arrival_at: datetime | None = None,
    assigned_to: User | None = None,
    suggest_assignee: bool = True,
    created_by: User | None = None,
    reported_at: datetime | None = None,
    record_id: str | None = None,
) -> RepairTicket:
    """Record a reported fault (报修) as a new numbered ticket in status 'reported'.

    Used by the public QR page, the office's phone intake and findings pushed from a device
    (which names the ticket's id itself: `record_id`). The responsible technician is
    suggested from the customer's assignment unless one is given. The caller commits.
    """
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Say what is wrong."), code="description_required")
    if source not in TICKET_SOURCES:
        raise DomainError(_("Unknown ticket source."), code="bad_source", details={"source": source})
    if customer is None or customer.deleted_at is not None:
        raise DomainError(_("This customer is not in the archive."), code="bad_customer")
    if device is not None:
        if device.customer_id != customer.id:
            raise DomainError(_("The device belongs to another customer."), code="device_mismatch")
        if cabinet is None and device.cabinet_id:
            cabinet = device.cabinet
    if cabinet is not None and cabinet.customer_id != customer.id:
        raise DomainError(_("The cabinet belongs to another customer."), code="cabinet_mismatch")
    if assigned_to is not None and not assigned_to.is_active:
        raise DomainError(_("That person's account is disabled."), code="assignee_inactive")
    if agreed_arrival_at is not None and agreed_arrival_at.tzinfo is None:
        raise DomainError(_("The agreed arrival time needs a time zone."), code="naive_time")

    reported_at = reported_at or utcnow()
    year = reported_at.astimezone(site_zone()).year
    if assigned_to is None and suggest_assignee:
        assigned_to = suggest_technician(customer)
    ticket = RepairTicket(
        id=record_id or new_id(),
        number=next_ticket_number(year),
        customer_id=customer.id,
        device_id=device.id if device is not None else None,
        cabinet_id=cabinet.id if cabinet is not None else None,
        source=source,
        status="reported",
        location=(location or "").strip() or default_location(device, cabinet),
        description=description,
        reporter_name=(reporter_name or "").strip(),
        reporter_phone=(reporter_phone or "").strip(),
        reported_at=reported_at,
        agreed_arrival_at=agreed_arrival_at,
        assigned_to_id=assigned_to.id if assigned_to is not None else None,
        created_by_id=created_by.id if created_by is not None else None,
    )
    db.session.add(ticket)
    db.session.flush()
    return ticket


# --- issue 5: the office's verbs on a ticket (intake by phone, follow-up calls, rework) -------

SATISFACTION = ("satisfied", "basically_satisfied", "not_satisfied")


def _events():
    """The events module (imported late: it imports this module's models' neighbours)."""
    from . import events

    return events


def responsible_technicians(customer: Customer) -> list[User]:
    """Active technicians assigned to a customer: the people a ticket of theirs may go to."""
    return sorted(
        (u for u in customer.technicians if u.is_active and u.role == Role.TECHNICIAN.value),
        key=lambda u: (u.display_name, u.id),
    )


def check_assignable(customer: Customer, user: User) -> None:
    """Refuse a technician who is not responsible for the customer (they could not see the ticket)."""
    if user not in responsible_technicians(customer):
        message = _("%(name)s is not a technician of this school: add them to the school first.", name=user.display_name)
        raise DomainError(message, code="not_responsible", errors={"assignee": [message]})


def take_call(
    office: User,
    customer: Customer,
    description: str,
    *,
    location: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    device: Device | None = None,
    agreed_arrival_at: datetime | None = None,
    assignee: User | None = None,
    reported_at: datetime | None = None,
) -> RepairTicket:
    """The front desk records a phone call (报修) and assigns the responsible technician.

    The ticket is created unassigned and the assignment is an `assigned` event by the office,
    so the timeline says who assigned whom and when (and the technician is notified).
    """
    if assignee is not None:
        check_assignable(customer, assignee)
    ticket = create_ticket(
        customer, description, source="phone", location=location, reporter_name=reporter_name,
        reporter_phone=reporter_phone, device=device, agreed_arrival_at=agreed_arrival_at,
        assigned_to=None, suggest_assignee=False, created_by=office, reported_at=reported_at,
    )
    ev = _events()
    if assignee is not None:
        ev.record_event(ticket, "assigned", {"user_id": assignee.id}, office)
    ev.refresh_ticket(ticket)
    return ticket


def sample_value(ticket_id: str) -> float:
    """A number in [0, 1) fixed by the ticket's id: the same ticket is always in or out of a sample."""
    digest = hashlib.sha256(f"follow-up:{ticket_id}".encode()).hexdigest()
    return int(digest[:8], 16) / 0x100000000


def follow_up_rate() -> float:
    """The share of repairs the office calls back (FOLLOW_UP_SAMPLE_RATE, 0..1)."""
    rate = float(current_app.config.get("FOLLOW_UP_SAMPLE_RATE", 0.3)) if has_app_context() else 0.3
    return min(max(rate, 0.0), 1.0)


def in_follow_up_sample(ticket: RepairTicket, rate: float | None = None) -> bool:
    """True when the ticket falls in the follow-up sample (deterministic per ticket)."""
    return sample_value(ticket.id) < (follow_up_rate() if rate is None else rate)


def customer_unhappy(state) -> bool:
    """True when the customer signed the current round's repair form as not satisfied."""
    signed = state.current.signature or {}
    return signed.get("satisfaction") == "not_satisfied"


@dataclass
class FollowUpRow:
    """A signed repair on the office's follow-up list."""

    ticket: RepairTicket
    state: Any
    unhappy: bool
    sampled: bool


def follow_up_list(rate: float | None = None) -> tuple[list[FollowUpRow], list[FollowUpRow]]:
    """Signed repairs waiting for the office: (to call back, not sampled — close and file).

    To call: every repair whose customer signed as not satisfied, plus the sampled share of
    the others (FOLLOW_UP_SAMPLE_RATE). Unhappy customers first, then oldest signature first.
    """
    ev = _events()
    tickets = list(db.session.scalars(
        select(RepairTicket).where(RepairTicket.status == "signed", RepairTicket.deleted_at.is_(None))
    ))
    to_call, others = [], []
    for ticket in tickets:
        state = ev.ticket_state(ticket)
        row = FollowUpRow(ticket, state, customer_unhappy(state), in_follow_up_sample(ticket, rate))
        (to_call if row.unhappy or row.sampled else others).append(row)
    signed_at = lambda r: (r.state.current.signed_at or r.ticket.reported_at)  # noqa: E731
    to_call.sort(key=lambda r: (not r.unhappy, signed_at(r), r.ticket.number))
    others.sort(key=lambda r: (signed_at(r), r.ticket.number))
    return to_call, others


def recent_follow_ups(limit: int = 20) -> list[tuple[Any, RepairTicket]]:
    """The latest recorded follow-up calls with their tickets, newest first."""
    ev = _events()
    rows = db.session.execute(
        select(ev.RepairEvent, RepairTicket)
        .join(RepairTicket, RepairTicket.id == ev.RepairEvent.ticket_id)
        .where(ev.RepairEvent.type == "follow_up_recorded")
        .order_by(ev.RepairEvent.received_seq.desc())
        .limit(limit)
    ).all()
    return [(e, t) for e, t in rows]


def open_rework(
    ticket: RepairTicket, office: User, reason: str, *, responsible: User | None = None, assignee: User | None = None
) -> RepairTicket:
    """Open a linked rework ticket for a repair done again, and close the original into it.

    The new ticket (source 'rework', `rework_of_id` = the original) runs the whole life-cycle
    again with its own clocks and signed form; the original's `rework_opened` names it, the
    reason and the technician held responsible. The caller commits.
    """
    from . import lifecycle as lc

    ev = _events()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the repair is done again."), code="invalid",
                          errors={"reason": [_("Say why the repair is done again.")]})
    lc.check_step(ev.ticket_state(ticket), lc.REWORK_OPENED)
    if assignee is not None:
        check_assignable(ticket.customer, assignee)
    description = f"{reason}\n\n{_('Rework of %(number)s', number=ticket.number)}: {ticket.description}"
    rework = create_ticket(
        ticket.customer, description, source="rework", location=ticket.location,
        reporter_name=ticket.reporter_name, reporter_phone=ticket.reporter_phone,
        device=ticket.device, cabinet=ticket.cabinet, assigned_to=None, suggest_assignee=False, created_by=office,
    )
    rework.rework_of_id = ticket.id
    db.session.flush()
    if assignee is not None:
        ev.record_event(rework, "assigned", {"user_id": assignee.id}, office)
    ev.refresh_ticket(rework)
    data: dict[str, Any] = {"reason": reason, "rework_ticket_id": rework.id}
    if responsible is not None:
        data["responsible_user_id"] = responsible.id
    if assignee is not None:
        data["assign_to"] = assignee.id
    ev.record_event(ticket, "rework_opened", data, office)
    return rework


def record_follow_up(
    ticket: RepairTicket,
    office: User,
    *,
    quality: int,
    attitude: int,
    result: str,
    reason: str = "",
    notes: str = "",
    responsible: User | None = None,
    assignee: User | None = None,
) -> RepairTicket | None:
    """Record a follow-up call (回访): satisfied → closed and filed by category; not satisfied →
    the reason, the technician held responsible and a linked rework ticket (returned)."""
    ev = _events()
    data: dict[str, Any] = {"result": result, "quality": quality, "attitude": attitude}
    if reason.strip():
        data["reason"] = reason.strip()
    if notes.strip():
        data["notes"] = notes.strip()
    if responsible is not None:
        data["responsible_user_id"] = responsible.id
    ev.record_event(ticket, "follow_up_recorded", data, office)
    if result == "satisfied":
        ev.record_event(ticket, "closed", {}, office)
        return None
    return open_rework(ticket, office, reason, responsible=responsible, assignee=assignee)
