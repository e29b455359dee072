"""The repair ticket's life-cycle: every transition and every refusal, the fold, and record_event."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.support.factories import make_customer, make_user
from tests.support.repair_builders import DEFAULT_DATA, Ev, beijing, events, fold, make_ticket, step
from webapp.auth.models import Role
from webapp.errors import DomainError, Forbidden, NotFound
from webapp.extensions import db
from webapp.repairs import lifecycle as lc
from webapp.repairs.events import EventConflict, RepairEvent, record_event, record_event_for, refresh_ticket, ticket_state
from webapp.repairs.state import report_time
from webapp.repairs.vocabulary import CLASSIFICATIONS, Event, Fault, Status

ON_SITE = ("arrived",)
GENERAL_DONE = ("arrived", "classified", "resolved")
SIGNED = GENERAL_DONE + ("customer_signed",)


def refused(*steps, assignee=7) -> DomainError:
    """The error raised by the last step (all steps before it must pass)."""
    with pytest.raises(DomainError) as caught:
        fold(*steps, assignee=assignee)
    return caught.value


def classified(kind: str):
    """A classified step of this kind."""
    return step("classified", classification=kind)


# --------------------------------------------------------------------------- assignment and arrival


def test_new_ticket_without_assignee_is_reported():
    """A ticket nobody is assigned to starts as 'reported'."""
    assert fold(assignee=None).status == Status.REPORTED


def test_assigned_event_assigns():
    """The office assigns a technician: 'assigned', with that technician."""
    state = fold(step("assigned", user_id=12), assignee=None)
    assert (state.status, state.assignee_id) == (Status.ASSIGNED, 12)


def test_ticket_assigned_at_intake_starts_assigned():
    """A ticket created with an assignee starts as 'assigned'."""
    assert fold(assignee=7).status == Status.ASSIGNED


def test_reassignment_keeps_the_status():
    """Reassigning while on site changes the assignee, not the status."""
    state = fold("arrived", step("assigned", user_id=9))
    assert (state.status, state.assignee_id) == (Status.ON_SITE, 9)


def test_assignee_accepts():
    """The assigned technician accepts the ticket."""
    evs = events("accepted")
    evs[0].user_id = 7
    state = lc.fold_events(evs, reported_at=beijing(2026, 3, 2), initial_assignee_id=7, strict=True)
    assert state.accepted_at is not None and state.status == Status.ASSIGNED


def test_someone_else_cannot_accept():
    """Only the assignee may accept."""
    evs = events("accepted")
    evs[0].user_id = 99
    with pytest.raises(DomainError, match="Only the assigned technician"):
        lc.fold_events(evs, reported_at=beijing(2026, 3, 2), initial_assignee_id=7, strict=True)


def test_accept_before_assignment_is_refused():
    """Nobody assigned: nothing to accept."""
    assert "Nobody is assigned" in refused("accepted", assignee=None).message


def test_accept_twice_is_refused():
    """A ticket is accepted once."""
    assert "already accepted" in refused("accepted", "accepted").message


def test_accept_after_arrival_is_refused():
    """Once on site there is nothing left to accept."""
    assert "already started" in refused("arrived", "accepted").message


def test_arrival_puts_the_ticket_on_site():
    """Arrival moves an assigned ticket on site."""
    state = fold("arrived")
    assert state.status == Status.ON_SITE and state.current.arrived_at is not None


def test_arrival_before_assignment_is_refused():
    """A ticket nobody is assigned to cannot record an arrival."""
    err = refused("arrived", assignee=None)
    assert "Assign a technician" in err.message and err.code == "illegal_step"


def test_second_visit_keeps_first_arrival_time():
    """A second visit counts, but the arrival clock keeps the first arrival."""
    state = fold("arrived", classified("difficult"), "arrived")
    first = state.steps[0].at
    assert state.current.visits == 2 and state.current.arrived_at == first


# --------------------------------------------------------------------------- classification


@pytest.mark.parametrize("kind", CLASSIFICATIONS)
def test_each_classification_is_recorded(kind):
    """Every kind of fault can be recorded on site and becomes the ticket's category."""
    state = fold("arrived", classified(kind))
    assert state.status == Status.CLASSIFIED and state.category == kind


