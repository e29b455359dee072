"""A repair ticket's life-cycle, derived from its append-only events. Pure functions, no database.

DOMAIN.md §3 as a state machine. A ticket's state is the fold of its `repair_event`s in the
order the server received them (`received_seq`), never in device-clock order: a tablet whose
clock is a year off yields the same state as one with the right time.

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

Event times: each event keeps the device's time and the server's receipt time. The time used
(`effective_time`) is the device's when it is plausible — no earlier than the ticket's report
and no later than the server received it (give or take a small tolerance) — because a
technician works offline and syncs later; otherwise the receipt time, because a clock that
claims the future or a time before the fault was reported is wrong and the server's clock is
the one we trust.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError

# --------------------------------------------------------------------------- vocabulary

ASSIGNED_EV = "assigned"
ACCEPTED = "accepted"
ARRIVED = "arrived"
CLASSIFIED_EV = "classified"
SUPERVISOR_INFORMED = "supervisor_informed"
ESCALATION_DECISION = "escalation_decision"
SENT_TO_FACTORY = "sent_to_factory"
RETURNED_FROM_FACTORY = "returned_from_factory"
QUOTE_RECORDED = "quote_recorded"
QUOTE_APPROVED = "quote_approved"
QUOTE_DECLINED = "quote_declined"
RESOLVED_EV = "resolved"
CUSTOMER_SIGNED = "customer_signed"
FOLLOW_UP_RECORDED = "follow_up_recorded"
CLOSED_EV = "closed"
REWORK_OPENED = "rework_opened"
EVENT_TYPES = (
    ASSIGNED_EV, ACCEPTED, ARRIVED, CLASSIFIED_EV, SUPERVISOR_INFORMED, ESCALATION_DECISION,
    SENT_TO_FACTORY, RETURNED_FROM_FACTORY, QUOTE_RECORDED, QUOTE_APPROVED, QUOTE_DECLINED,
    RESOLVED_EV, CUSTOMER_SIGNED, FOLLOW_UP_RECORDED, CLOSED_EV, REWORK_OPENED,
)

GENERAL = "general"
FACTORY_RETURN = "factory_return"
DIFFICULT = "difficult"
VANDALISM = "vandalism"
OUT_OF_WARRANTY = "out_of_warranty"
CLASSIFICATIONS = (GENERAL, FACTORY_RETURN, DIFFICULT, VANDALISM, OUT_OF_WARRANTY)
QUOTE_CLASSES = (VANDALISM, OUT_OF_WARRANTY)
QUOTE_DECLINED_CATEGORY = "quote_declined"
REWORKED_CATEGORY = "reworked"  # closed because the repair is done again under a linked ticket
FOLLOW_UP_RESULTS = ("satisfied", "not_satisfied")
DECIDED_WITH = ("colleagues", "vendor")

REPORTED = "reported"
ASSIGNED = "assigned"
REWORK = "rework"
ON_SITE = "on_site"
CLASSIFIED = "classified"
ESCALATED = "escalated"
WAITING_FACTORY = "waiting_factory"
BACK_FROM_FACTORY = "back_from_factory"
WAITING_APPROVAL = "waiting_approval"
APPROVED = "approved"
RESOLVED = "resolved"
SIGNED = "signed"
FOLLOWED_UP = "followed_up"
UNSATISFIED = "unsatisfied"
CLOSED = "closed"
STATUSES = (
    REPORTED, ASSIGNED, REWORK, ON_SITE, CLASSIFIED, ESCALATED, WAITING_FACTORY,
    BACK_FROM_FACTORY, WAITING_APPROVAL, APPROVED, RESOLVED, SIGNED, FOLLOWED_UP, UNSATISFIED, CLOSED,
)
BEFORE_ARRIVAL = frozenset({REPORTED, ASSIGNED, REWORK})
AT_WORK = frozenset({ON_SITE, CLASSIFIED, ESCALATED, WAITING_FACTORY, BACK_FROM_FACTORY, WAITING_APPROVAL, APPROVED})
REPAIRED = frozenset({RESOLVED, SIGNED, FOLLOWED_UP, UNSATISFIED})
OPEN_STATUSES = tuple(s for s in STATUSES if s != CLOSED)

STATUS_LABELS = {
    REPORTED: _l("Reported"),
    ASSIGNED: _l("Assigned"),
    REWORK: _l("Rework"),
    ON_SITE: _l("On site"),
    CLASSIFIED: _l("Classified"),
    ESCALATED: _l("Escalated to the supervisor"),
    WAITING_FACTORY: _l("At the factory"),
    BACK_FROM_FACTORY: _l("Back from the factory"),
    WAITING_APPROVAL: _l("Waiting for quote approval"),
    APPROVED: _l("Quote approved"),
    RESOLVED: _l("Resolved"),
    SIGNED: _l("Signed by the customer"),
    FOLLOWED_UP: _l("Followed up"),
    UNSATISFIED: _l("Customer not satisfied"),
    CLOSED: _l("Closed"),
}
CLASSIFICATION_LABELS = {
    GENERAL: _l("General problem"),
    FACTORY_RETURN: _l("Factory return"),
    DIFFICULT: _l("Difficult fault"),
    VANDALISM: _l("Vandalism"),
    OUT_OF_WARRANTY: _l("Out of warranty"),
    QUOTE_DECLINED_CATEGORY: _l("Quote declined"),
    REWORKED_CATEGORY: _l("Reworked under a new ticket"),
}
EVENT_LABELS = {
    ASSIGNED_EV: _l("Assigned"),
    ACCEPTED: _l("Ticket accepted"),
    ARRIVED: _l("Arrived on site"),
    CLASSIFIED_EV: _l("Fault classified"),
    SUPERVISOR_INFORMED: _l("Supervisor informed"),
    ESCALATION_DECISION: _l("Solution decided"),
    SENT_TO_FACTORY: _l("Sent to the factory"),
    RETURNED_FROM_FACTORY: _l("Back from the factory"),
    QUOTE_RECORDED: _l("Quote recorded"),
    QUOTE_APPROVED: _l("Quote approved"),
    QUOTE_DECLINED: _l("Quote declined"),
    RESOLVED_EV: _l("Resolved"),
    CUSTOMER_SIGNED: _l("Signed by the customer"),
    FOLLOW_UP_RECORDED: _l("Follow-up call"),
    CLOSED_EV: _l("Closed and filed"),
    REWORK_OPENED: _l("Rework opened"),
}

DEFAULT_TOLERANCE = timedelta(minutes=10)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


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
            status=ASSIGNED if assignee_id is not None else REPORTED,
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
        return self.status == CLOSED

    @property
    def category(self) -> str | None:
        """The fault's classification in the current round."""
        return self.current.classification


