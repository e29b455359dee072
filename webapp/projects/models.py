"""Installation and commissioning projects (新工程安装调试): the project and the records of its steps.

Every record carries `customer_id` (the school the project is for: an existing customer, or one
created in the archive when marketing opens the project), so the sync layer's customer scope
and the signing and photo verbs work unchanged. Step records are append-only submissions with
their author and time; the project row holds where the flow stands (`status`). The verbs that
write all of this are in `services.py` (module doc: the verbs and the record shapes).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db
from ..records import SyncedMixin

# Where a project stands. The flow moves forward through these; on_hold remembers the status it
# left (`held_status`) and goes back to it; cancelled and completed are final.
OPENED = "opened"                  # marketing opened it; the head picks the team
TEAM_ASSIGNED = "team_assigned"    # the team reviews the site-entry conditions
ENTRY_MET = "entry_met"            # installing: log, changes, training, internal acceptance
INTERNAL_PASSED = "internal_passed"  # waiting for the external acceptance
EXTERNAL_PASSED = "external_passed"  # report, hand-over and the archive
COMPLETED = "completed"
ON_HOLD = "on_hold"
CANCELLED = "cancelled"
FLOW = (OPENED, TEAM_ASSIGNED, ENTRY_MET, INTERNAL_PASSED, EXTERNAL_PASSED, COMPLETED)
STATUSES = FLOW + (ON_HOLD, CANCELLED)

STANDARDS = ("contract", "company")  # tendered: the contract's standard; otherwise the company's plan
DUTIES = ("team", "acceptance")       # installation team (安装调试小组) / internal acceptance team
ATTACHMENT_KINDS = ("approval_application", "contract", "drawing", "design", "bill_of_materials", "other")


class Project(SyncedMixin, db.Model):
    """One installation project for one customer, from the approval request to the archive."""

    __tablename__ = "project"
    SYNC_KIND = "project"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    new_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    contract_no: Mapped[str] = mapped_column(String(100), default="")
    tendered: Mapped[bool] = mapped_column(Boolean, default=False)
    standard: Mapped[str] = mapped_column(String(20), default="company")
    standard_notes: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=OPENED, index=True)
    held_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    marketing_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    team_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    team_assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    acceptance_team_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acceptance_team_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    entry_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The work plan (工程安装调试进度计划): scheme, process requirements, quality standard.
    plan_scheme: Mapped[str] = mapped_column(Text, default="")
    plan_process: Mapped[str] = mapped_column(Text, default="")
    plan_quality: Mapped[str] = mapped_column(Text, default="")
    plan_filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    plan_filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    internal_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    external_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    customer = relationship("Customer")
    marketing = relationship("User", foreign_keys=[marketing_id])
    leader = relationship("User", foreign_keys=[leader_id])
    members = relationship("ProjectMember", back_populates="project",
                           primaryjoin="and_(ProjectMember.project_id == Project.id, ProjectMember.deleted_at.is_(None))",
                           viewonly=True)
    milestones = relationship("Milestone", order_by="Milestone.position", viewonly=True,
                              primaryjoin="and_(Milestone.project_id == Project.id, Milestone.deleted_at.is_(None))")


class _ProjectRecord(SyncedMixin):
    """Columns every record of a project shares: its project, its customer, who wrote it."""

    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)


class ProjectMember(_ProjectRecord, db.Model):
    """A person on the installation team or the acceptance team of a project (a tombstone: removed)."""

    __tablename__ = "project_member"
    SYNC_KIND = "project_member"
    __table_args__ = (Index("ix_project_member_user", "user_id", "duty"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    duty: Mapped[str] = mapped_column(String(20), default="team")

    project = relationship("Project", back_populates="members")
    user = relationship("User", foreign_keys=[user_id])


class Attachment(_ProjectRecord, db.Model):
    """A file kept with the project (approval application, contract, drawings...), in blob storage."""

    __tablename__ = "project_attachment"
    SYNC_KIND = "project_attachment"
    kind: Mapped[str] = mapped_column(String(30), default="other")
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)

    author = relationship("User")


class EntryReview(_ProjectRecord, db.Model):
    """One round of the site-entry review (进场条件审查单): checklist answers, met or not.

    `items`: [{"key", "label", "ok": true/false, "note"}]. Not met: marketing has the school
    rectify (a `Rectification`) and the team reviews again; every round is kept, unchanged.
    Photos and the reviewer's signature attach to it as document kind `project_entry_review`.
    """

    __tablename__ = "project_entry_review"
    SYNC_KIND = "project_entry_review"
    __table_args__ = (UniqueConstraint("project_id", "round", name="uq_entry_review_round"),)
    round: Mapped[int] = mapped_column(Integer, default=1)
    reviewed_on: Mapped[date] = mapped_column(Date)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    met: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    reviewer_name: Mapped[str] = mapped_column(String(100), default="")

    author = relationship("User")


class Milestone(_ProjectRecord, db.Model):
    """A milestone of the work plan: planned dates, and the actual ones as the work goes."""

    __tablename__ = "project_milestone"
    SYNC_KIND = "project_milestone"
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    planned_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    planned_end: Mapped[date] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    actual_end: Mapped[date | None] = mapped_column(Date, nullable=True)


class PlanRevision(_ProjectRecord, db.Model):
    """The plan as it stood after a filing or a change: a snapshot of the milestones (history kept)."""

    __tablename__ = "project_plan_revision"
    SYNC_KIND = "project_plan_revision"
    number: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[str] = mapped_column(Text, default="")
    change_id: Mapped[str | None] = mapped_column(ForeignKey("project_change.id"), nullable=True)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    author = relationship("User")


class LogEntry(_ProjectRecord, db.Model):
    """A day on site (施工日志): what was done, by whom."""

    __tablename__ = "project_log"
    SYNC_KIND = "project_log"
    date: Mapped[date] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text)
    workers: Mapped[str] = mapped_column(String(300), default="")

    author = relationship("User")


class Change(_ProjectRecord, db.Model):
    """A change on site (变更): what, why, its effect on the plan; the head is told at once.

    `milestones`: [{"milestone_id", "planned_start"?, "planned_end"?}] -- the plan's new dates.
    """

    __tablename__ = "project_change"
    SYNC_KIND = "project_change"
    what: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    effect: Mapped[str] = mapped_column(Text, default="")
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author = relationship("User")


class Training(_ProjectRecord, db.Model):
    """Operator training on site (现场操作人员培训): topics, trainer, trainees who each sign.

    `trainees`: [names]; trainee n (1-based) signs with signer role `trainee-n` on document kind
    `project_training`; the sheet is filed once every trainee's signature is in.
    """

    __tablename__ = "project_training"
    SYNC_KIND = "project_training"
    held_on: Mapped[date] = mapped_column(Date)
    topics: Mapped[str] = mapped_column(Text)
    trainer: Mapped[str] = mapped_column(String(100))
    trainees: Mapped[list[str]] = mapped_column(JSON, default=list)

    author = relationship("User")


class InternalAcceptance(_ProjectRecord, db.Model):
    """One round of internal acceptance (内部验收) by the acceptance team, item by item.

    `items`: [{"name", "ok": true/false, "note", "rectify"}]; failed items are the rectification
    list; the team reports them rectified (a `Rectification`) before the next round.
    """

    __tablename__ = "project_internal_acceptance"
    SYNC_KIND = "project_internal_acceptance"
    __table_args__ = (UniqueConstraint("project_id", "round", name="uq_internal_acceptance_round"),)
    round: Mapped[int] = mapped_column(Integer, default=1)
    checked_on: Mapped[date] = mapped_column(Date)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    author = relationship("User")


class Rectification(_ProjectRecord, db.Model):
    """A failed round reported rectified (整改): by marketing with the school after a site-entry
    review, by the team after an internal acceptance. Rounds themselves never change."""

    __tablename__ = "project_rectification"
    SYNC_KIND = "project_rectification"
    __table_args__ = (UniqueConstraint("round_kind", "round_id", name="uq_rectification_round"),)
    round_kind: Mapped[str] = mapped_column(String(40))  # project_entry_review / project_internal_acceptance
    round_id: Mapped[str] = mapped_column(String(36))
    note: Mapped[str] = mapped_column(Text)

    author = relationship("User")


class ExternalAcceptance(_ProjectRecord, db.Model):
    """The external acceptance (外验) with marketing and the school; its representative signs
    (signer role `school` on document kind `project_external_acceptance`)."""

    __tablename__ = "project_external_acceptance"
    SYNC_KIND = "project_external_acceptance"
    __table_args__ = (UniqueConstraint("project_id", "round", name="uq_external_acceptance_round"),)
    round: Mapped[int] = mapped_column(Integer, default=1)
    held_on: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    remarks: Mapped[str] = mapped_column(Text, default="")
    school_representative: Mapped[str] = mapped_column(String(100))
    attendees: Mapped[str] = mapped_column(String(300), default="")

    author = relationship("User")


class CompletionReport(_ProjectRecord, db.Model):
    """The completion report (工程安装调试完成报告): the leader's summary; the rest of the paper is
    drawn from the project's records. The leader signs (role `leader`, kind `project_report`)."""

    __tablename__ = "project_report"
    SYNC_KIND = "project_report"
    __table_args__ = (UniqueConstraint("project_id", name="uq_project_report"),)
    summary: Mapped[str] = mapped_column(Text, default="")

    author = relationship("User")


