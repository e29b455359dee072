"""Applying one screened mutation through its kind's services: create, update, delete, merge.

The seq ledger around it (duplicates, gaps, retries, transactions) is `push.py`; this module
knows records. A refusal is a `DomainError` (its `errors` per field, `details` for facts), which
the ledger answers as `rejected`. Conflicts are not refusals: the device's value is stored in
the conflict queue for the office, the server's stays, and the outcome says `conflict`.

- create: the same id again is a duplicate (same content) or a conflict (both kept);
- update: names the `base_version` it was made on; fields the server did not change since then
  merge, a field changed on both sides keeps the server's value and queues the device's; an
  edit to a tombstoned record keeps the tombstone and queues the edit;
- delete: sets the tombstone through the kind's services.
A signed record (a filled signature slot) refuses update and delete.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import g
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from webapp.audit.models import AuditLog
from webapp.auth.models import User
from webapp.auth.permissions import visible_customer_ids
from webapp.documents import signing
from webapp.documents.models import Blob
from webapp.errors import DomainError, NotFound, flatten_messages
from webapp.extensions import db
from webapp.records import json_value

from .models import Conflict
from .registry import SHARED, Kind, SyncContext, get_kind


@dataclass
class Outcome:
    """What applying one mutation did."""

    status: str
    record: Any = None
    code: str | None = None
    message: str | None = None
    conflicts: list[dict] = field(default_factory=list)


def _invalid(errors: dict[str, list[str]], message: str | None = None) -> DomainError:
    """A refusal with messages per field."""
    return DomainError(message or _("Please correct the marked fields."), code="invalid", errors=errors)


def load_data(kind: Kind, data: Any, partial: bool) -> dict:
    """Validate `data` with the kind's schema; read-only keys are ignored."""
    if not isinstance(data, dict):
        raise _invalid({"data": [_("Not an object.")]}, _("The data must be an object."))
    schema = kind.data_schema
    writable = kind.writable_fields
    known = set(schema.fields)
    cleaned = {k: v for k, v in data.items() if k in writable or k not in known}
    try:
        return schema.load(cleaned, partial=partial)
    except ValidationError as err:
        raise _invalid(flatten_messages(err.messages)) from err


def blob_columns(kind: Kind, blobs: Any, op: str) -> dict:
    """Map the mutation's named blobs onto the kind's columns; every slot is needed on create."""
    if blobs in (None, {}) and not (op == "create" and kind.blobs):
        return {}
    if not isinstance(blobs, dict):
        raise _invalid({"blobs": [_("Not an object.")]}, _("The blobs must be an object."))
    problems: list[str] = []
    for slot in blobs:
        if slot not in kind.blobs:
            problems.append(_("Unknown blob slot: %(slot)s", slot=slot))
    out = {}
    for slot, column in kind.blobs.items():
        value = blobs.get(slot)
        if value is None:
            if op == "create":
                problems.append(_("Missing blob: %(slot)s", slot=slot))
            continue
        if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            problems.append(_("%(slot)s is not a lowercase SHA-256 hex digest.", slot=slot))
            continue
        out[column] = value
    if problems:
        raise _invalid({"blobs": problems})
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


def visible(kind: Kind, record: Any, user: User) -> bool:
    """True when the user may see the record (the rule of `permissions.get_visible`, cached)."""
    if kind.customer_column is None:
        return True
    scope = _scope(user)
    return scope is None or kind.customer_id_of(record) in scope


def _not_found(field_name: str = "id", message: str | None = None) -> NotFound:
    """The refusal for a record that does not exist or is not the user's to see."""
    return NotFound(_("Not found."), errors={field_name: [message or _("No such record.")]})


def _load_for_write(kind: Kind, record_id: str, user: User) -> Any:
    """The record a mutation changes, locked for this transaction; NotFound when not visible."""
    record = db.session.scalars(
        select(kind.model).where(kind.model.id == record_id).with_for_update()
    ).first()
    if record is None or not visible(kind, record, user):
        raise _not_found()
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


def _same_content(record: Any, clean: dict) -> bool:
    """True when a record already holds exactly these values."""
    return all(getattr(record, key) == value for key, value in clean.items())


