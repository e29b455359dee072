"""Every deadline clock of a repair ticket (DOMAIN.md's table), computed from its events — never stored.

| clock          | starts                         | ends                          | due                                   |
|----------------|--------------------------------|-------------------------------|---------------------------------------|
| arrival        | repair reported (or rework)    | first `arrived`               | end of that calendar day, site zone;  |
|                |                                |                               | or the agreed time (+ grace)          |
| general_fix    | repair reported (or rework)    | `resolved`                    | end of the report's day (of the       |
|                |                                |                               | agreed arrival's day if one was set)  |
| escalation     | first `classified` difficult   | first `supervisor_informed`   | end of that day                       |
| factory_return | first `sent_to_factory`        | `resolved` (back and working) | end of the 10th working day after the |
|                |                                |                               | day sent (workcal: holidays skipped,  |
|                |                                |                               | make-up days counted)                 |

Each clock is `ok`, `at_risk` (the last `DEADLINE_AT_RISK_HOURS` before a same-day deadline,
the last `DEADLINE_AT_RISK_WORKING_DAYS` working days of the factory return), `breached`
(past due, running or ended late) or `met`. "Day" is the calendar day in the site's zone
(Asia/Shanghai), not UTC: a fault reported at 07:30 in Beijing is 23:30 UTC the day before.

Which clock times are used, and why:
- The *start* of the arrival and general-fix clocks is the ticket's report time: `reported_at`
  (what the office typed, or the device stamped for a fault logged offline) when it lies
  within `REPORT_MAX_BACKDATE_DAYS` before the server created the ticket and not after it;
  otherwise the server's creation time.
- Every other start and every *end* is an event's time: the device's time when plausible
  (not before the report, not after the server received it, give or take
  `DEVICE_CLOCK_TOLERANCE_MINUTES`), because technicians work offline and a sync hours later
  must not count as a late arrival; otherwise the server's receipt time, because a device clock
  claiming the future or a time before the report is wrong (a tablet a year off) and the
  server's clock is the trusted one. Each clock says which it used (`start_basis`, `end_basis`).
- Running clocks are judged against the server's now, never a device's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..clock import DEFAULT_ZONE, site_zone, utcnow
from ..extensions import db
from ..workcal.services import WorkCalendar, calendar_warning
from . import lifecycle as lc
from .events import RepairEvent, ticket_report_time, ticket_state
from .models import RepairTicket
from .vocabulary import Event, Fault, Status

ARRIVAL = "arrival"
GENERAL_FIX = "general_fix"
ESCALATION = "escalation"
FACTORY_RETURN = "factory_return"
CLOCK_LABELS = {
    ARRIVAL: _l("Arrival on site"),
    GENERAL_FIX: _l("Same-day fix"),
    ESCALATION: _l("Supervisor told the same day"),
    FACTORY_RETURN: _l("Back from the factory"),
}
OK = "ok"
AT_RISK = "at_risk"
BREACHED = "breached"
MET = "met"
CLOCK_STATE_LABELS = {
    OK: _l("On time"),
    AT_RISK: _l("At risk"),
    BREACHED: _l("Overdue"),
    MET: _l("Met"),
}


@dataclass(frozen=True)
class DeadlineSettings:
    """The knobs of the clocks (config.py: DEADLINE_*, FACTORY_RETURN_WORKING_DAYS, ...)."""

    zone: ZoneInfo = ZoneInfo(DEFAULT_ZONE)
    at_risk_hours: float = 2
    at_risk_working_days: int = 2
    factory_working_days: int = 10
    agreed_grace: timedelta = timedelta(0)

    @classmethod
    def from_config(cls) -> "DeadlineSettings":
        """Read the settings of the running app (defaults outside one)."""
        if not has_app_context():
            return cls()
        c = current_app.config
        return cls(
            zone=site_zone(),
            at_risk_hours=float(c.get("DEADLINE_AT_RISK_HOURS", 2)),
            at_risk_working_days=int(c.get("DEADLINE_AT_RISK_WORKING_DAYS", 2)),
            factory_working_days=int(c.get("FACTORY_RETURN_WORKING_DAYS", 10)),
            agreed_grace=timedelta(minutes=int(c.get("AGREED_ARRIVAL_GRACE_MINUTES", 0))),
        )


@dataclass
class Clock:
    """One deadline of one ticket: where it stands, when it is due, what it relied on."""

    key: str
    state: str
    round: int
    started_at: datetime
    due_at: datetime
    at_risk_from: datetime
    ended_at: datetime | None = None
    start_basis: str = "server"  # 'device' or 'server': whose clock gave the start
    end_basis: str | None = None
    agreed: bool = False  # arrival: due at the time agreed with the customer
    exception: str | None = None  # factory return: the noted special circumstance
    assumed_years: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """The clock's name for people."""
        return str(CLOCK_LABELS[self.key])

    @property
    def state_label(self) -> str:
        """The clock's state for people."""
        return str(CLOCK_STATE_LABELS[self.state])

    @property
    def running(self) -> bool:
        """True while the clock has not stopped."""
        return self.ended_at is None

    @property
    def calendar_warning(self) -> str | None:
        """A warning when the due date rests on a year whose calendar was assumed."""
        return calendar_warning(self.assumed_years)


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an instant in the site's zone."""
    return instant.astimezone(zone).date()


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight at the start of a day, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The last instant of a local day (23:59:59.999999), as a UTC instant."""
    return datetime.combine(day, time(23, 59, 59, 999999), tzinfo=zone).astimezone(timezone.utc)


def judge(due_at: datetime, at_risk_from: datetime, ended_at: datetime | None, now: datetime) -> str:
    """ok / at_risk / breached / met for a clock."""
    if ended_at is not None:
        return MET if ended_at <= due_at else BREACHED
    if now > due_at:
        return BREACHED
    if now >= at_risk_from:
        return AT_RISK
    return OK


def _basis(state: lc.TicketState, event_type: str, at: datetime | None) -> str | None:
    """Whose clock gave the time of the current round's event of this type at this instant."""
    if at is None:
        return None
    for step in state.steps:
        if step.round == state.round_number and step.type == event_type and step.at == at:
            return step.basis
    return "server"


