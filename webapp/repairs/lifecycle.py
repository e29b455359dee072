"""A repair ticket's life-cycle, derived from its append-only events. Pure functions, no database.

DOMAIN.md §3 as a state machine. A ticket's state is the fold of its `repair_event`s in the
order the server received them (`received_seq`), never in device-clock order: a tablet whose
clock is a year off yields the same state as one with the right time. This module holds the
rules (`check_step`, `allowed_events`) and the fold; the codes and their names are in
vocabulary.py, the state the fold builds and its times in state.py, what each kind of step
carries in step_data.py.

    reported ─assigned─▶ assigned ─arrived─▶ on_site ─classified─▶ classified ─┬─ general ─────────────▶ resolved
                                                                              ├─ factory_return: sent_to_factory ▶ waiting_factory
                                                                              │     ─returned_from_factory▶ back_from_factory ─▶ resolved
                                                                              ├─ difficult: supervisor_informed ▶ escalated
                                                                              │     (escalation_decision: colleagues / vendor) ─▶ resolved
                                                                              └─ vandalism / out_of_warranty: quote_recorded ▶ waiting_approval
                                                                                    ─quote_approved▶ approved ─▶ resolved
                                                                                    ─quote_declined▶ closed (filed as quote_declined)
    resolved ─customer_signed─▶ signed ─┬─ closed (filed by its classification)
                                        └─ follow_up_recorded: satisfied ▶ followed_up ─closed─▶ closed
                                                               not_satisfied ▶ unsatisfied ─rework_opened─▶ rework
    closed ─rework_opened─▶ rework (a new round on the same ticket: arrive, classify, resolve, sign again)

Decisions worth knowing:
- A rework is a new *round* on the same ticket, so the fault's whole history stays in one place
  and the clocks restart from the rework — unless `rework_opened` names a linked ticket
  (`rework_ticket_id`): the office's follow-up opens a NEW ticket for the repeat repair (its
  own number, clocks and signed form, followed by the supervisor to the end), and this one is
  closed, filed as `reworked`, pointing at it. Either way it may name the technician held
  responsible (`responsible_user_id`), for the appraisal.
- A follow-up call is recorded after the customer signed and before the ticket is closed
  (closing files it); a ticket closed without a call can still be sent to rework.
- A declined quote closes the ticket directly, filed as `quote_declined`: nothing was repaired,
  so no customer signature on a repair form is needed and no rework can follow.
- A ticket created with an assignee but no `assigned` event (the office's intake) starts in
  `assigned`: pass `initial_assignee_id`.
- Only a fault classified difficult is reported to the supervisor, once a round: the escalation
  clock is about difficult faults, and a device may not push the step for any other.

Event times: each event keeps the device's time and the server's receipt time. The time used
(`effective_time`) is the device's when it is plausible — no earlier than the ticket's report
and no later than the server received it (give or take a small tolerance) — because a
technician works offline and syncs later; otherwise the receipt time, because a clock that
claims the future or a time before the fault was reported is wrong and the server's clock is
the one we trust.
"""
from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Iterable

from flask_babel import gettext as _

from ..errors import DomainError
from .state import DEFAULT_TOLERANCE, EventLike, RoundState, Step, TicketState, aware, effective_time
from .step_data import as_int, validate_data
from .vocabulary import (
    BEFORE_ARRIVAL,
    EVENT_TYPES,
    QUOTE_CLASSES,
    QUOTE_DECLINED_CATEGORY,
    REPAIRED,
    REWORKED_CATEGORY,
    Event,
    Fault,
    Status,
)


# --------------------------------------------------------------------------- the rules


def _refuse(message: str, state: TicketState, event_type: str, code: str = "illegal_step") -> DomainError:
    """A refusal of a step in the life-cycle, saying where the ticket stands."""
    return DomainError(message, code=code, details={"status": state.status, "event": event_type})


def _repaired_refusal(state: TicketState, event_type: str) -> DomainError:
    """The refusal for work steps once the repair is done."""
    if state.status == Status.UNSATISFIED:
        return _refuse(_("The customer was not satisfied: open a rework first."), state, event_type)
    return _refuse(_("The repair is already resolved."), state, event_type)


