"""Push: apply a device's mutations exactly once, in `seq` order, each in its own transaction.

Per mutation: lock the device's `sync_client` row (an UPDATE, so PostgreSQL holds a row lock
and SQLite the write lock until commit), read its `last_seq`, then

- `seq <= last_seq`: already processed. Same payload hash: answer the stored result as
  `duplicate`. Different payload: `conflict` (code `seq_reused`), nothing changes; the odd
  payload is kept among the rejected mutations for the office to see.
- `seq == last_seq + 1`: apply it through the kind's services, remember it (payload hash and
  result) and advance `last_seq` in the same transaction, commit.
- `seq > last_seq + 1`: a gap; the batch stops here (the device resends from `last_seq + 1`).

An invalid mutation is rolled back, then recorded as `rejected` (with its payload, visible to
the office) in a fresh transaction, and the batch goes on. Two tabs pushing the same batch
queue up on the row lock, so the second sees the first's results as duplicates.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from webapp.audit.models import AuditLog
from webapp.auth.models import User
from webapp.auth.permissions import visible_customer_ids
from webapp.clock import utcnow
from webapp.documents import signing
from webapp.documents.canonical import sha256_hex
from webapp.documents.models import Blob
from webapp.errors import DomainError, Forbidden
from webapp.extensions import db
from webapp.records import _jsonable

from .models import AppliedMutation, Conflict, RejectedMutation, SyncClient
from .registry import SHARED, Kind, SyncContext, get_kind
from .review import customer_of_mutation

RETRIES = 5


class Rejection(Exception):
    """A mutation the server refuses: kept, reported as `rejected` with field errors."""

    def __init__(self, code: str, message: str, errors: dict | None = None):
        """Remember the code, a human message and field errors."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or {}


class ClientBelongsToAnotherUser(Forbidden):
    """The device id was first used by someone else."""

    code = "client_belongs_to_another_user"


@dataclass
class Outcome:
    """What applying one mutation did."""

    status: str
    record: Any = None
    code: str | None = None
    message: str | None = None
    conflicts: list[dict] = field(default_factory=list)


def payload_hash(mutation: dict) -> str:
    """SHA-256 of the mutation's content (everything but seq), in canonical JSON."""
    content = {k: mutation.get(k) for k in ("kind", "op", "id", "base_version", "data", "blobs")}
    return sha256_hex(content, default=str)


# --- the device ---------------------------------------------------------------------------


def ensure_client(user: User, client_id: str, user_agent: str = "") -> SyncClient:
    """The device record, created for this user on first use; 403 when it is someone else's."""
    client = db.session.get(SyncClient, client_id)
    if client is None:
        client = SyncClient(client_id=client_id, user_id=user.id, last_seq=0, user_agent=(user_agent or "")[:300])
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


# --- applying one mutation ----------------------------------------------------------------


def _load_data(kind: Kind, data: Any, partial: bool) -> dict:
    """Validate `data` with the kind's schema; read-only keys are ignored."""
    if not isinstance(data, dict):
        raise Rejection("invalid", _("The data must be an object."), {"data": [_("Not an object.")]})
    schema = kind.data_schema
    writable = kind.writable_fields
    known = set(schema.fields)
    cleaned = {k: v for k, v in data.items() if k in writable or k not in known}
    try:
        return schema.load(cleaned, partial=partial)
    except ValidationError as err:
        raise Rejection("invalid", _("Please correct the marked fields."), err.normalized_messages()) from err