def test_classify_before_arrival_is_refused():
    """The fault is classified on site."""
    assert "arrival on site before classifying" in refused(classified("general")).message


def test_unknown_classification_is_refused():
    """Only the five kinds of DOMAIN.md are accepted."""
    err = refused("arrived", classified("weather"))
    assert err.code == "invalid" and "classification" in err.errors


def test_reclassification_on_site_is_allowed():
    """A fault first thought difficult may turn out general."""
    assert fold("arrived", classified("difficult"), classified("general")).category == Fault.GENERAL


# --------------------------------------------------------------------------- general problem


def test_general_problem_is_resolved():
    """A general problem goes from classified to resolved."""
    assert fold(*GENERAL_DONE).status == Status.RESOLVED


def test_resolve_before_arrival_is_refused():
    """Nothing is resolved before the technician is on site."""
    assert "arrival on site before resolving" in refused("resolved").message


def test_resolve_before_classification_is_refused():
    """The fault must be classified before it is resolved (it is filed by its category)."""
    assert "Classify the fault before resolving" in refused("arrived", "resolved").message


def test_resolve_twice_is_refused():
    """A resolved repair is not resolved again."""
    assert "already resolved" in refused(*GENERAL_DONE, "resolved").message


# --------------------------------------------------------------------------- factory return


FACTORY = ("arrived", classified("factory_return"))


def test_factory_return_sent_and_back():
    """Sent to the factory, then back: waiting_factory, then back_from_factory."""
    assert fold(*FACTORY, "sent_to_factory").status == Status.WAITING_FACTORY
    assert fold(*FACTORY, "sent_to_factory", "returned_from_factory").status == Status.BACK_FROM_FACTORY


def test_factory_return_resolved_after_return():
    """Back and working: resolved."""
    assert fold(*FACTORY, "sent_to_factory", "returned_from_factory", "resolved").status == Status.RESOLVED


def test_resolve_while_at_the_factory_is_refused():
    """The device is still away."""
    assert "still at the factory" in refused(*FACTORY, "sent_to_factory", "resolved").message


def test_resolve_factory_return_before_sending_is_refused():
    """A factory-return fault is not resolved on the spot."""
    assert "Send the device to the factory" in refused(*FACTORY, "resolved").message


def test_sending_a_general_fault_to_the_factory_is_refused():
    """Only a factory-return fault goes to the factory."""
    assert "Classify the fault as a factory return" in refused("arrived", classified("general"), "sent_to_factory").message


def test_sending_twice_is_refused():
    """A device already at the factory cannot be sent again."""
    assert "already at the factory" in refused(*FACTORY, "sent_to_factory", "sent_to_factory").message


def test_return_without_sending_is_refused():
    """Nothing comes back that was not sent."""
    assert "has not been sent" in refused(*FACTORY, "returned_from_factory").message


def test_second_trip_keeps_the_first_send_time():
    """Back still broken and sent again: two trips, the clock starts from the first."""
    state = fold(*FACTORY, "sent_to_factory", "returned_from_factory", "sent_to_factory")
    first_send = state.steps[2].at
    assert state.current.factory_trips == 2 and state.current.sent_to_factory_at == first_send


def test_reclassify_while_at_the_factory_is_refused():
    """The kind of fault is fixed once the device has gone."""
    assert "gone to the factory" in refused(*FACTORY, "sent_to_factory", classified("general")).message


def test_factory_exception_is_kept():
    """A noted special circumstance (特殊情况) is kept for the clock."""
    state = fold(*FACTORY, step("sent_to_factory", exception="厂家春节停工"))
    assert state.current.factory_exception == "厂家春节停工"


# --------------------------------------------------------------------------- difficult fault


DIFFICULT = ("arrived", classified("difficult"))


