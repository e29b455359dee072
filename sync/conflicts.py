"""The office's review: resolve conflicts, mark rejections handled, list what waits for images.

Taking the device's value goes through the kind's own services (the same path as a push), so
the rules and the audit log apply; the conflict row itself is audited too.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.auth.models import User
from webapp.clock import utcnow
from webapp.documents import signing
from webapp.errors import DomainError, NotFound
from webapp.extensions import db
from webapp.records import new_id

from .apply import load_data, missing_blobs
from .models import RESOLUTIONS, Conflict, RejectedMutation
from .registry import SHARED, SyncContext, all_kinds, get_kind


def resolve_conflict(user: User, conflict: Conflict, resolution: str) -> Any:
    """Keep the server's value, or take the device's through the kind's services; the caller commits."""
    if resolution not in RESOLUTIONS:
        raise DomainError(_("Choose how to resolve the conflict."), code="invalid")
    if conflict.state != "open":
        raise DomainError(_("This conflict was already resolved."), code="already_resolved")
    kind = get_kind(conflict.kind)
    record = db.session.get(kind.model, conflict.record_id) if kind else None
    if kind is None or record is None:
        raise NotFound(_("Not found."))
    result = record
    if resolution == "take_device":
        ctx = SyncContext(user=user)
        result = _take_device(ctx, kind, record, conflict)
    conflict.state = "resolved"
    conflict.resolution = resolution
    conflict.resolved_by_id = user.id
    conflict.resolved_at = utcnow()
    return result


def _take_device(ctx: SyncContext, kind, record: Any, conflict: Conflict) -> Any:
    """Apply the device's side of a conflict."""
    device = conflict.device_value
    if conflict.reason == "submission" or (conflict.reason == "exists" and kind.record_type != SHARED):
        data = load_data(kind, device or {}, partial=False)
        if "supersedes" in kind.writable_fields:
            data["supersedes"] = record.id
        for column in kind.blobs.values():
            data[column] = getattr(record, column)
        created = kind.create(ctx, new_id(), data)
        db.session.flush()
        return created
    signing.require_unlocked(kind.name, record.id)
    if conflict.reason == "field":
        changes = load_data(kind, {conflict.field: device}, partial=True)
    else:
        changes = load_data(kind, device or {}, partial=True)
        for key in kind.create_only:
            changes.pop(key, None)
    if conflict.reason == "deleted" and record.deleted_at is not None:
        if kind.restore is None:
            raise DomainError(_("This kind of record cannot be restored here."), code="unsupported_op")
        kind.restore(ctx, record)
    changes = {k: v for k, v in changes.items() if getattr(record, k) != v}
    if changes:
        if kind.update is None:
            raise DomainError(_("This kind of record cannot be changed here."), code="unsupported_op")
        kind.update(ctx, record, changes)
    db.session.flush()
    return record


def mark_handled(user: User, rejected: RejectedMutation, note: str = "") -> RejectedMutation:
    """Mark a rejected mutation as dealt with; the caller commits."""
    if rejected.handled_at is not None:
        raise DomainError(_("This item was already handled."), code="already_handled")
    rejected.handled_at = utcnow()
    rejected.handled_by_id = user.id
    rejected.handled_note = (note or "").strip()[:2000]
    return rejected


def incomplete_submissions(limit: int = 200) -> list[tuple[Any, Any, list[str]]]:
    """(kind, record, missing blob names) for submissions still waiting for a blob."""
    out = []
    for kind in all_kinds():
        if not kind.blobs:
            continue
        rows = db.session.scalars(
            select(kind.model)
            .where(kind.model.complete.is_(False), kind.model.deleted_at.is_(None))
            .order_by(kind.model.created_at)
            .limit(limit)
        ).all()
        out.extend((kind, r, missing_blobs(kind, r)) for r in rows)
    return out


def record_label(kind_name: str, record_id: str) -> str:
    """A human name for a record in the review lists."""
    kind = get_kind(kind_name)
    record = db.session.get(kind.model, record_id) if kind else None
    if record is None:
        return record_id
    for attr in ("name", "number", "description", "caption", "signer_name", "text"):
        value = getattr(record, attr, None)
        if value:
            return str(value)[:80]
    return record_id
