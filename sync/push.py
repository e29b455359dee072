"""Push: apply a device's mutations exactly once, in `seq` order, each in its own transaction.

Per mutation: lock the device's `sync_client` row (an UPDATE, so PostgreSQL holds a row lock
and SQLite the write lock until commit), read its `last_seq`, then

- `seq <= last_seq`: already processed. Same payload hash: answer the stored result as
  `duplicate`. Different payload: `conflict` (code `seq_reused`), nothing changes; the odd
  payload is kept among the rejected mutations for the office to see.
- `seq == last_seq + 1`: apply it through the kind's services (`apply.py`), remember it
  (payload hash and result) and advance `last_seq` in the same transaction, commit.
- `seq > last_seq + 1`: a gap; the batch stops here (the device resends from `last_seq + 1`).

No mutation answers a 5xx (SYNC.md). Whatever the server cannot take in one mutation, found by
`screen.py` before anything runs or raised while it is applied (a refusal, a value the database
will not store, a bug in a service), is rolled back, then recorded as `rejected` with a code
(payload kept for the office, in a form any database stores) in a fresh transaction, and the
batch goes on. Only a database that cannot be reached escapes, as 503. Two tabs pushing the
same batch queue up on the row lock, so the second sees the first's results as duplicates.
"""
from __future__ import annotations

import hashlib
import time
from typing import Any

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from webapp.auth.models import User
from webapp.clock import utcnow
from webapp.documents.canonical import canonical_json
from webapp.errors import DomainError, Forbidden, database_down
from webapp.extensions import db

from .apply import Outcome, apply_mutation, missing_blobs, visible
from .models import AppliedMutation, RejectedMutation, SyncClient
from .registry import Kind, SyncContext, get_kind
from .review import customer_of_mutation
from .screen import screen_mutation, storable

RETRIES = 5  # a busy or locked database: try the same mutation again, a little later each time
GAP = object()


class ClientBelongsToAnotherUser(Forbidden):
    """The device id was first used by someone else."""

    code = "client_belongs_to_another_user"


def payload_hash(mutation: dict) -> str:
    """SHA-256 of the mutation's content (everything but seq), in canonical JSON.

    `surrogatepass` only matters for a lone surrogate (rejected anyway): it hashes instead of
    raising, and leaves the hash of every other payload as it always was.
    """
    content = {k: mutation.get(k) for k in ("kind", "op", "id", "base_version", "data", "blobs")}
    return hashlib.sha256(canonical_json(content, default=str).encode("utf-8", "surrogatepass")).hexdigest()


def result(seq: int, status: str, mutation: dict, record: Any = None, *, code: str | None = None,
           message: str | None = None, errors: dict | None = None, details: dict | None = None,
           conflicts: list | None = None) -> dict:
    """One entry of the push response's `results` (server_state and missing_blobs come later)."""
    return {
        "seq": seq,
        "status": status,
        "id": record.id if record is not None else storable(mutation.get("id")),
        "version": record.version if record is not None else None,
        "code": code,
        "message": message,
        "errors": errors or {},
        "details": details or {},
        "conflicts": conflicts or [],
        "missing_blobs": [],
    }


def _with_state(stored: dict, kind: Kind | None, record: Any, user: User) -> dict:
    """A result with the record's current state and the blobs it still waits for."""
    out = {k: v for k, v in stored.items() if k != "kind_name"}
    out["server_state"] = None
    if kind is not None and record is not None and visible(kind, record, user):
        out["server_state"] = kind.change(record)
        out["missing_blobs"] = missing_blobs(kind, record)
    return out


# --- the device ---------------------------------------------------------------------------


def ensure_client(user: User, client_id: str, user_agent: str = "") -> SyncClient:
    """The device record, created for this user on first use; 403 when it is someone else's."""
    client = db.session.get(SyncClient, client_id)
    if client is None:
        client = SyncClient(client_id=client_id, user_id=user.id, last_seq=0, user_agent=storable(user_agent or "")[:300])
        db.session.add(client)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            client = db.session.get(SyncClient, client_id)
    if client.user_id != user.id:
        raise ClientBelongsToAnotherUser(
            _("This device's sync queue belongs to another user. Sign in as that user, or reset the app."),
            details={"client_id": client_id},
        )
    return client