def check_step(state: TicketState, event_type: str, user_id: int | None = None) -> None:
    """Raise DomainError when this kind of event may not happen now; data is not looked at."""
    s, cur, t = state.status, state.current, event_type
    if t not in EVENT_TYPES:
        raise DomainError(_("Unknown kind of repair step: %(type)s.", type=t), code="unknown_event", details={"event": t})
    if s == Status.CLOSED and t != Event.REWORK_OPENED:
        raise _refuse(_("This ticket is closed: only a rework can reopen it."), state, t)
    if t == Event.ASSIGNED:
        if s in REPAIRED:
            raise _refuse(_("The repair is already resolved: there is nobody left to assign."), state, t)
    elif t == Event.ACCEPTED:
        if s == Status.REPORTED:
            raise _refuse(_("Nobody is assigned to this ticket yet."), state, t)
        if s not in (Status.ASSIGNED, Status.REWORK):
            raise _refuse(_("The work has already started: there is nothing left to accept."), state, t)
        if state.accepted_at is not None:
            raise _refuse(_("The ticket is already accepted."), state, t)
        if user_id is not None and user_id != state.assignee_id:
            raise _refuse(_("Only the assigned technician can accept this ticket."), state, t, code="not_assignee")
    elif t == Event.ARRIVED:
        if s == Status.REPORTED:
            raise _refuse(_("Assign a technician before recording an arrival."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
    elif t == Event.CLASSIFIED:
        if s in BEFORE_ARRIVAL:
            raise _refuse(_("Record the arrival on site before classifying the fault."), state, t)
        if s in (Status.WAITING_FACTORY, Status.BACK_FROM_FACTORY):
            raise _refuse(_("The device has gone to the factory: the fault cannot be reclassified now."), state, t)
        if s in (Status.WAITING_APPROVAL, Status.APPROVED):
            raise _refuse(_("A quote is under way: the fault cannot be reclassified now."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
    elif t == Event.SUPERVISOR_INFORMED:
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if cur.classification != Fault.DIFFICULT:
            raise _refuse(_("Only a difficult fault is reported to the supervisor."), state, t)
        if cur.supervisor_informed_at is not None:
            raise _refuse(_("The supervisor already knows about this fault."), state, t)
    elif t == Event.ESCALATION_DECISION:
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if cur.classification != Fault.DIFFICULT:
            raise _refuse(_("Only a difficult fault is escalated for a decision."), state, t)
        if cur.supervisor_informed_at is None:
            raise _refuse(_("Report the difficult fault to the supervisor before recording a decision."), state, t)
    elif t == Event.SENT_TO_FACTORY:
        if s in BEFORE_ARRIVAL:
            raise _refuse(_("Record the arrival on site before sending the device to the factory."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if s == Status.WAITING_FACTORY:
            raise _refuse(_("The device is already at the factory."), state, t)
        if cur.classification != Fault.FACTORY_RETURN:
            raise _refuse(_("Classify the fault as a factory return before sending the device."), state, t)
    elif t == Event.RETURNED_FROM_FACTORY:
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if s != Status.WAITING_FACTORY:
            raise _refuse(_("The device has not been sent to the factory."), state, t)
    elif t == Event.QUOTE_RECORDED:
        if s in BEFORE_ARRIVAL:
            raise _refuse(_("Record the arrival on site and classify the fault before making a quote."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if cur.classification not in QUOTE_CLASSES:
            raise _refuse(_("A quote is only made for vandalism or a device past its warranty."), state, t)
        if s == Status.APPROVED:
            raise _refuse(_("The quote is already approved."), state, t)
    elif t in (Event.QUOTE_APPROVED, Event.QUOTE_DECLINED):
        if s == Status.APPROVED:
            raise _refuse(_("The quote is already approved."), state, t)
        if s != Status.WAITING_APPROVAL:
            raise _refuse(_("No quote is waiting for the customer's decision."), state, t)
    elif t == Event.RESOLVED:
        _check_resolve(state, t)
    elif t == Event.CUSTOMER_SIGNED:
        if s in (Status.SIGNED, Status.FOLLOWED_UP, Status.UNSATISFIED):
            raise _refuse(_("The customer has already signed the repair form."), state, t)
        if s != Status.RESOLVED:
            raise _refuse(_("The repair is not resolved yet: the customer signs the repair form once it is."), state, t)
    elif t == Event.FOLLOW_UP_RECORDED:
        if s in (Status.FOLLOWED_UP, Status.UNSATISFIED):
            raise _refuse(_("The follow-up call is already recorded."), state, t)
        if s != Status.SIGNED:
            raise _refuse(_("The repair is still open: the follow-up call comes after the customer has signed."), state, t)
    elif t == Event.CLOSED:
        if s == Status.UNSATISFIED:
            raise _refuse(_("The customer was not satisfied: open a rework instead of closing."), state, t)
        if s not in (Status.SIGNED, Status.FOLLOWED_UP):
            raise _refuse(_("The customer has not signed the repair form: the ticket cannot be closed."), state, t)
    elif t == Event.REWORK_OPENED:
        if s == Status.CLOSED and cur.filed_category == QUOTE_DECLINED_CATEGORY:
            raise _refuse(_("Nothing was repaired, as the customer declined the quote: record a new repair request instead."), state, t)
        if s == Status.CLOSED and cur.filed_category == REWORKED_CATEGORY:
            raise _refuse(_("This repair is already being done again under its rework ticket."), state, t)
        if s not in (Status.UNSATISFIED, Status.CLOSED):
            raise _refuse(_("A rework starts from an unsatisfied follow-up call or a closed ticket."), state, t)


def _check_resolve(state: TicketState, t: str) -> None:
    """The rules for resolving: on site, classified, and the kind's own preconditions met."""
    s, kind = state.status, state.current.classification
    if s in BEFORE_ARRIVAL:
        raise _refuse(_("Record the arrival on site before resolving the fault."), state, t)
    if s in REPAIRED:
        raise _repaired_refusal(state, t)
    if s == Status.ON_SITE:
        raise _refuse(_("Classify the fault before resolving it."), state, t)
    if s == Status.WAITING_FACTORY:
        raise _refuse(_("The device is still at the factory: record its return first."), state, t)
    if s == Status.WAITING_APPROVAL:
        raise _refuse(_("The customer must approve the quote before the repair."), state, t, code="quote_not_approved")
    if s == Status.CLASSIFIED:
        if kind == Fault.FACTORY_RETURN:
            raise _refuse(_("Send the device to the factory and record its return before resolving."), state, t)
        if kind == Fault.DIFFICULT:
            raise _refuse(_("Report this difficult fault to the supervisor before resolving it."), state, t)
        if kind in QUOTE_CLASSES:
            raise _refuse(_("The customer must approve the quote before the repair."), state, t, code="quote_not_approved")


def check_event(state: TicketState, event: EventLike) -> None:
    """Raise DomainError when the event may not happen to a ticket in this state."""
    check_step(state, event.type, getattr(event, "user_id", None))
    errors = validate_data(event.type, event.data if event.data is not None else {})
    if errors:
        raise DomainError(" ".join(errors.values()), code="invalid", errors={k: [v] for k, v in errors.items()})


def allowed_events(state: TicketState, user_id: int | None = None) -> list[str]:
    """The kinds of event that may come next, for `user_id` when given (for offering buttons)."""
    allowed = []
    for t in EVENT_TYPES:
        try:
            check_step(state, t, user_id)
        except DomainError:
            continue
        allowed.append(t)
    return allowed


# --------------------------------------------------------------------------- applying events


def _apply(state: TicketState, event: EventLike, at: datetime, basis: str) -> None:
    """Change the state by one event already checked."""
    t, d, cur = event.type, dict(event.data or {}), state.current
    state.steps.append(
        Step(event.id, t, at, basis, aware(event.device_time), aware(event.received_at),
             getattr(event, "user_id", None), cur.number, d)
    )
    if t == Event.ASSIGNED:
        new = as_int(d["user_id"])
        if new != state.assignee_id:
            state.accepted_at = None
        state.assignee_id, state.assigned_at = new, at
        if state.status == Status.REPORTED:
            state.status = Status.ASSIGNED
    elif t == Event.ACCEPTED:
        state.accepted_at = at
    elif t == Event.ARRIVED:
        cur.visits += 1
        if cur.arrived_at is None:
            cur.arrived_at = at
        if state.status in BEFORE_ARRIVAL:
            state.status = Status.ON_SITE
    elif t == Event.CLASSIFIED:
        kind = d["classification"]
        cur.classification, cur.classified_at = kind, at
        if kind == Fault.DIFFICULT and cur.difficult_at is None:
            cur.difficult_at = at
        state.status = Status.ESCALATED if kind == Fault.DIFFICULT and cur.supervisor_informed_at else Status.CLASSIFIED
    elif t == Event.SUPERVISOR_INFORMED:
        if cur.supervisor_informed_at is None:
            cur.supervisor_informed_at = at
        if cur.classification == Fault.DIFFICULT and state.status == Status.CLASSIFIED:
            state.status = Status.ESCALATED
    elif t == Event.ESCALATION_DECISION:
        cur.decisions.append({**d, "at": at.isoformat()})
    elif t == Event.SENT_TO_FACTORY:
        if cur.sent_to_factory_at is None:
            cur.sent_to_factory_at = at
        cur.factory_trips += 1
        cur.factory_exception = (d.get("exception") or "").strip() or cur.factory_exception
        state.status = Status.WAITING_FACTORY
    elif t == Event.RETURNED_FROM_FACTORY:
        cur.returned_from_factory_at = at
        cur.factory_exception = (d.get("exception") or "").strip() or cur.factory_exception
        state.status = Status.BACK_FROM_FACTORY
    elif t == Event.QUOTE_RECORDED:
        cur.quote, cur.quote_status = d, "pending"
        state.status = Status.WAITING_APPROVAL
    elif t == Event.QUOTE_APPROVED:
        cur.quote_status, cur.quote_decided_at, cur.quote_decision = "approved", at, d
        state.status = Status.APPROVED
    elif t == Event.QUOTE_DECLINED:
        cur.quote_status, cur.quote_decided_at, cur.quote_decision = "declined", at, d
        cur.closed_at, cur.filed_category = at, QUOTE_DECLINED_CATEGORY
        state.status = Status.CLOSED
    elif t == Event.RESOLVED:
        cur.resolved_at, cur.resolution = at, d
        state.status = Status.RESOLVED
    elif t == Event.CUSTOMER_SIGNED:
        cur.signed_at, cur.signature = at, d
        state.status = Status.SIGNED
    elif t == Event.FOLLOW_UP_RECORDED:
        cur.follow_up, cur.follow_up_at, cur.follow_up_data = d["result"], at, d
        state.status = Status.FOLLOWED_UP if d["result"] == "satisfied" else Status.UNSATISFIED
    elif t == Event.CLOSED:
        cur.closed_at, cur.filed_category = at, cur.classification
        state.status = Status.CLOSED
    elif t == Event.REWORK_OPENED and str(d.get("rework_ticket_id") or "").strip():
        cur.rework_ticket_id = str(d["rework_ticket_id"]).strip()
        cur.rework_reason = d["reason"].strip()
        cur.closed_at, cur.filed_category = at, REWORKED_CATEGORY
        state.status = Status.CLOSED
    elif t == Event.REWORK_OPENED:
        state.previous_rounds.append(cur)
        state.current = RoundState(number=cur.number + 1, started_at=at, rework_reason=d["reason"].strip())
        if as_int(d.get("assign_to")) is not None:
            if as_int(d["assign_to"]) != state.assignee_id:
                state.accepted_at = None
            state.assignee_id, state.assigned_at = as_int(d["assign_to"]), at
        state.status = Status.REWORK


def next_state(
    state: TicketState, event: EventLike, tolerance: timedelta = DEFAULT_TOLERANCE
) -> TicketState:
    """The state after one more event; raises DomainError when the event is not allowed."""
    check_event(state, event)
    new = copy.deepcopy(state)
    at, basis = effective_time(event, state.reported_at, tolerance)
    _apply(new, event, at, basis)
    return new


def receipt_order(event: EventLike) -> tuple:
    """Sort key: the server's receipt sequence, never the device's clock."""
    seq = getattr(event, "received_seq", None)
    return (seq is None, seq or 0, aware(event.received_at), str(event.id))


def fold_events(
    events: Iterable[EventLike],
    *,
    reported_at: datetime,
    initial_assignee_id: int | None = None,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    strict: bool = False,
) -> TicketState:
    """A ticket's state from its events, in server receipt order.

    Stored events were checked when they were recorded, so normally all apply. An event that
    does not fit (data imported by hand, say) is skipped and listed in `state.skipped`, or
    raises when `strict`.
    """
    state = TicketState.initial(aware(reported_at), initial_assignee_id)
    for event in sorted(events, key=receipt_order):
        try:
            check_event(state, event)
        except DomainError as err:
            if strict:
                raise
            state.skipped.append((event.id, err.message))
            continue
        at, basis = effective_time(event, state.reported_at, tolerance)
        _apply(state, event, at, basis)
    return state