def _blob_columns(kind: Kind, blobs: Any, op: str) -> dict:
    """Map the mutation's named blobs onto the kind's columns; every slot is needed on create."""
    if blobs in (None, {}) and not (op == "create" and kind.blobs):
        return {}
    if not isinstance(blobs, dict):
        raise Rejection("invalid", _("The blobs must be an object."), {"blobs": [_("Not an object.")]})
    problems: dict[str, list[str]] = {}
    for slot in blobs:
        if slot not in kind.blobs:
            problems.setdefault("blobs", []).append(_("Unknown blob slot: %(slot)s", slot=slot))
    out = {}
    for slot, column in kind.blobs.items():
        value = blobs.get(slot)
        if value is None:
            if op == "create":
                problems.setdefault("blobs", []).append(_("Missing blob: %(slot)s", slot=slot))
            continue
        if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            problems.setdefault("blobs", []).append(_("%(slot)s is not a lowercase SHA-256 hex digest.", slot=slot))
            continue
        out[column] = value
    if problems:
        raise Rejection("invalid", _("Please correct the marked fields."), problems)
    return out


def missing_blobs(kind: Kind, record: Any) -> list[str]:
    """The blobs a record names that have not been uploaded yet."""
    if record is None or not kind.blobs:
        return []
    names = [getattr(record, column) for column in kind.blobs.values()]
    names = [n for n in names if n]
    if not names:
        return []
    present = set(db.session.scalars(select(Blob.sha256).where(Blob.sha256.in_(names))).all())
    return [n for n in names if n not in present]


def _scope(user: User) -> set[str] | None:
    """`permissions.visible_customer_ids`, cached for the request (a batch asks once per mutation)."""
    cache = g.get("sync_scope")
    if cache is None or cache[0] != user.id:
        cache = (user.id, visible_customer_ids(user))
        g.sync_scope = cache
    return cache[1]


def _visible(kind: Kind, record: Any, user: User) -> bool:
    """True when the user may see the record (the rule of `permissions.get_visible`, cached)."""
    if kind.customer_column is None:
        return True
    scope = _scope(user)
    return scope is None or kind.customer_id_of(record) in scope


def _load_for_write(kind: Kind, record_id: str, user: User) -> Any:
    """The record a mutation changes, locked for this transaction; NotFound when not visible."""
    record = db.session.scalars(
        select(kind.model).where(kind.model.id == record_id).with_for_update()
    ).first()
    if record is None or not _visible(kind, record, user):
        raise Rejection("not_found", _("Not found."), {"id": [_("No such record.")]})
    return record


def fields_changed_since(kind: Kind, record: Any, base_version: int, client_id: str | None) -> set[str] | None:
    """Fields someone else changed after `base_version`, from the audit log; None when unknown."""
    rows = db.session.execute(
        select(AuditLog.changes, AuditLog.client_id)
        .where(AuditLog.entity == kind.model.__tablename__, AuditLog.entity_id == record.id)
        .order_by(AuditLog.id)
    ).all()
    if len(rows) != record.version:
        return None  # history incomplete (rows written around the ORM): treat every field as changed
    changed: set[str] = set()
    for changes, row_client in rows[base_version:]:
        if client_id and row_client == client_id:
            continue  # this device's own earlier edits are not a conflict with itself
        changed |= set(changes or {})
    return changed


def _same_content(kind: Kind, record: Any, clean: dict) -> bool:
    """True when a record already holds exactly these values."""
    return all(getattr(record, key) == value for key, value in clean.items())


def _conflict(ctx: SyncContext, kind: Kind, record: Any, reason: str, field_name: str | None,
              server_value: Any, device_value: Any, base_version: int | None) -> dict:
    """Store one conflict for the office and describe it for the result."""
    row = Conflict(
        kind=kind.name,
        record_id=record.id,
        reason=reason,
        field=field_name,
        server_value=server_value,
        device_value=device_value,
        base_version=base_version,
        server_version=record.version,
        client_id=ctx.client_id,
        seq=ctx.seq,
        user_id=ctx.user.id,
    )
    db.session.add(row)
    db.session.flush()
    return {"conflict_id": row.id, "reason": reason, "field": field_name,
            "server_value": server_value, "device_value": device_value}


