"""Archive verbs: who may change what, search, create / edit / retire / restore, and history.

Views, the Excel import and the sync API all go through these functions, so the rules
(dates, quantities, a cabinet belongs to the same customer, unique serials...) live once.
Nothing here commits: the caller does.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from ..auth.models import Role, User
from ..auth.permissions import can_see_customer, customer_scope
from ..clock import local_today, utcnow
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..repairs.models import RepairTicket
from .models import (
    CUSTOMER_KINDS,
    DEVICE_CATEGORIES,
    HANDOVER_KINDS,
    Cabinet,
    Contact,
    Customer,
    Device,
    HandoverItem,
    Room,
    Site,
)

EDITOR_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)
AUDIT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# What a technician may correct on site, on a device of a customer assigned to them.
FIELD_DEVICE_FIELDS = ("software_version", "serial", "notes")
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# kind (as used in URLs) -> model and the fields a form or import may set
KINDS: dict[str, tuple[type, tuple[str, ...]]] = {
    "customer": (
        Customer,
        ("name", "kind", "address", "acceptance_date", "person_in_charge", "phone", "notes"),
    ),
    "contact": (Contact, ("name", "title", "phone", "email")),
    "site": (Site, ("name", "address", "notes")),
    "room": (Room, ("site_id", "name", "floor")),
    "cabinet": (Cabinet, ("site_id", "room_id", "name", "code", "location", "notes")),
    "device": (
        Device,
        (
            "cabinet_id", "room_id", "name", "category", "brand", "model", "quantity", "protocol",
            "software_version", "serial", "ip_address", "install_date", "warranty_end", "supplier",
            "notes",
        ),
    ),
    "handover": (HandoverItem, ("kind", "description", "quantity", "handed_to", "handed_on", "notes")),
}
CHILD_KINDS = tuple(k for k in KINDS if k != "customer")


def kind_of(record: Any) -> str:
    """The URL kind of a record ('device', 'handover', ...)."""
    for kind, (model, _fields) in KINDS.items():
        if isinstance(record, model):
            return kind
    raise ValueError(f"not an archive record: {record!r}")


def model_for(kind: str) -> type:
    """The model behind a URL kind; NotFound for anything else."""
    if kind not in KINDS:
        raise NotFound(_("Not found."))
    return KINDS[kind][0]


# --- permissions --------------------------------------------------------------------------


def can_edit_archive(user: User) -> bool:
    """Office, supervisor and admin change the archive; technicians and quality do not."""
    return bool(user.is_authenticated and user.has_role(*EDITOR_ROLES))


def can_edit_device_in_field(user: User, device: Device) -> bool:
    """A technician may correct version, serial and notes of a device at an assigned customer."""
    return bool(
        user.is_authenticated
        and user.has_role(Role.TECHNICIAN)
        and can_see_customer(user, device.customer_id)
    )


def can_view_audit(user: User) -> bool:
    """The audit log is for the department head and the administrator."""
    return bool(user.is_authenticated and user.has_role(*AUDIT_ROLES))


def require_editor(user: User) -> None:
    """Raise Forbidden unless the user may change the archive."""
    if not can_edit_archive(user):
        raise Forbidden(_("Your role may look at the archive but not change it."))


def visible(model: type, record_id: str, user: User) -> Any:
    """Load an archive record of a customer the user may see, else NotFound (never leak)."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound(_("Not found."))
    customer_id = record.id if isinstance(record, Customer) else record.customer_id
    if not can_see_customer(user, customer_id):
        raise NotFound(_("Not found."))
    return record


# --- reading ------------------------------------------------------------------------------


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

    def active(self) -> bool:
        """True when any filter is set."""
        return any(
            [self.text, self.customer_id, self.cabinet_id, self.brand, self.model, self.serial, self.category]
        )


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
    return stmt.order_by(Customer.name, Device.name, Device.id)


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
    if days <= 60:
        return "ending", days
    return "in", days


# --- history: repairs now, patrols and documents when their features arrive -------------------


@dataclass
class HistoryItem:
    """One line in a record's history."""

    at: datetime | date | None
    title: str
    url: str | None = None
    tag: str = ""
    tag_class: str = ""
    detail: str = ""


@dataclass
class HistorySection:
    """A group in the history area: repairs, patrols, documents..."""

    key: str
    title: str
    items: list[HistoryItem] = field(default_factory=list)
    empty: str = ""


HistoryProvider = Callable[[Any, User], HistorySection]
_history_providers: dict[str, list[tuple[str, HistoryProvider]]] = {"customer": [], "cabinet": [], "device": []}


