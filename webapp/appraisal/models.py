"""Appraisal (考核) records: the head's versioned weighting schemes, justified adjustments, and
staff suggestions (合理建议). The figures themselves are never stored: they are computed from the
work (measures.py). Every row here is audited by the flush hook (`__audited__`)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db
from ..records import new_id


class AppraisalScheme(db.Model):
    """One version of the weights, in force from the first day of a month until a later version."""

    __tablename__ = "appraisal_scheme"
    __audited__ = True
    __table_args__ = (UniqueConstraint("version_no", name="uq_appraisal_scheme_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_no: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date, index=True)
    # {measure key: points}; see scheme.MEASURES for the keys and what each weight means.
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by = relationship("User")


class AppraisalAdjustment(db.Model):
    """Points the head adds to (or takes from) one person's month, with the reason."""

    __tablename__ = "appraisal_adjustment"
    __audited__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])


class Suggestion(db.Model):
    """A suggestion (合理建议) from a member of staff, and the head's answer."""

    __tablename__ = "suggestion"
    __audited__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    adopted: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author = relationship("User", foreign_keys=[author_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])

    @property
    def is_answered(self) -> bool:
        """True once the head has answered."""
        return self.answered_at is not None
