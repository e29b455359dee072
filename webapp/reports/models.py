"""The monthly O&M report (月度运维报告) and the product-quality problems technicians raise for R&D.

A report is drafted for a month just ended and issued by the department head. While it is a
draft its figures are computed from the work each time it is read; issuing freezes them (with
the analysis and suggestions) into `figures`, so a ticket edited later never changes what
leadership and R&D were sent. Both tables are audited by the flush hook (`__audited__`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db
from ..records import new_id

DRAFT = "draft"
ISSUED = "issued"
REPORT_STATES = (DRAFT, ISSUED)


class MonthlyReport(db.Model):
    """One month's report: a draft until the head issues it, then frozen."""

    __tablename__ = "monthly_report"
    __audited__ = True
    __table_args__ = (UniqueConstraint("year", "month", name="uq_monthly_report_month"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    # The figures as issued (figures.compute_figures); None while a draft (computed when read).
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    analysis: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[str] = mapped_column(Text, default="")
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    issued_by = relationship("User")

    @property
    def is_issued(self) -> bool:
        """Issued and frozen."""
        return self.status == ISSUED

    @property
    def month_value(self) -> str:
        """'2026-10', as URLs name the month."""
        return f"{self.year:04d}-{self.month:02d}"


class ProductIssue(db.Model):
    """A product-quality problem (产品质量问题) a technician raises from a repair or a patrol finding;
    R&D answers on it. Brand and model are copied from the device when raised, so the R&D list
    groups by the model as it was."""

    __tablename__ = "product_issue"
    __audited__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(20))  # 'ticket' or 'finding'
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("repair_ticket.id"), nullable=True, index=True)
    inspection_id: Mapped[str | None] = mapped_column(ForeignKey("inspection.id"), nullable=True, index=True)
    item_key: Mapped[str] = mapped_column(String(60), default="")
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    # The images (blob sha256s, as a sheet's answers and documents.models.Photo name them) of the
    # ticket or finding, shown with the problem.
    photo_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    ticket = relationship("RepairTicket")
    inspection = relationship("Inspection")
    customer = relationship("Customer")
    device = relationship("Device")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])

    @property
    def model_label(self) -> str:
        """'Brand Model', or a dash when the device is not known."""
        return " ".join(p for p in (self.brand, self.model) if p) or "—"
