"""Repair tickets: the ways a fault is reported (phone call, public QR label, patrol finding,
rework), numbering, rework and quotes. Follow-up calls are in follow_up.py.

Every way in ends in `create_ticket`, which holds the rules a new ticket obeys; the steps after
it go through `events.record_event`."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, text

from ..archive.models import Cabinet, Customer, Device
from ..auth.models import Role, User
from ..auth.permissions import can_see_customer
from ..clock import site_zone, utcnow
from ..errors import DomainError, NotFound
from ..extensions import db
from ..records import new_id
from . import alerts
from . import lifecycle as lc
from .events import RepairEvent, record_event, refresh_ticket, ticket_state
from .models import TICKET_SOURCES, RepairTicket
from .step_data import as_decimal
from .vocabulary import Event

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


def _not_this_customers(field: str, message: str) -> DomainError:
    """The one refusal of a device or cabinet that is not the ticket's customer's."""
    return DomainError(message, code="not_this_customer", errors={field: [message]})


def check_place(customer: Customer, device: Device | None, cabinet: Cabinet | None) -> None:
    """A ticket's device and cabinet are its customer's: the one check for every way in."""
    if device is not None and device.customer_id != customer.id:
        raise _not_this_customers("device_id", _("The device belongs to another customer."))
    if cabinet is not None and cabinet.customer_id != customer.id:
        raise _not_this_customers("cabinet_id", _("The cabinet belongs to another customer."))


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

    The primitive under every way in (`take_call`, `report_from_label`, `report_finding`,
    `open_rework`); a device names the ticket's id itself (`record_id`). The responsible
    technician is suggested from the customer's assignment unless one is given. The caller commits.
    """
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Say what is wrong."), code="description_required")
    if source not in TICKET_SOURCES:
        raise DomainError(_("Unknown ticket source."), code="bad_source", details={"source": source})
    if customer is None or customer.deleted_at is not None:
        raise DomainError(_("This customer is not in the archive."), code="bad_customer")
    check_place(customer, device, cabinet)
    if device is not None and cabinet is None and device.cabinet_id:
        cabinet = device.cabinet
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


def report_from_label(
    record: Device | Cabinet, description: str, *, location: str = "", reporter_name: str = "", reporter_phone: str = ""
) -> RepairTicket:
    """Someone at the school reports a fault on the public page of a device's or cabinet's QR label.

    The ticket goes to the customer's suggested technician, who is told at once. The caller commits.
    """
    ticket = create_ticket(
        record.customer, description, source="public_qr", location=location, reporter_name=reporter_name,
        reporter_phone=reporter_phone, device=record if isinstance(record, Device) else None,
        cabinet=record if isinstance(record, Cabinet) else None,
    )
    refresh_ticket(ticket)  # the suggested technician makes it 'assigned'
    alerts.announce_new_ticket(ticket)
    return ticket


def _named(model: type, record_id: str | None, field: str, message: str):
    """The archive record a pushed id names (None for no id); an unknown id gets the place refusal."""
    if not record_id:
        return None
    record = db.session.get(model, record_id)
    if record is None:
        raise _not_this_customers(field, message)
    return record


def report_finding(
    user: User,
    customer_id: str,
    description: str,
    *,
    device_id: str | None = None,
    cabinet_id: str | None = None,
    location: str = "",
    record_id: str | None = None,
) -> RepairTicket:
    """A technician's finding on a patrol becomes a ticket (source 'patrol'), under the device's id.

    The finder must see the customer. A technician responsible for the customer keeps the
    ticket, and since they are standing at the fault their arrival is recorded as it is raised
    (no same-day arrival clock runs against them); anyone else's finding goes to the suggested
    technician, who is told. The caller commits.
    """
    customer = db.session.get(Customer, customer_id or "")
    if customer is None or not can_see_customer(user, customer.id):
        raise NotFound(_("Not found."), errors={"customer_id": [_("Unknown customer.")]})
    device = _named(Device, device_id, "device_id", _("The device belongs to another customer."))
    cabinet = _named(Cabinet, cabinet_id, "cabinet_id", _("The cabinet belongs to another customer."))
    finder_is_responsible = user.role == Role.TECHNICIAN.value and user in customer.technicians
    ticket = create_ticket(
        customer, description, source="patrol", location=location, reporter_name=user.display_name,
        device=device, cabinet=cabinet, assigned_to=user if finder_is_responsible else None,
        created_by=user, record_id=record_id,
    )
    refresh_ticket(ticket)
    if finder_is_responsible:
        record_event(ticket, Event.ARRIVED, {}, user)
    alerts.announce_new_ticket(ticket, reporter=user)
    return ticket