def test_difficult_fault_escalated_when_supervisor_informed():
    """Telling the supervisor escalates a difficult fault."""
    assert fold(*DIFFICULT, "supervisor_informed").status == Status.ESCALATED


@pytest.mark.parametrize("kind", [k for k in CLASSIFICATIONS if k != "difficult"])
def test_the_supervisor_is_told_only_of_a_difficult_fault(kind):
    """Reporting any other kind of fault to the supervisor is refused, whichever door it comes through."""
    err = refused("arrived", classified(kind), "supervisor_informed")
    assert (err.code, err.message) == ("illegal_step", "Only a difficult fault is reported to the supervisor.")


def test_the_supervisor_is_not_told_before_the_fault_is_classified():
    """Until the fault is classified difficult there is nothing to report to the supervisor."""
    assert "Only a difficult fault" in refused("arrived", "supervisor_informed").message


def test_the_supervisor_is_told_once_a_round():
    """A second report of the same difficult fault is refused; the offered steps leave it out."""
    assert "already knows" in refused(*DIFFICULT, "supervisor_informed", "supervisor_informed").message
    assert "supervisor_informed" not in lc.allowed_events(fold(*DIFFICULT, "supervisor_informed"))
    assert "supervisor_informed" in lc.allowed_events(fold(*DIFFICULT))


def test_escalation_decision_is_recorded():
    """The supervisor's decision with a vendor is kept."""
    state = fold(*DIFFICULT, "supervisor_informed", "escalation_decision")
    assert state.current.decisions[0]["vendor_name"] == "海康威视技术支持"


def test_vendor_decision_needs_the_vendor():
    """A decision with a vendor names the vendor."""
    err = refused(*DIFFICULT, "supervisor_informed", step("escalation_decision", vendor_name=""))
    assert "vendor_name" in err.errors


def test_decision_before_informing_is_refused():
    """The supervisor must be told before a decision is recorded."""
    assert "to the supervisor before recording a decision" in refused(*DIFFICULT, "escalation_decision").message


def test_decision_on_a_general_fault_is_refused():
    """Only difficult faults are escalated."""
    assert "Only a difficult fault" in refused("arrived", classified("general"), "escalation_decision").message


def test_resolve_difficult_before_informing_is_refused():
    """A difficult fault is reported to the supervisor before it is resolved."""
    assert "Report this difficult fault" in refused(*DIFFICULT, "resolved").message


def test_escalated_fault_is_resolved():
    """After the supervisor is told, the fault can be resolved."""
    assert fold(*DIFFICULT, "supervisor_informed", "escalation_decision", "resolved").status == Status.RESOLVED


# --------------------------------------------------------------------------- vandalism / out of warranty


@pytest.mark.parametrize("kind", lc.QUOTE_CLASSES)
def test_quote_waits_for_approval(kind):
    """A quote for vandalism or out-of-warranty waits for the customer's approval."""
    assert fold("arrived", classified(kind), "quote_recorded").status == Status.WAITING_APPROVAL


@pytest.mark.parametrize("kind", lc.QUOTE_CLASSES)
def test_repair_before_quote_is_refused(kind):
    """No repair of vandalism / out-of-warranty without a quote."""
    err = refused("arrived", classified(kind), "resolved")
    assert "approve the quote before the repair" in err.message and err.code == "quote_not_approved"


def test_repair_before_approval_is_refused():
    """A recorded quote still blocks the repair until approved."""
    err = refused("arrived", classified("vandalism"), "quote_recorded", "resolved")
    assert err.code == "quote_not_approved"


def test_approved_quote_allows_the_repair():
    """Approved (named approver and date): the repair goes on and is resolved."""
    state = fold("arrived", classified("vandalism"), "quote_recorded", "quote_approved", "resolved")
    assert state.status == Status.RESOLVED and state.current.quote_status == "approved"


