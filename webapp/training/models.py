"""Training sessions with their attendance and materials; the month-end seminar and its problems.

None of these travel to field devices (no SYNC_KIND): signing happens on a web page on the
tablet. They use `SyncedMixin` for what every record shares here: UUID ids, versions, the
tombstone and the audit log.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime
from ..extensions import db
from ..records import SyncedMixin

# Who took part in a seminar (the minutes list them).
seminar_attendee = Table(
    "seminar_attendee",
    db.metadata,
    Column("seminar_id", ForeignKey("seminar.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingSession(SyncedMixin, db.Model):
    """One training held: its kind, trainer, topics and length; attendees sign one sheet."""

    __tablename__ = "training_session"
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    trainer: Mapped[str] = mapped_column(String(100))
    vendor: Mapped[str] = mapped_column(String(100), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    # The attendance sheet, once produced by the filing pipeline: a PDF in document storage.
    sheet_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sheet_size: Mapped[int | None] = mapped_column(Integer, nullable=True)

    created_by = relationship("User", foreign_keys=[created_by_id])
    attendees = relationship("TrainingAttendee", back_populates="session", order_by="TrainingAttendee.position",
                             cascade="all, delete-orphan")
    materials = relationship("TrainingMaterial", back_populates="session", order_by="TrainingMaterial.created_at")


class TrainingAttendee(SyncedMixin, db.Model):
    """A person listed for a session, and their signature on the sheet once they signed."""

    __tablename__ = "training_attendee"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_training_attendee"),)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    image_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    session = relationship("TrainingSession", back_populates="attendees")
    user = relationship("User", foreign_keys=[user_id])


class TrainingMaterial(SyncedMixin, db.Model):
    """A file handed out at a session (slides, a manual), kept in blob storage by its SHA-256."""

    __tablename__ = "training_material"
    session_id: Mapped[str] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    session = relationship("TrainingSession", back_populates="materials")


class Seminar(SyncedMixin, db.Model):
    """The month-end seminar (月底研讨会) of one month: its agenda, attendees and minutes."""

    __tablename__ = "seminar"
    __table_args__ = (UniqueConstraint("year", "month", name="uq_seminar_month"),)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    # The minutes, once produced by the filing pipeline: a PDF in document storage.
    minutes_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    minutes_size: Mapped[int | None] = mapped_column(Integer, nullable=True)

    items = relationship("SeminarItem", back_populates="seminar", order_by="(SeminarItem.position, SeminarItem.id)",
                         foreign_keys="SeminarItem.seminar_id")
    attendees = relationship("User", secondary=seminar_attendee, order_by="User.id")
    issued_by = relationship("User", foreign_keys=[issued_by_id])


class SeminarItem(SyncedMixin, db.Model):
    """A problem (or lesson) on a seminar's agenda: the facts, the discussion, the solution agreed,
    its owner and status. An unsolved item is carried into next month's seminar as a new item
    naming it (`carried_from_id`), until one of the chain is solved."""

    __tablename__ = "seminar_item"
    __table_args__ = (
        # Drafting the agenda again adds only what is new: one item per source record a month.
        UniqueConstraint("seminar_id", "ref_key", name="uq_seminar_item_ref"),
        Index("ix_seminar_item_seminar_position", "seminar_id", "position"),
    )
    seminar_id: Mapped[str] = mapped_column(ForeignKey("seminar.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(30))
    ref_key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("repair_ticket.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text, default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    carried_from_id: Mapped[str | None] = mapped_column(ForeignKey("seminar_item.id"), nullable=True, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    seminar = relationship("Seminar", back_populates="items", foreign_keys=[seminar_id])
    owner = relationship("User", foreign_keys=[owner_id])
    author = relationship("User", foreign_keys=[author_id])
    ticket = relationship("RepairTicket")
    carried_from = relationship("SeminarItem", remote_side="SeminarItem.id", foreign_keys=[carried_from_id])
