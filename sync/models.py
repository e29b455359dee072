"""What the sync API remembers: devices, applied mutations, conflicts, rejections, settings."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import UTCDateTime, utcnow
from webapp.extensions import db

CONFLICT_STATES = ("open", "resolved")
CONFLICT_REASONS = ("field", "deleted", "submission", "exists")
RESOLUTIONS = ("keep_server", "take_device")


class SyncClient(db.Model):
    """One installed copy of the field app; it belongs to the user who first used it."""

    __tablename__ = "sync_client"
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_push_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_pull_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_pull_cursor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The customers whose records this device was sent (technicians only): a newly assigned
    # customer makes the next incremental pull answer 410 so the device pulls from 0.
    scope_customer_ids: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user = relationship("User")


class AppliedMutation(db.Model):
    """A mutation the server has processed, kept so that a resend is answered the same way."""

    __tablename__ = "sync_applied_mutation"
    __table_args__ = (UniqueConstraint("client_id", "seq", name="uq_sync_applied_mutation_client_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("sync_client.client_id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    op: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Conflict(db.Model):
    """A device value the server did not take, kept for the office to resolve."""

    __tablename__ = "sync_conflict"
    __audited__ = True  # who resolved it, when, and how is in the audit log
    __table_args__ = (Index("ix_sync_conflict_state", "state", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    # field: the same field changed on both sides; deleted: an edit to a tombstoned record;
    # submission / exists: the same id arrived again with different content.
    reason: Mapped[str] = mapped_column(String(20), default="field")
    field: Mapped[str | None] = mapped_column(String(60), nullable=True)
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    device_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    server_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="open")
    resolution: Mapped[str | None] = mapped_column(String(20), nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])

    def audit_customer_id(self) -> None:
        """Review items are not filed under a customer."""
        return None


class RejectedMutation(db.Model):
    """A mutation the server refused, with its payload and reason; the office marks it handled."""

    __tablename__ = "sync_rejected_mutation"
    __audited__ = True
    __table_args__ = (Index("ix_sync_rejected_open", "handled_at", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(60))
    op: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(64))
    # The school the mutation was about, when it could be told (the review page filters by it);
    # no foreign key: a refused mutation may name a customer that does not exist.
    customer_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload_hash: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    errors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    handled_note: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", foreign_keys=[user_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    def audit_customer_id(self) -> None:
        """Review items are not filed under a customer."""
        return None


class SyncSetting(db.Model):
    """A named number the sync API keeps, such as `sync_tombstone_horizon`."""

    __tablename__ = "sync_setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


TOMBSTONE_HORIZON = "sync_tombstone_horizon"


def get_setting(key: str, default: int = 0) -> int:
    """Read a sync setting."""
    row = db.session.get(SyncSetting, key)
    return int(row.value) if row is not None else default