def test_approval_by_signature():
    """A signature (blob hash) is enough to approve."""
    state = fold("arrived", classified("vandalism"), "quote_recorded", ("quote_approved", {"signature": "b" * 64}))
    assert state.status == Status.APPROVED


def test_approval_needs_signature_or_named_approver():
    """An approval with neither signature nor approver is refused."""
    err = refused("arrived", classified("vandalism"), "quote_recorded", ("quote_approved", {}))
    assert "approver_name" in err.errors and "approved_on" in err.errors


def test_quote_needs_an_amount():
    """A quote without an amount is refused."""
    err = refused("arrived", classified("vandalism"), step("quote_recorded", amount="about 500"))
    assert "amount" in err.errors


def test_revised_quote_replaces_the_first():
    """A second quote while waiting replaces the first."""
    state = fold("arrived", classified("vandalism"), "quote_recorded", step("quote_recorded", amount="520"))
    assert state.current.quote["amount"] == "520"


def test_quote_for_a_general_fault_is_refused():
    """Quotes are for vandalism and devices past warranty."""
    assert "only made for vandalism" in refused("arrived", classified("general"), "quote_recorded").message


def test_approval_without_a_quote_is_refused():
    """There is nothing to approve yet."""
    assert "No quote is waiting" in refused("arrived", classified("vandalism"), "quote_approved").message


def test_approving_twice_is_refused():
    """An approved quote is not approved again."""
    assert "already approved" in refused("arrived", classified("vandalism"), "quote_recorded", "quote_approved", "quote_approved").message


def test_reclassify_during_a_quote_is_refused():
    """A quote under way fixes the kind of fault."""
    assert "quote is under way" in refused("arrived", classified("vandalism"), "quote_recorded", classified("general")).message


def test_declined_quote_closes_the_ticket():
    """A declined quote closes the ticket, filed as 'quote_declined'."""
    state = fold("arrived", classified("out_of_warranty"), "quote_recorded", "quote_declined")
    assert state.status == Status.CLOSED and state.current.filed_category == lc.QUOTE_DECLINED_CATEGORY


def test_rework_after_declined_quote_is_refused():
    """Nothing was repaired, so there is nothing to rework."""
    assert "declined the quote" in refused("arrived", classified("vandalism"), "quote_recorded", "quote_declined", "rework_opened").message


# --------------------------------------------------------------------------- signature, follow-up, closing


def test_customer_signs_after_resolution():
    """The customer signs the repair form once resolved."""
    assert fold(*SIGNED).status == Status.SIGNED


def test_signature_before_resolution_is_refused():
    """The form is signed after the repair."""
    assert "not resolved yet" in refused("arrived", classified("general"), "customer_signed").message


def test_signature_twice_is_refused():
    """A signed form stays signed."""
    assert "already signed" in refused(*SIGNED, "customer_signed").message


def test_signature_needs_a_signature():
    """A signed step without signature or signer name is refused."""
    assert "signature" in refused(*GENERAL_DONE, ("customer_signed", {})).errors


def test_close_without_signature_is_refused():
    """A resolved but unsigned repair cannot be closed."""
    assert "has not signed" in refused(*GENERAL_DONE, "closed").message


def test_close_an_open_ticket_is_refused():
    """An open ticket cannot be closed."""
    assert "has not signed" in refused("arrived", "closed").message


def test_signed_ticket_closes_and_files_by_category():
    """Closing a signed repair files it under its classification."""
    state = fold("arrived", classified("factory_return"), "sent_to_factory", "returned_from_factory",
                 "resolved", "customer_signed", "closed")
    assert state.status == Status.CLOSED and state.current.filed_category == Fault.FACTORY_RETURN


def test_follow_up_on_an_open_ticket_is_refused():
    """The follow-up call comes after the signature."""
    assert "still open" in refused("arrived", "follow_up_recorded").message


def test_follow_up_on_resolved_unsigned_is_refused():
    """Resolved but not signed: still too early to call back."""
    assert "still open" in refused(*GENERAL_DONE, "follow_up_recorded").message


