"""The audit log: who changed what, when, from which device, old and new values."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db


class AuditLog(db.Model):
    """One change to one record."""

    __tablename__ = "audit_log"
    # the log is filtered by record type or school and read newest first
    __table_args__ = (
        Index("ix_audit_log_entity_at", "entity", "at"),
        Index("ix_audit_log_customer_at", "customer_id", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user = relationship("User", lazy="joined")
