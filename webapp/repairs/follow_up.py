"""Follow-up calls (回访): which signed repairs the office calls back, and what a call records.

Every repair whose customer signed as not satisfied is called; of the others a fixed share
(FOLLOW_UP_SAMPLE_RATE), chosen by the ticket's id so the same ticket is always in or out.
A satisfied call closes and files the ticket; an unsatisfied one opens a linked rework ticket.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..extensions import db
from .events import RepairEvent, load_events_of, record_event, ticket_state
from .models import RepairTicket
from .services import open_rework
from .vocabulary import Event, Status


def sample_value(ticket_id: str) -> float:
    """A number in [0, 1) fixed by the ticket's id: the same ticket is always in or out of a sample."""
    digest = hashlib.sha256(f"follow-up:{ticket_id}".encode()).hexdigest()
    return int(digest[:8], 16) / 0x100000000


def follow_up_rate() -> float:
    """The share of repairs the office calls back (FOLLOW_UP_SAMPLE_RATE, 0..1)."""
    rate = float(current_app.config.get("FOLLOW_UP_SAMPLE_RATE", 0.3)) if has_app_context() else 0.3
    return min(max(rate, 0.0), 1.0)


def in_follow_up_sample(ticket: RepairTicket, rate: float | None = None) -> bool:
    """True when the ticket falls in the follow-up sample (deterministic per ticket)."""
    return sample_value(ticket.id) < (follow_up_rate() if rate is None else rate)


def customer_unhappy(state) -> bool:
    """True when the customer signed the current round's repair form as not satisfied."""
    signed = state.current.signature or {}
    return signed.get("satisfaction") == "not_satisfied"


@dataclass
class FollowUpRow:
    """A signed repair on the office's follow-up list."""

    ticket: RepairTicket
    state: Any
    unhappy: bool
    sampled: bool


def follow_up_list(rate: float | None = None) -> tuple[list[FollowUpRow], list[FollowUpRow]]:
    """Signed repairs waiting for the office: (to call back, not sampled — close and file).

    To call: every repair whose customer signed as not satisfied, plus the sampled share of
    the others (FOLLOW_UP_SAMPLE_RATE). Unhappy customers first, then oldest signature first.
    """
    tickets = list(db.session.scalars(
        select(RepairTicket).where(RepairTicket.status == Status.SIGNED, RepairTicket.deleted_at.is_(None))
        .options(selectinload(RepairTicket.customer), selectinload(RepairTicket.device))
    ))
    events = load_events_of([t.id for t in tickets])
    to_call, others = [], []
    for ticket in tickets:
        state = ticket_state(ticket, events[ticket.id])
        row = FollowUpRow(ticket, state, customer_unhappy(state), in_follow_up_sample(ticket, rate))
        (to_call if row.unhappy or row.sampled else others).append(row)
    signed_at = lambda r: (r.state.current.signed_at or r.ticket.reported_at)  # noqa: E731
    to_call.sort(key=lambda r: (not r.unhappy, signed_at(r), r.ticket.number))
    others.sort(key=lambda r: (signed_at(r), r.ticket.number))
    return to_call, others


def recent_follow_ups(limit: int = 20) -> list[tuple[Any, RepairTicket]]:
    """The latest recorded follow-up calls with their tickets, newest first."""
    rows = db.session.execute(
        select(RepairEvent, RepairTicket)
        .join(RepairTicket, RepairTicket.id == RepairEvent.ticket_id)
        .options(selectinload(RepairTicket.customer), selectinload(RepairTicket.device))
        .where(RepairEvent.type == Event.FOLLOW_UP_RECORDED)
        .order_by(RepairEvent.received_seq.desc())
        .limit(limit)
    ).all()
    return [(e, t) for e, t in rows]


def record_follow_up(
    ticket: RepairTicket,
    office: User,
    *,
    quality: int,
    attitude: int,
    result: str,
    reason: str = "",
    notes: str = "",
    responsible: User | None = None,
    assignee: User | None = None,
) -> RepairTicket | None:
    """Record a follow-up call (回访): satisfied → closed and filed by category; not satisfied →
    the reason, the technician held responsible and a linked rework ticket (returned)."""
    data: dict[str, Any] = {"result": result, "quality": quality, "attitude": attitude}
    if reason.strip():
        data["reason"] = reason.strip()
    if notes.strip():
        data["notes"] = notes.strip()
    if responsible is not None:
        data["responsible_user_id"] = responsible.id
    record_event(ticket, Event.FOLLOW_UP_RECORDED, data, office)
    if result == "satisfied":
        record_event(ticket, Event.CLOSED, {}, office)
        return None
    return open_rework(ticket, office, reason, responsible=responsible, assignee=assignee)
