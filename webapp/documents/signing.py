"""Signature and photo verbs, the signing lock on documents, and the check of what a signature covers.

A document is any synced record, named by its sync kind (`SYNC_KIND`) and id. Once a
signature for a document has arrived the document is locked (`is_locked`: the one answer):
`require_unlocked` refuses a change in the services, and one flush-time guard below every door
(`_refuse_changes_to_signed_documents`) refuses a flush that changes what the signature covers
(the kind's signed fields and its tombstone; every column of a kind the table does not list).
Workflow columns (a sheet's review state, a ticket's status) still change. A correction is a
new document that names the one it `supersedes`. A signature whose `content_sha256` is not the
server's own hash of the document's signed content is refused (`content_mismatch`,
signed_content.py). A filled
signature slot (document + signer role) never changes. A signature and a signature's image are
pieces of their document's paper: both verbs tell the filing pipeline (`filing.pieces_arrived`).
Nothing here commits.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from flask_babel import gettext as _
from sqlalchemy import event, inspect, select, tuple_
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.permissions import can_see_customer
from ..errors import DomainError, NotFound
from ..extensions import db
from .filing import pieces_arrived
from .models import Blob, Photo, Signature
from .signed_content import SIGNED_FIELDS, content_sha256, current_content, model_for_kind
from .storage import is_sha256

NOT_DOCUMENTS = ("signature", "photo")
# Columns that still change on a signed record: bookkeeping, never content.
BOOKKEEPING = {"version", "change_seq", "created_at", "updated_at"}

# The verb of the feature that owns a document kind, run as a signature on one of its documents
# arrives (maintenance: the sheet records its signer, `services.apply_signature`). The owning
# feature registers it; `create_signature` calls it by name, inside the same transaction.
on_signature_arrived: dict[str, Callable[[Signature], Any]] = {}


class DocumentLocked(DomainError):
    """The document carries a signature and can no longer change."""

    code = "locked"
    status = 409


class ContentMismatch(DomainError):
    """A signature's content hash is not the hash of the content it claims to sign."""

    code = "content_mismatch"
    status = 422


def _refuse_mismatch(kind: str, document_id: str, claimed: str, expected: str) -> None:
    """Refuse a signature whose claimed content hash differs from the server's."""
    if claimed != expected:
        raise ContentMismatch(
            _("The signature does not cover this document's content: it was signed over something else."),
            errors={"content_sha256": [_("Expected %(sha)s for the document as the server holds it.", sha=expected)]},
            details={"document_kind": kind, "document_id": document_id, "expected": expected},
        )


def check_signed_content(kind: str, document_id: str, data: dict, image_sha256: str | None) -> None:
    """Refuse content arriving after its signature when that signature covers other content.

    `data` is the document's signed content as it will stand (say a repair form with the step
    just arriving); the signatures checked are those with `image_sha256`, all when None.
    """
    expected = content_sha256(kind, document_id, data)
    for signature in signatures_of(kind, document_id):
        if image_sha256 is None or signature.image_sha256 == image_sha256:
            _refuse_mismatch(kind, document_id, signature.content_sha256, expected)


def document_customer_id(document: Any) -> str | None:
    """The customer a document belongs to (a customer belongs to itself)."""
    if getattr(document, "__tablename__", "") == "customer":
        return document.id
    return getattr(document, "customer_id", None)


def find_document(user: User, kind: str, document_id: str) -> Any:
    """The document a signature or photo is attached to, if the user may see it; else NotFound."""
    model = model_for_kind(kind) if kind not in NOT_DOCUMENTS else None
    document = db.session.get(model, document_id) if model is not None and document_id else None
    if document is None or not can_see_customer(user, document_customer_id(document)):
        raise NotFound(_("Not found."), errors={"document_id": [_("Unknown document.")]})
    return document


def signatures_of(kind: str, document_id: str) -> list[Signature]:
    """The signatures on a document, oldest first."""
    return list(
        db.session.scalars(
            select(Signature)
            .where(
                Signature.document_kind == kind,
                Signature.document_id == document_id,
                Signature.deleted_at.is_(None),
            )
            .order_by(Signature.created_at, Signature.id)
        ).all()
    )


