"""A notification for one person: assignment, escalation, deadlines, a quote to approve..."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db


class Notification(db.Model):
    """One message to one user, optionally about a repair ticket; read once opened."""

    __tablename__ = "notification"
    __table_args__ = (
        # A dedupe key (e.g. one per deadline clock state) makes repeated checks idempotent.
        UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_dedupe"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("repair_ticket.id"), nullable=True, index=True)
    message: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Where opening it leads when it is not about a ticket (a path in this app: an issued report).
    link: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")
    ticket = relationship("RepairTicket")
