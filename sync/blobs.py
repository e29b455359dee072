"""Blob uploads: stream, hash, check with Pillow, strip metadata, store, complete waiting records."""
from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from webapp.auth.models import User, customer_technician
from webapp.auth.permissions import can_see_customer
from webapp.documents import signing
from webapp.documents.models import Blob
from webapp.documents.storage import BlobRejected, clean_image, spool_upload, storage_for, upload_temp_dir
from webapp.extensions import db

from .registry import all_kinds


@dataclass
class Stored:
    """What an upload ended as."""

    blob: Blob
    created: bool
    completed: list[dict]


def blob_info(blob: Blob) -> dict:
    """A blob as the API describes it."""
    return {
        "sha256": blob.sha256,
        "stored_sha256": blob.stored_sha256,
        "size": blob.size,
        "mime": blob.mime,
        "width": blob.width,
        "height": blob.height,
    }


def receive_blob(sha256: str, stream: IO[bytes], content_length: int | None, user: User) -> Stored:
    """Check and store an upload named by its SHA-256; the same bytes twice are one blob."""
    existing = db.session.get(Blob, sha256)
    max_bytes = int(current_app.config["BLOB_MAX_BYTES"])
    if existing is not None:
        _drain(stream, max_bytes)  # read what was sent, so a kept-alive connection stays in step
        return Stored(existing, False, [])
    if content_length is not None and content_length > max_bytes:
        raise BlobRejected(
            _("The file is larger than %(limit)s bytes.", limit=max_bytes),
            code="blob_too_large", details={"max_bytes": max_bytes}, status=413,
        )
    spooled = spool_upload(stream, max_bytes, upload_temp_dir())
    try:
        if spooled.sha256 != sha256:
            raise BlobRejected(
                _("The file's SHA-256 does not match its name; upload it again."),
                code="sha256_mismatch", details={"expected": sha256, "received": spooled.sha256},
            )
        image = clean_image(spooled.path, int(current_app.config["BLOB_MAX_PIXELS"]))
    finally:
        spooled.path.unlink(missing_ok=True)
    storage_for().put(image.stored_sha256, image.data)
    blob = Blob(
        sha256=sha256, stored_sha256=image.stored_sha256, size=len(image.data), uploaded_size=spooled.size,
        mime=image.mime, width=image.width, height=image.height, uploaded_by_id=user.id,
    )
    db.session.add(blob)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the same bytes arrived twice at once: one blob
        return Stored(db.session.get(Blob, sha256), False, [])
    completed = complete_records(sha256)
    db.session.commit()
    return Stored(blob, True, completed)


def _drain(stream: IO[bytes], limit: int) -> None:
    """Read and drop an upload body (at most `limit` bytes)."""
    left = limit
    while left > 0:
        chunk = stream.read(min(65536, left))
        if not chunk:
            return
        left -= len(chunk)


def complete_records(sha256: str) -> list[dict]:
    """Mark records that were waiting for this blob complete (through the documents services)."""
    done = signing.complete_waiting(sha256)
    db.session.flush()
    return [{"kind": r.SYNC_KIND, "id": r.id, "version": r.version} for r in done]


def may_read_blob(blob: Blob, user: User) -> bool:
    """Office roles read any blob; others their own uploads and the blobs named by records of
    customers they see: an image slot (a signature, a photo) or a record's data (a sheet's
    answers name their photos, so a colleague sharing the school sees them too)."""
    if user.sees_all_customers or blob.uploaded_by_id == user.id:
        return True
    sha256 = blob.sha256
    for kind in all_kinds():
        if kind.blobs:
            model = kind.model
            columns = [getattr(model, column) == sha256 for column in kind.blobs.values()]
            stmt = select(model).where(or_(*columns)).limit(20)
            for record in db.session.scalars(stmt):
                if kind.customer_column is None or can_see_customer(user, kind.customer_id_of(record)):
                    return True
        if kind.names_blob is not None and _names_blob_in_scope(kind, sha256, user):
            return True
    return False


def _names_blob_in_scope(kind, sha256: str, user: User) -> bool:
    """Whether a record of this kind, of a customer the user sees, names the blob in its data."""
    stmt = select(kind.model.id).where(kind.names_blob(sha256))
    if kind.customer_column is not None:
        stmt = stmt.where(kind.customer_attr().in_(
            select(customer_technician.c.customer_id).where(customer_technician.c.user_id == user.id)
        ))
    return db.session.scalar(stmt.limit(1)) is not None


def read_blob(blob: Blob) -> Any:
    """The stored bytes of a blob."""
    return storage_for().get(blob.stored_sha256)