def test_satisfied_follow_up_then_close():
    """Satisfied: followed up, then closed and filed."""
    assert fold(*SIGNED, "follow_up_recorded").status == Status.FOLLOWED_UP
    state = fold(*SIGNED, "follow_up_recorded", "closed")
    assert state.status == Status.CLOSED and state.current.filed_category == Fault.GENERAL


def test_second_follow_up_is_refused():
    """One follow-up call per round."""
    assert "already recorded" in refused(*SIGNED, "follow_up_recorded", "follow_up_recorded").message


def test_not_satisfied_needs_a_reason():
    """An unhappy customer's reason is recorded."""
    assert "reason" in refused(*SIGNED, ("follow_up_recorded", {"result": "not_satisfied"})).errors


def test_not_satisfied_blocks_closing():
    """An unhappy customer's ticket is not closed but reworked."""
    unhappy = ("follow_up_recorded", {"result": "not_satisfied", "reason": "态度差"})
    assert fold(*SIGNED, unhappy).status == Status.UNSATISFIED
    assert "open a rework instead" in refused(*SIGNED, unhappy, "closed").message


def test_work_after_unsatisfied_needs_a_rework_first():
    """No new arrival until the rework is opened."""
    unhappy = ("follow_up_recorded", {"result": "not_satisfied", "reason": "仍然偏暗"})
    assert "open a rework first" in refused(*SIGNED, unhappy, "arrived").message


# --------------------------------------------------------------------------- closed and rework


CLOSED = SIGNED + ("closed",)


@pytest.mark.parametrize("kind", [t for t in lc.EVENT_TYPES if t != Event.REWORK_OPENED])
def test_nothing_after_closed_but_rework(kind):
    """Every step but a rework is refused on a closed ticket."""
    assert "closed: only a rework" in refused(*CLOSED, (kind, dict(DEFAULT_DATA.get(kind, {})))).message


def test_rework_from_unsatisfied_starts_round_two():
    """An unsatisfied follow-up leads to a rework: round 2, status 'rework'."""
    unhappy = ("follow_up_recorded", {"result": "not_satisfied", "reason": "仍然偏暗"})
    state = fold(*SIGNED, unhappy, "rework_opened")
    assert (state.status, state.round_number) == (Status.REWORK, 2)
    assert state.previous_rounds[0].follow_up == "not_satisfied"


def test_rework_from_closed_ticket():
    """A complaint after closing reopens the ticket as a rework."""
    assert fold(*CLOSED, "rework_opened").status == Status.REWORK


def test_rework_on_an_open_ticket_is_refused():
    """A rework starts from an unhappy follow-up or a closed ticket."""
    assert "A rework starts from" in refused("arrived", "rework_opened").message


def test_rework_on_signed_ticket_without_follow_up_is_refused():
    """Signed but not followed up: record the follow-up first."""
    assert "A rework starts from" in refused(*SIGNED, "rework_opened").message


def test_rework_runs_the_whole_cycle_again():
    """After a rework the ticket is visited, fixed, signed and closed again."""
    state = fold(*CLOSED, "rework_opened", *CLOSED)
    assert state.status == Status.CLOSED and state.round_number == 2 and len(state.previous_rounds) == 1


def test_rework_can_change_the_technician():
    """A rework may go to another technician."""
    state = fold(*CLOSED, step("rework_opened", assign_to=15, responsible_user_id=7))
    assert state.assignee_id == 15


def test_rework_needs_a_reason():
    """Why the repair is redone is recorded."""
    assert "reason" in refused(*CLOSED, ("rework_opened", {})).errors


def test_unknown_event_is_refused():
    """An event type outside the list is refused."""
    assert refused(("teleported", {})).code == "unknown_event"


def test_allowed_events_on_site():
    """On site, the next steps offered are the ones the rules allow."""
    allowed = lc.allowed_events(fold("arrived"))
    assert "classified" in allowed and "resolved" not in allowed and "closed" not in allowed


# --------------------------------------------------------------------------- order and clocks


