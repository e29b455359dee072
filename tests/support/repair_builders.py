"""Builders for repair life-cycle and deadline tests: plain events for the pure fold, tickets in the database."""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from webapp.extensions import db
from webapp.repairs import lifecycle as lc
from webapp.repairs.models import RepairTicket
from webapp.repairs.vocabulary import Event, Fault

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
_numbers = itertools.count(1)

# Data that makes each kind of event valid, unless a test says otherwise.
DEFAULT_DATA = {
    Event.ASSIGNED: {"user_id": 7},
    Event.CLASSIFIED: {"classification": Fault.GENERAL},
    Event.ESCALATION_DECISION: {"decided_with": "vendor", "vendor_name": "海康威视技术支持", "solution": "升级固件到 V5.7.10"},
    Event.QUOTE_RECORDED: {"items": [{"name": "投影灯泡", "qty": 1, "price": "680.00"}], "amount": "680.00"},
    Event.QUOTE_APPROVED: {"approver_name": "王校长", "approved_on": "2026-03-03"},
    Event.QUOTE_DECLINED: {"approver_name": "王校长"},
    Event.RESOLVED: {"fault_found": "灯泡烧坏", "action": "更换灯泡"},
    Event.CUSTOMER_SIGNED: {"signature": "a" * 64, "opinion": "满意"},
    Event.FOLLOW_UP_RECORDED: {"result": "satisfied", "quality": 5, "attitude": 5},
    Event.REWORK_OPENED: {"reason": "投影仍然偏暗"},
}


def beijing(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """An instant given as Beijing wall-clock time."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@dataclass
class Ev:
    """An event shaped like a RepairEvent row, for the pure fold."""

    type: str
    data: dict
    received_seq: int
    received_at: datetime
    device_time: datetime | None = None
    user_id: int | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


def step(kind: str, **data) -> tuple[str, dict]:
    """A (type, data) pair with the default data for the kind, overridden by keywords."""
    return kind, {**DEFAULT_DATA.get(kind, {}), **data}


def events(*steps, start: datetime | None = None, gap: timedelta = timedelta(minutes=20), device_skew: timedelta | None = None) -> list[Ev]:
    """Events received `gap` apart from `start`; each step a kind name or a (kind, data) pair."""
    start = start or beijing(2026, 3, 2, 9, 0)
    made = []
    for i, item in enumerate(steps, start=1):
        kind, data = (item, dict(DEFAULT_DATA.get(item, {}))) if isinstance(item, str) else item
        received = start + gap * i
        device = received - timedelta(minutes=1) + (device_skew or timedelta(0))
        made.append(Ev(kind, data, i, received, device))
    return made


def fold(*steps, assignee: int | None = 7, reported_at: datetime | None = None, **kw) -> lc.TicketState:
    """The state after these steps on a ticket reported at `reported_at` (09:00 Mon 2 Mar 2026)."""
    reported_at = reported_at or beijing(2026, 3, 2, 9, 0)
    return lc.fold_events(events(*steps, start=reported_at, **kw), reported_at=reported_at,
                          initial_assignee_id=assignee, strict=True)


def make_ticket(customer, *, assigned_to=None, reported_at: datetime | None = None,
                agreed_arrival_at: datetime | None = None) -> RepairTicket:
    """A ticket as the intake makes it, reported (and received by the server) at `reported_at`."""
    reported_at = reported_at or datetime.now(UTC)
    ticket = RepairTicket(
        number=f"T{next(_numbers):05d}-{uuid.uuid4().hex[:6]}",
        customer_id=customer.id,
        description="投影仪不亮",
        location="三楼多媒体教室",
        reported_at=reported_at,
        created_at=reported_at,
        agreed_arrival_at=agreed_arrival_at,
        assigned_to_id=assigned_to.id if assigned_to is not None else None,
    )
    db.session.add(ticket)
    db.session.commit()
    return ticket
