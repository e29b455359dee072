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

from ..extensions import db
from ..records import SyncedMixin, UTCDateTime, utcnow

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