def test_fold_uses_receipt_order_not_list_order():
    """Events handed over shuffled are folded by their receipt sequence."""
    evs = events("arrived", "classified", "resolved")
    state = lc.fold_events(list(reversed(evs)), reported_at=beijing(2026, 3, 2), initial_assignee_id=7, strict=True)
    assert state.status == Status.RESOLVED


def test_device_clock_a_year_ahead_gives_the_same_state():
    """A tablet a year in the future: same state, and the server's receipt times are used."""
    right = fold(*CLOSED)
    ahead = fold(*CLOSED, device_skew=timedelta(days=365))
    assert ahead.status == right.status == Status.CLOSED
    assert all(s.basis == "server" for s in ahead.steps)


def test_device_clock_a_year_behind_gives_the_same_state():
    """A tablet a year in the past: same state; device times before the report are not believed."""
    behind = fold(*CLOSED, device_skew=-timedelta(days=365))
    assert behind.status == Status.CLOSED
    assert [s.at for s in behind.steps] == [s.received_at for s in behind.steps]


def test_device_times_in_reverse_order_do_not_reorder():
    """Device times running backwards do not change the order of steps."""
    evs = events("arrived", "classified", "resolved")
    for i, ev in enumerate(evs):
        ev.device_time = beijing(2026, 3, 2, 12) - timedelta(minutes=10 * i)
    state = lc.fold_events(evs, reported_at=beijing(2026, 3, 2, 9), initial_assignee_id=7, strict=True)
    assert [s.type for s in state.steps] == ["arrived", "classified", "resolved"]


def test_plausible_device_time_is_used():
    """A device time between the report and the receipt is the time used."""
    ev = Ev("arrived", {}, 1, beijing(2026, 3, 2, 18), beijing(2026, 3, 2, 10, 30))
    assert lc.effective_time(ev, beijing(2026, 3, 2, 9)) == (beijing(2026, 3, 2, 10, 30), "device")


def test_device_time_a_little_ahead_is_capped_at_receipt():
    """A device clock five minutes fast is believed but never later than the receipt."""
    ev = Ev("arrived", {}, 1, beijing(2026, 3, 2, 10), beijing(2026, 3, 2, 10, 5))
    assert lc.effective_time(ev, beijing(2026, 3, 2, 9)) == (beijing(2026, 3, 2, 10), "device")


def test_report_time_typed_an_hour_late_is_kept():
    """A call taken at 08:00 and entered at 09:00 counts from 08:00."""
    assert report_time(beijing(2026, 3, 2, 8), beijing(2026, 3, 2, 9)) == (beijing(2026, 3, 2, 8), "device")


def test_report_time_from_a_wrong_clock_is_replaced():
    """A report time a year before the server got the ticket is replaced by the receipt."""
    assert report_time(beijing(2025, 3, 2, 8), beijing(2026, 3, 2, 9)) == (beijing(2026, 3, 2, 9), "server")


def test_non_strict_fold_skips_an_illegal_event():
    """An event that does not fit is skipped and listed, not fatal."""
    evs = events("resolved", "arrived")
    state = lc.fold_events(evs, reported_at=beijing(2026, 3, 2), initial_assignee_id=7)
    assert state.status == Status.ON_SITE and state.skipped[0][0] == evs[0].id


# --------------------------------------------------------------------------- record_event (database)


@pytest.fixture
def people(app):
    """A customer with its technician, plus office and supervisor."""
    tech = make_user(Role.TECHNICIAN)
    customer = make_customer(technicians=[tech])
    with force_locale("en"):  # the messages asserted below are the English ones
        yield {
            "tech": tech,
            "customer": customer,
            "office": make_user(Role.OFFICE),
            "supervisor": make_user(Role.SUPERVISOR),
        }


