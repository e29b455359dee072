"""Articles and difficult repair tickets: one tap writes a draft from a resolved difficult
ticket (prefilled from what was reported, found, caused and done), and a ticket classified as
a difficult fault is offered the articles that match it.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..auth.permissions import get_visible
from ..documents.models import Photo
from ..errors import DomainError
from ..extensions import db
from ..repairs.events import ticket_state
from ..repairs.models import RepairTicket
from ..repairs.state import TicketState
from ..repairs.step_data import parts_bill
from ..repairs.vocabulary import Fault
from . import search, tokens
from .models import Article
from .scope import applies
from .services import articles_written_from, draft_article, register_source

PHOTO_KIND = "repair_ticket"  # photos taken on a ticket are attached to it under this kind
SUGGESTIONS = 5


def is_difficult(ticket: RepairTicket) -> bool:
    """The ticket was classified (or filed) as a difficult fault."""
    return Fault.DIFFICULT in (ticket.category, ticket.filed_category)


def resolution_of(state: TicketState) -> dict | None:
    """The repair form of the latest round that was resolved."""
    for rnd in [state.current, *reversed(state.previous_rounds)]:
        if rnd.resolution is not None:
            return rnd.resolution
    return None


def decisions_of(state: TicketState) -> list[dict]:
    """The solutions the supervisor decided with colleagues or a vendor, in every round."""
    return [d for rnd in [*state.previous_rounds, state.current] for d in rnd.decisions]


def can_write_from(ticket: RepairTicket, state: TicketState | None = None) -> bool:
    """A difficult ticket that has been resolved may become an article."""
    return is_difficult(ticket) and resolution_of(state or ticket_state(ticket)) is not None


def fields_from_ticket(ticket: RepairTicket, state: TicketState) -> dict:
    """The draft's content, taken from the ticket (the writer then tidies it)."""
    form = resolution_of(state) or {}
    device = ticket.device
    first_line = (ticket.description or "").strip().splitlines()[0][:80] if ticket.description.strip() else ""
    title = f"{device.model}：{first_line}" if device is not None and device.model else first_line
    symptoms = "\n".join(t for t in ((ticket.description or "").strip(), str(form.get("fault_found") or "").strip()) if t)
    steps = [str(d.get("solution") or "").strip() for d in decisions_of(state) if str(d.get("solution") or "").strip()]
    bill = parts_bill(form.get("parts"))
    used = "；".join(p for p in ([f"{line['name']} ×{line['qty']}" for line in bill["lines"]] if bill else [])
                    + [str(form.get("parts_used") or "").strip()] if p)
    if used:
        steps.append(_("Parts used: %(parts)s", parts=used))
    photos = list(db.session.scalars(
        select(Photo.image_sha256).where(Photo.document_kind == PHOTO_KIND, Photo.document_id == ticket.id,
                                         Photo.deleted_at.is_(None)).order_by(Photo.created_at)
    ))
    return {
        "title": title[:200] or ticket.number,
        "symptoms": symptoms[:4000],
        "cause": str(form.get("cause") or "").strip()[:4000],
        "solution": str(form.get("action") or "").strip()[:4000],
        "steps": [s[:500] for s in steps][:30],
        "device_category": device.category if device is not None else "",
        "brand": (device.brand if device is not None else "")[:100],
        "models": [device.model] if device is not None and device.model else [],
        "software_versions": [device.software_version] if device is not None and device.software_version else [],
        "photos": photos[:12],
    }


def article_from_ticket(user: User, ticket_id: str) -> Article:
    """One tap on a resolved difficult ticket: a draft article prefilled from it."""
    ticket = get_visible(RepairTicket, ticket_id, user, include_deleted=False)
    state = ticket_state(ticket)
    if not can_write_from(ticket, state):
        raise DomainError(_("Articles are written from resolved difficult faults; this ticket is not one yet."),
                          code="kb_not_difficult",
                          details={"ticket_id": ticket.id, "category": ticket.category, "status": ticket.status})
    return draft_article("repair_ticket", ticket.id, fields_from_ticket(ticket, state), user, source_label=ticket.number)


def articles_from(ticket: RepairTicket) -> list[Article]:
    """The articles written from a ticket."""
    return articles_written_from("repair_ticket", [ticket.id])[ticket.id]


def ticket_text(ticket: RepairTicket, state: TicketState | None = None) -> str:
    """What a ticket says about its fault: the query its suggestions are found with."""
    form = resolution_of(state) if state is not None else None
    parts = [ticket.description or ""]
    if form:
        parts += [str(form.get("fault_found") or ""), str(form.get("cause") or "")]
    return "\n".join(p for p in parts if p)


def suggestions(ticket: RepairTicket, state: TicketState | None = None, limit: int = SUGGESTIONS) -> list[Article]:
    """Published articles for a difficult ticket: matching its text, those about its device first."""
    if not is_difficult(ticket):
        return []
    boost = float(tokens.RULES["applies_boost"])
    hits = search.search(ticket_text(ticket, state), limit=50)
    scored = [(h.score * (boost if ticket.device is not None and applies(h.article, ticket.device) else 1.0), h.article)
              for h in hits]
    scored.sort(key=lambda pair: (-pair[0], pair[1].title, pair[1].id))
    return [article for _score, article in scored[:limit]]


register_source("repair_ticket", lambda user, ticket_id: get_visible(RepairTicket, ticket_id, user).number)
