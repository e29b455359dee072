"""The daily service diary (服务日记): what a resident technician did at a school today.

A diary entry is an append-only submission written on the device: `customer_id`, `date`,
`text`, optionally the `cabinet_id` / `device_id` it is about, and `supersedes` when it corrects
an earlier entry (the earlier one is never changed). The author is whoever pushed it.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, Text, exists, select
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship, selectinload

from ..archive.models import Cabinet, Customer, Device
from ..auth.models import User
from ..auth.permissions import can_see_customer, customer_scope
from ..errors import DomainError, NotFound
from ..extensions import db
from ..records import SyncedMixin

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
MAX_TEXT = 20000


class DiaryEntry(SyncedMixin, db.Model):
    """One day's note by a technician at a customer."""

    __tablename__ = "diary_entry"
    SYNC_KIND = "diary_entry"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    date: Mapped[dt.date] = mapped_column(db.Date, index=True)
    text: Mapped[str] = mapped_column(Text)
    cabinet_id: Mapped[str | None] = mapped_column(ForeignKey("cabinet.id"), nullable=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    supersedes: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)

    customer = relationship("Customer")
    author = relationship("User")
    cabinet = relationship("Cabinet")
    device = relationship("Device")


def _problem(problems: dict[str, list[str]], name: str, message: str) -> None:
    """Note a problem with one field."""
    problems.setdefault(name, []).append(message)


def create_diary_entry(user: User, data: dict, record_id: str | None = None) -> DiaryEntry:
    """Record a diary entry by `user` at a customer they may see; the caller commits."""
    customer = db.session.get(Customer, data.get("customer_id") or "")
    if customer is None or not can_see_customer(user, customer.id):
        raise NotFound(_("Not found."), errors={"customer_id": [_("Unknown customer.")]})
    problems: dict[str, list[str]] = {}
    if customer.deleted_at is not None:
        _problem(problems, "customer_id", _("This customer is retired."))
    text = (data.get("text") or "").strip()
    if not text:
        _problem(problems, "text", _("This field is required."))
    elif len(text) > MAX_TEXT:
        _problem(problems, "text", _("The text is too long."))
    day = data.get("date")
    if not isinstance(day, dt.date):
        _problem(problems, "date", _("This field is required."))
    elif not EARLIEST <= day <= LATEST:
        _problem(problems, "date", _("The date must be between 2000 and 2100."))
    cabinet = device = None
    if data.get("cabinet_id"):
        cabinet = db.session.get(Cabinet, data["cabinet_id"])
        if cabinet is None or cabinet.customer_id != customer.id:
            _problem(problems, "cabinet_id", _("That cabinet does not belong to this customer."))
    if data.get("device_id"):
        device = db.session.get(Device, data["device_id"])
        if device is None or device.customer_id != customer.id:
            _problem(problems, "device_id", _("That device does not belong to this customer."))
    if data.get("supersedes"):
        earlier = db.session.get(DiaryEntry, data["supersedes"])
        if earlier is None or earlier.customer_id != customer.id:
            _problem(problems, "supersedes", _("The entry to correct was not found at this customer."))
    if problems:
        raise DomainError(_("Please correct the marked fields."), code="invalid", errors=problems)
    entry = DiaryEntry(
        customer_id=customer.id,
        date=day,
        text=text,
        cabinet_id=cabinet.id if cabinet else None,
        device_id=device.id if device else None,
        author_id=user.id,
        supersedes=data.get("supersedes") or None,
    )
    if record_id:
        entry.id = record_id
    db.session.add(entry)
    return entry


def diary_entries(customer_id: str, limit: int = 50) -> list[DiaryEntry]:
    """The latest diary entries of a customer, newest day first."""
    return list(
        db.session.scalars(
            select(DiaryEntry)
            .where(DiaryEntry.customer_id == customer_id, DiaryEntry.deleted_at.is_(None))
            .order_by(DiaryEntry.date.desc(), DiaryEntry.created_at.desc())
            .limit(limit)
        ).all()
    )


def diary_query(user: User):
    """The service diary as the office reads it: the entries the user may see, newest day first,
    each correction in place of the entry it corrects (the corrected one stays in the database)."""
    later = aliased(DiaryEntry)
    corrected = exists(select(later.id).where(later.supersedes == DiaryEntry.id, later.deleted_at.is_(None)))
    stmt = (
        select(DiaryEntry)
        .where(DiaryEntry.deleted_at.is_(None), ~corrected)
        .options(selectinload(DiaryEntry.customer), selectinload(DiaryEntry.author),
                 selectinload(DiaryEntry.cabinet), selectinload(DiaryEntry.device))
        .order_by(DiaryEntry.date.desc(), DiaryEntry.created_at.desc(), DiaryEntry.id)
    )
    return customer_scope(stmt, user, DiaryEntry.customer_id)
