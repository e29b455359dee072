"""Repair tickets (报修): the record a fault report starts; its life-cycle grows from events."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db
from ..records import SyncedMixin

TICKET_SOURCES = ("phone", "public_qr", "office", "patrol", "technician", "rework")


def _intake_assignee(context) -> int | None:
    """Column default: the assignee a ticket is created with."""
    return context.get_current_parameters().get("assigned_to_id")


class RepairTicket(SyncedMixin, db.Model):
    """A reported fault at a customer, from the call to the follow-up."""

    __tablename__ = "repair_ticket"
    # the office home, the board and the inbox list open tickets newest first: a partial index
    # holds only the open ones, so they are read without scanning the closed history
    __table_args__ = (
        Index("ix_repair_ticket_open_reported", "reported_at",
              postgresql_where=text("status <> 'closed'"), sqlite_where=text("status <> 'closed'")),
    )
    SYNC_KIND = "repair_ticket"
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("device.id"), nullable=True, index=True)
    cabinet_id: Mapped[str | None] = mapped_column(ForeignKey("cabinet.id"), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(20), default="phone")
    status: Mapped[str] = mapped_column(String(30), default="reported", index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text)
    reporter_name: Mapped[str] = mapped_column(String(100), default="")
    reporter_phone: Mapped[str] = mapped_column(String(40), default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    category: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # Denormalised from the ticket's repair_event history by repairs/lifecycle.py (never edited
    # by hand): when the current round was resolved and closed, and the category it was filed under.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    filed_category: Mapped[str | None] = mapped_column(String(30), nullable=True)
    rework_round: Mapped[int] = mapped_column(Integer, default=1)
    # Who the intake assigned, frozen at INSERT: the life-cycle starts from it, so a later
    # reassignment event cannot rewrite the ticket's past (see state.TicketState.initial).
    intake_assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id"), nullable=True, default=_intake_assignee
    )
    # A rework ticket (source 'rework') points at the repair the customer was unhappy with; the
    # original is closed as 'reworked' by its rework_opened event naming this ticket.
    rework_of_id: Mapped[str | None] = mapped_column(ForeignKey("repair_ticket.id"), nullable=True, index=True)

    customer = relationship("Customer")
    device = relationship("Device")
    cabinet = relationship("Cabinet")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    rework_of = relationship("RepairTicket", remote_side="RepairTicket.id", foreign_keys=[rework_of_id])


class TicketNumberCounter(db.Model):
    """Per-year counter for human-readable ticket numbers (BX2026-00042)."""

    __tablename__ = "ticket_number_counter"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
