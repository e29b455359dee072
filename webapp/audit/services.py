"""Reading the audit log: filters, a record's trail, and old → new values people can read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from flask import has_request_context, url_for
from flask_babel import get_locale
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from ..archive.models import Cabinet, Contact, Customer, Device, HandoverItem, Room, Site
from ..auth.models import User
from ..clock import local_day_start
from ..extensions import db
from ..templating import CATEGORY_LABELS, CUSTOMER_KIND_LABELS, HANDOVER_LABELS, ROLE_LABELS
from .labels import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS
from .models import AuditLog

MAX_SHOWN = 300  # characters of one old or new value on the page; the log keeps all

# Columns that hold another record's id: shown by that record's name.
REFERENCE_MODELS = {
    "customer_id": Customer,
    "site_id": Site,
    "room_id": Room,
    "cabinet_id": Cabinet,
    "device_id": Device,
}
# Where an audited record is shown (endpoint and its argument), for the "open" link.
RECORD_PAGES = {
    "customer": ("archive.customer_detail", "customer_id"),
    "device": ("archive.device_detail", "device_id"),
    "cabinet": ("archive.cabinet_detail", "cabinet_id"),
}
CHILD_MODELS = {"contact": Contact, "site": Site, "room": Room, "handover_item": HandoverItem}


def register_entity(entity: str, label: Any, endpoint: str | None = None, arg: str | None = None) -> None:
    """Let a feature name its audited records and say which page shows one (endpoint, id argument)."""
    ENTITY_LABELS[entity] = label
    if endpoint and arg:
        RECORD_PAGES[entity] = (endpoint, arg)


def _entities_present():
    """The record types in the log, read by hopping along the entity index from one value to the
    next (a dozen index lookups) instead of SELECT DISTINCT, which reads every row of the log."""
    step = aliased(AuditLog)
    first = select(func.min(AuditLog.entity).label("entity")).cte("entities", recursive=True)
    following = select(
        select(func.min(step.entity)).where(step.entity > first.c.entity).scalar_subquery()
    ).where(first.c.entity.is_not(None))
    entities = first.union_all(following)
    return select(entities.c.entity).where(entities.c.entity.is_not(None))


def entity_choices() -> list[tuple[str, str]]:
    """Record types to filter by: the known ones, then any other the log holds."""
    present = set(db.session.scalars(_entities_present()).all())
    known = [(key, str(label)) for key, label in ENTITY_LABELS.items()]
    return known + [(key, key) for key in sorted(present - set(ENTITY_LABELS))]


@dataclass
class AuditFilters:
    """What the audit page asks for; empty values do not filter."""

    customer_id: str = ""
    entity: str = ""
    entity_id: str = ""
    user_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_query(filters: AuditFilters) -> Select:
    """Audit entries matching the filters, newest first (dates are site-local and inclusive)."""
    stmt = select(AuditLog)
    if filters.customer_id:
        stmt = stmt.where(AuditLog.customer_id == filters.customer_id)
    if filters.entity:
        stmt = stmt.where(AuditLog.entity == filters.entity)
    if filters.entity_id:
        stmt = stmt.where(AuditLog.entity_id == filters.entity_id)
    if filters.user_id:
        stmt = stmt.where(AuditLog.user_id == filters.user_id)
    if filters.action:
        stmt = stmt.where(AuditLog.action == filters.action)
    if filters.date_from:
        stmt = stmt.where(AuditLog.at >= local_day_start(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditLog.at < local_day_start(filters.date_to + timedelta(days=1)))
    return stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc())


def trail_for(entity: str, entity_id: str, limit: int = 20) -> list[AuditLog]:
    """The latest changes to one record."""
    return list(
        db.session.scalars(audit_query(AuditFilters(entity=entity, entity_id=entity_id)).limit(limit)).all()
    )


@dataclass
class Change:
    """One field's old and new value, readable."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """An audit entry prepared for the page."""

    log: AuditLog
    entity_label: str
    action_label: str
    record_name: str
    record_url: str | None
    changes: list[Change] = field(default_factory=list)


