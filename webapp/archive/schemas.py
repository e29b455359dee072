"""Marshmallow schemas for the archive's read API (and the OpenAPI document)."""
from __future__ import annotations

from marshmallow import Schema, fields


class RecordSchema(Schema):
    """What every synced record carries."""

    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    deleted_at = fields.DateTime(dump_only=True, allow_none=True)


class ContactSchema(RecordSchema):
    """A person to call at a customer."""

    customer_id = fields.String()
    name = fields.String()
    title = fields.String()
    phone = fields.String()
    email = fields.String()


class RoomSchema(RecordSchema):
    """A room at a site."""

    customer_id = fields.String()
    site_id = fields.String()
    name = fields.String()
    floor = fields.String()


class SiteSchema(RecordSchema):
    """A campus or building, with its active rooms."""

    customer_id = fields.String()
    name = fields.String()
    address = fields.String()
    notes = fields.String()
    rooms = fields.Method("active_rooms")

    def active_rooms(self, site) -> list[dict]:
        """The site's rooms that are not retired."""
        return RoomSchema(many=True).dump([r for r in site.rooms if r.deleted_at is None])


class CabinetSchema(RecordSchema):
    """An equipment cabinet."""

    customer_id = fields.String()
    site_id = fields.String(allow_none=True)
    room_id = fields.String(allow_none=True)
    name = fields.String()
    code = fields.String()
    location = fields.String()
    notes = fields.String()
    qr_token = fields.String(allow_none=True)


class HandoverItemSchema(RecordSchema):
    """One item handed over at project end."""

    customer_id = fields.String()
    kind = fields.String()
    description = fields.String()
    quantity = fields.Integer()
    handed_to = fields.String()
    handed_on = fields.Date(allow_none=True)
    notes = fields.String()


class DeviceSchema(RecordSchema):
    """A device in use at a customer, with the names around it."""

    customer_id = fields.String()
    customer_name = fields.Function(lambda d: d.customer.name if d.customer else None)
    cabinet_id = fields.String(allow_none=True)
    cabinet_name = fields.Function(lambda d: d.cabinet.name if d.cabinet else None)
    room_id = fields.String(allow_none=True)
    room_name = fields.Function(lambda d: d.room.name if d.room else None)
    name = fields.String()
    category = fields.String()
    brand = fields.String()
    model = fields.String()
    quantity = fields.Integer()
    protocol = fields.String()
    software_version = fields.String()
    serial = fields.String()
    ip_address = fields.String()
    install_date = fields.Date(allow_none=True)
    warranty_end = fields.Date(allow_none=True)
    supplier = fields.String()
    notes = fields.String()
    qr_token = fields.String(allow_none=True)


class CustomerSchema(RecordSchema):
    """A customer's facts, as listed."""

    name = fields.String()
    kind = fields.String()
    address = fields.String()
    acceptance_date = fields.Date(allow_none=True)
    person_in_charge = fields.String()
    phone = fields.String()
    notes = fields.String()


class TechnicianSchema(Schema):
    """A technician responsible for a customer (no password, no role details)."""

    id = fields.Integer()
    display_name = fields.String()
    phone = fields.String(allow_none=True)


class CustomerDetailSchema(CustomerSchema):
    """A customer with its contacts, technicians, sites, cabinets and handover items."""

    contacts = fields.Method("active_contacts")
    technicians = fields.Method("assigned_technicians")
    sites = fields.Method("active_sites")
    cabinets = fields.Method("active_cabinets")
    handover_items = fields.Method("active_handover_items")

    def active_contacts(self, customer) -> list[dict]:
        """Contacts that are not retired."""
        return ContactSchema(many=True).dump([c for c in customer.contacts if c.deleted_at is None])

    def assigned_technicians(self, customer) -> list[dict]:
        """Technicians assigned to the customer."""
        return TechnicianSchema(many=True).dump(sorted(customer.technicians, key=lambda u: u.display_name))

    def active_sites(self, customer) -> list[dict]:
        """Sites that are not retired, with their rooms."""
        return SiteSchema(many=True).dump([s for s in customer.sites if s.deleted_at is None])

    def active_cabinets(self, customer) -> list[dict]:
        """Cabinets that are not retired."""
        return CabinetSchema(many=True).dump([c for c in customer.cabinets if c.deleted_at is None])

    def active_handover_items(self, customer) -> list[dict]:
        """Handover items that are not retired."""
        return HandoverItemSchema(many=True).dump([h for h in customer.handover_items if h.deleted_at is None])


class PageSchema(Schema):
    """The envelope of a paginated list."""

    page = fields.Integer()
    pages = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
