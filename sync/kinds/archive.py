"""The customer archive as shared records: customers, contacts, sites, rooms, cabinets, devices,
handover items. Writes go through webapp.archive.services (office roles edit everything; a
technician may correct software version, serial and notes of a device they look after).
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import fields, validate

from webapp.archive import services as archive
from webapp.archive.models import (
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
from webapp.archive.qr import issue_token
from webapp.errors import Forbidden

from ..registry import SHARED, SyncContext, register_kind

# sync kind -> the archive services' own name for it
ARCHIVE_NAMES = {
    "contact": "contact",
    "site": "site",
    "room": "room",
    "cabinet": "cabinet",
    "device": "device",
    "handover_item": "handover",
}


def _full(record: Any, archive_kind: str, changes: dict) -> dict:
    """The record's editable values with the changes laid over (the services check whole records)."""
    names = archive.KINDS[archive_kind][1]
    data = {name: getattr(record, name) for name in names}
    data.update(changes)
    return data


def create_customer(ctx: SyncContext, record_id: str, data: dict) -> Customer:
    """A new customer (office roles)."""
    customer = archive.create_customer(ctx.user, data)
    customer.id = record_id
    return customer


def update_customer(ctx: SyncContext, customer: Customer, changes: dict) -> Customer:
    """Change a customer's facts (office roles)."""
    return archive.update_customer(ctx.user, customer, _full(customer, "customer", changes))


def retire(ctx: SyncContext, record: Any) -> Any:
    """Retire (tombstone) an archive record (office roles)."""
    return archive.retire_record(ctx.user, record)


def restore(ctx: SyncContext, record: Any) -> Any:
    """Bring a retired archive record back (office roles)."""
    return archive.restore_record(ctx.user, record)


def creator(sync_kind: str):
    """A create function for a record that hangs on a customer."""
    archive_kind = ARCHIVE_NAMES[sync_kind]

    def create(ctx: SyncContext, record_id: str, data: dict) -> Any:
        """Add the record to its customer through the archive services."""
        customer = archive.visible(Customer, data.get("customer_id") or "", ctx.user)
        values = {k: v for k, v in data.items() if k != "customer_id"}
        record = archive.create_record(ctx.user, archive_kind, customer, values)
        record.id = record_id
        if sync_kind in ("cabinet", "device"):
            issue_token(record)
        return record

    create.__doc__ = f"Add a {sync_kind} to its customer through the archive services."
    return create


def updater(sync_kind: str):
    """An update function for a record that hangs on a customer."""
    archive_kind = ARCHIVE_NAMES[sync_kind]

    def update(ctx: SyncContext, record: Any, changes: dict) -> Any:
        """Change the record through the archive services."""
        return archive.update_record(ctx.user, record, _full(record, archive_kind, changes))

    update.__doc__ = f"Change a {sync_kind} through the archive services."
    return update


def update_device(ctx: SyncContext, device: Device, changes: dict) -> Device:
    """Office roles change any field; a technician corrects version, serial and notes only."""
    if archive.can_edit_archive(ctx.user):
        return archive.update_record(ctx.user, device, _full(device, "device", changes))
    other = sorted(set(changes) - set(archive.FIELD_DEVICE_FIELDS))
    if other:
        raise Forbidden(
            _("On site you may correct the software version, serial number and notes only."),
            errors={name: [_("Only the office may change this field.")] for name in other},
        )
    return archive.update_device_in_field(ctx.user, device, changes)


register_kind(
    "customer",
    Customer,
    record_type=SHARED,
    create=create_customer,
    update=update_customer,
    delete=retire,
    restore=restore,
    customer_column="id",
    create_only=(),
    extra_fields={"kind": fields.String(required=True, validate=validate.OneOf(CUSTOMER_KINDS))},
)
register_kind("contact", Contact, record_type=SHARED, create=creator("contact"), update=updater("contact"), delete=retire, restore=restore)
register_kind("site", Site, record_type=SHARED, create=creator("site"), update=updater("site"), delete=retire, restore=restore)
register_kind("room", Room, record_type=SHARED, create=creator("room"), update=updater("room"), delete=retire, restore=restore)
register_kind(
    "cabinet",
    Cabinet,
    record_type=SHARED,
    create=creator("cabinet"),
    update=updater("cabinet"),
    delete=retire,
    restore=restore,
    read_only=("qr_token",),
)
register_kind(
    "device",
    Device,
    record_type=SHARED,
    create=creator("device"),
    update=update_device,
    delete=retire,
    restore=restore,
    read_only=("qr_token",),
    extra_fields={
        "category": fields.String(required=True, validate=validate.OneOf(DEVICE_CATEGORIES)),
        "quantity": fields.Integer(required=True, strict=True, validate=validate.Range(min=1)),
    },
)
register_kind(
    "handover_item",
    HandoverItem,
    record_type=SHARED,
    create=creator("handover_item"),
    update=updater("handover_item"),
    delete=retire,
    restore=restore,
    extra_fields={
        "kind": fields.String(required=True, validate=validate.OneOf(HANDOVER_KINDS)),
        "quantity": fields.Integer(required=True, strict=True, validate=validate.Range(min=1)),
    },
)