def run_steps(ticket, steps, who, start=None, device_skew=timedelta(0)):
    """Record (type, data, user) steps a few minutes apart through record_event, committing each."""
    start = start or ticket.reported_at
    for i, (kind, data, user) in enumerate(steps, start=1):
        received = start + timedelta(minutes=15 * i)
        record_event(ticket, kind, data, who[user], device_time=received - timedelta(minutes=2) + device_skew,
                     client_id="c0ffee00-0000-4000-8000-000000000001", now=received)
        db.session.commit()


FULL_GENERAL = [
    ("arrived", {}, "tech"),
    ("classified", {"classification": "general"}, "tech"),
    ("resolved", DEFAULT_DATA["resolved"], "tech"),
    ("customer_signed", DEFAULT_DATA["customer_signed"], "tech"),
    ("follow_up_recorded", DEFAULT_DATA["follow_up_recorded"], "office"),
    ("closed", {}, "office"),
]


def test_record_event_appends_and_updates_the_ticket(people):
    """Recording arrival and classification appends two events and sets status and category."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(ticket, FULL_GENERAL[:2], people)
    assert (ticket.status, ticket.category) == (Status.CLASSIFIED, Fault.GENERAL)
    assert db.session.scalar(select(func.count()).select_from(RepairEvent)) == 2


def test_full_cycle_closes_and_files(people):
    """The whole general cycle ends closed, filed as general, with resolved_at and closed_at set."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(ticket, FULL_GENERAL, people)
    assert (ticket.status, ticket.filed_category) == (Status.CLOSED, Fault.GENERAL)
    assert ticket.resolved_at is not None and ticket.closed_at is not None


def test_receipt_sequence_rises(people):
    """Each event takes a higher receipt sequence than the one before."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(ticket, FULL_GENERAL[:3], people)
    seqs = list(db.session.scalars(select(RepairEvent.received_seq).order_by(RepairEvent.received_at)))
    assert seqs == sorted(seqs) and len(set(seqs)) == 3


def test_event_keeps_device_and_receipt_times(people):
    """Both the device's time and the server's receipt time are stored."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"], reported_at=beijing(2026, 3, 2, 9))
    event = record_event(ticket, "arrived", {}, people["tech"], device_time=beijing(2026, 3, 2, 10),
                         now=beijing(2026, 3, 2, 17))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(RepairEvent, event.id)
    assert stored.device_time == beijing(2026, 3, 2, 10) and stored.received_at == beijing(2026, 3, 2, 17)


def test_illegal_step_appends_nothing(people):
    """Resolving before arriving is refused and leaves no event."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    with pytest.raises(DomainError, match="arrival on site before resolving"):
        record_event(ticket, "resolved", {}, people["tech"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RepairEvent)) == 0


def test_technician_cannot_record_a_quote(people):
    """Quotes are the supervisor's."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(ticket, [("arrived", {}, "tech"), ("classified", {"classification": "vandalism"}, "tech")], people)
    with pytest.raises(Forbidden):
        record_event(ticket, "quote_recorded", DEFAULT_DATA["quote_recorded"], people["tech"])


def test_technician_cannot_close(people):
    """Closing and filing is the office's."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(ticket, FULL_GENERAL[:4], people)
    with pytest.raises(Forbidden):
        record_event(ticket, "closed", {}, people["tech"])


def test_supervisor_records_quote_and_technician_captures_approval(people):
    """The supervisor quotes, the tablet captures the approval, the repair goes on."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(ticket, [
        ("arrived", {}, "tech"),
        ("classified", {"classification": "out_of_warranty"}, "tech"),
        ("quote_recorded", DEFAULT_DATA["quote_recorded"], "supervisor"),
        ("quote_approved", {"signature": "c" * 64}, "tech"),
        ("resolved", {}, "tech"),
    ], people)
    assert ticket.status == Status.RESOLVED