def _create(ctx: SyncContext, kind: Kind, mutation: dict) -> Outcome:
    """Apply a create; the same id again is a duplicate (same content) or a conflict."""
    clean = _load_data(kind, mutation.get("data"), partial=False)
    clean.update(_blob_columns(kind, mutation.get("blobs"), "create"))
    existing = db.session.get(kind.model, mutation["id"])
    if existing is not None:
        if not _visible(kind, existing, ctx.user):
            raise Rejection("not_found", _("Not found."), {"id": [_("No such record.")]})
        if _same_content(kind, existing, clean):
            return Outcome("duplicate", existing, code="same_record")
        reason = "submission" if kind.record_type != SHARED else "exists"
        device = {k: v for k, v in (mutation.get("data") or {}).items()}
        info = _conflict(ctx, kind, existing, reason, None, kind.to_data(existing), device, None)
        return Outcome("conflict", existing, code="id_exists",
                       message=_("A record with this id already exists with other content; both are kept for review."),
                       conflicts=[info])
    record = kind.create(ctx, mutation["id"], clean)
    db.session.flush()
    if not _visible(kind, record, ctx.user):
        raise Rejection("not_found", _("Not found."), {"customer_id": [_("Unknown customer.")]})
    return Outcome("applied", record)


def _update(ctx: SyncContext, kind: Kind, mutation: dict) -> Outcome:
    """Merge an edit made on `base_version`: other fields merge, same-field edits conflict."""
    base_version = mutation.get("base_version")
    if not isinstance(base_version, int) or isinstance(base_version, bool) or base_version < 1:
        raise Rejection("invalid", _("An update names the version it was made on."),
                        {"base_version": [_("A whole number of at least 1 is required.")]})
    record = _load_for_write(kind, mutation["id"], ctx.user)
    if base_version > record.version:
        raise Rejection("invalid", _("The server never had that version."),
                        {"base_version": [_("Higher than the server's version %(v)s.", v=record.version)]})
    signing.require_unlocked(kind.name, record.id)
    raw = mutation.get("data") or {}
    clean = _load_data(kind, raw, partial=True)
    clean.update(_blob_columns(kind, mutation.get("blobs"), "update"))
    problems = {}
    for key in kind.create_only & set(clean):
        if clean[key] != getattr(record, key):
            problems[key] = [_("This field cannot change.")]
        clean.pop(key)
    if problems:
        raise Rejection("invalid", _("Please correct the marked fields."), problems)
    if record.deleted_at is not None:
        device = {k: raw[k] for k in clean if k in raw}
        info = _conflict(ctx, kind, record, "deleted", None, None, device, base_version)
        return Outcome("conflict", record, code="record_deleted",
                       message=_("The record was deleted on the server; the deletion stays and your edit is kept for review."),
                       conflicts=[info])
    changed = {k: v for k, v in clean.items() if getattr(record, k) != v}
    if not changed:
        return Outcome("applied", record)
    server_changed = None if base_version == record.version else fields_changed_since(
        kind, record, base_version, ctx.client_id
    )
    merged: dict[str, Any] = {}
    clashes: list[str] = []
    for key, value in changed.items():
        if base_version == record.version or (server_changed is not None and key not in server_changed):
            merged[key] = value
        else:
            clashes.append(key)
    if merged:
        kind.update(ctx, record, merged)
        db.session.flush()
    infos = [
        _conflict(ctx, kind, record, "field", key, _jsonable(getattr(record, key)), raw.get(key), base_version)
        for key in clashes
    ]
    if infos:
        return Outcome("conflict", record, code="field_conflict",
                       message=_("The office changed the same field; the server's value is kept and yours is queued for review."),
                       conflicts=infos)
    return Outcome("applied", record)


def _delete(ctx: SyncContext, kind: Kind, mutation: dict) -> Outcome:
    """Tombstone a record (through the kind's services)."""
    record = _load_for_write(kind, mutation["id"], ctx.user)
    signing.require_unlocked(kind.name, record.id)
    if record.deleted_at is None:
        kind.delete(ctx, record)
        db.session.flush()
    return Outcome("applied", record)