def begin_mutation(client_id: str) -> int:
    """Start one mutation's transaction: commit without waiting for the disk (PostgreSQL), lock
    the device row, return its last seq. Durability comes from the push's final synchronous
    commit, made before the answer is sent: WAL is flushed in order, so every mutation the
    device is told about is on disk, and one the server loses in a crash was never acknowledged."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    return lock_client(client_id)


def lock_client(client_id: str) -> int:
    """Lock the device row for this transaction and return its last applied seq."""
    row = db.session.execute(
        text("UPDATE sync_client SET last_seq = last_seq WHERE client_id = :c RETURNING last_seq"),
        {"c": client_id},
    ).first()
    return int(row[0])


# --- the ledger ---------------------------------------------------------------------------


def _remember(client_id: str, seq: int, user: User, mutation: dict, digest: str, status: str, answer: dict) -> None:
    """Store the processed mutation and move the device's last_seq on (same transaction)."""
    kind = storable(str(mutation.get("kind")))
    db.session.execute(  # a plain INSERT: nothing reads it back in this transaction
        insert(AppliedMutation).values(
            client_id=client_id, seq=seq, user_id=user.id, kind=kind[:40], op=storable(str(mutation.get("op")))[:20],
            record_id=storable(str(mutation.get("id")))[:64], payload_hash=digest, status=status,
            result={**answer, "kind_name": kind}, created_at=utcnow(),
        )
    )
    db.session.execute(text("UPDATE sync_client SET last_seq = :s WHERE client_id = :c"), {"s": seq, "c": client_id})


def _log_rejection(client_id: str, seq: int, user: User, mutation: dict, digest: str, err: DomainError) -> None:
    """Keep a refused mutation for the office (once per client, seq and payload)."""
    seen = db.session.scalar(
        select(RejectedMutation.id).where(
            RejectedMutation.client_id == client_id,
            RejectedMutation.seq == seq,
            RejectedMutation.payload_hash == digest,
        )
    )
    if seen:
        return
    db.session.add(
        RejectedMutation(
            client_id=client_id, seq=seq, user_id=user.id, kind=storable(str(mutation.get("kind")))[:60],
            op=storable(str(mutation.get("op")))[:20], record_id=storable(str(mutation.get("id")))[:64],
            customer_id=customer_of_mutation(mutation), payload=storable(mutation), payload_hash=digest, code=err.code[:40], message=storable(err.message),
            errors=storable(err.errors),
        )
    )


def _refusal(err: Exception) -> DomainError:
    """The rejection for whatever stopped a mutation (a database that is down is re-raised)."""
    if isinstance(err, DomainError):
        return err
    if database_down(err):
        raise err
    if isinstance(err, IntegrityError):
        return DomainError(_("The record clashes with stored data."), code="integrity",
                           details={"reason": storable(str(err.orig))[:300]})
    if isinstance(err, (DataError, OperationalError, UnicodeError)):
        # PostgreSQL refuses a NUL or an over-long value, an index row can be too large: the
        # mutation's content, not the server, is at fault.
        return DomainError(_("Some of the data cannot be stored (odd characters or too long)."),
                           code="unstorable_value", details={"reason": type(err).__name__})
    current_app.logger.exception("push: a service failed on a mutation; it is rejected and kept for the office")
    return DomainError(_("The server could not process this change; it is kept for the office to look at."),
                       code="server_error", details={"exception": type(err).__name__})


def _reject(client_id: str, seq: int, user: User, mutation: dict, digest: str, err: DomainError) -> dict | None:
    """Record a refusal in a fresh transaction; None when another request took this seq meanwhile."""
    if begin_mutation(client_id) != seq - 1:
        db.session.rollback()
        return None
    answer = result(seq, "rejected", mutation, code=err.code, message=storable(err.message),
                    errors=storable(err.errors), details=storable(err.details))
    _remember(client_id, seq, user, mutation, digest, "rejected", answer)
    _log_rejection(client_id, seq, user, mutation, digest, err)
    db.session.commit()
    return {**answer, "server_state": None}