def clocks_for_state(
    state: lc.TicketState,
    *,
    agreed_arrival_at: datetime | None = None,
    report_basis: str = "server",
    now: datetime | None = None,
    cal: WorkCalendar | None = None,
    settings: DeadlineSettings | None = None,
) -> list[Clock]:
    """The clocks of the ticket's current round (pure, given a calendar)."""
    settings = settings or DeadlineSettings()
    now = now or utcnow()
    zone = settings.zone
    cur = state.current
    risk = timedelta(hours=settings.at_risk_hours)
    start = cur.started_at
    start_basis = report_basis if cur.number == 1 else _basis(state, Event.REWORK_OPENED, start) or "server"
    clocks: list[Clock] = []

    def add(key: str, started: datetime, due: datetime, at_risk_from: datetime, ended: datetime | None,
            end_type: str, s_basis: str, **extra) -> None:
        at_risk_from = max(started, at_risk_from)
        clocks.append(Clock(
            key=key, state=judge(due, at_risk_from, ended, now), round=cur.number,
            started_at=started, due_at=due, at_risk_from=at_risk_from, ended_at=ended,
            start_basis=s_basis, end_basis=_basis(state, end_type, ended), **extra,
        ))

    agreed = agreed_arrival_at if agreed_arrival_at is not None and (cur.number == 1 or agreed_arrival_at >= start) else None
    if agreed is not None:
        due = agreed + settings.agreed_grace
        add(ARRIVAL, start, due, agreed - risk, cur.arrived_at, Event.ARRIVED, start_basis, agreed=True)
    else:
        due = end_of_day(local_day(start, zone), zone)
        add(ARRIVAL, start, due, due - risk, cur.arrived_at, Event.ARRIVED, start_basis)

    if cur.classification == Fault.GENERAL:
        fix_day = local_day(agreed if agreed is not None else start, zone)
        due = end_of_day(fix_day, zone)
        add(GENERAL_FIX, start, due, due - risk, cur.resolved_at, Event.RESOLVED, start_basis)

    if cur.difficult_at is not None:
        due = end_of_day(local_day(cur.difficult_at, zone), zone)
        add(ESCALATION, cur.difficult_at, due, due - risk, cur.supervisor_informed_at,
            Event.SUPERVISOR_INFORMED, _basis(state, Event.CLASSIFIED, cur.difficult_at) or "server")

    if cur.sent_to_factory_at is not None:
        cal = cal or WorkCalendar()
        sent_day = local_day(cur.sent_to_factory_at, zone)
        limit = settings.factory_working_days
        due_day = cal.add_working_days(sent_day, limit)
        years = set(due_day.assumed_years)
        safe_days = limit - settings.at_risk_working_days
        if safe_days > 0:
            last_safe = cal.add_working_days(sent_day, safe_days)
            years |= set(last_safe.assumed_years)
            at_risk_from = start_of_day(last_safe.value + timedelta(days=1), zone)
        else:
            at_risk_from = cur.sent_to_factory_at
        add(FACTORY_RETURN, cur.sent_to_factory_at, end_of_day(due_day.value, zone), at_risk_from,
            cur.resolved_at, Event.RESOLVED, _basis(state, Event.SENT_TO_FACTORY, cur.sent_to_factory_at) or "server",
            exception=cur.factory_exception, assumed_years=tuple(sorted(years)))
    return clocks


