"""Repair tickets in the archive's history (customer, cabinet and device pages).

A cabinet's history holds the tickets about the cabinet and about the devices in it.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select, union

from ..archive.models import Cabinet, Customer, Device
from ..extensions import db
from ..history import HistoryItem, HistorySection, register_section, url_if_exists
from .vocabulary import STATUS_LABELS, Status
from .models import RepairTicket

LIMIT = 100


def _items(stmt: Select) -> list[HistoryItem]:
    """Repair tickets as history lines, newest first."""
    tickets = db.session.scalars(
        stmt.where(RepairTicket.deleted_at.is_(None)).order_by(RepairTicket.reported_at.desc()).limit(LIMIT)
    ).all()
    return [
        HistoryItem(
            at=ticket.reported_at,
            title=f"{ticket.number} · {ticket.description}",
            url=url_if_exists("repairs.ticket_detail", ticket_id=ticket.id),
            tag=str(STATUS_LABELS.get(ticket.status, ticket.status)),
            tag_class="tag-ok" if ticket.status == Status.CLOSED else "tag-warn",
            detail=ticket.location or "",
        )
        for ticket in tickets
    ]


def _section(items: list[HistoryItem]) -> HistorySection:
    """The repairs section with its items."""
    return HistorySection("repairs", _("Repairs"), items, _("No repairs recorded yet."))


def tickets_of_customer(customer: Customer, user: Any) -> HistorySection:
    """Every repair ticket of a customer."""
    return _section(_items(select(RepairTicket).where(RepairTicket.customer_id == customer.id)))


def tickets_of_cabinet(cabinet: Cabinet, user: Any) -> HistorySection:
    """Repair tickets of a cabinet or of a device in it."""
    device_ids = select(Device.id).where(Device.cabinet_id == cabinet.id)
    # two indexed lookups joined by a UNION: an OR across the two columns reads every ticket
    ids = union(select(RepairTicket.id).where(RepairTicket.cabinet_id == cabinet.id),
                select(RepairTicket.id).where(RepairTicket.device_id.in_(device_ids)))
    return _section(_items(select(RepairTicket).where(RepairTicket.id.in_(ids))))


def tickets_of_device(device: Device, user: Any) -> HistorySection:
    """Repair tickets of a device."""
    return _section(_items(select(RepairTicket).where(RepairTicket.device_id == device.id)))


def register_history() -> None:
    """Show repair tickets in the history of customers, cabinets and devices."""
    register_section("customer", "repairs", tickets_of_customer)
    register_section("cabinet", "repairs", tickets_of_cabinet)
    register_section("device", "repairs", tickets_of_device)
