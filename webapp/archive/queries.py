"""Reading the archive: searches, counts, pages and a device's warranty.

Every query is limited to the customers the user may see (`auth.permissions.customer_scope`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import contains_eager

from ..auth.models import User, customer_technician
from ..auth.permissions import customer_scope
from ..clock import local_today
from ..extensions import db
from .models import Cabinet, Customer, Device

WARRANTY_ENDING_DAYS = 60


def customer_query(user: User, text: str = "", include_retired: bool = False) -> Select:
    """Customers the user may see, matching a text in name, address, person or notes."""
    stmt = select(Customer)
    if not include_retired:
        stmt = stmt.where(Customer.deleted_at.is_(None))
    text = (text or "").strip()
    if text:
        stmt = stmt.where(
            or_(
                Customer.name.icontains(text, autoescape=True),
                Customer.address.icontains(text, autoescape=True),
                Customer.person_in_charge.icontains(text, autoescape=True),
                Customer.phone.icontains(text, autoescape=True),
                Customer.notes.icontains(text, autoescape=True),
            )
        )
    stmt = customer_scope(stmt, user, Customer.id)
    return stmt.order_by(Customer.deleted_at.is_not(None), Customer.name, Customer.id)


def visible_customers(user: User) -> list[Customer]:
    """Active customers the user may see, by name (for filters and pickers)."""
    return list(db.session.scalars(customer_query(user)).all())


def counts_by_customer(model: type, customer_ids: Iterable[str]) -> dict[str, int]:
    """Active records of a model per customer."""
    ids = list(customer_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(model.customer_id, func.count())
        .where(model.customer_id.in_(ids), model.deleted_at.is_(None))
        .group_by(model.customer_id)
    ).all()
    return {customer_id: count for customer_id, count in rows}


def device_counts_by_cabinet(cabinet_ids: Iterable[str]) -> dict[str, int]:
    """Active devices per cabinet."""
    ids = list(cabinet_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Device.cabinet_id, func.count())
        .where(Device.cabinet_id.in_(ids), Device.deleted_at.is_(None))
        .group_by(Device.cabinet_id)
    ).all()
    return {cabinet_id: count for cabinet_id, count in rows}


@dataclass
class DeviceFilters:
    """What a device search asks for; empty values do not filter."""

    text: str = ""
    customer_id: str = ""
    cabinet_id: str = ""
    brand: str = ""
    model: str = ""
    serial: str = ""
    category: str = ""
    include_retired: bool = False
    technician_id: int | None = None  # devices at the schools this technician covers

    def active(self) -> bool:
        """True when any filter is set."""
        return any(
            [self.text, self.customer_id, self.cabinet_id, self.brand, self.model, self.serial, self.category]
        )


# the device list's statuses (the shared list filter): in service, or retired with its school
DEVICE_STATUS_CONDITIONS = {
    "active": and_(Device.deleted_at.is_(None), Customer.deleted_at.is_(None)),
    "retired": or_(Device.deleted_at.is_not(None), Customer.deleted_at.is_not(None)),
}


def device_query(user: User, filters: DeviceFilters) -> Select:
    """Devices at customers the user may see, matching the filters, by school and name."""
    stmt = (
        select(Device)
        .join(Customer, Customer.id == Device.customer_id)
        .outerjoin(Cabinet, Cabinet.id == Device.cabinet_id)
    )
    if not filters.include_retired:
        stmt = stmt.where(Device.deleted_at.is_(None), Customer.deleted_at.is_(None))
    if filters.customer_id:
        stmt = stmt.where(Device.customer_id == filters.customer_id)
    if filters.cabinet_id:
        stmt = stmt.where(Device.cabinet_id == filters.cabinet_id)
    if filters.technician_id:
        stmt = stmt.where(Device.customer_id.in_(select(customer_technician.c.customer_id)
                                                 .where(customer_technician.c.user_id == filters.technician_id)))
    if filters.category:
        stmt = stmt.where(Device.category == filters.category)
    for column, value in ((Device.brand, filters.brand), (Device.model, filters.model), (Device.serial, filters.serial)):
        value = (value or "").strip()
        if value:
            stmt = stmt.where(column.icontains(value, autoescape=True))
    text = (filters.text or "").strip()
    if text:
        stmt = stmt.where(
            or_(
                *[
                    column.icontains(text, autoescape=True)
                    for column in (
                        Device.name, Device.brand, Device.model, Device.serial, Device.protocol,
                        Device.software_version, Device.ip_address, Device.supplier, Device.notes,
                        Cabinet.name, Cabinet.code, Customer.name,
                    )
                ]
            )
        )
    stmt = customer_scope(stmt, user, Device.customer_id)
    # each row shows its school and cabinet: read them from the joins, not one query per row
    stmt = stmt.options(contains_eager(Device.customer), contains_eager(Device.cabinet))
    return stmt.order_by(Customer.name, Device.name, Device.id)


def customer_devices(customer: Customer, limit: int) -> tuple[list[Device], int]:
    """The first active devices of a customer by name, and how many there are in all."""
    stmt = select(Device).where(Device.customer_id == customer.id, Device.deleted_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return list(db.session.scalars(stmt.order_by(Device.name, Device.id).limit(limit)).all()), total


def retired_children(customer: Customer) -> dict[str, list]:
    """A customer's retired records by section, for editors to restore."""
    return {
        "contacts": retired(customer.contacts),
        "sites": retired(customer.sites),
        "rooms": [room for site in customer.sites for room in retired(site.rooms)],
        "cabinets": retired(customer.cabinets),
        "handover": retired(customer.handover_items),
        "devices": list(db.session.scalars(
            select(Device)
            .where(Device.customer_id == customer.id, Device.deleted_at.is_not(None))
            .order_by(Device.name)
        ).all()),
    }


def paginate(stmt: Select, page: int, per_page: int | None = None):
    """One page of a query (config ITEMS_PER_PAGE by default); a page past the end is empty."""
    per_page = per_page or current_app.config.get("ITEMS_PER_PAGE", 50)
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, max_per_page=200)


def active(records: Iterable[Any]) -> list[Any]:
    """The records without a tombstone."""
    return [r for r in records if r.deleted_at is None]


def retired(records: Iterable[Any]) -> list[Any]:
    """The records with a tombstone."""
    return [r for r in records if r.deleted_at is not None]


def warranty_state(device: Device, today: date | None = None) -> tuple[str, int | None]:
    """('in', days left) / ('ending', days left, under 60) / ('expired', days ago) / ('unknown', None)."""
    if device.warranty_end is None:
        return "unknown", None
    today = today or local_today()
    days = (device.warranty_end - today).days
    if days < 0:
        return "expired", -days
    if days <= WARRANTY_ENDING_DAYS:
        return "ending", days
    return "in", days