def apply_mutation(ctx: SyncContext, mutation: dict) -> Outcome:
    """Check a mutation's envelope and apply it; raises Rejection / DomainError when refused."""
    kind = get_kind(str(mutation.get("kind")))
    if kind is None:
        raise Rejection("unknown_kind", _("Unknown kind: %(kind)s", kind=mutation.get("kind")),
                        {"kind": [_("Unknown kind.")]})
    op = mutation.get("op")
    if op not in ("create", "update", "delete"):
        raise Rejection("invalid", _("Unknown operation."), {"op": [_("Use create, update or delete.")]})
    if op not in kind.ops:
        code = "append_only" if kind.record_type != SHARED and op != "create" else "unsupported_op"
        message = (
            _("Submissions cannot change; send a correction as a new record naming the one it supersedes.")
            if code == "append_only"
            else _("This kind does not accept %(op)s from devices.", op=op)
        )
        raise Rejection(code, message, {"op": [message]})
    try:
        if str(uuid.UUID(str(mutation.get("id")))) != str(mutation.get("id")).lower():
            raise ValueError
    except ValueError as err:
        raise Rejection("invalid", _("The id must be a UUID."), {"id": [_("Not a UUID.")]}) from err
    mutation = {**mutation, "id": str(mutation["id"]).lower()}
    if op == "create":
        return _create(ctx, kind, mutation)
    if op == "update":
        return _update(ctx, kind, mutation)
    return _delete(ctx, kind, mutation)


# --- results ------------------------------------------------------------------------------


def _result(seq: int, mutation: dict, outcome: Outcome) -> dict:
    """The stored part of a result (server_state is added fresh when answering)."""
    record = outcome.record
    return {
        "seq": seq,
        "status": outcome.status,
        "id": record.id if record is not None else mutation.get("id"),
        "version": record.version if record is not None else None,
        "code": outcome.code,
        "message": outcome.message,
        "errors": {},
        "conflicts": outcome.conflicts,
        "missing_blobs": [],
    }


def _answer(result: dict, user: User) -> dict:
    """A result with the record's current state and the blobs still missing."""
    kind = get_kind(result.get("kind_name") or "") if result.get("kind_name") else None
    out = {k: v for k, v in result.items() if k != "kind_name"}
    out.setdefault("server_state", None)
    if kind is not None and out.get("id"):
        record = db.session.get(kind.model, out["id"])
        if record is not None and _visible(kind, record, user):
            out["server_state"] = kind.change(record)
            out["missing_blobs"] = missing_blobs(kind, record)
    return out


def _answer_for(result: dict, kind: Kind | None, record: Any, user: User) -> dict:
    """A fresh result with the record's state, built before commit (no reload afterwards)."""
    out = dict(result)
    out["server_state"] = None
    if kind is not None and record is not None and _visible(kind, record, user):
        out["server_state"] = kind.change(record)
        out["missing_blobs"] = missing_blobs(kind, record)
    return out


def _rejected_result(seq: int, mutation: dict, code: str, message: str, errors: dict) -> dict:
    """The result of a refused mutation."""
    return {
        "seq": seq,
        "status": "rejected",
        "id": mutation.get("id"),
        "version": None,
        "code": code,
        "message": message,
        "errors": errors,
        "conflicts": [],
        "missing_blobs": [],
    }


def _as_rejection(err: Exception) -> Rejection:
    """A Rejection from whatever a service raised."""
    if isinstance(err, Rejection):
        return err
    if isinstance(err, DomainError):
        return Rejection(err.code, err.message, err.errors)
    if isinstance(err, IntegrityError):
        return Rejection("integrity", _("The record clashes with stored data."), {"_schema": [str(err.orig)[:300]]})
    raise err


GAP = object()


def _remember(client_id: str, seq: int, user: User, mutation: dict, digest: str, status: str, result: dict) -> None:
    """Store the processed mutation and move the device's last_seq on (same transaction)."""
    kind = mutation.get("kind")
    db.session.execute(  # a plain INSERT: nothing reads it back in this transaction
        insert(AppliedMutation).values(
            client_id=client_id, seq=seq, user_id=user.id, kind=str(kind)[:40], op=str(mutation.get("op"))[:20],
            record_id=str(mutation.get("id"))[:64], payload_hash=digest, status=status,
            result={**result, "kind_name": str(kind)}, created_at=utcnow(),
        )
    )
    db.session.execute(text("UPDATE sync_client SET last_seq = :s WHERE client_id = :c"), {"s": seq, "c": client_id})