def _conflict(ctx: SyncContext, kind: Kind, record: Any, reason: str, field_name: str | None,
              server_value: Any, device_value: Any, base_version: int | None) -> dict:
    """Store one conflict for the office and describe it for the result."""
    row = Conflict(
        kind=kind.name, record_id=record.id, reason=reason, field=field_name,
        server_value=server_value, device_value=device_value, base_version=base_version,
        server_version=record.version, client_id=ctx.client_id, seq=ctx.seq, user_id=ctx.user.id,
    )
    db.session.add(row)
    db.session.flush()
    return {"conflict_id": row.id, "reason": reason, "field": field_name,
            "server_value": server_value, "device_value": device_value}


def _create(ctx: SyncContext, kind: Kind, mutation: dict) -> Outcome:
    """Apply a create; the same id again is a duplicate (same content) or a conflict."""
    clean = load_data(kind, mutation.get("data"), partial=False)
    clean.update(blob_columns(kind, mutation.get("blobs"), "create"))
    existing = db.session.get(kind.model, mutation["id"])
    if existing is not None:
        if not visible(kind, existing, ctx.user):
            raise _not_found()
        if _same_content(existing, clean):
            return Outcome("duplicate", existing, code="same_record")
        reason = "submission" if kind.record_type != SHARED else "exists"
        device = dict(mutation.get("data") or {})
        info = _conflict(ctx, kind, existing, reason, None, kind.to_data(existing), device, None)
        return Outcome("conflict", existing, code="id_exists",
                       message=_("A record with this id already exists with other content; both are kept for review."),
                       conflicts=[info])
    record = kind.create(ctx, mutation["id"], clean)
    db.session.flush()
    if not visible(kind, record, ctx.user):
        raise _not_found("customer_id", _("Unknown customer."))
    return Outcome("applied", record)


def _update(ctx: SyncContext, kind: Kind, mutation: dict) -> Outcome:
    """Merge an edit made on `base_version`: other fields merge, same-field edits conflict."""
    base_version = mutation.get("base_version")
    if not isinstance(base_version, int) or isinstance(base_version, bool) or base_version < 1:
        raise _invalid({"base_version": [_("A whole number of at least 1 is required.")]},
                       _("An update names the version it was made on."))
    record = _load_for_write(kind, mutation["id"], ctx.user)
    if base_version > record.version:
        raise _invalid({"base_version": [_("Higher than the server's version %(v)s.", v=record.version)]},
                       _("The server never had that version."))
    signing.require_unlocked(kind.name, record.id)
    raw = mutation.get("data") or {}
    clean = load_data(kind, raw, partial=True)
    clean.update(blob_columns(kind, mutation.get("blobs"), "update"))
    problems = {}
    for key in kind.create_only & set(clean):
        if clean[key] != getattr(record, key):
            problems[key] = [_("This field cannot change.")]
        clean.pop(key)
    if problems:
        raise _invalid(problems)
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
        _conflict(ctx, kind, record, "field", key, json_value(getattr(record, key)), raw.get(key), base_version)
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
    """Check a screened mutation's kind, op and id and apply it; raises DomainError when refused."""
    kind = get_kind(str(mutation.get("kind")))
    if kind is None:
        raise DomainError(_("Unknown kind: %(kind)s", kind=mutation.get("kind")), code="unknown_kind",
                          errors={"kind": [_("Unknown kind.")]}, details={"kind": mutation.get("kind")})
    op = mutation.get("op")
    if op not in ("create", "update", "delete"):
        raise _invalid({"op": [_("Use create, update or delete.")]}, _("Unknown operation."))
    if op not in kind.ops:
        code = "append_only" if kind.record_type != SHARED and op != "create" else "unsupported_op"
        message = (
            _("Submissions cannot change; send a correction as a new record naming the one it supersedes.")
            if code == "append_only"
            else _("This kind does not accept %(op)s from devices.", op=op)
        )
        raise DomainError(message, code=code, errors={"op": [message]})
    try:
        if str(uuid.UUID(str(mutation.get("id")))) != str(mutation.get("id")).lower():
            raise ValueError
    except ValueError as err:
        raise _invalid({"id": [_("Not a UUID.")]}, _("The id must be a UUID.")) from err
    mutation = {**mutation, "id": str(mutation["id"]).lower()}
    if op == "create":
        return _create(ctx, kind, mutation)
    if op == "update":
        return _update(ctx, kind, mutation)
    return _delete(ctx, kind, mutation)
