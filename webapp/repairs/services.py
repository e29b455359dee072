"""Repair tickets: intake (phone, public QR page) and numbering. Issue 5 grows the life-cycle here."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from ..archive.models import Cabinet, Customer, Device
from ..auth.models import Role, User
from ..errors import DomainError
from ..extensions import db
from ..records import utcnow
from .models import TICKET_SOURCES, RepairTicket

OPEN_STATUSES_EXCLUDED = ("closed",)
NUMBER_PREFIX = "BX"


def site_zone() -> ZoneInfo:
    """The site's time zone (ticket years follow the local calendar, not UTC)."""
    name = "Asia/Shanghai"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or name
    return ZoneInfo(name)


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
) -> RepairTicket:
    """Record a reported fault (报修) as a new numbered ticket in status 'reported'.

    Used by the public QR page and the office's phone intake. The responsible technician is
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