def _log_rejection(client_id: str, seq: int, user: User, mutation: dict, digest: str, rej: Rejection) -> None:
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
            client_id=client_id, seq=seq, user_id=user.id, kind=str(mutation.get("kind"))[:60],
            op=str(mutation.get("op"))[:20], record_id=str(mutation.get("id"))[:64],
            customer_id=customer_of_mutation(mutation),
            payload=json.loads(json.dumps(mutation, default=str)), payload_hash=digest,
            code=rej.code[:40], message=rej.message, errors=json.loads(json.dumps(rej.errors, default=str)),
        )
    )


def process_one(user: User, client_id: str, mutation: dict) -> dict | object:
    """Process one mutation in its own transaction; returns its result, or GAP."""
    seq = int(mutation["seq"])
    digest = payload_hash(mutation)
    ctx = SyncContext(user=user, client_id=client_id, seq=seq)
    for attempt in range(RETRIES):
        try:
            last = begin_mutation(client_id)
            if seq <= last:
                return _already_seen(client_id, seq, user, mutation, digest)
            if seq > last + 1:
                db.session.rollback()
                return GAP
            try:
                outcome = apply_mutation(ctx, mutation)
                db.session.flush()
            except (Rejection, DomainError, IntegrityError) as err:
                db.session.rollback()
                if isinstance(err, IntegrityError) and attempt < 2:
                    continue  # maybe a race with another device writing the same id: look again
                rejection = _as_rejection(err)
                if begin_mutation(client_id) != seq - 1:
                    db.session.rollback()
                    continue  # someone else processed this seq meanwhile
                result = _rejected_result(seq, mutation, rejection.code, rejection.message, rejection.errors)
                _remember(client_id, seq, user, mutation, digest, "rejected", result)
                _log_rejection(client_id, seq, user, mutation, digest, rejection)
                db.session.commit()
                return {**result, "server_state": None}
            result = _result(seq, mutation, outcome)
            _remember(client_id, seq, user, mutation, digest, outcome.status, result)
            answer = _answer_for(result, get_kind(str(mutation.get("kind"))), outcome.record, user)
            db.session.commit()
            return answer
        except (OperationalError, IntegrityError):
            db.session.rollback()
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise RuntimeError("unreachable")


def _already_seen(client_id: str, seq: int, user: User, mutation: dict, digest: str) -> dict:
    """Answer a resent seq: its stored result as duplicate, or a conflict if the payload differs."""
    applied = db.session.scalar(
        select(AppliedMutation).where(AppliedMutation.client_id == client_id, AppliedMutation.seq == seq)
    )
    if applied is not None and applied.payload_hash == digest:
        stored = dict(applied.result or {})
        db.session.rollback()
        answer = _answer(stored, user)
        answer["original_status"] = stored.get("status")
        answer["status"] = "duplicate"
        return answer
    rejection = Rejection(
        "seq_reused",
        _("This seq was already used for a different mutation; nothing was changed."),
        {"seq": [_("Already used with other content.")]},
    )
    _log_rejection(client_id, seq, user, mutation, digest, rejection)
    db.session.commit()
    return {
        "seq": seq,
        "status": "conflict",
        "id": mutation.get("id"),
        "version": None,
        "code": rejection.code,
        "message": rejection.message,
        "errors": rejection.errors,
        "conflicts": [],
        "missing_blobs": [],
        "server_state": None,
        "original": {k: v for k, v in (applied.result or {}).items() if k != "kind_name"} if applied else None,
    }


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
            result = process_one(user, client_id, mutation)
            if result is GAP:
                stopped_at = mutation["seq"]
                break
            results.append(result)
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
