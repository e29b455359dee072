"""Blobs (signature and photo images) and the submissions that carry them: signatures and photos.

A blob is named by the SHA-256 of the bytes the device uploaded (that is what a mutation
names and what the device can recompute). The server keeps a metadata-stripped re-encoding of
those bytes; `stored_sha256` is the hash of what is actually kept and is the key in the
storage backend, so storage stays honestly content-addressed (see storage.py).

Signatures and photos are append-only submissions attached to a "document": any synced
record, named by its sync kind and id (`diary_entry`, `repair_ticket`, `inspection`...).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db
from ..records import SyncedMixin

BLOB_MIME_TYPES = ("image/png", "image/jpeg")


class Blob(db.Model):
    """An uploaded image, validated with Pillow and stored without its metadata."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    stored_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)


class Signature(SyncedMixin, db.Model):
    """A signature on a document: who signed, in which role, when, over which content.

    Once a document has a signature it is locked: changes to it are refused and a
    correction is a new document naming the one it `supersedes`. A filled slot
    (document + signer role) never changes.
    """

    __tablename__ = "signature"
    SYNC_KIND = "signature"
    __table_args__ = (Index("ix_signature_document", "document_kind", "document_id"),)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    document_kind: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[str] = mapped_column(String(36))
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_role: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_sha256: Mapped[str] = mapped_column(String(64))
    image_sha256: Mapped[str] = mapped_column(String(64), index=True)
    complete: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    author = relationship("User")


class Photo(SyncedMixin, db.Model):
    """A photo taken on site and attached to a document."""

    __tablename__ = "photo"
    SYNC_KIND = "photo"
    __table_args__ = (Index("ix_photo_document", "document_kind", "document_id"),)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    document_kind: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[str] = mapped_column(String(36))
    caption: Mapped[str] = mapped_column(String(300), default="")
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    image_sha256: Mapped[str] = mapped_column(String(64), index=True)
    complete: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    author = relationship("User")


class Document(SyncedMixin, db.Model):
    """A produced document filed in the archive (a signed repair form, ...): a PDF in document storage.

    The file is kept through the storage interface (storage.FolderStorage on
    DOCUMENT_STORAGE_DIR), content-addressed: `storage_key` is the SHA-256 of the stored bytes
    and `sha256` the same hash, printed for anyone who wants to check a copy. One document per
    (kind, ticket, round): producing it again is a no-op.
    """

    __tablename__ = "document"
    SYNC_KIND = "document"
    __table_args__ = (
        Index("ix_document_customer", "customer_id", "created_at"),
        db.UniqueConstraint("kind", "ticket_id", "round", name="uq_document_kind_ticket_round"),
    )
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"))
    device_id: Mapped[str | None] = mapped_column(ForeignKey("device.id"), nullable=True, index=True)
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("repair_ticket.id"), nullable=True, index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(60), default="application/pdf")
    signature_id: Mapped[str | None] = mapped_column(ForeignKey("signature.id"), nullable=True)

    customer = relationship("Customer")
    device = relationship("Device")
    ticket = relationship("RepairTicket")
    signature = relationship("Signature")