def register_history_provider(kind: str, key: str, provider: HistoryProvider) -> None:
    """Plug a history section into customer / cabinet / device pages; the same key replaces."""
    providers = _history_providers.setdefault(kind, [])
    for index, (existing, _provider) in enumerate(providers):
        if existing == key:
            providers[index] = (key, provider)
            return
    providers.append((key, provider))


def history_sections(record: Any, user: User) -> list[HistorySection]:
    """The history sections of a customer, cabinet or device, in registration order."""
    return [provider(record, user) for _key, provider in _history_providers.get(kind_of(record), [])]


def url_if_exists(endpoint: str, **values: Any) -> str | None:
    """A URL for an endpoint that may not be built yet (later features add them)."""
    if has_request_context() and endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return None


def _ticket_items(stmt: Select) -> list[HistoryItem]:
    """Repair tickets as history lines, newest first."""
    from ..templating import TICKET_STATUS_LABELS

    tickets = db.session.scalars(
        stmt.where(RepairTicket.deleted_at.is_(None)).order_by(RepairTicket.reported_at.desc()).limit(100)
    ).all()
    return [
        HistoryItem(
            at=t.reported_at,
            title=f"{t.number} · {t.description}",
            url=url_if_exists("repairs.ticket_detail", ticket_id=t.id),
            tag=str(TICKET_STATUS_LABELS.get(t.status, t.status)),
            tag_class="tag-ok" if t.status == "closed" else "tag-warn",
            detail=t.location or "",
        )
        for t in tickets
    ]


def _repairs_of_customer(customer: Customer, user: User) -> HistorySection:
    """Repair tickets of a customer."""
    items = _ticket_items(select(RepairTicket).where(RepairTicket.customer_id == customer.id))
    return HistorySection("repairs", _("Repairs"), items, _("No repairs recorded yet."))


def _repairs_of_cabinet(cabinet: Cabinet, user: User) -> HistorySection:
    """Repair tickets of a cabinet or of a device in it."""
    device_ids = select(Device.id).where(Device.cabinet_id == cabinet.id)
    items = _ticket_items(
        select(RepairTicket).where(
            or_(RepairTicket.cabinet_id == cabinet.id, RepairTicket.device_id.in_(device_ids))
        )
    )
    return HistorySection("repairs", _("Repairs"), items, _("No repairs recorded yet."))


def _repairs_of_device(device: Device, user: User) -> HistorySection:
    """Repair tickets of a device."""
    items = _ticket_items(select(RepairTicket).where(RepairTicket.device_id == device.id))
    return HistorySection("repairs", _("Repairs"), items, _("No repairs recorded yet."))


def _no_patrols_yet(record: Any, user: User) -> HistorySection:
    """Placeholder until patrols exist: the maintenance feature registers 'patrols' to replace it."""
    return HistorySection("patrols", _("Patrols and maintenance"), [], _("No patrol or maintenance sheets filed yet."))


def _no_documents_yet(record: Any, user: User) -> HistorySection:
    """Placeholder until signed documents exist: the documents feature registers 'documents'."""
    return HistorySection("documents", _("Documents"), [], _("No signed documents filed yet."))


register_history_provider("customer", "repairs", _repairs_of_customer)
register_history_provider("customer", "patrols", _no_patrols_yet)
register_history_provider("customer", "documents", _no_documents_yet)
register_history_provider("cabinet", "repairs", _repairs_of_cabinet)
register_history_provider("cabinet", "patrols", _no_patrols_yet)
register_history_provider("device", "repairs", _repairs_of_device)
register_history_provider("device", "patrols", _no_patrols_yet)
register_history_provider("device", "documents", _no_documents_yet)


# --- rules ------------------------------------------------------------------------------


Problems = dict[str, list[str]]


def _add(problems: Problems, name: str, message: str) -> None:
    """Note one problem with one field."""
    problems.setdefault(name, []).append(message)


def _clean(value: Any) -> Any:
    """Trim text; empty text becomes ''."""
    if isinstance(value, str):
        return value.strip()
    return value


def check_past_date(problems: Problems, name: str, value: date | None) -> None:
    """A date that has happened: not before 1990, not after today."""
    if value is None:
        return
    if value < EARLIEST_DATE:
        _add(problems, name, _("The date is too far in the past (before 1990)."))
    elif value > local_today():
        _add(problems, name, _("The date is in the future."))


