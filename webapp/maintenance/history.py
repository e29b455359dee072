"""Patrol and maintenance sheets in the archive's history (customer, cabinet and device pages).

A sheet filled for the whole site belongs to every cabinet and device there; one filled for a
cabinet to the cabinet and its devices; one filled for a device to that device.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, union

from ..archive.models import Device
from ..extensions import db
from ..history import HistoryItem, HistorySection, register_section, url_if_exists
from .labels import ACTIVITY_LABELS, INSPECTION_STATE_LABELS
from .models import Inspection

LIMIT = 100
STATE_CLASSES = {"accepted": "tag-ok", "has_issues": "tag-bad", "received": "tag-warn", "submitted": "tag-warn"}


def _items(stmt) -> list[HistoryItem]:
    """Handed-in sheets as history lines, newest first."""
    sheets = db.session.scalars(
        stmt.where(Inspection.state != "draft", Inspection.deleted_at.is_(None))
        .order_by(Inspection.finished_at.desc(), Inspection.id).limit(LIMIT)
    ).all()
    items = []
    for sheet in sheets:
        details = []
        if sheet.flagged_count:
            details.append(_("%(n)s findings", n=sheet.flagged_count))
        if sheet.score is not None:
            details.append(_("Score %(score)s%%", score=f"{sheet.score:g}"))
        if sheet.signed_at:
            details.append(_("Signed by %(name)s", name=sheet.signer_name))
        else:
            details.append(_("Not signed yet"))
        if sheet.document_id:
            details.append(_("PDF filed"))
        title = f"{sheet.template.name_zh if sheet.template else ''} · {ACTIVITY_LABELS.get(sheet.activity, sheet.activity)}"
        items.append(HistoryItem(
            at=sheet.finished_at or sheet.created_at,
            title=title,
            url=url_if_exists("maintenance.sheet_detail", sheet_id=sheet.id),
            tag=str(INSPECTION_STATE_LABELS.get(sheet.state, sheet.state)),
            tag_class=STATE_CLASSES.get(sheet.state, ""),
            detail=" · ".join(details),
        ))
    return items


def _section(items: list[HistoryItem]) -> HistorySection:
    """The patrols section with its items."""
    return HistorySection("patrols", _("Patrols and maintenance"), items,
                          _("No patrol or maintenance sheets filed yet."))


def _site_wide(customer_id: str, site_id: str | None):
    """Sheets filled for the whole site (or the whole school) a record sits at."""
    condition = and_(Inspection.customer_id == customer_id, Inspection.cabinet_id.is_(None),
                     Inspection.device_id.is_(None))
    if site_id:
        condition = and_(condition, or_(Inspection.site_id.is_(None), Inspection.site_id == site_id))
    return condition


def sheets_of_customer(customer: Any, user: Any) -> HistorySection:
    """Every sheet of a customer."""
    return _section(_items(select(Inspection).where(Inspection.customer_id == customer.id)))


def sheets_of_cabinet(cabinet: Any, user: Any) -> HistorySection:
    """Sheets for the cabinet, for its devices, and for the whole site it stands at."""
    device_ids = select(Device.id).where(Device.cabinet_id == cabinet.id)
    # indexed lookups joined by a UNION: an OR across the columns reads every sheet
    ids = union(
        select(Inspection.id).where(Inspection.cabinet_id == cabinet.id),
        select(Inspection.id).where(Inspection.device_id.in_(device_ids)),
        select(Inspection.id).where(_site_wide(cabinet.customer_id, cabinet.site_id)),
    )
    return _section(_items(select(Inspection).where(Inspection.id.in_(ids))))


def sheets_of_device(device: Any, user: Any) -> HistorySection:
    """Sheets for the device, for its cabinet, and for the whole site it is at."""
    site_id = device.cabinet.site_id if device.cabinet is not None else None
    conditions = [Inspection.device_id == device.id, _site_wide(device.customer_id, site_id)]
    if device.cabinet_id:
        conditions.append(Inspection.cabinet_id == device.cabinet_id)
    return _section(_items(select(Inspection).where(or_(*conditions))))


def register_history() -> None:
    """Show patrol and maintenance sheets in the history of customers, cabinets and devices."""
    register_section("customer", "patrols", sheets_of_customer)
    register_section("cabinet", "patrols", sheets_of_cabinet)
    register_section("device", "patrols", sheets_of_device)
