"""Proactive service records: checklist templates, maintenance plans, visits and filled checklists.

The service diary lives in diary.py (owned separately); everything else of section 2 of
DOMAIN.md is here.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime
from ..extensions import db
from ..records import SyncedMixin

# Activities of DOMAIN.md section 2 that have a checklist.
ACTIVITIES = (
    "monthly_patrol",
    "semi_annual_maintenance",
    "quarterly_inspection",
    "spot_check",
    "year_end_inspection",
    "other",
)
# The ones a customer's plan makes recur; the others are started by hand.
RECURRING_ACTIVITIES = ("monthly_patrol", "semi_annual_maintenance", "quarterly_inspection", "year_end_inspection")

APPLIES_TO = ("site", "each_cabinet", "devices_of_category")

VISIT_STATES = ("due", "overdue", "done", "cancelled")
OPEN_VISIT_STATES = ("due", "overdue")

# received: on the server, waiting for review; has_issues: returned to the technician with a
# comment; superseded: a correction naming it arrived (the sheet itself never changes).
INSPECTION_STATES = ("draft", "submitted", "received", "has_issues", "accepted", "superseded")
REVIEW_STATES = ("received", "has_issues", "accepted")


class ChecklistTemplate(SyncedMixin, db.Model):
    """One version of a checklist; editing makes a new version and marks this one superseded."""

    __tablename__ = "checklist_template"
    SYNC_KIND = "checklist_template"
    __table_args__ = (
        UniqueConstraint("template_key", "version_no", name="uq_checklist_template_key_version"),
        # At most one current (not superseded) version per key, even with two editors at once.
        Index(
            "uq_checklist_template_current",
            "template_key",
            unique=True,
            postgresql_where=text("superseded_at IS NULL"),
            sqlite_where=text("superseded_at IS NULL"),
        ),
    )

    template_key: Mapped[str] = mapped_column(String(60), index=True)
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(40), index=True)
    applies_to: Mapped[str] = mapped_column(String(30), default="site")
    device_category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    change_note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    created_by = relationship("User")

    @property
    def is_current(self) -> bool:
        """True for the version that new checklists are filled with."""
        return self.superseded_at is None and self.deleted_at is None

    def name(self, locale: str) -> str:
        """The name in the reader's language."""
        return self.name_en if locale == "en" and self.name_en else self.name_zh

    def item(self, key: str) -> dict[str, Any] | None:
        """The item with this key, or None."""
        return next((i for i in self.items or [] if i.get("key") == key), None)


class MaintenancePlan(SyncedMixin, db.Model):
    """Which recurring activity a customer gets, from when, and who is responsible for it."""

    __tablename__ = "maintenance_plan"
    SYNC_KIND = "maintenance_plan"
    __table_args__ = (UniqueConstraint("customer_id", "activity", name="uq_maintenance_plan_customer_activity"),)

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    activity: Mapped[str] = mapped_column(String(40))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(String(300), default="")

    customer = relationship("Customer")
    responsible = relationship("User")


class Visit(SyncedMixin, db.Model):
    """One scheduled visit (patrol, maintenance, inspection) of a customer for one period."""

    __tablename__ = "visit"
    SYNC_KIND = "schedule"
    __table_args__ = (
        UniqueConstraint("customer_id", "activity", "period_key", name="uq_visit_customer_activity_period"),
        Index("ix_visit_due_state", "due_date", "state"),
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("maintenance_plan.id"), nullable=True, index=True)
    activity: Mapped[str] = mapped_column(String(40))
    period_key: Mapped[str] = mapped_column(String(20))
    # The computed deadline, never changed; due_date moves when the visit is rescheduled.
    original_due_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(20), default="due", index=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    inspection_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # [{"at", "by", "by_name", "action", "from", "to", "reason"}], newest last; travels with the record.
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    customer = relationship("Customer")
    plan = relationship("MaintenancePlan")
    assignee = relationship("User")

    @property
    def is_open(self) -> bool:
        """Still to be done."""
        return self.state in OPEN_VISIT_STATES

    def is_overdue_on(self, today: date) -> bool:
        """Open and past its due date on this day (whatever the stored state says)."""
        return self.is_open and today > self.due_date


class Inspection(SyncedMixin, db.Model):
    """A filled checklist (patrol sheet, maintenance sheet, inspection record): a submission."""

    __tablename__ = "inspection"
    SYNC_KIND = "inspection"

    template_id: Mapped[str] = mapped_column(ForeignKey("checklist_template.id"), index=True)
    template_key: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(40), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("site.id"), nullable=True)
    cabinet_id: Mapped[str | None] = mapped_column(ForeignKey("cabinet.id"), nullable=True, index=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("device.id"), nullable=True, index=True)
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"), nullable=True, index=True)
    # {item_key: {"value", "note", "photo_ids", "flagged", "na"}}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    flagged_count: Mapped[int] = mapped_column(Integer, default=0)
    performed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    customer_opinion: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    signature_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A correction is a new submission naming the one it replaces (SYNC.md).
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("inspection.id"), nullable=True)
    # Quality checks with scored items (scoring.py): points earned, possible, and the percentage.
    score_points: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    # A quarterly inspection is led by the head with the school's leaders: who attended,
    # [{"name", "title"}], recorded by the head (quality.record_attendees).
    attendees: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    # The signed PDF filed in the archive (maintenance/sheet_pdf.py), once sheet and signature are in.
    document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"), nullable=True)

    template = relationship("ChecklistTemplate")
    customer = relationship("Customer")
    site = relationship("Site")
    cabinet = relationship("Cabinet")
    device = relationship("Device")
    visit = relationship("Visit", foreign_keys=[visit_id])
    performed_by = relationship("User", foreign_keys=[performed_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    document = relationship("Document", foreign_keys=[document_id])

    @property
    def is_locked(self) -> bool:
        """Signed by the customer: the answers can no longer change.

        The same answer as `documents.signing.is_locked` (a signature on the sheet has arrived),
        read without a query: the sheet records its signer in the very call that files the
        signature (`signing.on_signature_arrived` -> `services.apply_signature`).
        """
        return self.signed_at is not None
