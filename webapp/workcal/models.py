"""A year's holidays and make-up working days as entered by an administrator."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db


class WorkCalendarYear(db.Model):
    """One year of the statutory calendar entered in the app; it overrides the package's data.

    The days are kept as two JSON lists on one row (not a row per day) so that every change
    to a year is one audited update with the old and new lists side by side. Removing a
    year's entry sets `deleted_at` (the package's data, or the Monday–Friday fallback, applies
    again); entering it again clears it.
    """

    __tablename__ = "work_calendar_year"
    __audited__ = True
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    # [{"date": "2027-10-01", "name": "国庆节"}, ...], sorted by date
    holidays: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    makeup_days: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    entered_by = relationship("User")

    def audit_customer_id(self) -> None:
        """The calendar belongs to no customer."""
        return None
