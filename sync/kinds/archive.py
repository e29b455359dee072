"""The customer archive as shared records: customers, contacts, sites, rooms, cabinets, devices,
handover items. Each function hands the push to one archive verb (`webapp.archive.services`),
which holds the rules: office roles edit everything; a technician may correct software
version, serial and notes of a device they look after; cabinets and devices get their label.
"""
from __future__ import annotations

from typing import Any

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


def create_customer(ctx: SyncContext, record_id: str, data: dict) -> Customer:
    """A new customer (office roles)."""
    return archive.create_customer(ctx.user, data, record_id)


def update(ctx: SyncContext, record: Any, changes: dict) -> Any:
    """Change some fields of a customer, contact, site, room, cabinet or handover item (office roles)."""
    return archive.update_record(ctx.user, record, changes)


def update_device(ctx: SyncContext, device: Device, changes: dict) -> Device:
    """Change a device (office roles: any field; its technician: version, serial and notes)."""
    return archive.update_device(ctx.user, device, changes)


def retire(ctx: SyncContext, record: Any) -> Any:
    """Retire (tombstone) an archive record (office roles)."""
    return archive.retire_record(ctx.user, record)


def restore(ctx: SyncContext, record: Any) -> Any:
    """Bring a retired archive record back (office roles)."""
    return archive.restore_record(ctx.user, record)


def creator(sync_kind: str):
    """A create function for a record that hangs on the customer its data names."""
    archive_kind = ARCHIVE_NAMES[sync_kind]

    def create(ctx: SyncContext, record_id: str, data: dict) -> Any:
        """Add the record to its customer through the archive services."""
        return archive.add_to_customer(ctx.user, archive_kind, data, record_id)

    create.__doc__ = f"Add a {sync_kind} to its customer through the archive services."
    return create


register_kind(
    "customer",
    Customer,
    record_type=SHARED,
    create=create_customer,
    update=update,
    delete=retire,
    restore=restore,
    customer_column="id",
    create_only=(),
    extra_fields={"kind": fields.String(required=True, validate=validate.OneOf(CUSTOMER_KINDS))},
)
register_kind("contact", Contact, record_type=SHARED, create=creator("contact"), update=update, delete=retire, restore=restore)
register_kind("site", Site, record_type=SHARED, create=creator("site"), update=update, delete=retire, restore=restore)
register_kind("room", Room, record_type=SHARED, create=creator("room"), update=update, delete=retire, restore=restore)
register_kind(
    "cabinet",
    Cabinet,
    record_type=SHARED,
    create=creator("cabinet"),
    update=update,
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
    update=update,
    delete=retire,
    restore=restore,
    extra_fields={
        "kind": fields.String(required=True, validate=validate.OneOf(HANDOVER_KINDS)),
        "quantity": fields.Integer(required=True, strict=True, validate=validate.Range(min=1)),
    },
)