def process_one(user: User, client_id: str, raw: dict) -> dict | object:
    """Process one mutation in its own transaction; returns its result, or GAP."""
    seq = int(raw["seq"])
    mutation, poison = screen_mutation(raw)
    digest = payload_hash(mutation if poison is None else storable(mutation))
    ctx = SyncContext(user=user, client_id=client_id, seq=seq)
    integrity_retried = False
    for attempt in range(RETRIES):
        try:
            last = begin_mutation(client_id)
            if seq <= last:
                return _already_seen(client_id, seq, user, mutation, digest)
            if seq > last + 1:
                db.session.rollback()
                return GAP
            refusal = poison
            if refusal is None:
                try:
                    outcome = apply_mutation(ctx, mutation)
                    db.session.flush()
                    stored = result(seq, outcome.status, mutation, outcome.record, code=outcome.code,
                                    message=outcome.message, conflicts=outcome.conflicts)
                    _remember(client_id, seq, user, mutation, digest, outcome.status, stored)
                    answer = _with_state(stored, get_kind(str(mutation.get("kind"))), outcome.record, user)
                    db.session.commit()  # before-commit hooks (signed papers) run here, inside the try
                    return answer
                except Exception as err:  # noqa: BLE001 - every failure of one mutation is its rejection
                    db.session.rollback()
                    if isinstance(err, IntegrityError) and not integrity_retried:
                        # Another device may have created the same id a moment ago: a fresh
                        # transaction sees that row and answers duplicate or conflict instead.
                        integrity_retried = True
                        continue
                    refusal = _refusal(err)
            answer = _reject(client_id, seq, user, mutation, digest, refusal)
            if answer is not None:
                return answer
        except (OperationalError, IntegrityError) as err:
            db.session.rollback()
            if attempt == RETRIES - 1 or (isinstance(err, OperationalError) and not database_down(err)):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise OperationalError("push", {}, Exception("the device row stayed busy"))


def _already_seen(client_id: str, seq: int, user: User, mutation: dict, digest: str) -> dict:
    """Answer a resent seq: its stored result as duplicate, or a conflict if the payload differs."""
    applied = db.session.scalar(
        select(AppliedMutation).where(AppliedMutation.client_id == client_id, AppliedMutation.seq == seq)
    )
    if applied is not None and applied.payload_hash == digest:
        stored = dict(applied.result or {})
        db.session.rollback()
        kind = get_kind(stored.get("kind_name") or "")
        record_id = stored.get("id")
        record = db.session.get(kind.model, record_id) if kind is not None and isinstance(record_id, str) else None
        answer = _with_state(stored, kind, record, user)
        answer["original_status"] = stored.get("status")
        answer["status"] = "duplicate"
        return answer
    refusal = DomainError(
        _("This seq was already used for a different mutation; nothing was changed."), code="seq_reused",
        errors={"seq": [_("Already used with other content.")]},
    )
    _log_rejection(client_id, seq, user, mutation, digest, refusal)
    db.session.commit()
    answer = result(seq, "conflict", mutation, code=refusal.code, message=refusal.message, errors=refusal.errors)
    original = {k: v for k, v in (applied.result or {}).items() if k != "kind_name"} if applied else None
    return {**answer, "server_state": None, "original": original}


def push(user: User, client_id: str, mutations: list[dict], user_agent: str = "") -> dict:
    """Process a batch in seq order; stop at a gap. Returns the response body of SYNC.md."""
    ensure_client(user, client_id, user_agent)
    g.audit_client_id = client_id
    results = []
    stopped_at = None
    # Each mutation commits, and a commit expires every loaded object; the signed-in user does
    # not change during a push, so keep it out of the session rather than reload it each time.
    detached = user in db.session
    if detached:
        db.session.expunge(user)
    try:
        for mutation in sorted(mutations, key=lambda m: m["seq"]):
            answer = process_one(user, client_id, mutation)
            if answer is GAP:
                stopped_at = mutation["seq"]
                break
            results.append(answer)
    finally:
        if detached:
            db.session.rollback()
            db.session.add(user)
    # A synchronous commit (the default) flushes the WAL up to here, so every result in this
    # answer is durable before the device reads it.
    last_seq = db.session.execute(
        text("UPDATE sync_client SET last_push_at = :t WHERE client_id = :c RETURNING last_seq"),
        {"t": utcnow(), "c": client_id},
    ).scalar() or 0
    db.session.commit()
    body = {"last_seq": int(last_seq), "expected_seq": int(last_seq) + 1, "results": results}
    if stopped_at is not None:
        body["gap"] = {"expected_seq": int(last_seq) + 1, "received_seq": stopped_at}
    current_app.logger.debug("push %s: %s results, last_seq %s", client_id, len(results), last_seq)
    return body


__all__ = ["GAP", "Outcome", "apply_mutation", "ensure_client", "payload_hash", "process_one", "push", "result"]