def check_warranty(problems: Problems, install_date: date | None, warranty_end: date | None) -> None:
    """The warranty cannot end before the device was installed, nor after 2100."""
    check_past_date(problems, "install_date", install_date)
    if warranty_end is None:
        return
    if warranty_end < EARLIEST_DATE or warranty_end > LATEST_DATE:
        _add(problems, "warranty_end", _("The date must be between 1990 and 2100."))
    elif install_date is not None and warranty_end < install_date:
        _add(problems, "warranty_end", _("The warranty cannot end before the install date."))


def check_quantity(problems: Problems, value: Any) -> None:
    """A whole number of at least 1."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        _add(problems, "quantity", _("The quantity must be a whole number of at least 1."))
    elif value > 100000:
        _add(problems, "quantity", _("The quantity is too large."))


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


def record_problems(kind: str, customer: Customer | None, data: dict, record: Any = None) -> Problems:
    """Everything wrong with the data for one archive record; empty when it may be saved."""
    problems: Problems = {}
    for name in ("name", "description"):
        if name in data and not _clean(data.get(name)):
            _add(problems, name, _("This field is required."))
    if kind == "customer":
        if data.get("kind") not in CUSTOMER_KINDS:
            _add(problems, "kind", _("Choose one of the listed kinds."))
        check_past_date(problems, "acceptance_date", data.get("acceptance_date"))
        name = _clean(data.get("name") or "")
        if name:
            stmt = select(Customer.id).where(
                func.lower(Customer.name) == name.lower(), Customer.deleted_at.is_(None)
            )
            if record is not None:
                stmt = stmt.where(Customer.id != record.id)
            if db.session.scalar(stmt):
                _add(problems, "name", _("Another customer already has this name."))
        return problems
    assert customer is not None
    if kind in ("room", "cabinet"):
        site = _owned(Site, data.get("site_id"), customer)
        if kind == "room" and not data.get("site_id"):
            _add(problems, "site_id", _("Choose the site this room is at."))
        elif site is False:
            _add(problems, "site_id", _("That site does not belong to this customer."))
    if kind in ("cabinet", "device"):
        room = _owned(Room, data.get("room_id"), customer)
        if room is False:
            _add(problems, "room_id", _("That room does not belong to this customer."))
        elif kind == "cabinet" and room and data.get("site_id") and room.site_id != data.get("site_id"):
            _add(problems, "room_id", _("That room is at another site."))
    if kind == "device":
        cabinet = _owned(Cabinet, data.get("cabinet_id"), customer)
        if cabinet is False:
            _add(problems, "cabinet_id", _("That cabinet does not belong to this customer."))
        if data.get("category") not in DEVICE_CATEGORIES:
            _add(problems, "category", _("Choose one of the listed categories."))
        check_quantity(problems, data.get("quantity"))
        check_warranty(problems, data.get("install_date"), data.get("warranty_end"))
        ip = _clean(data.get("ip_address") or "")
        if ip:
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                _add(problems, "ip_address", _("Enter an IP address such as 10.1.2.3."))
        clash = find_serial_clash(customer, data.get("serial") or "", record)
        if clash is not None:
            _add(
                problems,
                "serial",
                _("The device %(name)s of this customer already has this serial number.", name=clash.name),
            )
    if kind == "handover":
        if data.get("kind") not in HANDOVER_KINDS:
            _add(problems, "kind", _("Choose one of the listed kinds."))
        check_quantity(problems, data.get("quantity"))
        check_past_date(problems, "handed_on", data.get("handed_on"))
    return problems


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


def apply_values(record: Any, data: dict, allowed: Iterable[str]) -> None:
    """Copy the allowed values onto the record, only where they differ (clean audit)."""
    for name in allowed:
        if name not in data:
            continue
        value = _clean(data[name])
        if name.endswith("_id") and value == "":
            value = None
        if getattr(record, name) != value:
            setattr(record, name, value)


def _raise_if(problems: Problems) -> None:
    """Turn collected problems into one DomainError with field details."""
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)


# --- writing ------------------------------------------------------------------------------


def create_customer(user: User, data: dict) -> Customer:
    """Add a customer to the archive."""
    require_editor(user)
    _raise_if(record_problems("customer", None, data))
    customer = Customer(name="")
    apply_values(customer, data, KINDS["customer"][1])
    db.session.add(customer)
    return customer


def update_customer(user: User, customer: Customer, data: dict, base_version: int | None = None) -> Customer:
    """Change a customer's facts."""
    require_editor(user)
    check_base_version(customer, base_version)
    _raise_if(record_problems("customer", None, data, customer))
    apply_values(customer, data, KINDS["customer"][1])
    return customer