# --------------------------------------------------------------------------- times


def _aware(value: datetime | None) -> datetime | None:
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
    received = _aware(event.received_at)
    device = _aware(event.device_time)
    if device is None:
        return received, "server"
    if _aware(floor) - tolerance <= device <= received + tolerance:
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
    reported = _aware(reported_at)
    created = _aware(created_at)
    if created is None:
        return reported, "device"
    if reported is None:
        return created, "server"
    if created - max_backdate <= reported <= created + tolerance:
        return min(reported, created), "device"
    return created, "server"


# --------------------------------------------------------------------------- the rules


def _refuse(message: str, state: TicketState, event_type: str, code: str = "illegal_step") -> DomainError:
    """A refusal of a step in the life-cycle, saying where the ticket stands."""
    return DomainError(message, code=code, details={"status": state.status, "event": event_type})


def _repaired_refusal(state: TicketState, event_type: str) -> DomainError:
    """The refusal for work steps once the repair is done."""
    if state.status == UNSATISFIED:
        return _refuse(_("The customer was not satisfied: open a rework first."), state, event_type)
    return _refuse(_("The repair is already resolved."), state, event_type)


def check_step(state: TicketState, event_type: str, user_id: int | None = None) -> None:
    """Raise DomainError when this kind of event may not happen now; data is not looked at."""
    s, cur, t = state.status, state.current, event_type
    if t not in EVENT_TYPES:
        raise DomainError(_("Unknown kind of repair step: %(type)s.", type=t), code="unknown_event", details={"event": t})
    if s == CLOSED and t != REWORK_OPENED:
        raise _refuse(_("This ticket is closed: only a rework can reopen it."), state, t)
    if t == ASSIGNED_EV:
        if s in REPAIRED:
            raise _refuse(_("The repair is already resolved: there is nobody left to assign."), state, t)
    elif t == ACCEPTED:
        if s == REPORTED:
            raise _refuse(_("Nobody is assigned to this ticket yet."), state, t)
        if s not in (ASSIGNED, REWORK):
            raise _refuse(_("The work has already started: there is nothing left to accept."), state, t)
        if state.accepted_at is not None:
            raise _refuse(_("The ticket is already accepted."), state, t)
        if user_id is not None and user_id != state.assignee_id:
            raise _refuse(_("Only the assigned technician can accept this ticket."), state, t, code="not_assignee")
    elif t == ARRIVED:
        if s == REPORTED:
            raise _refuse(_("Assign a technician before recording an arrival."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
    elif t == CLASSIFIED_EV:
        if s in BEFORE_ARRIVAL:
            raise _refuse(_("Record the arrival on site before classifying the fault."), state, t)
        if s in (WAITING_FACTORY, BACK_FROM_FACTORY):
            raise _refuse(_("The device has gone to the factory: the fault cannot be reclassified now."), state, t)
        if s in (WAITING_APPROVAL, APPROVED):
            raise _refuse(_("A quote is under way: the fault cannot be reclassified now."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
    elif t == SUPERVISOR_INFORMED:
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
    elif t == ESCALATION_DECISION:
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if cur.classification != DIFFICULT:
            raise _refuse(_("Only a difficult fault is escalated for a decision."), state, t)
        if cur.supervisor_informed_at is None:
            raise _refuse(_("Report the difficult fault to the supervisor before recording a decision."), state, t)
    elif t == SENT_TO_FACTORY:
        if s in BEFORE_ARRIVAL:
            raise _refuse(_("Record the arrival on site before sending the device to the factory."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if s == WAITING_FACTORY:
            raise _refuse(_("The device is already at the factory."), state, t)
        if cur.classification != FACTORY_RETURN:
            raise _refuse(_("Classify the fault as a factory return before sending the device."), state, t)
    elif t == RETURNED_FROM_FACTORY:
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if s != WAITING_FACTORY:
            raise _refuse(_("The device has not been sent to the factory."), state, t)
    elif t == QUOTE_RECORDED:
        if s in BEFORE_ARRIVAL:
            raise _refuse(_("Record the arrival on site and classify the fault before making a quote."), state, t)
        if s in REPAIRED:
            raise _repaired_refusal(state, t)
        if cur.classification not in QUOTE_CLASSES:
            raise _refuse(_("A quote is only made for vandalism or a device past its warranty."), state, t)
        if s == APPROVED:
            raise _refuse(_("The quote is already approved."), state, t)
    elif t in (QUOTE_APPROVED, QUOTE_DECLINED):
        if s == APPROVED:
            raise _refuse(_("The quote is already approved."), state, t)
        if s != WAITING_APPROVAL:
            raise _refuse(_("No quote is waiting for the customer's decision."), state, t)
    elif t == RESOLVED_EV:
        _check_resolve(state, t)
    elif t == CUSTOMER_SIGNED:
        if s in (SIGNED, FOLLOWED_UP, UNSATISFIED):
            raise _refuse(_("The customer has already signed the repair form."), state, t)
        if s != RESOLVED:
            raise _refuse(_("The repair is not resolved yet: the customer signs the repair form once it is."), state, t)
    elif t == FOLLOW_UP_RECORDED:
        if s in (FOLLOWED_UP, UNSATISFIED):
            raise _refuse(_("The follow-up call is already recorded."), state, t)
        if s != SIGNED:
            raise _refuse(_("The repair is still open: the follow-up call comes after the customer has signed."), state, t)
    elif t == CLOSED_EV:
        if s == UNSATISFIED:
            raise _refuse(_("The customer was not satisfied: open a rework instead of closing."), state, t)
        if s not in (SIGNED, FOLLOWED_UP):
            raise _refuse(_("The customer has not signed the repair form: the ticket cannot be closed."), state, t)
    elif t == REWORK_OPENED:
        if s == CLOSED and cur.filed_category == QUOTE_DECLINED_CATEGORY:
            raise _refuse(_("Nothing was repaired, as the customer declined the quote: record a new repair request instead."), state, t)
        if s == CLOSED and cur.filed_category == REWORKED_CATEGORY:
            raise _refuse(_("This repair is already being done again under its rework ticket."), state, t)
        if s not in (UNSATISFIED, CLOSED):
            raise _refuse(_("A rework starts from an unsatisfied follow-up call or a closed ticket."), state, t)


def _check_resolve(state: TicketState, t: str) -> None:
    """The rules for resolving: on site, classified, and the kind's own preconditions met."""
    s, kind = state.status, state.current.classification
    if s in BEFORE_ARRIVAL:
        raise _refuse(_("Record the arrival on site before resolving the fault."), state, t)
    if s in REPAIRED:
        raise _repaired_refusal(state, t)
    if s == ON_SITE:
        raise _refuse(_("Classify the fault before resolving it."), state, t)
    if s == WAITING_FACTORY:
        raise _refuse(_("The device is still at the factory: record its return first."), state, t)
    if s == WAITING_APPROVAL:
        raise _refuse(_("The customer must approve the quote before the repair."), state, t, code="quote_not_approved")
    if s == CLASSIFIED:
        if kind == FACTORY_RETURN:
            raise _refuse(_("Send the device to the factory and record its return before resolving."), state, t)
        if kind == DIFFICULT:
            raise _refuse(_("Report this difficult fault to the supervisor before resolving it."), state, t)
        if kind in QUOTE_CLASSES:
            raise _refuse(_("The customer must approve the quote before the repair."), state, t, code="quote_not_approved")


def validate_data(event_type: str, data: Any) -> dict[str, str]:
    """Field errors in an event's data (empty when it is fine)."""
    if not isinstance(data, dict):
        return {"data": _("The details must be an object.")}
    errors: dict[str, str] = {}
    t = event_type

    def text(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    if t == ASSIGNED_EV:
        if _as_int(data.get("user_id")) is None:
            errors["user_id"] = _("Choose the technician.")
    elif t == CLASSIFIED_EV:
        if data.get("classification") not in CLASSIFICATIONS:
            errors["classification"] = _("Choose the kind of fault.")
    elif t == ESCALATION_DECISION:
        if data.get("decided_with") not in DECIDED_WITH:
            errors["decided_with"] = _("Say whether the solution was found with colleagues or a vendor.")
        elif data.get("decided_with") == "vendor" and not text("vendor_name"):
            errors["vendor_name"] = _("Name the vendor.")
        if not text("solution"):
            errors["solution"] = _("Describe the solution.")
    elif t == QUOTE_RECORDED:
        amount = _as_decimal(data.get("amount"))
        if amount is None or amount < 0:
            errors["amount"] = _("Enter the quoted amount.")
        items = data.get("items", [])
        if not isinstance(items, list) or any(not isinstance(i, dict) or not str(i.get("name", "")).strip() for i in items):
            errors["items"] = _("Each quote item needs a name.")
    elif t == QUOTE_APPROVED:
        if not _is_sha256(data.get("signature")):
            if not text("approver_name"):
                errors["approver_name"] = _("Capture the customer's signature, or name who approved.")
            if _as_date(data.get("approved_on")) is None:
                errors["approved_on"] = _("Give the date of the approval.")
    elif t == QUOTE_DECLINED:
        if not _is_sha256(data.get("signature")) and not text("approver_name"):
            errors["approver_name"] = _("Capture the customer's signature, or name who declined.")
    elif t == CUSTOMER_SIGNED:
        if not _is_sha256(data.get("signature")) and not text("signer_name"):
            errors["signature"] = _("The customer's signature is missing.")
    elif t == FOLLOW_UP_RECORDED:
        if data.get("result") not in FOLLOW_UP_RESULTS:
            errors["result"] = _("Say whether the customer was satisfied.")
        elif data.get("result") == "not_satisfied" and not text("reason"):
            errors["reason"] = _("Say why the customer was not satisfied.")
    elif t == REWORK_OPENED:
        if not text("reason"):
            errors["reason"] = _("Say why the repair is done again.")
        for name in ("responsible_user_id", "assign_to"):
            if data.get(name) not in (None, "") and _as_int(data.get(name)) is None:
                errors[name] = _("Choose a person.")
    return errors


def check_event(state: TicketState, event: EventLike) -> None:
    """Raise DomainError when the event may not happen to a ticket in this state."""
    check_step(state, event.type, getattr(event, "user_id", None))
    errors = validate_data(event.type, event.data if event.data is not None else {})
    if errors:
        raise DomainError(" ".join(errors.values()), code="invalid", errors={k: [v] for k, v in errors.items()})


def allowed_events(state: TicketState) -> list[str]:
    """The kinds of event that may come next (for offering buttons)."""
    allowed = []
    for t in EVENT_TYPES:
        try:
            check_step(state, t)
        except DomainError:
            continue
        allowed.append(t)
    return allowed


# --------------------------------------------------------------------------- applying events


def _apply(state: TicketState, event: EventLike, at: datetime, basis: str) -> None:
    """Change the state by one event already checked."""
    t, d, cur = event.type, dict(event.data or {}), state.current
    state.steps.append(
        Step(event.id, t, at, basis, _aware(event.device_time), _aware(event.received_at),
             getattr(event, "user_id", None), cur.number, d)
    )
    if t == ASSIGNED_EV:
        new = _as_int(d["user_id"])
        if new != state.assignee_id:
            state.accepted_at = None
        state.assignee_id, state.assigned_at = new, at
        if state.status == REPORTED:
            state.status = ASSIGNED
    elif t == ACCEPTED:
        state.accepted_at = at
    elif t == ARRIVED:
        cur.visits += 1
        if cur.arrived_at is None:
            cur.arrived_at = at
        if state.status in BEFORE_ARRIVAL:
            state.status = ON_SITE
    elif t == CLASSIFIED_EV:
        kind = d["classification"]
        cur.classification, cur.classified_at = kind, at
        if kind == DIFFICULT and cur.difficult_at is None:
            cur.difficult_at = at
        state.status = ESCALATED if kind == DIFFICULT and cur.supervisor_informed_at else CLASSIFIED
    elif t == SUPERVISOR_INFORMED:
        if cur.supervisor_informed_at is None:
            cur.supervisor_informed_at = at
        if cur.classification == DIFFICULT and state.status == CLASSIFIED:
            state.status = ESCALATED
    elif t == ESCALATION_DECISION:
        cur.decisions.append({**d, "at": at.isoformat()})
    elif t == SENT_TO_FACTORY:
        if cur.sent_to_factory_at is None:
            cur.sent_to_factory_at = at
        cur.factory_trips += 1
        cur.factory_exception = (d.get("exception") or "").strip() or cur.factory_exception
        state.status = WAITING_FACTORY
    elif t == RETURNED_FROM_FACTORY:
        cur.returned_from_factory_at = at
        cur.factory_exception = (d.get("exception") or "").strip() or cur.factory_exception
        state.status = BACK_FROM_FACTORY
    elif t == QUOTE_RECORDED:
        cur.quote, cur.quote_status = d, "pending"
        state.status = WAITING_APPROVAL
    elif t == QUOTE_APPROVED:
        cur.quote_status, cur.quote_decided_at, cur.quote_decision = "approved", at, d
        state.status = APPROVED
    elif t == QUOTE_DECLINED:
        cur.quote_status, cur.quote_decided_at, cur.quote_decision = "declined", at, d
        cur.closed_at, cur.filed_category = at, QUOTE_DECLINED_CATEGORY
        state.status = CLOSED
    elif t == RESOLVED_EV:
        cur.resolved_at, cur.resolution = at, d
        state.status = RESOLVED
    elif t == CUSTOMER_SIGNED:
        cur.signed_at, cur.signature = at, d
        state.status = SIGNED
    elif t == FOLLOW_UP_RECORDED:
        cur.follow_up, cur.follow_up_at, cur.follow_up_data = d["result"], at, d
        state.status = FOLLOWED_UP if d["result"] == "satisfied" else UNSATISFIED
    elif t == CLOSED_EV:
        cur.closed_at, cur.filed_category = at, cur.classification
        state.status = CLOSED
    elif t == REWORK_OPENED and str(d.get("rework_ticket_id") or "").strip():
        cur.rework_ticket_id = str(d["rework_ticket_id"]).strip()
        cur.rework_reason = d["reason"].strip()
        cur.closed_at, cur.filed_category = at, REWORKED_CATEGORY
        state.status = CLOSED
    elif t == REWORK_OPENED:
        state.previous_rounds.append(cur)
        state.current = RoundState(number=cur.number + 1, started_at=at, rework_reason=d["reason"].strip())
        if _as_int(d.get("assign_to")) is not None:
            if _as_int(d["assign_to"]) != state.assignee_id:
                state.accepted_at = None
            state.assignee_id, state.assigned_at = _as_int(d["assign_to"]), at
        state.status = REWORK


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
    return (seq is None, seq or 0, _aware(event.received_at), str(event.id))


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
    state = TicketState.initial(_aware(reported_at), initial_assignee_id)
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


# --------------------------------------------------------------------------- small parsers


def _as_int(value: Any) -> int | None:
    """An integer id from JSON (number or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_decimal(value: Any) -> Decimal | None:
    """A money amount from JSON (number or text), else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _as_date(value: Any) -> date | None:
    """An ISO date from JSON, else None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _is_sha256(value: Any) -> bool:
    """True for a blob reference: 64 lower-case hex digits."""
    return isinstance(value, str) and bool(_SHA256.match(value))