# --- the office's verbs on a ticket (intake by phone, rework) ------------------------------------

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
    if assignee is not None:
        record_event(ticket, Event.ASSIGNED, {"user_id": assignee.id}, office)
    refresh_ticket(ticket)
    return ticket


def open_rework(
    ticket: RepairTicket, office: User, reason: str, *, responsible: User | None = None, assignee: User | None = None
) -> RepairTicket:
    """Open a linked rework ticket for a repair done again, and close the original into it.

    The new ticket (source 'rework', `rework_of_id` = the original) runs the whole life-cycle
    again with its own clocks and signed form; the original's `rework_opened` names it, the
    reason and the technician held responsible. The caller commits.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the repair is done again."), code="invalid",
                          errors={"reason": [_("Say why the repair is done again.")]})
    lc.check_step(ticket_state(ticket), Event.REWORK_OPENED)
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
        record_event(rework, Event.ASSIGNED, {"user_id": assignee.id}, office)
    refresh_ticket(rework)
    data: dict[str, Any] = {"reason": reason, "rework_ticket_id": rework.id}
    if responsible is not None:
        data["responsible_user_id"] = responsible.id
    if assignee is not None:
        data["assign_to"] = assignee.id
    record_event(ticket, Event.REWORK_OPENED, data, office)
    return rework


# --- quotes ------------------------------------------------------------------------------------

CENT = Decimal("0.01")


def _quote_refusal(message: str) -> DomainError:
    """A quote sent back to its author: nothing is recorded."""
    return DomainError(message, code="invalid", errors={"items": [message]})


def quote_data(lines: list[dict], note: str = "") -> dict:
    """A quote's event data from its lines ({name, qty, price}): line amounts and the total, in yuan to the fen.

    A line without a name is left out; a missing quantity is 1. A line without a unit price, a
    value that is not a number or below zero, or no line at all is refused with a message.
    """
    items, total, unpriced = [], Decimal("0"), []
    for line in lines:
        name = str(line.get("name") or "").strip()
        if not name:
            continue
        qty = as_decimal(line.get("qty")) if line.get("qty") not in (None, "") else Decimal("1")
        price = as_decimal(line.get("price"))
        if line.get("price") in (None, ""):
            unpriced.append(name)
            continue
        if qty is None or price is None or qty < 0 or price < 0:
            raise _quote_refusal(_("The quantity and unit price of %(item)s must be numbers of at least 0.", item=name))
        amount = (qty * price).quantize(CENT)
        total += amount
        items.append({"name": name, "qty": str(qty.normalize()), "price": str(price.quantize(CENT)), "amount": str(amount)})
    if unpriced:
        raise DomainError(_("Give a unit price for: %(items)s.", items="、".join(unpriced)), code="invalid",
                          errors={"items": [_("Each item needs a unit price.")]})
    if not items:
        raise _quote_refusal(_("Add at least one item to the quote."))
    data: dict[str, Any] = {"items": items, "amount": str(total.quantize(CENT))}
    if (note or "").strip():
        data["note"] = note.strip()
    return data


def record_quote(ticket: RepairTicket, user: User, lines: list[dict], *, note: str = "") -> RepairEvent:
    """The supervisor records a quote for a repair the customer pays for; the total is computed here."""
    return record_event(ticket, Event.QUOTE_RECORDED, quote_data(lines, note), user)
