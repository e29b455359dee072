"""Who is told what about a repair ticket, and when.

- assignment (intake, reassignment, a rework ticket, a ticket from a QR label or from another
  person's patrol finding): the technician;
- a fault classified difficult: every supervisor, at once (same transaction as the step, so the
  escalation clock's "report to the supervisor the same day" starts with them knowing);
- a quote recorded: the office and the technician, who get the customer's approval;
- a customer who signed as not satisfied: the office (the follow-up call is due for certain);
- a rework opened: the supervisors, who follow it to the end;
- deadlines approaching and breached: `check_deadlines()`, run by `flask check-deadlines` from
  a timer; one notification per clock state change (at risk, then overdue), however often it runs.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import Role, User
from ..clock import utcnow
from ..extensions import db
from ..notifications.services import notify_each, users_with_role
from ..workcal.services import WorkCalendar
from . import deadlines as dl
from . import lifecycle as lc
from .events import RepairEvent, after_record
from .models import RepairTicket
from .vocabulary import Event, Fault, Status


def _user(user_id) -> User | None:
    """A user by id (None for no id)."""
    return db.session.get(User, user_id) if user_id is not None else None


def _where(ticket: RepairTicket) -> str:
    """The school (and device) of a ticket, for a message."""
    parts = [ticket.customer.name if ticket.customer else ""]
    if ticket.device is not None:
        parts.append(ticket.device.name)
    return " · ".join(p for p in parts if p)


def announce_assignment(ticket: RepairTicket, user: User | None) -> None:
    """Tell a technician a ticket is theirs."""
    if user is None:
        return
    notify_each([user], "assigned", ticket, lambda: _(
        "Repair ticket %(number)s is assigned to you: %(where)s — %(what)s",
        number=ticket.number, where=_where(ticket), what=ticket.description[:120]))


def announce_new_ticket(ticket: RepairTicket, reporter: User | None = None) -> None:
    """A ticket created already assigned (QR label, patrol finding): tell its technician, unless they reported it."""
    assignee = _user(ticket.assigned_to_id)
    if assignee is not None and assignee != reporter:
        announce_assignment(ticket, assignee)


def _on_step(ticket: RepairTicket, event: RepairEvent, before: lc.TicketState, after: lc.TicketState) -> None:
    """Notifications that follow from one recorded step."""
    t, data = event.type, event.data or {}
    if t == Event.ASSIGNED and after.assignee_id not in (None, before.assignee_id, event.user_id):
        announce_assignment(ticket, _user(after.assignee_id))
    elif t == Event.CLASSIFIED and data.get("classification") == Fault.DIFFICULT and before.current.classification != Fault.DIFFICULT:
        who = _user(event.user_id)
        notify_each(users_with_role(Role.SUPERVISOR), "escalated", ticket, lambda: _(
            "Difficult fault on %(number)s (%(where)s), reported by %(who)s: decide the solution today.",
            number=ticket.number, where=_where(ticket), who=who.display_name if who else "—"))
    elif t == Event.QUOTE_RECORDED:
        people = users_with_role(Role.OFFICE) + [u for u in [_user(after.assignee_id)] if u]
        notify_each(people, "quote_awaiting_approval", ticket, lambda: _(
            "The quote for %(number)s (%(amount)s yuan) awaits the customer's approval.",
            number=ticket.number, amount=data.get("amount")))
    elif t == Event.CUSTOMER_SIGNED and data.get("satisfaction") == "not_satisfied":
        notify_each(users_with_role(Role.OFFICE), "unhappy_customer", ticket, lambda: _(
            "The customer signed %(number)s as not satisfied: call them back.", number=ticket.number))
    elif t == Event.REWORK_OPENED:
        linked = db.session.get(RepairTicket, data.get("rework_ticket_id")) if data.get("rework_ticket_id") else None
        notify_each(users_with_role(Role.SUPERVISOR), "rework_opened", linked or ticket, lambda: _(
            "Rework opened for %(number)s: %(reason)s — follow it to the end.",
            number=ticket.number, reason=str(data.get("reason", ""))[:120]))


after_record.append(_on_step)


# --- deadlines ------------------------------------------------------------------------------


def _clock_message(ticket: RepairTicket, clock: dl.Clock) -> str:
    """'BX2026-00001: Arrival on site is at risk, due ...' in the reader's language."""
    due = format_datetime(clock.due_at, "short")
    if clock.state == dl.BREACHED:
        return _("%(number)s (%(where)s): %(clock)s is overdue — it was due %(due)s.",
                 number=ticket.number, where=_where(ticket), clock=clock.label, due=due)
    return _("%(number)s (%(where)s): %(clock)s is due soon — by %(due)s.",
             number=ticket.number, where=_where(ticket), clock=clock.label, due=due)


def check_deadlines(now: datetime | None = None, cal: WorkCalendar | None = None) -> int:
    """Notify about running clocks that turned at risk or overdue; returns how many were sent.

    Idempotent: each (ticket, round, clock, state) is told once per person, so running it every
    few minutes sends nothing new until a clock's state changes. At risk goes to the technician
    (the supervisors when nobody is assigned); overdue to the technician and the supervisors.
    """
    now = now or utcnow()
    board = dl.supervisor_board(now, cal=cal)
    supervisors = users_with_role(Role.SUPERVISOR)
    sent = 0
    for row in board.rows:
        tech = _user(row.state.assignee_id)
        for clock in row.clocks:
            if not clock.running:
                continue
            people = [tech] if tech else []
            if clock.state == dl.BREACHED or not people:
                people += supervisors
            key = f"deadline:{row.ticket.id}:{clock.round}:{clock.key}:{clock.state}"
            kind = "deadline_breached" if clock.state == dl.BREACHED else "deadline_at_risk"
            sent += len(notify_each(people, kind, row.ticket, lambda: _clock_message(row.ticket, clock), dedupe_key=key))
    return sent


def open_rework_tickets() -> list[RepairTicket]:
    """Rework tickets not closed yet, oldest first: the supervisor follows each to the end."""
    return list(db.session.scalars(
        select(RepairTicket).where(
            RepairTicket.rework_of_id.is_not(None), RepairTicket.status != Status.CLOSED, RepairTicket.deleted_at.is_(None)
        ).order_by(RepairTicket.reported_at)
    ))