def ticket_clocks(
    ticket: RepairTicket,
    *,
    events: list[RepairEvent] | None = None,
    state: lc.TicketState | None = None,
    now: datetime | None = None,
    cal: WorkCalendar | None = None,
    settings: DeadlineSettings | None = None,
) -> list[Clock]:
    """The clocks of a ticket (its current round), from its events and the working calendar."""
    state = state or ticket_state(ticket, events)
    _reported, basis = ticket_report_time(ticket)
    return clocks_for_state(
        state,
        agreed_arrival_at=ticket.agreed_arrival_at,
        report_basis=basis,
        now=now,
        cal=cal,
        settings=settings or DeadlineSettings.from_config(),
    )


def assumed_years(clocks: list[Clock]) -> tuple[int, ...]:
    """Every year some clock's due date assumed (for one warning on a page)."""
    return tuple(sorted({y for c in clocks for y in c.assumed_years}))


def worst_state(clocks: list[Clock]) -> str:
    """The most pressing state among clocks: breached, at risk, ok, met."""
    order = [BREACHED, AT_RISK, OK, MET]
    states = {c.state for c in clocks}
    return next((s for s in order if s in states), MET)


@dataclass
class BoardRow:
    """One ticket on the supervisor's board, with the clocks that need attention."""

    ticket: RepairTicket
    state: lc.TicketState
    clocks: list[Clock]

    @property
    def worst(self) -> str:
        """breached or at_risk."""
        return worst_state(self.clocks)


@dataclass
class Board:
    """The supervisor's board: open tickets with clocks at risk or breached."""

    rows: list[BoardRow] = field(default_factory=list)
    assumed_years: tuple[int, ...] = ()

    @property
    def breached(self) -> list[BoardRow]:
        """Rows with a breached clock."""
        return [r for r in self.rows if r.worst == BREACHED]

    @property
    def at_risk(self) -> list[BoardRow]:
        """Rows at risk and not breached."""
        return [r for r in self.rows if r.worst == AT_RISK]

    @property
    def calendar_warning(self) -> str | None:
        """A warning when any due date on the board assumed a year's calendar."""
        return calendar_warning(self.assumed_years)


def supervisor_board(
    now: datetime | None = None,
    *,
    include_ended: bool = False,
    cal: WorkCalendar | None = None,
    settings: DeadlineSettings | None = None,
    shown: bool = True,
) -> Board:
    """Open tickets whose running clocks are at risk or breached, most overdue first.

    `shown`: the rows are displayed, so each ticket's school, device and technician are loaded
    with them (False when only the counts are wanted, as on the office home).

    `include_ended` also lists clocks that already stopped late (an arrival after the
    deadline on a ticket still open), for appraisal rather than action.
    """
    now = now or utcnow()
    cal = cal or WorkCalendar()
    settings = settings or DeadlineSettings.from_config()
    # the board shows each ticket's school, device and technician: loaded with the tickets in
    # three statements, not one lazy load per row
    stmt = select(RepairTicket).where(RepairTicket.deleted_at.is_(None), RepairTicket.status != Status.CLOSED)
    if shown:
        stmt = stmt.options(selectinload(RepairTicket.customer), selectinload(RepairTicket.device),
                            selectinload(RepairTicket.assigned_to))
    tickets = list(db.session.scalars(stmt))
    by_ticket: dict[str, list[RepairEvent]] = {t.id: [] for t in tickets}
    if tickets:
        for event in db.session.scalars(
            select(RepairEvent).where(RepairEvent.ticket_id.in_(list(by_ticket))).order_by(RepairEvent.received_seq)
        ):
            by_ticket[event.ticket_id].append(event)
    rows: list[BoardRow] = []
    years: set[int] = set()
    for ticket in tickets:
        state = ticket_state(ticket, by_ticket[ticket.id])
        if state.is_closed:
            continue
        clocks = ticket_clocks(ticket, state=state, now=now, cal=cal, settings=settings)
        flagged = [
            c for c in clocks
            if c.state in (AT_RISK, BREACHED) and (c.running or include_ended)
        ]
        if flagged:
            rows.append(BoardRow(ticket, state, flagged))
            years |= set(assumed_years(flagged))
    rows.sort(key=lambda r: (r.worst != BREACHED, min(c.due_at for c in r.clocks), r.ticket.number))
    return Board(rows, tuple(sorted(years)))
