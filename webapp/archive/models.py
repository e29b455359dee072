"""The long-term customer archive (长期档案): customers, sites, rooms, cabinets, devices, handover."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import customer_technician
from ..clock import UTCDateTime, utcnow
from ..extensions import db
from ..records import SyncedMixin

CUSTOMER_KINDS = ("school", "organisation")

DEVICE_CATEGORIES = (
    "switch",
    "router",
    "firewall",
    "access_point",
    "camera",
    "nvr",
    "classroom_av",
    "interactive_display",
    "projector",
    "access_control",
    "broadcast",
    "server",
    "ups",
    "other",
)

HANDOVER_KINDS = (
    "accessories",
    "software_disc",
    "warranty_card",
    "manual",
    "spare_key",
    "other",
)


class Customer(SyncedMixin, db.Model):
    """A school or organisation under care, with its archive."""

    __tablename__ = "customer"
    SYNC_KIND = "customer"
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="school")
    address: Mapped[str] = mapped_column(String(300), default="")
    acceptance_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    person_in_charge: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    technicians = relationship("User", secondary=customer_technician, back_populates="customers")
    contacts = relationship("Contact", back_populates="customer", order_by="Contact.name")
    sites = relationship("Site", back_populates="customer", order_by="Site.name")
    cabinets = relationship("Cabinet", back_populates="customer", order_by="Cabinet.name")
    devices = relationship("Device", back_populates="customer", order_by="Device.name")
    handover_items = relationship("HandoverItem", back_populates="customer")

    def audit_customer_id(self) -> str:
        """A customer's changes belong to itself."""
        return self.id


class Contact(SyncedMixin, db.Model):
    """A person to call at a customer (联系方式)."""

    __tablename__ = "contact"
    SYNC_KIND = "contact"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")

    customer = relationship("Customer", back_populates="contacts")


class Site(SyncedMixin, db.Model):
    """A campus or building of a customer."""

    __tablename__ = "site"
    SYNC_KIND = "site"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    customer = relationship("Customer", back_populates="sites")
    rooms = relationship("Room", back_populates="site", order_by="Room.name")


class Room(SyncedMixin, db.Model):
    """A room at a site: a plant room, a classroom, an office."""

    __tablename__ = "room"
    SYNC_KIND = "room"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    floor: Mapped[str] = mapped_column(String(20), default="")

    site = relationship("Site", back_populates="rooms")


class Cabinet(SyncedMixin, db.Model):
    """An equipment cabinet (机柜); its QR label opens this record."""

    __tablename__ = "cabinet"
    SYNC_KIND = "cabinet"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("site.id"), nullable=True)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("room.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(40), default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    qr_token: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)

    customer = relationship("Customer", back_populates="cabinets")
    site = relationship("Site")
    room = relationship("Room")
    devices = relationship("Device", back_populates="cabinet", order_by="Device.name")


class Device(SyncedMixin, db.Model):
    """A device in use at a customer: brand, model, quantity, protocol, software version..."""

    __tablename__ = "device"
    SYNC_KIND = "device"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    cabinet_id: Mapped[str | None] = mapped_column(ForeignKey("cabinet.id"), nullable=True, index=True)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("room.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), default="other", index=True)
    brand: Mapped[str] = mapped_column(String(100), default="", index=True)
    model: Mapped[str] = mapped_column(String(100), default="", index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    protocol: Mapped[str] = mapped_column(String(100), default="")
    software_version: Mapped[str] = mapped_column(String(100), default="")
    serial: Mapped[str] = mapped_column(String(100), default="", index=True)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    install_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    warranty_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    qr_token: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)

    customer = relationship("Customer", back_populates="devices")
    cabinet = relationship("Cabinet", back_populates="devices")
    room = relationship("Room")

    def in_warranty(self, on: date) -> bool | None:
        """Whether the device is under warranty on a day; None when the end is unknown."""
        if self.warranty_end is None:
            return None
        return on <= self.warranty_end


class HandoverItem(SyncedMixin, db.Model):
    """One item handed over at project end (资料移交): what, how many, to whom, when."""

    __tablename__ = "handover_item"
    SYNC_KIND = "handover_item"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="other")
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    handed_to: Mapped[str] = mapped_column(String(100), default="")
    handed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    customer = relationship("Customer", back_populates="handover_items")


class QrLabel(db.Model):
    """Every QR token ever issued; a revoked one answers 'label no longer valid'."""

    __tablename__ = "qr_label"
    token: Mapped[str] = mapped_column(String(40), primary_key=True)
    cabinet_id: Mapped[str | None] = mapped_column(ForeignKey("cabinet.id"), nullable=True, index=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("device.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    cabinet = relationship("Cabinet")
    device = relationship("Device")
