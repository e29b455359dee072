"""Filed documents in the archive's history: the "documents" section of customer and device pages.

Registered by the app factory (`register_history`), like the other features' sections.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..history import HistoryItem, HistorySection, register_section, url_if_exists
from ..extensions import db
from .models import Document

LIMIT = 100


def _document_items(stmt) -> list[HistoryItem]:
    """Documents as history lines, newest first."""
    docs = db.session.scalars(
        stmt.where(Document.deleted_at.is_(None)).order_by(Document.created_at.desc()).limit(LIMIT)
    ).all()
    tags = {"repair_form": _("Signed repair form"), "repair_quote": _("Signed quote"),
            "inspection_sheet": _("Signed patrol sheet"),
            "project_entry_review": _("Site-entry review"), "project_training": _("Operator training"),
            "project_external_acceptance": _("External acceptance"), "project_report": _("Completion report"),
            "project_handover": _("Hand-over receipt")}
    return [
        HistoryItem(
            at=d.created_at, title=d.title, url=url_if_exists("repairs.document_file", document_id=d.id),
            tag=tags.get(d.kind, d.kind), tag_class="tag-ok", detail=f"SHA-256 {d.sha256[:16]}…",
        )
        for d in docs
    ]


def documents_of_customer(customer: Any, user: Any) -> HistorySection:
    """Every document filed for a customer."""
    items = _document_items(select(Document).where(Document.customer_id == customer.id))
    return HistorySection("documents", _("Documents"), items, _("No signed documents filed yet."))


def documents_of_device(device: Any, user: Any) -> HistorySection:
    """Documents filed about one device (its signed repair forms and sheets)."""
    items = _document_items(select(Document).where(Document.device_id == device.id))
    return HistorySection("documents", _("Documents"), items, _("No signed documents filed yet."))


def register_history() -> None:
    """Show filed documents in the history of customers and devices."""
    register_section("customer", "documents", documents_of_customer)
    register_section("device", "documents", documents_of_device)