def is_locked(kind: str, document_id: str) -> bool:
    """True once a signature for the document has arrived."""
    return (
        db.session.scalar(
            select(Signature.id)
            .where(
                Signature.document_kind == kind,
                Signature.document_id == document_id,
                Signature.deleted_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def require_unlocked(kind: str, document_id: str) -> None:
    """Refuse a change to a signed document (a correction is a new one naming `supersedes`)."""
    if is_locked(kind, document_id):
        raise DocumentLocked(
            _("This document has been signed and can no longer change. Make a correction instead."),
            details={"document_kind": kind, "document_id": document_id},
        )


def blob_present(sha256: str | None) -> bool:
    """True when the blob has been uploaded."""
    return bool(sha256) and db.session.get(Blob, sha256) is not None


def _check_common(data: dict, problems: dict[str, list[str]]) -> None:
    """Problems shared by signatures and photos."""
    if not is_sha256(data.get("image_sha256")):
        problems.setdefault("blobs", []).append(_("Name the image by its SHA-256 under 'image'."))


def create_signature(user: User, data: dict, record_id: str | None = None) -> Signature:
    """File a signature on a document; a filled slot (document + signer role) is refused."""
    problems: dict[str, list[str]] = {}
    _check_common(data, problems)
    for name in ("signer_name", "signer_role"):
        if not (data.get(name) or "").strip():
            problems.setdefault(name, []).append(_("This field is required."))
    if not isinstance(data.get("signed_at"), datetime):
        problems.setdefault("signed_at", []).append(_("This field is required."))
    if not is_sha256(data.get("content_sha256")):
        problems.setdefault("content_sha256", []).append(_("The SHA-256 of the signed content, as 64 hex digits."))
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)
    document = find_document(user, data["document_kind"], data["document_id"])
    held = current_content(data["document_kind"], document.id)
    if held is not None and held.image_sha256 in (None, data["image_sha256"]):
        expected = content_sha256(data["document_kind"], document.id, held.data)
        _refuse_mismatch(data["document_kind"], document.id, data["content_sha256"], expected)
    role = data["signer_role"].strip()
    for existing in signatures_of(data["document_kind"], document.id):
        if existing.signer_role == role:
            raise DocumentLocked(
                _("This document already carries a %(role)s signature; a signature never changes.", role=role),
                details={"signature_id": existing.id},
            )
    signature = Signature(
        customer_id=document_customer_id(document),
        document_kind=data["document_kind"],
        document_id=document.id,
        signer_name=data["signer_name"].strip(),
        signer_role=role,
        signed_at=data["signed_at"],
        content_sha256=data["content_sha256"],
        image_sha256=data["image_sha256"],
        complete=blob_present(data["image_sha256"]),
        author_id=user.id,
    )
    if record_id:
        signature.id = record_id
    db.session.add(signature)
    arrived = on_signature_arrived.get(signature.document_kind)
    if arrived is not None:
        arrived(signature)
    pieces_arrived(signature.document_kind, signature.document_id)  # the filing pipeline may produce its paper
    return signature


def create_photo(user: User, data: dict, record_id: str | None = None) -> Photo:
    """Attach a photo to a document that is not signed yet."""
    problems: dict[str, list[str]] = {}
    _check_common(data, problems)
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)
    document = find_document(user, data["document_kind"], data["document_id"])
    require_unlocked(data["document_kind"], document.id)
    photo = Photo(
        customer_id=document_customer_id(document),
        document_kind=data["document_kind"],
        document_id=document.id,
        caption=(data.get("caption") or "").strip(),
        taken_at=data.get("taken_at"),
        image_sha256=data["image_sha256"],
        complete=blob_present(data["image_sha256"]),
        author_id=user.id,
    )
    if record_id:
        photo.id = record_id
    db.session.add(photo)
    return photo


def complete_waiting(sha256: str) -> list[Any]:
    """Mark the signatures and photos that were waiting for this image as complete."""
    done: list[Any] = []
    for model in (Signature, Photo):
        waiting = db.session.scalars(
            select(model).where(model.image_sha256 == sha256, model.complete.is_(False))
        ).all()
        for record in waiting:
            record.complete = True
            done.append(record)
    for record in done:
        if isinstance(record, Signature):
            pieces_arrived(record.document_kind, record.document_id)  # its paper may be complete now
    return done


# --- the lock below every door ----------------------------------------------------------------


def locked_columns(kind: str, record: Any) -> set[str]:
    """The columns a signature locks: the signed fields of the kind and its tombstone; every
    column but bookkeeping for a kind the table does not list."""
    columns = {attr.key for attr in inspect(record).mapper.column_attrs}
    if kind in SIGNED_FIELDS:
        return (columns & set(SIGNED_FIELDS[kind])) | {"deleted_at"}
    return columns - BOOKKEEPING


def _changed(record: Any, columns: set[str]) -> list[str]:
    """Which of these columns of a loaded record carry a real change in this flush."""
    state = inspect(record)
    changed = []
    for key in sorted(columns):
        history = state.attrs[key].history
        if history.has_changes() and (history.deleted[:1] or [None])[0] != (history.added[:1] or [None])[0]:
            changed.append(key)
    return changed


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed_documents(session: Session, flush_context, instances) -> None:
    """The signing lock, whatever the door: a flush that changes what a signature covers is refused.

    Services refuse first with their own message (`require_unlocked`, a sheet's `_require_editable`);
    this guard makes sure no other path (a view, a script, a sync adapter) slips through.
    """
    touched: dict[tuple[str, str], list[str]] = {}
    for record in list(session.dirty) + list(session.deleted):
        kind = getattr(record, "SYNC_KIND", "")
        if not kind or kind in NOT_DOCUMENTS or getattr(record, "id", None) is None:
            continue
        changed = ["(deleted)"] if record in session.deleted else _changed(record, locked_columns(kind, record))
        if changed:
            touched[(kind, record.id)] = changed
    if not touched:
        return
    arriving = {(s.document_kind, s.document_id) for s in session.new if isinstance(s, Signature)}
    with session.no_autoflush:
        signed = set(session.execute(
            select(Signature.document_kind, Signature.document_id).where(
                tuple_(Signature.document_kind, Signature.document_id).in_(list(touched)),
                Signature.deleted_at.is_(None),
            )
        ).all())
    for key, changed in touched.items():
        if key in signed or key in arriving:
            raise DocumentLocked(
                _("This document has been signed and can no longer change. Make a correction instead."),
                details={"document_kind": key[0], "document_id": key[1], "fields": changed},
            )