def _names_for(entries: Iterable[AuditLog]) -> dict[str, str]:
    """Names of every record an entry mentions (by id), looked up in one query per model."""
    wanted: dict[type, set[str]] = {}
    user_ids: set[int] = set()
    for entry in entries:
        model = REFERENCE_MODELS.get(entry.entity + "_id") or CHILD_MODELS.get(entry.entity)
        if model is not None and entry.entity_id:
            wanted.setdefault(model, set()).add(entry.entity_id)
        if entry.customer_id:
            wanted.setdefault(Customer, set()).add(entry.customer_id)
        for key, pair in (entry.changes or {}).items():
            if isinstance(pair, list):
                user_ids.update(v["user_id"] for v in pair if isinstance(v, dict) and isinstance(v.get("user_id"), int))
            model = REFERENCE_MODELS.get(key)
            if model is None or not isinstance(pair, list):
                continue
            wanted.setdefault(model, set()).update(v for v in pair if isinstance(v, str) and v)
    names: dict[str, str] = {}
    if user_ids:
        for user_id, name in db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all():
            names[f"user:{user_id}"] = name
    for model, ids in wanted.items():
        label = model.description if model is HandoverItem else model.name
        for record_id, name in db.session.execute(select(model.id, label).where(model.id.in_(ids))).all():
            names[record_id] = name
    return names


def _show(key: str, value: Any, names: dict[str, str]) -> str:
    """A stored value as people read it."""
    if value is None or value == "":
        return "—"
    if key in REFERENCE_MODELS and isinstance(value, str):
        return names.get(value, value[:8])
    if key == "category":
        return str(CATEGORY_LABELS.get(value, value))
    if key == "role":
        return str(ROLE_LABELS.get(value, value))
    if key == "kind":
        return str(CUSTOMER_KIND_LABELS.get(value) or HANDOVER_LABELS.get(value) or value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, (list, dict)):
        text = _structured(value, names) or "—"
        return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"
    if key.endswith("_at") and isinstance(value, str):
        try:
            from flask_babel import format_datetime

            return format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


# Keys a stored object is named by, best first (a checklist item, a person, an option).
NAME_KEYS = ("label", "name", "title", "description", "key")


def _scalar(value: Any) -> str:
    """One plain value inside a list or object."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _object_name(value: dict) -> str | None:
    """What a stored object is called, in the reader's language when it says it in both."""
    locale = str(get_locale() or "zh") if has_request_context() else "zh"
    for key in NAME_KEYS:
        for candidate in (f"{key}_{locale[:2]}", key, f"{key}_zh", f"{key}_en"):
            if isinstance(value.get(candidate), str) and value[candidate]:
                return value[candidate]
    return None


def _structured(value: Any, names: dict[str, str]) -> str:
    """A list or object as a sentence people read: "a; b; c" and "Field: value", never JSON.

    Objects that carry a name (checklist items, people) are listed by it; other objects by their
    fields, each under its label; ids of known records by the record's name.
    """
    if isinstance(value, list):
        return "; ".join(_structured(v, names) for v in value)
    if isinstance(value, dict):
        named = _object_name(value)
        if named is not None:
            return named
        parts = []
        for key, inner in value.items():
            label = str(FIELD_LABELS.get(key, key))
            if key in REFERENCE_MODELS and isinstance(inner, str):
                shown = names.get(inner, inner[:8])
            elif key == "user_id" and isinstance(inner, int):
                shown = names.get(f"user:{inner}", str(inner))
            elif isinstance(inner, (list, dict)):
                shown = _structured(inner, names) or "—"
            else:
                shown = _scalar(inner)
            parts.append(f"{label}: {shown}")
        return ", ".join(parts)
    return _scalar(value)


def record_url(entity: str, entity_id: str | None, customer_id: str | None) -> str | None:
    """Where the audited record is shown: its own page, else its customer's page."""
    if not has_request_context() or not entity_id:
        return None
    if entity in RECORD_PAGES:
        endpoint, arg = RECORD_PAGES[entity]
        return url_for(endpoint, **{arg: entity_id})
    if entity in CHILD_MODELS and customer_id:
        return url_for("archive.customer_detail", customer_id=customer_id)
    return None


def prepare(entries: list[AuditLog]) -> list[Entry]:
    """Entries with labels, linked records and readable old → new values."""
    names = _names_for(entries)
    prepared = []
    for log in entries:
        changes = []
        for key, pair in sorted((log.changes or {}).items()):
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            changes.append(Change(key, str(FIELD_LABELS.get(key, key)), _show(key, old, names), _show(key, new, names)))
        prepared.append(
            Entry(
                log=log,
                entity_label=str(ENTITY_LABELS.get(log.entity, log.entity)),
                action_label=str(ACTION_LABELS.get(log.action, log.action)),
                record_name=names.get(log.entity_id or "", ""),
                record_url=record_url(log.entity, log.entity_id, log.customer_id),
                changes=changes,
            )
        )
    return prepared
