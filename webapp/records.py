"""What every synced record shares: UUID ids, versions, change_seq, tombstones, and the audit log.

`change_seq` is taken from one counter row inside the writing transaction (SYNC.md): the
UPDATE locks that row until commit, so sequence numbers become visible in commit order and a
pull never skips a row that commits late. Times come from `webapp.clock`; `UTCDateTime` is
imported here too because the deployed migrations name it `webapp.records.UTCDateTime`.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import BigInteger, Integer, String, event, inspect, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit.models import AuditLog
from .clock import UTCDateTime, utcnow
from .extensions import db


def new_id() -> str:
    """Return a new random UUID as text."""
    return str(uuid.uuid4())


class SyncCounter(db.Model):
    """The single row whose value hands out change_seq numbers."""

    __tablename__ = "sync_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncedMixin:
    """Columns and behaviour shared by every record that travels to field devices."""

    SYNC_KIND: ClassVar[str] = ""
    AUDIT_EXCLUDE: ClassVar[set[str]] = {"version", "change_seq", "updated_at", "created_at"}

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def is_deleted(self) -> bool:
        """True when the record carries a tombstone."""
        return self.deleted_at is not None

    def audit_customer_id(self) -> str | None:
        """The customer a change to this record belongs to, for filtering the audit log."""
        return getattr(self, "customer_id", None)


def take_change_seqs(session: Session, count: int) -> range:
    """Reserve `count` consecutive change_seq numbers inside the current transaction."""
    bind = session.connection()
    row = bind.execute(
        text("UPDATE sync_counter SET value = value + :n WHERE id = 1 RETURNING value"),
        {"n": count},
    ).first()
    if row is None:
        bind.execute(text("INSERT INTO sync_counter (id, value) VALUES (1, :n)"), {"n": count})
        top = count
    else:
        top = int(row[0])
    return range(top - count + 1, top + 1)


def json_value(value: Any) -> Any:
    """Turn a column value into something the audit log's JSON column can hold."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def current_actor() -> tuple[int | None, str | None]:
    """Who is changing data right now: (user id, client id of the device), when known."""
    user_id = None
    client_id = None
    if has_request_context():
        user_id = getattr(g, "audit_user_id", None)
        client_id = getattr(g, "audit_client_id", None)
        if user_id is None:
            if current_user and getattr(current_user, "is_authenticated", False):
                user_id = current_user.id
    else:
        user_id = getattr(_cli_actor, "user_id", None)
    return user_id, client_id


class _CliActor:
    """Actor for changes made outside a request (CLI commands, scripts)."""

    user_id: int | None = None


_cli_actor = _CliActor()


def _column_changes(obj: Any, exclude: set[str]) -> dict[str, list[Any]]:
    """Old and new values of every changed column of a dirty object."""
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in exclude:
            continue
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        changes[attr.key] = [json_value(old), json_value(new)]
    return changes


def _all_columns(obj: Any, exclude: set[str]) -> dict[str, list[Any]]:
    """Every column of a new object, as [None, value]."""
    state = inspect(obj)
    return {
        attr.key: [None, json_value(getattr(obj, attr.key))]
        for attr in state.mapper.column_attrs
        if attr.key not in exclude and getattr(obj, attr.key) is not None
    }


def audit_values(
    action: str, entity: str, entity_id: str | None, customer_id: str | None, changes: dict,
    *, at: datetime | None = None, actor: tuple[int | None, str | None] | None = None,
) -> dict[str, Any]:
    """The one shape of an audit row: when, who (user and device), what, and old/new values."""
    user_id, client_id = actor if actor is not None else current_actor()
    return {
        "at": at or utcnow(), "user_id": user_id, "client_id": client_id, "action": action,
        "entity": entity, "entity_id": entity_id, "customer_id": customer_id, "changes": changes,
    }


def created_values(values: dict[str, Any], names: Any) -> dict[str, list[Any]]:
    """The audit `changes` of a new row: [None, value] for each named value that is set."""
    return {name: [None, json_value(values[name])] for name in names if values.get(name) is not None}


def stamp_new_rows(session: Session, rows: list[dict[str, Any]], now: datetime | None = None) -> None:
    """What the flush hook gives a new synced record, for rows inserted in bulk without it.

    Each row gets an id, version 1, a change_seq from the counter and its times; the caller
    writes its audit rows with `write_audit_rows`.
    """
    now = now or utcnow()
    for row, seq in zip(rows, take_change_seqs(session, len(rows))):
        row.update(id=row.get("id") or new_id(), version=1, change_seq=seq, created_at=now, updated_at=now, deleted_at=None)


def write_audit_rows(rows: list[dict[str, Any]]) -> None:
    """Insert audit rows (shaped by `audit_values`) in bulk, for writes the flush hook never sees."""
    if rows:
        db.session.execute(AuditLog.__table__.insert(), rows)


@event.listens_for(Session, "before_flush")
def _stamp_and_audit(session: Session, flush_context, instances) -> None:
    """Bump versions, hand out change_seq numbers and write audit rows for this flush."""
    synced_new = [o for o in session.new if isinstance(o, SyncedMixin)]
    synced_dirty = [
        o
        for o in session.dirty
        if isinstance(o, SyncedMixin) and session.is_modified(o, include_collections=False)
    ]
    audited_other = [
        o
        for o in list(session.new) + list(session.dirty)
        if getattr(o, "__audited__", False) and not isinstance(o, SyncedMixin)
    ]
    if not synced_new and not synced_dirty and not audited_other:
        return

    user_id, client_id = current_actor()
    entries: list[AuditLog] = []
    stamped: list[SyncedMixin] = []
    for obj in synced_new + synced_dirty + audited_other:
        is_new = obj in session.new
        exclude = getattr(obj, "AUDIT_EXCLUDE", set()) | {"password_hash"}
        if is_new:
            if getattr(obj, "id", None) is None and isinstance(obj, SyncedMixin):
                obj.id = new_id()
            changes = _all_columns(obj, exclude)
            action = "create"
        else:
            changes = _column_changes(obj, exclude)
            if not changes:
                continue
            action = "update"
            if "deleted_at" in changes:
                action = "retire" if changes["deleted_at"][1] else "restore"
        if isinstance(obj, SyncedMixin):
            obj.version = 1 if is_new else (obj.version or 0) + 1
            stamped.append(obj)
        if getattr(obj, "__audited__", True):
            customer_id = obj.audit_customer_id() if hasattr(obj, "audit_customer_id") else None
            entity_id = str(obj.id) if getattr(obj, "id", None) is not None else None
            entries.append(AuditLog(**audit_values(
                action, obj.__tablename__, entity_id, customer_id, changes, actor=(user_id, client_id)
            )))

    if stamped:
        for obj, seq in zip(stamped, take_change_seqs(session, len(stamped))):
            obj.change_seq = seq
    for entry in entries:
        session.add(entry)


def _keep_old_value(target, value, oldvalue, initiator):
    """No-op 'set' listener; registering it with active_history loads the old value first."""
    return value


@event.listens_for(db.Model, "mapper_configured", propagate=True)
def _track_old_values(mapper, cls) -> None:
    """Audited models load a column's old value before it is overwritten, for the audit log."""
    if not (issubclass(cls, SyncedMixin) or getattr(cls, "__audited__", False)):
        return
    for attr in mapper.column_attrs:
        event.listen(getattr(cls, attr.key), "set", _keep_old_value, active_history=True, retval=True)
