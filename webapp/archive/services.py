"""Archive verbs: who may change what; create, edit, retire and restore a record.

The web views, the Excel import and the sync API all go through these functions, so the rules
(`rules.py`: dates, quantities, a cabinet of the same customer, unique serials...) and what
comes with a new record (a cabinet's or device's QR label) live once. Reading is in
`queries.py`. Nothing here commits: the caller does.
"""
from __future__ import annotations

from typing import Any, Iterable

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from ..auth.models import Role, User
from ..auth.permissions import can_see_customer, get_visible
from ..clock import utcnow
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from .models import Cabinet, Contact, Customer, Device, HandoverItem, Room, Site
from .qr import issue_token
from .rules import Problems, check_base_version, check_serial, clean, find_serial_clash, raise_if, record_problems

EDITOR_ROLES = (Role.OFFICE, Role.SUPERVISOR, Role.ADMIN)
AUDIT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# What a technician may correct on site, on a device of a customer assigned to them.
FIELD_DEVICE_FIELDS = ("software_version", "serial", "notes")
# Records that carry a QR label from the moment they exist.
LABELLED_KINDS = ("cabinet", "device")

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


def editable_fields(user: User, device: Device) -> tuple[str, ...]:
    """The device fields this user may change: all for office roles, a few for its technician."""
    if can_edit_archive(user):
        return KINDS["device"][1]
    if can_edit_device_in_field(user, device):
        return FIELD_DEVICE_FIELDS
    return ()


# --- writing ------------------------------------------------------------------------------


def apply_values(record: Any, data: dict, allowed: Iterable[str]) -> None:
    """Copy the allowed values onto the record, only where they differ (clean audit)."""
    for name in allowed:
        if name not in data:
            continue
        value = clean(data[name])
        if name.endswith("_id") and value == "":
            value = None
        if getattr(record, name) != value:
            setattr(record, name, value)


def _with_current(record: Any, kind: str, changes: dict) -> dict:
    """The record's editable values with the changes laid over (the rules check whole records)."""
    data = {name: getattr(record, name) for name in KINDS[kind][1]}
    data.update(changes)
    return data


def create_customer(user: User, data: dict, record_id: str | None = None) -> Customer:
    """Add a customer to the archive (with the id a device chose, when it made the record)."""
    require_editor(user)
    raise_if(record_problems("customer", None, data))
    customer = Customer(name="")
    if record_id:
        customer.id = record_id
    apply_values(customer, data, KINDS["customer"][1])
    db.session.add(customer)
    return customer


def update_customer(user: User, customer: Customer, changes: dict, base_version: int | None = None) -> Customer:
    """Change some of a customer's facts."""
    return update_record(user, customer, changes, base_version)


def create_record(user: User, kind: str, customer: Customer, data: dict, record_id: str | None = None) -> Any:
    """Add a contact, site, room, cabinet, device or handover item to a customer.

    A cabinet or device gets its QR label here, whichever door it comes through.
    """
    require_editor(user)
    if kind not in CHILD_KINDS:
        raise NotFound(_("Not found."))
    if customer.deleted_at is not None:
        raise DomainError(_("This customer is retired; restore it first."), code="retired")
    raise_if(record_problems(kind, customer, data))
    record = KINDS[kind][0](customer_id=customer.id)
    if record_id:
        record.id = record_id
    apply_values(record, data, KINDS[kind][1])
    db.session.add(record)
    if kind in LABELLED_KINDS:
        issue_token(record)
    return record


def add_to_customer(user: User, kind: str, data: dict, record_id: str | None = None) -> Any:
    """Add a record to the customer its data names (`customer_id`), if the user may see it."""
    customer = get_visible(Customer, data.get("customer_id") or "", user)
    values = {name: value for name, value in data.items() if name != "customer_id"}
    return create_record(user, kind, customer, values, record_id)


def update_record(user: User, record: Any, changes: dict, base_version: int | None = None) -> Any:
    """Change some fields of an archive record; the rules see the record as it will be."""
    require_editor(user)
    kind = kind_of(record)
    check_base_version(record, base_version)
    data = _with_current(record, kind, changes)
    customer = None if kind == "customer" else db.session.get(Customer, record.customer_id)
    raise_if(record_problems(kind, customer, data, record))
    apply_values(record, data, KINDS[kind][1])
    return record


def update_device(user: User, device: Device, changes: dict, base_version: int | None = None) -> Device:
    """Change a device: office roles any field, its technician on site version, serial and notes."""
    if can_edit_archive(user):
        return update_record(user, device, changes, base_version)
    allowed = editable_fields(user, device)
    if not allowed:
        raise Forbidden(_("Your role may look at the archive but not change it."))
    others = sorted(name for name, value in changes.items() if name not in allowed and getattr(device, name, value) != value)
    if others:
        raise Forbidden(
            _("On site you may correct the software version, serial number and notes only."),
            errors={name: [_("Only the office may change this field.")] for name in others},
        )
    if device.deleted_at is not None:
        raise DomainError(_("This record is retired; restore it first."), code="retired")
    check_base_version(device, base_version)
    problems: Problems = {}
    check_serial(problems, db.session.get(Customer, device.customer_id), changes.get("serial") or "", device)
    raise_if(problems)
    apply_values(device, changes, allowed)
    return device


def _active_children(record: Any) -> list[tuple[str, int]]:
    """What still hangs on a record that is about to be retired: (what, how many)."""
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
    found = []
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


def _retired_parents(record: Any) -> list[Any]:
    """The site, room or cabinet a record hangs on, where retired."""
    parents = []
    if isinstance(record, Room):
        parents.append(record.site)
    if isinstance(record, Cabinet):
        parents += [record.site, record.room]
    if isinstance(record, Device):
        parents += [record.cabinet, record.room]
    return [parent for parent in parents if parent is not None and parent.deleted_at is not None]


def restore_record(user: User, record: Any) -> Any:
    """Bring a retired archive record back."""
    require_editor(user)
    if record.deleted_at is None:
        return record
    if not isinstance(record, Customer):
        customer = db.session.get(Customer, record.customer_id)
        if customer.deleted_at is not None:
            raise DomainError(_("The customer is retired; restore the customer first."), code="retired_parent")
        for parent in _retired_parents(record):
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
