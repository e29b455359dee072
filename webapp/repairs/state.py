"""A repair ticket's state as the life-cycle's fold builds it, and the times it is built with.

Pure data and arithmetic, no database and no rules: lifecycle.py decides which step may come
next and applies it to these.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from .vocabulary import Status

DEFAULT_TOLERANCE = timedelta(minutes=10)


class EventLike(Protocol):
    """What the fold needs from an event: a RepairEvent row, or anything shaped like one."""

    id: Any
    type: str
    data: dict
    user_id: int | None
    device_time: datetime | None
    received_at: datetime
    received_seq: int | None


# --------------------------------------------------------------------------- the state


@dataclass
class Step:
    """One applied event on the ticket's timeline, with the time used for it and why."""

    event_id: Any
    type: str
    at: datetime
    basis: str  # 'device' (the device's time was plausible) or 'server' (receipt time)
    device_time: datetime | None
    received_at: datetime
    user_id: int | None
    round: int
    data: dict


@dataclass
class RoundState:
    """What happened in one round of the repair (the first, or a rework)."""

    number: int
    started_at: datetime  # the report (round 1) or the rework_opened event
    arrived_at: datetime | None = None
    visits: int = 0
    classification: str | None = None
    classified_at: datetime | None = None
    difficult_at: datetime | None = None  # first classified difficult: starts the escalation clock
    supervisor_informed_at: datetime | None = None
    decisions: list[dict] = field(default_factory=list)
    sent_to_factory_at: datetime | None = None  # first trip: the customer's wait starts here
    returned_from_factory_at: datetime | None = None
    factory_trips: int = 0
    factory_exception: str | None = None  # "特殊情况除外": why a late return is excused
    quote: dict | None = None
    quote_status: str | None = None  # 'pending' | 'approved' | 'declined'
    quote_decided_at: datetime | None = None
    quote_decision: dict | None = None
    resolved_at: datetime | None = None
    resolution: dict | None = None
    signed_at: datetime | None = None
    signature: dict | None = None
    follow_up: str | None = None
    follow_up_at: datetime | None = None
    follow_up_data: dict | None = None
    closed_at: datetime | None = None
    filed_category: str | None = None
    rework_reason: str | None = None
    rework_ticket_id: str | None = None  # set when this round was closed into a linked rework ticket


@dataclass
class TicketState:
    """A ticket as its events say it is."""

    status: str
    reported_at: datetime
    current: RoundState
    assignee_id: int | None = None
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    previous_rounds: list[RoundState] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    skipped: list[tuple[Any, str]] = field(default_factory=list)  # (event id, why) when not strict

    @classmethod
    def initial(cls, reported_at: datetime, assignee_id: int | None = None) -> "TicketState":
        """A freshly reported ticket; 'assigned' when the intake already named a technician."""
        return cls(
            status=Status.ASSIGNED if assignee_id is not None else Status.REPORTED,
            reported_at=reported_at,
            current=RoundState(number=1, started_at=reported_at),
            assignee_id=assignee_id,
            assigned_at=reported_at if assignee_id is not None else None,
        )

    @property
    def round_number(self) -> int:
        """1 for the first repair, 2 after the first rework, and so on."""
        return self.current.number

    @property
    def is_closed(self) -> bool:
        """True once the ticket is closed and filed."""
        return self.status == Status.CLOSED

    @property
    def category(self) -> str | None:
        """The fault's classification in the current round."""
        return self.current.classification


# --------------------------------------------------------------------------- times


def aware(value: datetime | None) -> datetime | None:
    """Treat a naive timestamp as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def effective_time(event: EventLike, floor: datetime, tolerance: timedelta = DEFAULT_TOLERANCE) -> tuple[datetime, str]:
    """The time an event is taken to have happened, and whether it is the 'device' or 'server' time.

    The device's time is used when it lies between the ticket's report (`floor`) and the
    server's receipt, give or take `tolerance` for clocks a few minutes apart; it is never
    later than the receipt. Otherwise the receipt time is used.
    """
    received = aware(event.received_at)
    device = aware(event.device_time)
    if device is None:
        return received, "server"
    if aware(floor) - tolerance <= device <= received + tolerance:
        return min(device, received), "device"
    return received, "server"


def report_time(
    reported_at: datetime | None,
    created_at: datetime | None,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    max_backdate: timedelta = timedelta(days=30),
) -> tuple[datetime, str]:
    """When the fault was reported: the ticket's `reported_at` if plausible, else its server creation.

    `reported_at` is what the office typed or the device stamped (a call taken at 08:00 may be
    entered at 09:00, a technician may log a fault offline); `created_at` is the server's
    receipt. A report time after the receipt, or more than `max_backdate` before it, is a
    wrong clock: the receipt is used instead.
    """
    reported = aware(reported_at)
    created = aware(created_at)
    if created is None:
        return reported, "device"
    if reported is None:
        return created, "server"
    if created - max_backdate <= reported <= created + tolerance:
        return min(reported, created), "device"
    return created, "server"