def create_record(user: User, kind: str, customer: Customer, data: dict) -> Any:
    """Add a contact, site, room, cabinet, device or handover item to a customer."""
    require_editor(user)
    if customer.deleted_at is not None:
        raise DomainError(_("This customer is retired; restore it first."), code="retired")
    model = model_for(kind)
    _raise_if(record_problems(kind, customer, data))
    record = model(customer_id=customer.id)
    apply_values(record, data, KINDS[kind][1])
    db.session.add(record)
    return record


def update_record(user: User, record: Any, data: dict, base_version: int | None = None) -> Any:
    """Change an archive record of a customer."""
    require_editor(user)
    kind = kind_of(record)
    check_base_version(record, base_version)
    customer = record if kind == "customer" else db.session.get(Customer, record.customer_id)
    _raise_if(record_problems(kind, None if kind == "customer" else customer, data, record))
    apply_values(record, data, KINDS[kind][1])
    return record


def update_device_in_field(user: User, device: Device, data: dict, base_version: int | None = None) -> Device:
    """A technician corrects software version, serial or notes of a device they look after."""
    if not (can_edit_archive(user) or can_edit_device_in_field(user, device)):
        raise Forbidden(_("Your role may look at the archive but not change it."))
    if device.deleted_at is not None:
        raise DomainError(_("This record is retired; restore it first."), code="retired")
    check_base_version(device, base_version)
    problems: Problems = {}
    customer = db.session.get(Customer, device.customer_id)
    clash = find_serial_clash(customer, data.get("serial") or "", device)
    if clash is not None:
        _add(problems, "serial", _("The device %(name)s of this customer already has this serial number.", name=clash.name))
    _raise_if(problems)
    apply_values(device, data, FIELD_DEVICE_FIELDS)
    return device


def _active_children(record: Any) -> list[tuple[str, int]]:
    """What still hangs on a record that is about to be retired: (what, how many)."""
    found = []
    checks: list[tuple[str, Select]] = []
    if isinstance(record, Site):
        checks = [
            (_("rooms"), select(func.count()).select_from(Room).where(Room.site_id == record.id, Room.deleted_at.is_(None))),
            (_("cabinets"), select(func.count()).select_from(Cabinet).where(Cabinet.site_id == record.id, Cabinet.deleted_at.is_(None))),
        ]
    elif isinstance(record, Room):
        checks = [
            (_("cabinets"), select(func.count()).select_from(Cabinet).where(Cabinet.room_id == record.id, Cabinet.deleted_at.is_(None))),
            (_("devices"), select(func.count()).select_from(Device).where(Device.room_id == record.id, Device.deleted_at.is_(None))),
        ]
    elif isinstance(record, Cabinet):
        checks = [
            (_("devices"), select(func.count()).select_from(Device).where(Device.cabinet_id == record.id, Device.deleted_at.is_(None))),
        ]
    for what, stmt in checks:
        count = db.session.scalar(stmt) or 0
        if count:
            found.append((what, count))
    return found


def retire_record(user: User, record: Any) -> Any:
    """Retire (tombstone) an archive record; it disappears from lists but keeps its history."""
    require_editor(user)
    if record.deleted_at is not None:
        return record
    children = _active_children(record)
    if children:
        listing = ", ".join(f"{count} {what}" for what, count in children)
        raise DomainError(
            _("It still holds %(things)s: move or retire them first.", things=listing), code="in_use"
        )
    record.deleted_at = utcnow()
    return record


def restore_record(user: User, record: Any) -> Any:
    """Bring a retired archive record back."""
    require_editor(user)
    if record.deleted_at is None:
        return record
    if not isinstance(record, Customer):
        customer = db.session.get(Customer, record.customer_id)
        if customer.deleted_at is not None:
            raise DomainError(_("The customer is retired; restore the customer first."), code="retired_parent")
        parents = []
        if isinstance(record, Room):
            parents.append(record.site)
        if isinstance(record, (Cabinet,)):
            parents += [record.site, record.room]
        if isinstance(record, Device):
            parents += [record.cabinet, record.room]
        for parent in parents:
            if parent is not None and parent.deleted_at is not None:
                raise DomainError(
                    _("%(name)s is retired; restore it first or move this record.", name=parent.name),
                    code="retired_parent",
                )
        if isinstance(record, Device):
            clash = find_serial_clash(customer, record.serial, record)
            if clash is not None:
                raise DomainError(
                    _("The device %(name)s of this customer already has this serial number.", name=clash.name),
                    code="duplicate_serial",
                )
    record.deleted_at = None
    return record
