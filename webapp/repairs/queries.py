"""Per-ticket measures of a period, for the appraisal (考核) and the monthly report: the deadline
clocks that fell due, the follow-up calls made and the reworks someone was held responsible for.

Grouped reads: each function runs a fixed number of queries whatever the number of tickets, and
returns one row per ticket (or per event) with the technician it counts for, so a caller groups
them by person or by school as it likes.

Which period a measure counts in:
- a deadline clock in the period its due time falls in (deadlines.py computes it, on the
  working calendar for a factory return); a clock still running past its due time is missed;
- a follow-up call or a rework in the period the office recorded it (server time).
A clock counts for the technician assigned to the ticket; a follow-up for the ticket's
technician; a rework for the person named responsible in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..workcal.services import WorkCalendar
from .deadlines import BREACHED, FACTORY_RETURN, MET, Clock, DeadlineSettings, ticket_clocks
from .events import RepairEvent, load_events_of, ticket_state
from .models import RepairTicket
from .step_data import as_int
from .vocabulary import Event

# A factory-return clock due in the period started at most this long before it (10 working
# days across the longest holiday fit well inside).
LOOKBACK = timedelta(days=60)
# Every other clock falls due by the end of the day it starts (the report, a rework's round, a
# difficult classification) or of the agreed arrival: it started at most this long before.
SAME_DAY = timedelta(days=2)


@dataclass
class ClockMeasure:
    """One deadline clock of a ticket that fell due in the period."""

    ticket: RepairTicket
    clock: Clock
    technician_id: int | None

    @property
    def met(self) -> bool:
        """Ended by its due time."""
        return self.clock.state == MET

    @property
    def excused(self) -> bool:
        """A late factory return with the special circumstance noted (特殊情况除外)."""
        return self.clock.key == FACTORY_RETURN and self.clock.state == BREACHED and bool(self.clock.exception)


def clocks_due(start: datetime, end: datetime, *, now: datetime | None = None, cal: WorkCalendar | None = None,
               settings: DeadlineSettings | None = None) -> list[ClockMeasure]:
    """Every deadline clock due in [start, end), with the technician assigned; two queries.

    Only tickets that can have one are folded: reported (or agreed to be visited) from just
    before the period, or with a step that starts a clock since then (a factory trip within
    LOOKBACK). A step's time is never later than its receipt, so receipt times bound them."""
    cal = cal or WorkCalendar()
    settings = settings or DeadlineSettings.from_config()
    near = start - SAME_DAY - settings.agreed_grace
    started_since = select(RepairEvent.id).where(
        RepairEvent.ticket_id == RepairTicket.id,
        or_(and_(RepairEvent.type == Event.SENT_TO_FACTORY, RepairEvent.received_at >= start - LOOKBACK),
            and_(RepairEvent.type.in_((Event.CLASSIFIED, Event.REWORK_OPENED)), RepairEvent.received_at >= near)),
    ).exists()
    tickets = list(db.session.scalars(
        select(RepairTicket).where(
            RepairTicket.deleted_at.is_(None), RepairTicket.reported_at < end,
            or_(RepairTicket.reported_at >= near, RepairTicket.created_at >= near,
                RepairTicket.agreed_arrival_at >= near, started_since),
        ).options(selectinload(RepairTicket.customer)).order_by(RepairTicket.number)
    ))
    events = load_events_of([t.id for t in tickets])
    out = []
    for ticket in tickets:
        state = ticket_state(ticket, events[ticket.id])
        for clock in ticket_clocks(ticket, state=state, now=now, cal=cal, settings=settings):
            if start <= clock.due_at < end:
                out.append(ClockMeasure(ticket, clock, state.assignee_id))
    return out


@dataclass
class FollowUpCall:
    """One follow-up call (回访) recorded in the period."""

    ticket: RepairTicket
    event: RepairEvent
    technician_id: int | None

    @property
    def quality(self) -> int | None:
        """Repair quality, 1 (very poor) to 5 (very good)."""
        return as_int((self.event.data or {}).get("quality"))

    @property
    def attitude(self) -> int | None:
        """Service attitude, 1 to 5."""
        return as_int((self.event.data or {}).get("attitude"))

    @property
    def satisfied(self) -> bool:
        """The customer said they were satisfied."""
        return (self.event.data or {}).get("result") == "satisfied"


def follow_up_calls(start: datetime, end: datetime) -> list[FollowUpCall]:
    """Follow-up calls recorded in [start, end), each for the ticket's technician; one query."""
    rows = db.session.execute(
        select(RepairEvent, RepairTicket).join(RepairTicket, RepairTicket.id == RepairEvent.ticket_id)
        .where(RepairEvent.type == Event.FOLLOW_UP_RECORDED, RepairEvent.received_at >= start,
               RepairEvent.received_at < end, RepairTicket.deleted_at.is_(None))
        .options(selectinload(RepairTicket.customer)).order_by(RepairEvent.received_seq)
    ).all()
    return [FollowUpCall(ticket, event, ticket.assigned_to_id) for event, ticket in rows]


@dataclass
class Rework:
    """A repair done again, and who was held responsible for it."""

    ticket: RepairTicket
    event: RepairEvent
    responsible_id: int | None

    @property
    def reason(self) -> str:
        """Why the repair is done again."""
        return str((self.event.data or {}).get("reason") or "")


def reworks(start: datetime, end: datetime) -> list[Rework]:
    """Reworks opened in [start, end) that name the technician held responsible; one query."""
    rows = db.session.execute(
        select(RepairEvent, RepairTicket).join(RepairTicket, RepairTicket.id == RepairEvent.ticket_id)
        .where(RepairEvent.type == Event.REWORK_OPENED, RepairEvent.received_at >= start,
               RepairEvent.received_at < end, RepairTicket.deleted_at.is_(None))
        .options(selectinload(RepairTicket.customer)).order_by(RepairEvent.received_seq)
    ).all()
    out = [Rework(ticket, event, as_int((event.data or {}).get("responsible_user_id"))) for event, ticket in rows]
    return [r for r in out if r.responsible_id is not None]