class ProjectDevice(_ProjectRecord, db.Model):
    """A device installed, with where it sits: becomes the archive's site / cabinet / device at hand-over."""

    __tablename__ = "project_device"
    SYNC_KIND = "project_device"
    site_name: Mapped[str] = mapped_column(String(200))
    cabinet_name: Mapped[str] = mapped_column(String(200), default="")
    cabinet_code: Mapped[str] = mapped_column(String(40), default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), default="other")
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    protocol: Mapped[str] = mapped_column(String(100), default="")
    software_version: Mapped[str] = mapped_column(String(100), default="")
    serial: Mapped[str] = mapped_column(String(100), default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    supplier: Mapped[str] = mapped_column(String(200), default="")
    install_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    warranty_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    archive_device_id: Mapped[str | None] = mapped_column(ForeignKey("device.id"), nullable=True)


class HandoverCheck(_ProjectRecord, db.Model):
    """One item to hand over (accessories, discs, warranty cards, manuals, spare keys), checked off."""

    __tablename__ = "project_handover_item"
    SYNC_KIND = "project_handover_item"
    kind: Mapped[str] = mapped_column(String(30), default="other")
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    archive_item_id: Mapped[str | None] = mapped_column(ForeignKey("handover_item.id"), nullable=True)

    checked_by = relationship("User", foreign_keys=[checked_by_id])


class Handover(_ProjectRecord, db.Model):
    """The hand-over receipt (资料移交单): the school's person receives it and signs
    (role `school`, document kind `project_handover`)."""

    __tablename__ = "project_handover"
    SYNC_KIND = "project_handover"
    __table_args__ = (UniqueConstraint("project_id", name="uq_project_handover"),)
    handed_on: Mapped[date] = mapped_column(Date)
    received_by: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text, default="")

    author = relationship("User")


class ProjectPaper(db.Model):
    """A signed paper of a project filed as a Document (papers.py): one per record, exactly once.

    The link lives here, not on the signed record, because a signature locks its record's columns.
    """

    __tablename__ = "project_paper"
    __table_args__ = (UniqueConstraint("record_kind", "record_id", name="uq_project_paper_record"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document = relationship("Document")
