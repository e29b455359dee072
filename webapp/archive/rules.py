"""The archive's rules for one record: what makes its data wrong, and a stale edit.

`record_problems` collects everything wrong with a record's data at once, so a form or an
Excel row can show every problem on the first try; the verbs in `services.py` raise them as
one `DomainError`. Pure checks on values, plus the few lookups a rule needs (a duplicate name
or serial, a site or cabinet of the same customer).
"""
from __future__ import annotations

import ipaddress
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..clock import local_today
from ..errors import DomainError
from ..extensions import db
from .models import CUSTOMER_KINDS, DEVICE_CATEGORIES, HANDOVER_KINDS, Cabinet, Customer, Device, Room, Site

EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)

Problems = dict[str, list[str]]


def add_problem(problems: Problems, name: str, message: str) -> None:
    """Note one problem with one field."""
    problems.setdefault(name, []).append(message)


def clean(value: Any) -> Any:
    """Trim text; empty text becomes ''."""
    if isinstance(value, str):
        return value.strip()
    return value


def check_past_date(problems: Problems, name: str, value: date | None) -> None:
    """A date that has happened: not before 1990, not after today."""
    if value is None:
        return
    if value < EARLIEST_DATE:
        add_problem(problems, name, _("The date is too far in the past (before 1990)."))
    elif value > local_today():
        add_problem(problems, name, _("The date is in the future."))


def check_warranty(problems: Problems, install_date: date | None, warranty_end: date | None) -> None:
    """The warranty cannot end before the device was installed, nor after 2100."""
    check_past_date(problems, "install_date", install_date)
    if warranty_end is None:
        return
    if warranty_end < EARLIEST_DATE or warranty_end > LATEST_DATE:
        add_problem(problems, "warranty_end", _("The date must be between 1990 and 2100."))
    elif install_date is not None and warranty_end < install_date:
        add_problem(problems, "warranty_end", _("The warranty cannot end before the install date."))


def check_quantity(problems: Problems, value: Any) -> None:
    """A whole number of at least 1."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        add_problem(problems, "quantity", _("The quantity must be a whole number of at least 1."))
    elif value > 100000:
        add_problem(problems, "quantity", _("The quantity is too large."))


def _owned(model: type, record_id: str | None, customer: Customer) -> Any:
    """The active record of this customer with this id; None without an id, False if not ours."""
    if not record_id:
        return None
    record = db.session.get(model, record_id)
    if record is None or record.customer_id != customer.id or record.deleted_at is not None:
        return False
    return record


def find_serial_clash(
    customer: Customer, serial: str, record: Device | None = None, include_retired: bool = False
) -> Device | None:
    """Another device of this customer with the same serial (ignoring case and outer spaces)."""
    serial = (serial or "").strip()
    if not serial:
        return None
    stmt = select(Device).where(
        Device.customer_id == customer.id,
        func.lower(func.trim(Device.serial)) == serial.lower(),
    )
    if not include_retired:
        stmt = stmt.where(Device.deleted_at.is_(None))
    if record is not None and record.id is not None:
        stmt = stmt.where(Device.id != record.id)
    return db.session.scalars(stmt.order_by(Device.deleted_at.is_not(None)).limit(1)).first()


def check_serial(problems: Problems, customer: Customer, serial: str, record: Device | None = None) -> None:
    """No two active devices of a customer share a serial number."""
    clash = find_serial_clash(customer, serial, record)
    if clash is not None:
        add_problem(
            problems, "serial",
            _("The device %(name)s of this customer already has this serial number.", name=clash.name),
        )


def _customer_problems(problems: Problems, data: dict, record: Any) -> None:
    """A customer's kind, acceptance date and unique name."""
    if data.get("kind") not in CUSTOMER_KINDS:
        add_problem(problems, "kind", _("Choose one of the listed kinds."))
    check_past_date(problems, "acceptance_date", data.get("acceptance_date"))
    name = clean(data.get("name") or "")
    if name:
        stmt = select(Customer.id).where(func.lower(Customer.name) == name.lower(), Customer.deleted_at.is_(None))
        if record is not None:
            stmt = stmt.where(Customer.id != record.id)
        if db.session.scalar(stmt):
            add_problem(problems, "name", _("Another customer already has this name."))


def _device_problems(problems: Problems, customer: Customer, data: dict, record: Any) -> None:
    """A device's cabinet, category, quantity, dates, IP address and unique serial."""
    if _owned(Cabinet, data.get("cabinet_id"), customer) is False:
        add_problem(problems, "cabinet_id", _("That cabinet does not belong to this customer."))
    if data.get("category") not in DEVICE_CATEGORIES:
        add_problem(problems, "category", _("Choose one of the listed categories."))
    check_quantity(problems, data.get("quantity"))
    check_warranty(problems, data.get("install_date"), data.get("warranty_end"))
    ip = clean(data.get("ip_address") or "")
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            add_problem(problems, "ip_address", _("Enter an IP address such as 10.1.2.3."))
    check_serial(problems, customer, data.get("serial") or "", record)


def record_problems(kind: str, customer: Customer | None, data: dict, record: Any = None) -> Problems:
    """Everything wrong with the data for one archive record; empty when it may be saved."""
    problems: Problems = {}
    for name in ("name", "description"):
        if name in data and not clean(data.get(name)):
            add_problem(problems, name, _("This field is required."))
    if kind == "customer":
        _customer_problems(problems, data, record)
        return problems
    assert customer is not None
    if kind in ("room", "cabinet"):
        site = _owned(Site, data.get("site_id"), customer)
        if kind == "room" and not data.get("site_id"):
            add_problem(problems, "site_id", _("Choose the site this room is at."))
        elif site is False:
            add_problem(problems, "site_id", _("That site does not belong to this customer."))
    if kind in ("cabinet", "device"):
        room = _owned(Room, data.get("room_id"), customer)
        if room is False:
            add_problem(problems, "room_id", _("That room does not belong to this customer."))
        elif kind == "cabinet" and room and data.get("site_id") and room.site_id != data.get("site_id"):
            add_problem(problems, "room_id", _("That room is at another site."))
    if kind == "device":
        _device_problems(problems, customer, data, record)
    if kind == "handover":
        if data.get("kind") not in HANDOVER_KINDS:
            add_problem(problems, "kind", _("Choose one of the listed kinds."))
        check_quantity(problems, data.get("quantity"))
        check_past_date(problems, "handed_on", data.get("handed_on"))
    return problems


def raise_if(problems: Problems) -> None:
    """Turn collected problems into one DomainError with field details."""
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)


class Stale(DomainError):
    """The record changed since the form was opened."""

    code = "stale"
    status = 409


def check_base_version(record: Any, base_version: int | None) -> None:
    """Refuse an edit made on an older version of the record (the user must look again)."""
    if base_version is not None and record.version != base_version:
        raise Stale(
            _("Someone else changed this record while you were editing. Check the values and save again."),
            details={"version": record.version},
        )