def test_technician_of_another_customer_sees_nothing(people):
    """A technician not responsible for the customer gets NotFound."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    stranger = make_user(Role.TECHNICIAN)
    with pytest.raises(NotFound):
        record_event(ticket, "arrived", {}, stranger)


def test_assigning_a_disabled_user_is_refused(people):
    """Only active people can be assigned."""
    ticket = make_ticket(people["customer"])
    gone = make_user(Role.TECHNICIAN)
    gone.active = False
    db.session.commit()
    with pytest.raises(DomainError, match="cannot be chosen"):
        record_event(ticket, "assigned", {"user_id": gone.id}, people["office"])


def test_assignment_sets_the_ticket_assignee(people):
    """An assigned event changes the ticket's assignee and status."""
    ticket = make_ticket(people["customer"])
    record_event(ticket, "assigned", {"user_id": people["tech"].id}, people["office"])
    db.session.commit()
    assert (ticket.status, ticket.assigned_to_id) == (Status.ASSIGNED, people["tech"].id)


def test_reassignment_does_not_rewrite_history(people):
    """Arrived under the intake's assignee, then reassigned: the arrival still stands."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    other = make_user(Role.TECHNICIAN, customers=[people["customer"]])
    run_steps(ticket, [("arrived", {}, "tech"), ("assigned", {"user_id": other.id}, "office")], people)
    state = ticket_state(ticket)
    assert state.status == Status.ON_SITE and not state.skipped


def test_resent_event_id_is_a_duplicate(people):
    """The same event id with the same content returns the stored event; nothing is added."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    first = record_event(ticket, "arrived", {"note": "到达"}, people["tech"], event_id="11111111-1111-4111-8111-111111111111")
    db.session.commit()
    again = record_event(ticket, "arrived", {"note": "到达"}, people["tech"], event_id="11111111-1111-4111-8111-111111111111")
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(RepairEvent)) == 1


def test_resent_event_id_with_other_content_conflicts(people):
    """The same event id with different content is a conflict."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    record_event(ticket, "arrived", {"note": "到达"}, people["tech"], event_id="22222222-2222-4222-8222-222222222222")
    db.session.commit()
    with pytest.raises(EventConflict):
        record_event(ticket, "arrived", {"note": "改了"}, people["tech"], event_id="22222222-2222-4222-8222-222222222222")


def test_device_clock_a_year_off_same_ticket_state(people):
    """Two tickets, one recorded from a tablet a year fast: same status, category and filing."""
    right = make_ticket(people["customer"], assigned_to=people["tech"])
    wrong = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(right, FULL_GENERAL, people)
    run_steps(wrong, FULL_GENERAL, people, device_skew=timedelta(days=365))
    assert (wrong.status, wrong.category, wrong.filed_category) == (right.status, right.category, right.filed_category)
    assert [s.type for s in ticket_state(wrong).steps] == [s.type for s in ticket_state(right).steps]


def test_refresh_ticket_after_intake(people):
    """A ticket created with an assignee shows 'assigned' once refreshed."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    refresh_ticket(ticket)
    db.session.commit()
    assert ticket.status == Status.ASSIGNED


def test_rework_round_is_stored_on_the_ticket(people):
    """A rework after closing reopens the ticket in round 2."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"])
    run_steps(ticket, FULL_GENERAL + [("rework_opened", {"reason": "又坏了", "responsible_user_id": people["tech"].id}, "office")], people)
    assert (ticket.status, ticket.rework_round, ticket.closed_at) == (Status.REWORK, 2, None)


def test_a_step_on_a_ticket_named_by_id_keeps_the_id_it_came_with(people):
    """A step from the field app (ticket named by id, device time in UTC) is recorded under its own id."""
    ticket = make_ticket(people["customer"], assigned_to=people["tech"], reported_at=beijing(2026, 3, 2, 9))
    event = record_event_for(people["tech"], ticket.id, "arrived", {}, device_time=beijing(2026, 3, 2, 10, 30),
                             client_id="c0ffee00-0000-4000-8000-000000000002",
                             event_id="33333333-3333-4333-8333-333333333333")
    assert event.id == "33333333-3333-4333-8333-333333333333"
    assert event.device_time == beijing(2026, 3, 2, 10, 30) and ticket.status == Status.ON_SITE
