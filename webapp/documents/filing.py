"""The filing pipeline: a signed paper is produced as a PDF once all its pieces are in, exactly once.

A paper belongs to a document kind (the sync kind its signatures are attached to: a patrol
sheet is the paper of an 'inspection', the repair form the paper of a 'repair_ticket'). The
feature that owns the paper registers its producer here (`register_producer`) and draws it
itself; this module knows no feature.

"Merged when back online": the pieces of a paper (the document, each signature, each
signature image, a step such as `customer_signed`) reach the server in any order. Every verb
where a piece arrives says so by calling `pieces_arrived(document_kind, document_id)`:

- `maintenance.services.file_sheet_from_device` (a patrol sheet),
- `documents.signing.create_signature` (a signature record),
- `documents.signing.complete_waiting` (a signature's image, through `sync/blobs.py`),
- `repairs.events.record_event` (the `resolved` and `customer_signed` steps).

That notes the document in `session.info`. Just before the transaction commits, the listeners
below (the only session listeners of the pipeline) run each noted document's producer inside a
savepoint; after a rollback they forget what was noted. A producer decides whether its paper is
complete (a paper may need several signatures), files it with `file_pdf` and returns the
`Document`, or returns None while a piece is missing. Producers are idempotent, so whichever
piece arrives last produces the paper. A failure is logged and never loses the arriving piece:
the savepoint rolls back only the paper, and `produce_missing()` (the daily runs
`flask maintenance generate` and `flask check-deadlines`) catches up.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Callable, Iterable

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..extensions import db
from .models import Blob, Document, Signature
from .storage import BlobStorage, configured_store, storage_for

log = logging.getLogger(__name__)

PENDING = "filing_pending"

Producer = Callable[[str], "Document | None"]
Waiting = Callable[[], Iterable[str]]


@dataclass(frozen=True)
class Paper:
    """A registered paper: how to produce it for a document, and which documents may await it."""

    document_kind: str
    produce: Producer
    waiting: Waiting | None = None


_papers: dict[str, Paper] = {}


def register_producer(document_kind: str, produce: Producer, *, waiting: Waiting | None = None) -> None:
    """Register the producer of a document kind's paper (registering again replaces it).

    `produce(document_id)` files the paper when every piece is in and returns its Document (new
    or filed before), else None. `waiting()` lists the ids of documents whose paper may be due
    but is not filed, for `produce_missing()`.
    """
    _papers[document_kind] = Paper(document_kind, produce, waiting)


def producer_for(document_kind: str) -> Paper | None:
    """The registered paper of a document kind, if it has one."""
    return _papers.get(document_kind)


def pieces_arrived(document_kind: str, document_id: str) -> None:
    """A piece of a document's paper arrived in this transaction: try to produce it before commit."""
    if document_kind in _papers and document_id:
        db.session.info.setdefault(PENDING, set()).add((document_kind, document_id))


def produce_now(document_kind: str, document_id: str) -> Document | None:
    """Run a document's producer at once (the listeners and the catch-up call this)."""
    paper = _papers.get(document_kind)
    return paper.produce(document_id) if paper is not None else None


def produce_missing(*document_kinds: str) -> int:
    """Catch up: produce every paper whose pieces are all in but which is not filed yet.

    Of the given document kinds (all registered ones when none is given); returns how many
    papers were filed. One paper that fails is logged and does not stop the others.
    """
    made = 0
    for kind in document_kinds or tuple(_papers):
        paper = _papers.get(kind)
        if paper is None or paper.waiting is None:
            continue
        for document_id in list(paper.waiting()):
            if _produce_in_savepoint(db.session, kind, document_id) is not None:
                made += 1
    return made


# --- what producers use ---------------------------------------------------------------------


def document_storage(app: Flask | None = None) -> BlobStorage:
    """Where the produced documents live (DOCUMENT_STORAGE_DIR, or the bucket's documents/),
    content-addressed."""
    return configured_store(app or current_app._get_current_object(), "document_storage", "DOCUMENT_STORAGE_DIR", "documents/")


def read_document(document: Document) -> bytes | None:
    """The stored bytes of a filed document."""
    return document_storage().get(document.storage_key)


def image_bytes(sha256: str | None) -> bytes | None:
    """The stored bytes of an uploaded image (signature or photo), or None when it has not arrived."""
    blob = db.session.get(Blob, sha256) if sha256 else None
    return storage_for().get(blob.stored_sha256) if blob is not None else None


def signature_image(signature: Signature | None) -> bytes | None:
    """The image of a complete signature, or None while the signature or its image is missing."""
    if signature is None or not signature.complete:
        return None
    return image_bytes(signature.image_sha256)


def file_pdf(pdf: bytes, *, kind: str, title: str, customer_id: str, content_sha256: str,
             signature_id: str | None = None, device_id: str | None = None, ticket_id: str | None = None,
             round_number: int = 1) -> Document | None:
    """Store a produced PDF and file it as a Document of the customer; returns the new Document.

    None when the same paper was filed meanwhile by a concurrent producer (one document per
    kind, ticket and round): the caller then reads the one that was filed.
    """
    digest = hashlib.sha256(pdf).hexdigest()
    document_storage().put(digest, pdf)
    document = Document(
        customer_id=customer_id, device_id=device_id, ticket_id=ticket_id, round=round_number, kind=kind,
        title=title[:200], storage_key=digest, sha256=digest, content_sha256=content_sha256, size=len(pdf),
        signature_id=signature_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:
        return None
    return document


# --- the session listeners: "merged when back online" ---------------------------------------


def _produce_in_savepoint(session: Session, document_kind: str, document_id: str) -> Document | None:
    """Produce one paper inside a savepoint; a failure is logged and rolls back only the paper."""
    try:
        with session.begin_nested():
            return produce_now(document_kind, document_id)
    except Exception:  # noqa: BLE001 - the arriving piece must be kept; produce_missing() retries
        log.exception("could not produce the paper of %s %s", document_kind, document_id)
        return None


@event.listens_for(Session, "before_commit")
def _produce_noted_papers(session: Session) -> None:
    """Before the transaction commits, produce the papers whose pieces `pieces_arrived` noted in it."""
    if session.in_nested_transaction() or not has_app_context() or not session.info.get(PENDING):
        return
    pending = session.info.pop(PENDING)
    for document_kind, document_id in sorted(pending):
        _produce_in_savepoint(session, document_kind, document_id)
    session.info.pop(PENDING, None)  # what producing noted again is filed already


@event.listens_for(Session, "after_rollback")
def _forget_noted_papers(session: Session) -> None:
    """Nothing is produced for a transaction that rolled back."""
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)
