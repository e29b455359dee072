"""Changes of version and location in the archive's history (device and customer pages).

Read from the audit log, where every change already is: a device's software version, its
cabinet, room or location, each as "field: old → new", named the way the audit page names them.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..archive.models import Customer, Device
from ..extensions import db
from ..history import HistoryItem, HistorySection, register_section
from .models import AuditLog
from .services import prepare

LIMIT = 100
# The device fields whose changes a timeline shows: what runs on it and where it is.
TRACKED = ("software_version", "cabinet_id", "room_id", "location")


def _items(stmt, with_device_name: bool) -> list[HistoryItem]:
    """Audit entries that changed a tracked field, as history lines, newest first."""
    logs = list(db.session.scalars(
        stmt.where(AuditLog.entity == "device", AuditLog.action == "update")
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(LIMIT * 3)
    ))
    logs = [log for log in logs if any(key in (log.changes or {}) for key in TRACKED)][:LIMIT]
    items = []
    for entry in prepare(logs):
        shown = [c for c in entry.changes if c.field in TRACKED]
        title = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in shown)
        if with_device_name and entry.record_name:
            title = f"{entry.record_name} · {title}"
        who = entry.log.user.display_name if entry.log.user else _("System")
        items.append(HistoryItem(at=entry.log.at, title=title, url=entry.record_url if with_device_name else None,
                                 tag=_("Changed"), detail=who))
    return items


def _section(items: list[HistoryItem]) -> HistorySection:
    """The changes section with its items."""
    return HistorySection("changes", _("Version and location changes"), items,
                          _("No change of version or location recorded."))


def changes_of_device(device: Device, user: Any) -> HistorySection:
    """A device's changes of software version and place."""
    return _section(_items(select(AuditLog).where(AuditLog.entity_id == device.id), with_device_name=False))


def changes_of_customer(customer: Customer, user: Any) -> HistorySection:
    """The changes of version and place of a customer's devices."""
    return _section(_items(select(AuditLog).where(AuditLog.customer_id == customer.id), with_device_name=True))


def register_history() -> None:
    """Put the changes into the device and customer pages' history."""
    register_section("customer", "changes", changes_of_customer)
    register_section("device", "changes", changes_of_device)
